import { open, type FileHandle } from 'node:fs/promises';
import { Readable } from 'node:stream';
import { S3Error, type ByteRange } from '@keyless/core';
import type { BlobRef } from './version-rows.js';

/** An inclusive byte range of one blob file, opened already or to be opened when reached. */
export interface BlobSegment {
  path: string;
  handle?: FileHandle;
  start: number;
  end: number;
}

/**
 * Bytes per file read. Large enough that a big object costs few thread-pool round trips (each read
 * is one), small enough that a slow reader pins little memory: at most this plus the stream's
 * buffer ({@link HIGH_WATER}) per open download.
 */
const CHUNK = 256 * 1024;
const HIGH_WATER = 512 * 1024;

/**
 * Streams byte ranges of blob files, in order, without buffering the object. The caller keeps the
 * blobs alive for the stream's lifetime: segments come with descriptors opened before the stream
 * was handed out (on POSIX an open descriptor outlives an unlink), and the rest are pinned until
 * `onClose`. Handles are closed and `onClose` runs when the stream ends or is destroyed; a
 * consumer that abandons the stream must destroy it.
 */
export class BlobRangeReader extends Readable {
  readonly #segments: BlobSegment[];
  readonly #onClose: () => void;
  #index = 0;
  #position: number;

  constructor(segments: BlobSegment[], onClose: () => void = () => undefined) {
    super({ highWaterMark: HIGH_WATER });
    this.#segments = segments;
    this.#onClose = onClose;
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
        // Done with this blob: release its descriptor now, not at the end of a long object.
        await segment.handle?.close();
        segment.handle = undefined;
        this.#index++;
        this.#position = this.#segments[this.#index]?.start ?? 0;
        continue;
      }
      segment.handle ??= await open(segment.path, 'r');
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
    const handles = this.#segments.flatMap((s) => (s.handle ? [s.handle] : []));
    for (const segment of this.#segments) segment.handle = undefined;
    Promise.all(handles.map((h) => h.close().catch(() => undefined))).then(() => {
      this.#onClose();
      callback(err);
    });
  }
}

/** The parts of `blobs` (laid end to end) covering `range`, as in-blob offsets. */
export function piecesOf(blobs: readonly BlobRef[], range: ByteRange): { blobId: string; start: number; end: number }[] {
  const pieces: { blobId: string; start: number; end: number }[] = [];
  let offset = 0;
  for (const blob of blobs) {
    const blobEnd = offset + blob.size - 1;
    if (blob.size > 0 && blobEnd >= range.start && offset <= range.end) {
      pieces.push({ blobId: blob.blobId, start: Math.max(range.start, offset) - offset, end: Math.min(range.end, blobEnd) - offset });
    }
    offset += blob.size;
  }
  return pieces;
}
