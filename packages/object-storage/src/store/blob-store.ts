import { createHash, randomBytes } from 'node:crypto';
import { mkdir, open, readdir, rename, rm, unlink, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { S3Error } from '@keyless/core';

/** Test hooks to simulate disk faults; a hook throws (e.g. an `ENOSPC` errno error) to fail the write. */
export interface BlobStoreFaults {
  /** Called before each write to a blob's temp file. */
  beforeWrite?(): void;
}

/** A blob just made durable. */
export interface WrittenBlob {
  blobId: string;
  size: number;
  /** MD5 of the bytes, hex. */
  md5: string;
}

/** Coalesce small body chunks into writes of about this size (fewer syscalls and pool round trips). */
const WRITE_BATCH = 512 * 1024;

/**
 * The file half of `FsObjectStore`: immutable blobs under `blobs/<2 hex>/<id>` with random ids, so
 * object keys never become file paths. A blob is streamed into `tmp/<id>` (same filesystem),
 * fsynced, renamed into place, and the directory fsynced, before anyone may reference it.
 */
export class BlobStore {
  readonly #blobsDir: string;
  readonly #tmpDir: string;
  readonly #faults: BlobStoreFaults | undefined;

  constructor(dataDir: string, opts: { faults?: BlobStoreFaults } = {}) {
    this.#blobsDir = join(dataDir, 'blobs');
    this.#tmpDir = join(dataDir, 'tmp');
    this.#faults = opts.faults;
  }

  /** Creates the directories and deletes leftover temp files (interrupted writes). */
  async init(): Promise<void> {
    await rm(this.#tmpDir, { recursive: true, force: true });
    await mkdir(this.#tmpDir, { recursive: true });
    await mkdir(this.#blobsDir, { recursive: true });
    for (let i = 0; i < 256; i++) await mkdir(join(this.#blobsDir, i.toString(16).padStart(2, '0')), { recursive: true });
    await fsyncDir(this.#blobsDir);
  }

  /** The path of a blob's file. */
  pathOf(blobId: string): string {
    return join(this.#blobsDir, blobId.slice(0, 2), blobId);
  }

  /**
   * Streams `body` into a new durable blob, computing its size and MD5. On any failure the temp
   * file is removed and the body's own error is rethrown unchanged (it is usually an S3Error from
   * an upstream verifier); a full disk becomes XMinioStorageFull.
   */
  async write(body: Readable): Promise<WrittenBlob> {
    const blobId = randomBytes(16).toString('hex');
    const tmpPath = join(this.#tmpDir, blobId);
    let handle: FileHandle | undefined;
    // One batch is written while the next is read from the body: awaiting every write before
    // reading on would stall the socket (and TLS decryption) for each disk round trip.
    let inflight: Promise<void> | undefined;
    try {
      handle = await open(tmpPath, 'wx');
      const md5 = createHash('md5');
      let size = 0;
      let pending: Buffer[] = [];
      let pendingBytes = 0;
      for await (const chunk of body) {
        const buf = typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer);
        md5.update(buf);
        size += buf.length;
        pending.push(buf);
        pendingBytes += buf.length;
        if (pendingBytes >= WRITE_BATCH) {
          if (inflight) await inflight;
          inflight = this.#writeAll(handle, pending);
          // Awaited at the next batch or the end; until then a failure must not be "unhandled".
          inflight.catch(() => undefined);
          pending = [];
          pendingBytes = 0;
        }
      }
      if (inflight) await inflight;
      inflight = undefined;
      if (pendingBytes > 0) await this.#writeAll(handle, pending);
      await handle.sync();
      await handle.close();
      handle = undefined;
      await rename(tmpPath, this.pathOf(blobId));
      await fsyncDir(join(this.#blobsDir, blobId.slice(0, 2)));
      return { blobId, size, md5: md5.digest('hex') };
    } catch (err) {
      await inflight?.catch(() => undefined);
      await handle?.close().catch(() => undefined);
      await rm(tmpPath, { force: true }).catch(() => undefined);
      throw isDiskFull(err) ? new S3Error('XMinioStorageFull') : err;
    }
  }

  /** Removes blobs; a missing file is fine (already removed). */
  async delete(blobIds: Iterable<string>): Promise<void> {
    await Promise.all(
      Array.from(blobIds, (id) =>
        unlink(this.pathOf(id)).catch((err: NodeJS.ErrnoException) => {
          if (err.code !== 'ENOENT') throw err;
        }),
      ),
    );
  }

  /**
   * Deletes every blob file whose id `keep` lacks: the orphans a crash leaves between the blob
   * rename and the metadata commit (or between a commit and the old blob's unlink).
   * One pass over the directories, a set lookup per file. Returns how many were removed.
   */
  async sweep(keep: ReadonlySet<string>): Promise<number> {
    let removed = 0;
    for (const shard of await readdir(this.#blobsDir)) {
      const dir = join(this.#blobsDir, shard);
      let names: string[];
      try {
        names = await readdir(dir);
      } catch {
        continue; // not a directory
      }
      for (const name of names) {
        if (keep.has(name)) continue;
        await rm(join(dir, name), { force: true, recursive: true });
        removed++;
      }
    }
    return removed;
  }

  /** Appends `buffers` in order: one gathered write (no copy into a joined buffer), then whatever a short write left. */
  async #writeAll(handle: FileHandle, buffers: Buffer[]): Promise<void> {
    this.#faults?.beforeWrite?.();
    let rest = buffers;
    while (rest.length > 0) {
      const { bytesWritten } = await handle.writev(rest);
      let skip = bytesWritten;
      let i = 0;
      while (i < rest.length && skip >= rest[i]!.length) skip -= rest[i++]!.length;
      rest = rest.slice(i);
      if (skip > 0) rest[0] = rest[0]!.subarray(skip);
    }
  }
}

function isDiskFull(err: unknown): boolean {
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  return code === 'ENOSPC' || code === 'EDQUOT';
}

/** Makes a rename or create in `dir` durable. */
async function fsyncDir(dir: string): Promise<void> {
  const handle = await open(dir, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}
