import type { DeleteObjectOptions, DeleteObjectResult, ObjectExtrasUpdate, ObjectInfo, ObjectWriteInput } from '@keyless/core';
import { assertVersionDeletable } from './object-lock-rules.js';
import { commitOrDiscard, discard, type StoreContext } from './store-context.js';
import { commitVersion, requireVersion } from './version-access.js';
import { checkVersionId } from './version-id.js';
import type { BlobRef } from './version-rows.js';
import { extrasOf, finalizeChecksums } from './write-inputs.js';

/**
 * `FsObjectStore.putObject`: streams the body into a new blob, then commits the version in one
 * transaction (precondition included) and unlinks the blobs it replaced.
 */
export async function putObject(ctx: StoreContext, input: ObjectWriteInput): Promise<ObjectInfo> {
  const { index } = ctx;
  const { bucket, key } = input;
  index.buckets.require(bucket);
  const blob = await ctx.blobs.write(input.body);
  const { info, replaced } = await commitOrDiscard(ctx, [blob.blobId], () => {
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
    const replaced = index.transact(() => commitVersion(index, info, [{ blobId: blob.blobId, size: blob.size }], input.precondition));
    return { info, replaced };
  });
  await discard(ctx, replaced.map((b) => b.blobId));
  return info;
}

/**
 * `FsObjectStore.deleteObject`: deletes the addressed version (Object Lock permitting), or, without
 * a version id, the unversioned object or — in a versioned bucket — adds a delete marker.
 */
export async function deleteObject(ctx: StoreContext, bucket: string, key: string, opts: DeleteObjectOptions): Promise<DeleteObjectResult> {
  const { index } = ctx;
  const { versionId } = opts;
  if (versionId !== undefined) checkVersionId(versionId);
  const { result, garbage } = index.transact((): { result: DeleteObjectResult; garbage: BlobRef[] } => {
    const info = index.buckets.require(bucket);
    const latest = index.versions.latest(bucket, key);
    opts.precondition?.(latest && !latest.deleteMarker ? latest.info : undefined);
    if (versionId !== undefined) {
      const target = index.versions.byId(bucket, key, versionId);
      if (!target) return { result: { versionId, deleteMarker: false }, garbage: [] };
      if (!target.deleteMarker) assertVersionDeletable(target.info, opts.bypassGovernanceRetention ?? false, new Date());
      index.versions.delete(target);
      return { result: { versionId, deleteMarker: target.deleteMarker }, garbage: target.blobs };
    }
    if (info.versioning === undefined) {
      if (!latest) return { result: { deleteMarker: false }, garbage: [] };
      assertVersionDeletable(latest.info, false, new Date());
      index.versions.delete(latest);
      return { result: { deleteMarker: false }, garbage: latest.blobs };
    }
    const marker: ObjectInfo = {
      bucket, key, size: 0, etag: '', lastModified: new Date(), headers: {}, userMetadata: {}, checksums: {}, storageClass: 'STANDARD',
    };
    const garbage = commitVersion(index, marker, [], undefined, true);
    return { result: { versionId: marker.versionId, deleteMarker: true }, garbage };
  });
  await discard(ctx, garbage.map((b) => b.blobId));
  return result;
}

/** `FsObjectStore.updateObjectVersion`: rewrites one version's extras in a transaction. */
export function updateObjectVersion(
  ctx: StoreContext,
  bucket: string,
  key: string,
  versionId: string | undefined,
  update: ObjectExtrasUpdate,
  precondition?: (current: ObjectInfo) => void,
): ObjectInfo {
  const { index } = ctx;
  return index.transact(() => {
    const version = requireVersion(index, bucket, key, versionId);
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
    index.versions.updateExtras(version, info);
    return info;
  });
}
