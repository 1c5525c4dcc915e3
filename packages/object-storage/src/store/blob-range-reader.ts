import type { FileHandle } from 'node:fs/promises';
import { Readable } from 'node:stream';
import { S3Error } from '@keyless/core';

/** An inclusive byte range of one open blob file. */
export interface BlobSegment {
  handle: FileHandle;
  start: number;
  end: number;
}

const CHUNK = 64 * 1024;

/**
 * Streams byte ranges of already-open blob files, in order. The files were opened before the
 * stream was handed out, so a concurrent delete or overwrite (which unlinks after its commit)
 * cannot break it: on POSIX an open descriptor outlives the unlink. The handles are closed when
 * the stream ends or is destroyed; a consumer that abandons the stream must destroy it.
 */
export class BlobRangeReader extends Readable {
  readonly #segments: BlobSegment[];
  readonly #handles: FileHandle[];
  #index = 0;
  #position: number;

  constructor(segments: BlobSegment[], handles: FileHandle[]) {
    super({ highWaterMark: CHUNK });
    this.#segments = segments;
    this.#handles = handles;
    this.#position = segments[0]?.start ?? 0;
  }

  override _read(): void {
    this.#next().then(
      (chunk) => this.push(chunk),
      (err: Error) => this.destroy(err),
    );
  }

  async #next(): Promise<Buffer | null> {
    while (this.#index < this.#segments.length) {
      const segment = this.#segments[this.#index]!;
      if (this.#position > segment.end) {
        this.#index++;
        this.#position = this.#segments[this.#index]?.start ?? 0;
        continue;
      }
      const length = Math.min(CHUNK, segment.end - this.#position + 1);
      const buffer = Buffer.allocUnsafe(length);
      const { bytesRead } = await segment.handle.read(buffer, 0, length, this.#position);
      // A blob shorter than its metadata says: fail loudly rather than return short data.
      if (bytesRead === 0) throw new S3Error('InternalError');
      this.#position += bytesRead;
      return bytesRead === length ? buffer : buffer.subarray(0, bytesRead);
    }
    return null;
  }

  override _destroy(err: Error | null, callback: (error?: Error | null) => void): void {
    Promise.all(this.#handles.map((h) => h.close().catch(() => undefined))).then(
      () => callback(err),
      () => callback(err),
    );
  }
}
