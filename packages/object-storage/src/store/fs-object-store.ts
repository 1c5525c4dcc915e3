import { randomBytes } from 'node:crypto';
import { mkdir, open } from 'node:fs/promises';
import { join } from 'node:path';
import { S3Error } from '@keyless/core';
import type {
  BucketInfo,
  ByteRange,
  ChecksumAlgorithm,
  ChecksumMap,
  ChecksumType,
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
  ObjectExtras,
  ObjectExtrasUpdate,
  ObjectHeaders,
  ObjectInfo,
  ObjectStore,
  ObjectWriteInput,
  PartInfo,
  VersioningStatus,
  VersionSelector,
} from '@keyless/core';
import type { Readable } from 'node:stream';
import { BlobPins } from './blob-pins.js';
import { BlobRangeReader, piecesOf, type BlobSegment } from './blob-range-reader.js';
import { BlobStore, type BlobStoreFaults, type WrittenBlob } from './blob-store.js';
import { MetadataIndex, type BlobRef, type StoredVersion } from './metadata-index.js';
import { multipartEtag, resolveCompletedParts } from './multipart-etag.js';
import { multipartChecksum } from './multipart-checksum.js';
import { assertVersionDeletable } from './object-lock-rules.js';
import { checkVersionId, newVersionId, NULL_VERSION } from './version-id.js';

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

  async createBucket(name: string, opts: { region: string; objectLockEnabled?: boolean }): Promise<BucketInfo> {
    const bucket: BucketInfo = { name, createdAt: new Date(), region: opts.region };
    if (opts.objectLockEnabled) {
      bucket.objectLockEnabled = true;
      bucket.versioning = 'Enabled';
    }
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

  async setBucketVersioning(bucket: string, status: VersioningStatus): Promise<void> {
    this.#index.transact(() => {
      const info = this.#index.requireBucket(bucket);
      if (info.objectLockEnabled && status !== 'Enabled') {
        throw new S3Error('InvalidBucketState', 'An Object Lock configuration is present on this bucket, so the versioning state cannot be changed.');
      }
      this.#index.setBucketVersioning(bucket, status);
    });
  }

  async enableObjectLock(bucket: string): Promise<void> {
    this.#index.transact(() => {
      const info = this.#index.requireBucket(bucket);
      if (info.versioning !== 'Enabled') throw new S3Error('InvalidBucketState', 'Versioning must be \'Enabled\' on the bucket to apply a Object Lock configuration');
      this.#index.setBucketObjectLock(bucket);
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
        ...extrasOf(input),
      };
      if (Object.keys(info.checksums).length > 0) info.checksumType = 'FULL_OBJECT';
      const replaced = this.#index.transact(() => this.#commitVersion(info, [{ blobId: blob.blobId, size: blob.size }], input.precondition));
      return { info, replaced };
    });
    await this.#discard(replaced.map((b) => b.blobId));
    return info;
  }

  /**
   * Inside a transaction: runs the precondition against the latest version, then adds `info` as
   * the key's newest version (a new id when versioning is Enabled, else replacing the null
   * version). Sets `info.versionId` and `isLatest`; returns the blobs no longer referenced.
   */
  #commitVersion(info: ObjectInfo, blobs: BlobRef[], precondition?: (current: ObjectInfo | undefined) => void, deleteMarker = false): BlobRef[] {
    const bucket = this.#index.requireBucket(info.bucket);
    const latest = this.#index.latestVersion(info.bucket, info.key);
    precondition?.(latest && !latest.deleteMarker ? latest.info : undefined);
    let replaced: BlobRef[] = [];
    if (bucket.versioning === 'Enabled') {
      info.versionId = newVersionId();
    } else {
      info.versionId = NULL_VERSION;
      const previous = this.#index.versionById(info.bucket, info.key, NULL_VERSION);
      if (previous) {
        if (!previous.deleteMarker) assertVersionDeletable(previous.info, false, new Date());
        this.#index.deleteVersion(previous);
        replaced = previous.blobs;
      }
    }
    info.isLatest = true;
    this.#index.insertVersion({ info, blobs, deleteMarker });
    return replaced;
  }

  async getObjectInfo(bucket: string, key: string, opts: VersionSelector = {}): Promise<ObjectInfo> {
    return this.#requireVersion(bucket, key, opts.versionId).info;
  }

  async openObject(
    bucket: string,
    key: string,
    select?: (info: ObjectInfo) => ByteRange | undefined,
    opts: VersionSelector = {},
  ): Promise<{ info: ObjectInfo; range?: ByteRange; body: Readable }> {
    const object = this.#requireVersion(bucket, key, opts.versionId);
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

  async deleteObject(bucket: string, key: string, opts: DeleteObjectOptions = {}): Promise<DeleteObjectResult> {
    const { versionId } = opts;
    if (versionId !== undefined) checkVersionId(versionId);
    const { result, garbage } = this.#index.transact((): { result: DeleteObjectResult; garbage: BlobRef[] } => {
      const info = this.#index.requireBucket(bucket);
      const latest = this.#index.latestVersion(bucket, key);
      opts.precondition?.(latest && !latest.deleteMarker ? latest.info : undefined);
      if (versionId !== undefined) {
        const target = this.#index.versionById(bucket, key, versionId);
        if (!target) return { result: { versionId, deleteMarker: false }, garbage: [] };
        if (!target.deleteMarker) assertVersionDeletable(target.info, opts.bypassGovernanceRetention ?? false, new Date());
        this.#index.deleteVersion(target);
        return { result: { versionId, deleteMarker: target.deleteMarker }, garbage: target.blobs };
      }
      if (info.versioning === undefined) {
        if (!latest) return { result: { deleteMarker: false }, garbage: [] };
        assertVersionDeletable(latest.info, false, new Date());
        this.#index.deleteVersion(latest);
        return { result: { deleteMarker: false }, garbage: latest.blobs };
      }
      const marker: ObjectInfo = {
        bucket, key, size: 0, etag: '', lastModified: new Date(), headers: {}, userMetadata: {}, checksums: {}, storageClass: 'STANDARD',
      };
      const garbage = this.#commitVersion(marker, [], undefined, true);
      return { result: { versionId: marker.versionId, deleteMarker: true }, garbage };
    });
    await this.#discard(garbage.map((b) => b.blobId));
    return result;
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
    return this.#index.transact(() => {
      const version = this.#requireVersion(bucket, key, versionId);
      precondition?.(version.info);
      const info: ObjectInfo = { ...version.info, attributes: { ...(version.info.attributes ?? {}) } };
      for (const [name, value] of Object.entries(update.attributes ?? {})) {
        if (value === undefined) delete info.attributes![name];
        else info.attributes![name] = value;
      }
      if (update.tags !== undefined) {
        if (update.tags.length > 0) info.tags = update.tags.map((t) => ({ key: t.key, value: t.value }));
        else delete info.tags;
      }
      if (update.retention === null) delete info.retention;
      else if (update.retention !== undefined) info.retention = { ...update.retention };
      if (update.legalHold === false) delete info.legalHold;
      else if (update.legalHold === true) info.legalHold = true;
      this.#index.updateVersionExtras(version, info);
      return info;
    });
  }

  async listObjectVersions(bucket: string, opts: ListVersionsOptions): Promise<ListVersionsResult> {
    this.#index.requireBucket(bucket);
    let markerSeq: number | undefined;
    if (opts.versionIdMarker !== undefined && opts.keyMarker !== undefined) {
      checkVersionId(opts.versionIdMarker);
      const at = this.#index.versionById(bucket, opts.keyMarker, opts.versionIdMarker);
      if (!at) throw new S3Error('InvalidArgument', 'Invalid version id specified', { ArgumentName: 'version-id-marker', ArgumentValue: opts.versionIdMarker });
      markerSeq = at.seq;
    }
    const page = this.#index.listVersions(bucket, {
      prefix: opts.prefix ?? '',
      delimiter: opts.delimiter,
      marker: opts.keyMarker,
      markerTiebreak: markerSeq,
      max: opts.maxKeys,
    });
    const result: ListVersionsResult = {
      versions: page.rows.map((v) =>
        v.deleteMarker
          ? { kind: 'deleteMarker', marker: { bucket, key: v.info.key, versionId: v.info.versionId!, isLatest: v.info.isLatest === true, lastModified: v.info.lastModified } }
          : { kind: 'version', info: v.info },
      ),
      commonPrefixes: page.prefixes,
      isTruncated: page.truncated,
    };
    if (page.truncated && page.last) {
      result.nextKeyMarker = page.last.key;
      if (page.last.row) result.nextVersionIdMarker = page.last.row.info.versionId;
    }
    return result;
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
    checksumType?: ChecksumType;
    extras?: ObjectExtras;
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
    if (input.checksumAlgorithm) {
      upload.checksumAlgorithm = input.checksumAlgorithm;
      upload.checksumType = input.checksumType ?? (input.checksumAlgorithm === 'CRC64NVME' ? 'FULL_OBJECT' : 'COMPOSITE');
    }
    const extras = input.extras ? extrasOf(input.extras) : {};
    if (Object.keys(extras).length > 0) upload.extras = extras;
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
    parts: { partNumber: number; etag: string; checksums?: ChecksumMap }[];
    precondition?: (current: ObjectInfo | undefined) => void;
  }): Promise<ObjectInfo> {
    const { bucket, key, uploadId } = input;
    const { info, garbage } = this.#index.transact(() => {
      this.#index.requireBucket(bucket);
      const upload = this.#index.requireUpload(bucket, key, uploadId);
      const parts = resolveCompletedParts(input.parts, (n) => this.#index.getPart(uploadId, n));
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
        ...extrasOf(upload.extras ?? {}),
      };
      if (upload.checksumAlgorithm) {
        info.checksumType = upload.checksumType ?? 'COMPOSITE';
        info.checksums = multipartChecksum(upload.checksumAlgorithm, info.checksumType, parts.map((p) => p.info));
      }
      const blobs = parts.map((p): BlobRef => ({ blobId: p.blobId, size: p.info.size, partNumber: p.info.partNumber, checksums: p.info.checksums }));
      info.parts = blobs.map((b) => ({ partNumber: b.partNumber!, size: b.size, checksums: b.checksums ?? {} }));
      const replaced = this.#commitVersion(info, blobs, input.precondition);
      const used = new Set(parts.map((p) => p.blobId));
      const unused = this.#index.deleteUpload(uploadId).filter((id) => !used.has(id));
      return { info, garbage: [...unused, ...replaced.map((b) => b.blobId)] };
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

  /**
   * The addressed version, with S3's answers otherwise: NoSuchKey (with `x-amz-delete-marker`
   * when the latest version is a delete marker), NoSuchVersion, MethodNotAllowed for a delete
   * marker addressed by id, InvalidArgument for a malformed id.
   * @see https://docs.aws.amazon.com/AmazonS3/latest/userguide/DeleteMarker.html
   */
  #requireVersion(bucket: string, key: string, versionId: string | undefined): StoredVersion {
    this.#index.requireBucket(bucket);
    if (versionId === undefined) {
      const latest = this.#index.latestVersion(bucket, key);
      if (!latest) throw new S3Error('NoSuchKey', undefined, { Key: key });
      if (latest.deleteMarker) {
        throw new S3Error('NoSuchKey', undefined, { Key: key }, { 'x-amz-delete-marker': 'true', 'x-amz-version-id': latest.info.versionId ?? NULL_VERSION });
      }
      return latest;
    }
    checkVersionId(versionId);
    const version = this.#index.versionById(bucket, key, versionId);
    if (!version) throw new S3Error('NoSuchVersion', undefined, { Key: key, VersionId: versionId });
    if (version.deleteMarker) {
      throw new S3Error('MethodNotAllowed', undefined, { Method: 'GET', ResourceType: 'DeleteMarker' }, {
        'x-amz-delete-marker': 'true',
        'x-amz-version-id': versionId,
        'Last-Modified': version.info.lastModified.toUTCString(),
        Allow: 'DELETE',
      });
    }
    return version;
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

/** A fresh copy of the extras to store (undefined and empty fields dropped). */
function extrasOf(input: ObjectExtras): ObjectExtras & { attributes: Record<string, string> } {
  const extras: ObjectExtras & { attributes: Record<string, string> } = { attributes: { ...(input.attributes ?? {}) } };
  if (input.tags && input.tags.length > 0) extras.tags = input.tags.map((t) => ({ key: t.key, value: t.value }));
  if (input.retention) extras.retention = { mode: input.retention.mode, retainUntil: new Date(input.retention.retainUntil) };
  if (input.legalHold) extras.legalHold = true;
  return extras;
}

function finalizeChecksums(finalize: (() => { checksums?: ChecksumMap }) | undefined): ChecksumMap {
  return { ...(finalize?.().checksums ?? {}) };
}
