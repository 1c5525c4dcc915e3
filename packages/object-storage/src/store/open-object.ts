import { open } from 'node:fs/promises';
import type { Readable } from 'node:stream';
import { S3Error } from '@keyless/core';
import type { ByteRange, ObjectInfo, VersionSelector } from '@keyless/core';
import { BlobRangeReader, piecesOf, type BlobSegment } from './blob-range-reader.js';
import { discard, type StoreContext } from './store-context.js';
import { requireVersion } from './version-access.js';

/**
 * `FsObjectStore.openObject`: snapshots the version's blobs, pins them (so a later delete or
 * overwrite waits for this stream), opens the first `eagerOpens` blob files and returns a stream
 * of the selected range.
 */
export async function openObject(
  ctx: StoreContext,
  bucket: string,
  key: string,
  select: ((info: ObjectInfo) => ByteRange | undefined) | undefined,
  opts: VersionSelector,
): Promise<{ info: ObjectInfo; range?: ByteRange; body: Readable }> {
  const object = requireVersion(ctx.index, bucket, key, opts.versionId);
  const range = select?.(object.info);
  const pieces = piecesOf(object.blobs, range ?? { start: 0, end: object.info.size - 1 });
  // Pin in the same tick as the snapshot: a delete or overwrite committed from now on defers
  // unlinking these blobs until the stream is closed.
  const blobIds = pieces.map((p) => p.blobId);
  ctx.pins.pin(blobIds);
  const segments: BlobSegment[] = pieces.map((p) => ({ path: ctx.blobs.pathOf(p.blobId), start: p.start, end: p.end }));
  try {
    // Open the first blobs now, so that a missing file fails the request before any byte is
    // sent; the rest (a manifest may have 10 000 parts) open as the stream reaches them.
    for (const segment of segments.slice(0, ctx.eagerOpens)) segment.handle = await open(segment.path, 'r');
  } catch (err) {
    await Promise.all(segments.map((s) => s.handle?.close().catch(() => undefined)));
    void discard(ctx, ctx.pins.unpin(blobIds));
    throw (err as NodeJS.ErrnoException).code === 'ENOENT' ? new S3Error('InternalError') : err;
  }
  const body = new BlobRangeReader(segments, () => void discard(ctx, ctx.pins.unpin(blobIds)));
  return range ? { info: object.info, range, body } : { info: object.info, body };
}
