import { S3Error } from '@keyless/core';
import type { BlobPins } from './blob-pins.js';
import type { BlobStore } from './blob-store.js';
import type { MetadataIndex } from './metadata-index.js';

/**
 * What the operations of one `FsObjectStore` share: its metadata index, its blob files, the pins
 * of blobs open read streams still use, and the eager-open bound of `openObject`. The store owns
 * it and passes it to the operation modules (no module-level state).
 */
export interface StoreContext {
  readonly index: MetadataIndex;
  readonly blobs: BlobStore;
  readonly pins: BlobPins;
  /** How many blob files `openObject` opens before returning. */
  readonly eagerOpens: number;
}

/** Runs the commit step of a write; on failure deletes the new blobs and rethrows. */
export async function commitOrDiscard<T>(ctx: StoreContext, newBlobs: string[], commit: () => T): Promise<T> {
  try {
    return commit();
  } catch (err) {
    await discard(ctx, newBlobs);
    throw (err as { code?: unknown }).code === 'SQLITE_FULL' ? new S3Error('XMinioStorageFull') : err;
  }
}

/**
 * Unlinks blobs no committed metadata references any more (after the last reader of a pinned
 * one closes). A failed unlink is not the caller's problem: the blob is then an orphan, which
 * the next start-up sweeps.
 */
export async function discard(ctx: StoreContext, blobIds: string[]): Promise<void> {
  const now = ctx.pins.release(blobIds);
  if (now.length > 0) await ctx.blobs.delete(now).catch(() => undefined);
}
