import type { ByteRange, ObjectInfo } from '@keyless/core';
import { PACKAGE_OVERHEAD, PACKAGE_PLAINTEXT, PACKAGE_SIZE, packageCount, plaintextSize, type PackagePosition } from './package-format.js';

/** One encrypted stream of an object: the whole single-PUT object (part 0) or one multipart part. */
export interface EncryptedStream {
  partNumber: number;
  cipherStart: number;
  plainStart: number;
  plainSize: number;
}

/** A package to read: where it belongs (for the AAD) and its stored size. */
export interface PlannedPackage {
  pos: PackagePosition;
  size: number;
}

/**
 * What to read for a plaintext range: the stored bytes covering it (`cipherRange`, undefined for
 * all of them), the packages they hold in order, and how to trim the decrypted output.
 */
export interface ReadPlan {
  cipherRange?: ByteRange;
  packages: () => Iterable<PlannedPackage>;
  /** Decrypted bytes to drop before the range starts. */
  skip: number;
  /** Plaintext bytes to deliver. */
  take: number;
}

/** The encrypted streams of an object as stored (sizes are the stored, encrypted sizes). */
export function encryptedStreams(info: Pick<ObjectInfo, 'size' | 'parts'>): EncryptedStream[] {
  const parts = info.parts ? info.parts.map((p) => ({ partNumber: p.partNumber, size: p.size })) : [{ partNumber: 0, size: info.size }];
  const streams: EncryptedStream[] = [];
  let cipherStart = 0;
  let plainStart = 0;
  for (const p of parts) {
    const plainSize = plaintextSize(p.size);
    streams.push({ partNumber: p.partNumber, cipherStart, plainStart, plainSize });
    cipherStart += p.size;
    plainStart += plainSize;
  }
  return streams;
}

function pkg(s: EncryptedStream, index: number): PlannedPackage {
  const count = packageCount(s.plainSize);
  const plain = Math.min(PACKAGE_PLAINTEXT, s.plainSize - index * PACKAGE_PLAINTEXT);
  return { pos: { partNumber: s.partNumber, index, final: index === count - 1 }, size: plain + PACKAGE_OVERHEAD };
}

function streamAt(streams: EncryptedStream[], offset: number): number {
  const i = streams.findIndex((s) => offset >= s.plainStart && offset < s.plainStart + s.plainSize);
  if (i < 0) throw new Error('plaintext offset outside the object');
  return i;
}

/**
 * Maps a plaintext range (inclusive, inside the object; undefined = everything) to the packages
 * covering it. Packages of consecutive streams are adjacent on disk, so the covering bytes are one range.
 */
export function planRead(streams: EncryptedStream[], range: ByteRange | undefined): ReadPlan {
  const total = streams.reduce((a, s) => a + s.plainSize, 0);
  if (range === undefined) {
    return {
      packages: function* () {
        for (const s of streams) for (let i = 0; i < packageCount(s.plainSize); i++) yield pkg(s, i);
      },
      skip: 0,
      take: total,
    };
  }
  const first = streamAt(streams, range.start);
  const last = streamAt(streams, range.end);
  const firstIndex = Math.floor((range.start - streams[first]!.plainStart) / PACKAGE_PLAINTEXT);
  const lastIndex = Math.floor((range.end - streams[last]!.plainStart) / PACKAGE_PLAINTEXT);
  const lastPkg = pkg(streams[last]!, lastIndex);
  const start = streams[first]!.cipherStart + firstIndex * PACKAGE_SIZE;
  const end = streams[last]!.cipherStart + lastIndex * PACKAGE_SIZE + lastPkg.size - 1;
  return {
    cipherRange: { start, end },
    packages: function* () {
      for (let si = first; si <= last; si++) {
        const s = streams[si]!;
        const from = si === first ? firstIndex : 0;
        const to = si === last ? lastIndex : packageCount(s.plainSize) - 1;
        for (let i = from; i <= to; i++) yield pkg(s, i);
      }
    },
    skip: range.start - (streams[first]!.plainStart + firstIndex * PACKAGE_PLAINTEXT),
    take: range.end - range.start + 1,
  };
}
