export {
  SqliteCredentialStore,
  CREDENTIALS_DB_FILE,
  type SqliteCredentialStoreOptions,
} from './sqlite-credential-store.js';
export { loadMasterKey, MASTER_KEY_BYTES, MASTER_KEY_FILE } from './load-master-key.js';
