export { FsObjectStore, type FsObjectStoreOptions } from './fs-object-store.js';
export type { BlobStoreFaults } from './blob-store.js';
export { inspectFsStore, type FsStoreInspection } from './inspect-fs-store.js';
