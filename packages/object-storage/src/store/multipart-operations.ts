import { randomBytes } from 'node:crypto';
import { S3Error } from '@keyless/core';
import type { ListPartsResult, ListUploadsOptions, ListUploadsResult, MultipartUploadInfo, ObjectInfo, ObjectStore, PartInfo } from '@keyless/core';
import type { WrittenBlob } from './blob-store.js';
import type { MetadataIndex } from './metadata-index.js';
import { multipartChecksum } from './multipart-checksum.js';
import { multipartEtag, resolveCompletedParts } from './multipart-etag.js';
import { commitOrDiscard, discard, type StoreContext } from './store-context.js';
import { commitVersion } from './version-access.js';
import type { BlobRef } from './version-rows.js';
import { extrasOf, finalizeChecksums } from './write-inputs.js';

/** The input of {@link ObjectStore.createMultipartUpload}. */
export type CreateUploadInput = Parameters<ObjectStore['createMultipartUpload']>[0];
/** The input of {@link ObjectStore.uploadPart}. */
export type UploadPartInput = Parameters<ObjectStore['uploadPart']>[0];
/** The input of {@link ObjectStore.completeMultipartUpload}. */
export type CompleteUploadInput = Parameters<ObjectStore['completeMultipartUpload']>[0];

/** `FsObjectStore.createMultipartUpload`: records a new upload (a random id) in the bucket. */
export function createMultipartUpload(index: MetadataIndex, input: CreateUploadInput): MultipartUploadInfo {
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
  index.transact(() => {
    index.buckets.require(input.bucket);
    index.uploads.insert(upload);
  });
  return upload;
}

/**
 * `FsObjectStore.uploadPart`: streams the part into a new blob, then records it (replacing an
 * earlier upload of the same part number, whose blob is unlinked).
 */
export async function uploadPart(ctx: StoreContext, input: UploadPartInput): Promise<PartInfo> {
  const { index } = ctx;
  const { bucket, key, uploadId, partNumber } = input;
  if (!Number.isInteger(partNumber) || partNumber < 1 || partNumber > 10000) {
    throw new S3Error('InvalidArgument', 'Part number must be an integer between 1 and 10000, inclusive', {
      ArgumentName: 'partNumber',
      ArgumentValue: String(partNumber),
    });
  }
  index.buckets.require(bucket);
  index.uploads.require(bucket, key, uploadId);
  const blob: WrittenBlob = await ctx.blobs.write(input.body);
  const { part, replaced } = await commitOrDiscard(ctx, [blob.blobId], () => {
    const part: PartInfo = {
      partNumber,
      size: blob.size,
      etag: blob.md5,
      lastModified: new Date(),
      checksums: finalizeChecksums(input.finalize),
    };
    const replaced = index.transact(() => {
      // The upload may have been completed or aborted while the body streamed.
      index.uploads.require(bucket, key, uploadId);
      const previous = index.uploads.getPart(uploadId, partNumber);
      index.uploads.putPart(uploadId, { info: part, blobId: blob.blobId });
      return previous ? [previous.blobId] : [];
    });
    return { part, replaced };
  });
  await discard(ctx, replaced);
  return part;
}

/**
 * `FsObjectStore.completeMultipartUpload`: in one transaction, commits the object as a manifest
 * of the listed part blobs (no data copy) and deletes the upload; unlinks unused part blobs and
 * the blobs of the version it replaced.
 */
export async function completeMultipartUpload(ctx: StoreContext, input: CompleteUploadInput): Promise<ObjectInfo> {
  const { index } = ctx;
  const { bucket, key, uploadId } = input;
  const { info, garbage } = index.transact(() => {
    index.buckets.require(bucket);
    const upload = index.uploads.require(bucket, key, uploadId);
    const parts = resolveCompletedParts(input.parts, (n) => index.uploads.getPart(uploadId, n));
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
    const replaced = commitVersion(index, info, blobs, input.precondition);
    const used = new Set(parts.map((p) => p.blobId));
    const unused = index.uploads.delete(uploadId).filter((id) => !used.has(id));
    return { info, garbage: [...unused, ...replaced.map((b) => b.blobId)] };
  });
  await discard(ctx, garbage);
  return info;
}

/** `FsObjectStore.abortMultipartUpload`: deletes the upload and unlinks its part blobs. */
export async function abortMultipartUpload(ctx: StoreContext, bucket: string, key: string, uploadId: string): Promise<void> {
  const { index } = ctx;
  const garbage = index.transact(() => {
    index.buckets.require(bucket);
    index.uploads.require(bucket, key, uploadId);
    return index.uploads.delete(uploadId);
  });
  await discard(ctx, garbage);
}

/** `FsObjectStore.listParts`: a page of the upload's parts, ascending. */
export function listParts(
  index: MetadataIndex,
  bucket: string,
  key: string,
  uploadId: string,
  opts: { partNumberMarker?: number; maxParts: number },
): ListPartsResult {
  index.buckets.require(bucket);
  const upload = index.uploads.require(bucket, key, uploadId);
  const rows = index.uploads.listParts(uploadId, opts.partNumberMarker ?? 0, opts.maxParts + 1);
  const isTruncated = rows.length > opts.maxParts;
  const parts = rows.slice(0, opts.maxParts).map((p) => p.info);
  const result: ListPartsResult = { upload, parts, isTruncated };
  if (isTruncated && parts.length > 0) result.nextPartNumberMarker = parts[parts.length - 1]!.partNumber;
  return result;
}

/** `FsObjectStore.listMultipartUploads`: a page of uploads in progress and common prefixes. */
export function listMultipartUploads(index: MetadataIndex, bucket: string, opts: ListUploadsOptions): ListUploadsResult {
  index.buckets.require(bucket);
  const page = index.uploads.list(bucket, {
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
