import { S3Error } from '@keyless/core';
import type { ObjectInfo } from '@keyless/core';
import type { MetadataIndex } from './metadata-index.js';
import { assertVersionDeletable } from './object-lock-rules.js';
import { checkVersionId, newVersionId, NULL_VERSION } from './version-id.js';
import type { BlobRef, StoredVersion } from './version-rows.js';

/**
 * Inside a transaction: runs the precondition against the latest version, then adds `info` as
 * the key's newest version (a new id when versioning is Enabled, else replacing the null
 * version). Sets `info.versionId` and `isLatest`; returns the blobs no longer referenced.
 */
export function commitVersion(
  index: MetadataIndex,
  info: ObjectInfo,
  blobs: BlobRef[],
  precondition?: (current: ObjectInfo | undefined) => void,
  deleteMarker = false,
): BlobRef[] {
  const bucket = index.buckets.require(info.bucket);
  const latest = index.versions.latest(info.bucket, info.key);
  precondition?.(latest && !latest.deleteMarker ? latest.info : undefined);
  let replaced: BlobRef[] = [];
  if (bucket.versioning === 'Enabled') {
    info.versionId = newVersionId();
  } else {
    info.versionId = NULL_VERSION;
    const previous = index.versions.byId(info.bucket, info.key, NULL_VERSION);
    if (previous) {
      if (!previous.deleteMarker) assertVersionDeletable(previous.info, false, new Date());
      index.versions.delete(previous);
      replaced = previous.blobs;
    }
  }
  info.isLatest = true;
  index.versions.insert({ info, blobs, deleteMarker });
  return replaced;
}

/**
 * The addressed version, with S3's answers otherwise: NoSuchKey (with `x-amz-delete-marker`
 * when the latest version is a delete marker), NoSuchVersion, MethodNotAllowed for a delete
 * marker addressed by id, InvalidArgument for a malformed id.
 * @see https://docs.aws.amazon.com/AmazonS3/latest/userguide/DeleteMarker.html
 */
export function requireVersion(index: MetadataIndex, bucket: string, key: string, versionId: string | undefined): StoredVersion {
  index.buckets.require(bucket);
  if (versionId === undefined) {
    const latest = index.versions.latest(bucket, key);
    if (!latest) throw new S3Error('NoSuchKey', undefined, { Key: key });
    if (latest.deleteMarker) {
      throw new S3Error('NoSuchKey', undefined, { Key: key }, { 'x-amz-delete-marker': 'true', 'x-amz-version-id': latest.info.versionId ?? NULL_VERSION });
    }
    return latest;
  }
  checkVersionId(versionId);
  const version = index.versions.byId(bucket, key, versionId);
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
