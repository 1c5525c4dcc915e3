import { randomBytes } from 'node:crypto';
import { mkdir, open } from 'node:fs/promises';
import { join } from 'node:path';
import { S3Error } from '@keyless/core';
import type {
  BucketInfo,
  ByteRange,
  ChecksumAlgorithm,
  ChecksumMap,
  ListObjectsOptions,
  ListObjectsResult,
  ListPartsResult,
  ListUploadsOptions,
  ListUploadsResult,
  MultipartUploadInfo,
  ObjectHeaders,
  ObjectInfo,
  ObjectStore,
  ObjectWriteInput,
  PartInfo,
} from '@keyless/core';
import type { Readable } from 'node:stream';
import { BlobPins } from './blob-pins.js';
import { BlobRangeReader, piecesOf, type BlobSegment } from './blob-range-reader.js';
import { BlobStore, type BlobStoreFaults, type WrittenBlob } from './blob-store.js';
import { MetadataIndex, type BlobRef, type StoredObject } from './metadata-index.js';
import { multipartEtag, resolveCompletedParts } from './multipart-etag.js';

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
 */
export class FsObjectStore implements ObjectStore {
  readonly #index: MetadataIndex;
  readonly #blobs: BlobStore;
  readonly #eagerOpens: number;
  readonly #pins = new BlobPins();

  private constructor(index: MetadataIndex, blobs: BlobStore, eagerOpens: number) {
    this.#index = index;
    this.#blobs = blobs;
    this.#eagerOpens = eagerOpens;
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

  async createBucket(name: string, opts: { region: string }): Promise<BucketInfo> {
    const bucket: BucketInfo = { name, createdAt: new Date(), region: opts.region };
    this.#index.transact(() => {
      if (this.#index.getBucket(name)) throw new S3Error('BucketAlreadyOwnedByYou', undefined, { BucketName: name });
      this.#index.insertBucket(bucket);
    });
    return bucket;
  }

  async getBucket(name: string): Promise<BucketInfo | undefined> {
    return this.#index.getBucket(name);
  }

  async listBuckets(): Promise<BucketInfo[]> {
    return this.#index.listBuckets();
  }

  async deleteBucket(name: string): Promise<void> {
    const garbage = this.#index.transact(() => {
      this.#index.requireBucket(name);
      if (this.#index.hasObjects(name)) throw new S3Error('BucketNotEmpty', undefined, { BucketName: name });
      const blobs = this.#index.uploadIdsOfBucket(name).flatMap((id) => this.#index.deleteUpload(id));
      this.#index.deleteBucketRow(name);
      return blobs;
    });
    await this.#discard(garbage);
  }

  async getBucketConfig(bucket: string, kind: string): Promise<string | undefined> {
    this.#index.requireBucket(bucket);
    return this.#index.getBucketConfig(bucket, kind);
  }

  async putBucketConfig(bucket: string, kind: string, value: string | undefined): Promise<void> {
    this.#index.transact(() => {
      this.#index.requireBucket(bucket);
      this.#index.setBucketConfig(bucket, kind, value);
    });
  }

  async putObject(input: ObjectWriteInput): Promise<ObjectInfo> {
    const { bucket, key } = input;
    this.#index.requireBucket(bucket);
    const blob = await this.#blobs.write(input.body);
    const { info, replaced } = await this.#commitOrDiscard([blob.blobId], () => {
      const info: ObjectInfo = {
        bucket,
        key,
        size: blob.size,
        etag: blob.md5,
        lastModified: new Date(),
        headers: { ...input.headers },
        userMetadata: { ...input.userMetadata },
        checksums: finalizeChecksums(input.finalize),
        storageClass: input.storageClass ?? 'STANDARD',
      };
      const replaced = this.#index.transact(() => {
        this.#index.requireBucket(bucket);
        const current = this.#index.getObject(bucket, key);
        input.precondition?.(current?.info);
        this.#index.putObjectRow({ info, blobs: [{ blobId: blob.blobId, size: blob.size }] });
        return current?.blobs ?? [];
      });
      return { info, replaced };
    });
    await this.#discard(replaced.map((b) => b.blobId));
    return info;
  }

  async getObjectInfo(bucket: string, key: string): Promise<ObjectInfo> {
    return this.#requireObject(bucket, key).info;
  }

  async openObject(
    bucket: string,
    key: string,
    select?: (info: ObjectInfo) => ByteRange | undefined,
  ): Promise<{ info: ObjectInfo; range?: ByteRange; body: Readable }> {
    const object = this.#requireObject(bucket, key);
    const range = select?.(object.info);
    const pieces = piecesOf(object.blobs, range ?? { start: 0, end: object.info.size - 1 });
    // Pin in the same tick as the snapshot: a delete or overwrite committed from now on defers
    // unlinking these blobs until the stream is closed.
    const blobIds = pieces.map((p) => p.blobId);
    this.#pins.pin(blobIds);
    const segments: BlobSegment[] = pieces.map((p) => ({ path: this.#blobs.pathOf(p.blobId), start: p.start, end: p.end }));
    try {
      // Open the first blobs now, so that a missing file fails the request before any byte is
      // sent; the rest (a manifest may have 10 000 parts) open as the stream reaches them.
      for (const segment of segments.slice(0, this.#eagerOpens)) segment.handle = await open(segment.path, 'r');
    } catch (err) {
      await Promise.all(segments.map((s) => s.handle?.close().catch(() => undefined)));
      void this.#discard(this.#pins.unpin(blobIds));
      throw (err as NodeJS.ErrnoException).code === 'ENOENT' ? new S3Error('InternalError') : err;
    }
    const body = new BlobRangeReader(segments, () => void this.#discard(this.#pins.unpin(blobIds)));
    return range ? { info: object.info, range, body } : { info: object.info, body };
  }

  async deleteObject(bucket: string, key: string): Promise<void> {
    const garbage = this.#index.transact(() => {
      this.#index.requireBucket(bucket);
      const current = this.#index.getObject(bucket, key);
      if (current) this.#index.deleteObjectRow(bucket, key);
      return current?.blobs ?? [];
    });
    await this.#discard(garbage.map((b) => b.blobId));
  }

  async listObjects(bucket: string, opts: ListObjectsOptions): Promise<ListObjectsResult> {
    this.#index.requireBucket(bucket);
    const page = this.#index.listObjects(bucket, {
      prefix: opts.prefix ?? '',
      delimiter: opts.delimiter,
      marker: opts.startAfter,
      max: opts.maxKeys,
    });
    const result: ListObjectsResult = {
      objects: page.rows.map((row) => row.info),
      commonPrefixes: page.prefixes,
      isTruncated: page.truncated,
    };
    if (page.truncated && page.last) result.nextMarker = page.last.key;
    return result;
  }

  async createMultipartUpload(input: {
    bucket: string;
    key: string;
    headers: ObjectHeaders;
    userMetadata: Record<string, string>;
    storageClass?: string;
    checksumAlgorithm?: ChecksumAlgorithm;
  }): Promise<MultipartUploadInfo> {
    const upload: MultipartUploadInfo = {
      bucket: input.bucket,
      key: input.key,
      uploadId: randomBytes(24).toString('base64url'),
      initiated: new Date(),
      headers: { ...input.headers },
      userMetadata: { ...input.userMetadata },
      storageClass: input.storageClass ?? 'STANDARD',
    };
    if (input.checksumAlgorithm) upload.checksumAlgorithm = input.checksumAlgorithm;
    this.#index.transact(() => {
      this.#index.requireBucket(input.bucket);
      this.#index.insertUpload(upload);
    });
    return upload;
  }

  async getMultipartUpload(bucket: string, key: string, uploadId: string): Promise<MultipartUploadInfo> {
    this.#index.requireBucket(bucket);
    return this.#index.requireUpload(bucket, key, uploadId);
  }

  async uploadPart(input: {
    bucket: string;
    key: string;
    uploadId: string;
    partNumber: number;
    body: Readable;
    finalize?: () => { checksums?: ChecksumMap };
  }): Promise<PartInfo> {
    const { bucket, key, uploadId, partNumber } = input;
    if (!Number.isInteger(partNumber) || partNumber < 1 || partNumber > 10000) {
      throw new S3Error('InvalidArgument', 'Part number must be an integer between 1 and 10000, inclusive', {
        ArgumentName: 'partNumber',
        ArgumentValue: String(partNumber),
      });
    }
    this.#index.requireBucket(bucket);
    this.#index.requireUpload(bucket, key, uploadId);
    const blob: WrittenBlob = await this.#blobs.write(input.body);
    const { part, replaced } = await this.#commitOrDiscard([blob.blobId], () => {
      const part: PartInfo = {
        partNumber,
        size: blob.size,
        etag: blob.md5,
        lastModified: new Date(),
        checksums: finalizeChecksums(input.finalize),
      };
      const replaced = this.#index.transact(() => {
        // The upload may have been completed or aborted while the body streamed.
        this.#index.requireUpload(bucket, key, uploadId);
        const previous = this.#index.getPart(uploadId, partNumber);
        this.#index.putPart(uploadId, { info: part, blobId: blob.blobId });
        return previous ? [previous.blobId] : [];
      });
      return { part, replaced };
    });
    await this.#discard(replaced);
    return part;
  }

  async completeMultipartUpload(input: {
    bucket: string;
    key: string;
    uploadId: string;
    parts: { partNumber: number; etag: string }[];
    precondition?: (current: ObjectInfo | undefined) => void;
  }): Promise<ObjectInfo> {
    const { bucket, key, uploadId } = input;
    const { info, garbage } = this.#index.transact(() => {
      this.#index.requireBucket(bucket);
      const upload = this.#index.requireUpload(bucket, key, uploadId);
      const parts = resolveCompletedParts(input.parts, (n) => this.#index.getPart(uploadId, n));
      const current = this.#index.getObject(bucket, key);
      input.precondition?.(current?.info);
      const info: ObjectInfo = {
        bucket,
        key,
        size: parts.reduce((sum, p) => sum + p.info.size, 0),
        etag: multipartEtag(parts.map((p) => p.info.etag)),
        lastModified: new Date(),
        headers: upload.headers,
        userMetadata: upload.userMetadata,
        checksums: {},
        storageClass: upload.storageClass,
        partsCount: parts.length,
      };
      const used = new Set(parts.map((p) => p.blobId));
      const unused = this.#index.deleteUpload(uploadId).filter((id) => !used.has(id));
      this.#index.putObjectRow({ info, blobs: parts.map((p): BlobRef => ({ blobId: p.blobId, size: p.info.size })) });
      return { info, garbage: [...unused, ...(current?.blobs.map((b) => b.blobId) ?? [])] };
    });
    await this.#discard(garbage);
    return info;
  }

  async abortMultipartUpload(bucket: string, key: string, uploadId: string): Promise<void> {
    const garbage = this.#index.transact(() => {
      this.#index.requireBucket(bucket);
      this.#index.requireUpload(bucket, key, uploadId);
      return this.#index.deleteUpload(uploadId);
    });
    await this.#discard(garbage);
  }

  async listParts(
    bucket: string,
    key: string,
    uploadId: string,
    opts: { partNumberMarker?: number; maxParts: number },
  ): Promise<ListPartsResult> {
    this.#index.requireBucket(bucket);
    const upload = this.#index.requireUpload(bucket, key, uploadId);
    const rows = this.#index.listParts(uploadId, opts.partNumberMarker ?? 0, opts.maxParts + 1);
    const isTruncated = rows.length > opts.maxParts;
    const parts = rows.slice(0, opts.maxParts).map((p) => p.info);
    const result: ListPartsResult = { upload, parts, isTruncated };
    if (isTruncated && parts.length > 0) result.nextPartNumberMarker = parts[parts.length - 1]!.partNumber;
    return result;
  }

  async listMultipartUploads(bucket: string, opts: ListUploadsOptions): Promise<ListUploadsResult> {
    this.#index.requireBucket(bucket);
    const page = this.#index.listUploads(bucket, {
      prefix: opts.prefix ?? '',
      delimiter: opts.delimiter,
      marker: opts.keyMarker,
      // S3 ignores upload-id-marker without key-marker.
      markerTiebreak: opts.keyMarker !== undefined ? opts.uploadIdMarker : undefined,
      max: opts.maxUploads,
    });
    const result: ListUploadsResult = { uploads: page.rows, commonPrefixes: page.prefixes, isTruncated: page.truncated };
    if (page.truncated && page.last) {
      result.nextKeyMarker = page.last.key;
      if (page.last.row) result.nextUploadIdMarker = page.last.row.uploadId;
    }
    return result;
  }

  async close(): Promise<void> {
    this.#index.close();
  }

  #requireObject(bucket: string, key: string): StoredObject {
    this.#index.requireBucket(bucket);
    const object = this.#index.getObject(bucket, key);
    if (!object) throw new S3Error('NoSuchKey', undefined, { Key: key });
    return object;
  }

  /** Runs the commit step of a write; on failure deletes the new blobs and rethrows. */
  async #commitOrDiscard<T>(newBlobs: string[], commit: () => T): Promise<T> {
    try {
      return commit();
    } catch (err) {
      await this.#discard(newBlobs);
      throw (err as { code?: unknown }).code === 'SQLITE_FULL' ? new S3Error('XMinioStorageFull') : err;
    }
  }

  /**
   * Unlinks blobs no committed metadata references any more (after the last reader of a pinned
   * one closes). A failed unlink is not the caller's problem: the blob is then an orphan, which
   * the next start-up sweeps.
   */
  async #discard(blobIds: string[]): Promise<void> {
    const now = this.#pins.release(blobIds);
    if (now.length > 0) await this.#blobs.delete(now).catch(() => undefined);
  }
}

function finalizeChecksums(finalize: (() => { checksums?: ChecksumMap }) | undefined): ChecksumMap {
  return { ...(finalize?.().checksums ?? {}) };
}
