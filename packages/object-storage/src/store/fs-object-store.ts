import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { S3Error } from '@keyless/core';
import type {
  BucketInfo,
  ByteRange,
  DeleteObjectOptions,
  DeleteObjectResult,
  ListObjectsOptions,
  ListObjectsResult,
  ListPartsResult,
  ListUploadsOptions,
  ListUploadsResult,
  MultipartUploadInfo,
  ListVersionsOptions,
  ListVersionsResult,
  ObjectExtrasUpdate,
  ObjectInfo,
  ObjectStore,
  ObjectWriteInput,
  PartInfo,
  VersioningStatus,
  VersionSelector,
} from '@keyless/core';
import type { Readable } from 'node:stream';
import { BlobPins } from './blob-pins.js';
import { BlobStore, type BlobStoreFaults } from './blob-store.js';
import { MetadataIndex } from './metadata-index.js';
import {
  abortMultipartUpload,
  completeMultipartUpload,
  createMultipartUpload,
  listMultipartUploads,
  listParts,
  uploadPart,
  type CompleteUploadInput,
  type CreateUploadInput,
  type UploadPartInput,
} from './multipart-operations.js';
import { listObjects, listObjectVersions } from './object-listings.js';
import { deleteObject, putObject, updateObjectVersion } from './object-writes.js';
import { openObject } from './open-object.js';
import { discard, type StoreContext } from './store-context.js';
import { requireVersion } from './version-access.js';

/** Options of {@link FsObjectStore.open}. */
export interface FsObjectStoreOptions {
  /** Disk fault injection, for tests only. */
  faults?: BlobStoreFaults;
  /**
   * How many blob files `openObject` opens before returning (default 16); the other parts of a
   * large multipart object open as the stream reaches them, to bound descriptors per request.
   */
  eagerOpens?: number;
}

const DEFAULT_EAGER_OPENS = 16;

/**
 * The disk {@link ObjectStore}: metadata in SQLite (`<dataDir>/meta.db`, see {@link MetadataIndex})
 * and bytes in immutable blob files (`<dataDir>/blobs/`, see {@link BlobStore}).
 *
 * A write streams into a new blob, then commits one metadata transaction (running the caller's
 * precondition inside it); only after the commit are replaced blobs unlinked. So a failed write
 * leaves nothing visible, a reader sees either the old or the new object, and a crash leaves at
 * most orphan blobs, which {@link FsObjectStore.open} sweeps. A read stream keeps its blobs: it
 * holds open descriptors, and blobs it has not opened yet are pinned (their unlink waits).
 *
 * The object, listing and multipart operations live in their own modules (`object-writes.ts`,
 * `open-object.ts`, `object-listings.ts`, `multipart-operations.ts`) over a shared {@link StoreContext}.
 */
export class FsObjectStore implements ObjectStore {
  readonly #ctx: StoreContext;
  readonly #index: MetadataIndex;

  private constructor(index: MetadataIndex, blobs: BlobStore, eagerOpens: number) {
    this.#ctx = { index, blobs, eagerOpens, pins: new BlobPins() };
    this.#index = index;
  }

  /**
   * Opens (creating if needed) the store in `dataDir`: clears `tmp/`, migrates and quick-checks
   * `meta.db` (refusing to start on a damaged database), and deletes orphan blobs left by a crash.
   */
  static async open(dataDir: string, opts: FsObjectStoreOptions = {}): Promise<FsObjectStore> {
    await mkdir(dataDir, { recursive: true });
    const blobs = new BlobStore(dataDir, { faults: opts.faults });
    await blobs.init();
    const index = MetadataIndex.open(join(dataDir, 'meta.db'));
    try {
      const check = index.quickCheck();
      if (check.length !== 1 || check[0] !== 'ok') throw new Error(`${join(dataDir, 'meta.db')} is damaged: ${check.slice(0, 5).join('; ')}`);
      await blobs.sweep(index.referencedBlobIds());
    } catch (err) {
      index.close();
      throw err;
    }
    return new FsObjectStore(index, blobs, opts.eagerOpens ?? DEFAULT_EAGER_OPENS);
  }

  /** `PRAGMA integrity_check` of the metadata database: `['ok']` when healthy. */
  integrityCheck(): string[] {
    return this.#index.integrityCheck();
  }

  async createBucket(name: string, opts: { region: string; objectLockEnabled?: boolean }): Promise<BucketInfo> {
    const bucket: BucketInfo = { name, createdAt: new Date(), region: opts.region };
    if (opts.objectLockEnabled) {
      bucket.objectLockEnabled = true;
      bucket.versioning = 'Enabled';
    }
    this.#index.transact(() => {
      if (this.#index.buckets.get(name)) throw new S3Error('BucketAlreadyOwnedByYou', undefined, { BucketName: name });
      this.#index.buckets.insert(bucket);
    });
    return bucket;
  }

  async getBucket(name: string): Promise<BucketInfo | undefined> {
    return this.#index.buckets.get(name);
  }

  async listBuckets(): Promise<BucketInfo[]> {
    return this.#index.buckets.list();
  }

  async deleteBucket(name: string): Promise<void> {
    const garbage = this.#index.transact(() => {
      this.#index.buckets.require(name);
      if (this.#index.versions.hasObjects(name)) throw new S3Error('BucketNotEmpty', undefined, { BucketName: name });
      const blobs = this.#index.uploads.idsOfBucket(name).flatMap((id) => this.#index.uploads.delete(id));
      this.#index.buckets.deleteRow(name);
      return blobs;
    });
    await discard(this.#ctx, garbage);
  }

  async getBucketConfig(bucket: string, kind: string): Promise<string | undefined> {
    this.#index.buckets.require(bucket);
    return this.#index.buckets.getConfig(bucket, kind);
  }

  async putBucketConfig(bucket: string, kind: string, value: string | undefined): Promise<void> {
    this.#index.transact(() => {
      this.#index.buckets.require(bucket);
      this.#index.buckets.setConfig(bucket, kind, value);
    });
  }

  async setBucketVersioning(bucket: string, status: VersioningStatus): Promise<void> {
    this.#index.transact(() => {
      const info = this.#index.buckets.require(bucket);
      if (info.objectLockEnabled && status !== 'Enabled') {
        throw new S3Error('InvalidBucketState', 'An Object Lock configuration is present on this bucket, so the versioning state cannot be changed.');
      }
      this.#index.buckets.setVersioning(bucket, status);
    });
  }

  async enableObjectLock(bucket: string): Promise<void> {
    this.#index.transact(() => {
      const info = this.#index.buckets.require(bucket);
      if (info.versioning !== 'Enabled') throw new S3Error('InvalidBucketState', 'Versioning must be \'Enabled\' on the bucket to apply a Object Lock configuration');
      this.#index.buckets.setObjectLock(bucket);
    });
  }

  async putObject(input: ObjectWriteInput): Promise<ObjectInfo> {
    return putObject(this.#ctx, input);
  }

  async getObjectInfo(bucket: string, key: string, opts: VersionSelector = {}): Promise<ObjectInfo> {
    return requireVersion(this.#index, bucket, key, opts.versionId).info;
  }

  async openObject(
    bucket: string,
    key: string,
    select?: (info: ObjectInfo) => ByteRange | undefined,
    opts: VersionSelector = {},
  ): Promise<{ info: ObjectInfo; range?: ByteRange; body: Readable }> {
    return openObject(this.#ctx, bucket, key, select, opts);
  }

  async deleteObject(bucket: string, key: string, opts: DeleteObjectOptions = {}): Promise<DeleteObjectResult> {
    return deleteObject(this.#ctx, bucket, key, opts);
  }

  async updateObjectAttributes(
    bucket: string,
    key: string,
    versionId: string | undefined,
    patch: Record<string, string | undefined>,
    precondition?: (current: ObjectInfo) => void,
  ): Promise<ObjectInfo> {
    return this.updateObjectVersion(bucket, key, versionId, { attributes: patch }, precondition);
  }

  async updateObjectVersion(
    bucket: string,
    key: string,
    versionId: string | undefined,
    update: ObjectExtrasUpdate,
    precondition?: (current: ObjectInfo) => void,
  ): Promise<ObjectInfo> {
    return updateObjectVersion(this.#ctx, bucket, key, versionId, update, precondition);
  }

  async listObjectVersions(bucket: string, opts: ListVersionsOptions): Promise<ListVersionsResult> {
    return listObjectVersions(this.#index, bucket, opts);
  }

  async listObjects(bucket: string, opts: ListObjectsOptions): Promise<ListObjectsResult> {
    return listObjects(this.#index, bucket, opts);
  }

  async createMultipartUpload(input: CreateUploadInput): Promise<MultipartUploadInfo> {
    return createMultipartUpload(this.#index, input);
  }

  async getMultipartUpload(bucket: string, key: string, uploadId: string): Promise<MultipartUploadInfo> {
    this.#index.buckets.require(bucket);
    return this.#index.uploads.require(bucket, key, uploadId);
  }

  async uploadPart(input: UploadPartInput): Promise<PartInfo> {
    return uploadPart(this.#ctx, input);
  }

  async completeMultipartUpload(input: CompleteUploadInput): Promise<ObjectInfo> {
    return completeMultipartUpload(this.#ctx, input);
  }

  async abortMultipartUpload(bucket: string, key: string, uploadId: string): Promise<void> {
    return abortMultipartUpload(this.#ctx, bucket, key, uploadId);
  }

  async listParts(
    bucket: string,
    key: string,
    uploadId: string,
    opts: { partNumberMarker?: number; maxParts: number },
  ): Promise<ListPartsResult> {
    return listParts(this.#index, bucket, key, uploadId, opts);
  }

  async listMultipartUploads(bucket: string, opts: ListUploadsOptions): Promise<ListUploadsResult> {
    return listMultipartUploads(this.#index, bucket, opts);
  }

  async close(): Promise<void> {
    this.#index.close();
  }
}
