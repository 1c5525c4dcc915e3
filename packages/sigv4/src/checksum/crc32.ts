import { endianness } from 'node:os';
import zlib from 'node:zlib';

/**
 * Slicing-by-8 tables for a reflected 32-bit CRC with polynomial `reversedPoly`, as signed 32-bit
 * entries (Int32Array keeps every value a small integer for V8: no heap numbers in the hot loop).
 * Built once per algorithm at module load and never written afterwards.
 */
function buildTables(reversedPoly: number): Int32Array[] {
  const tables = Array.from({ length: 8 }, () => new Int32Array(256));
  const t0 = tables[0]!;
  for (let i = 0; i < 256; i++) {
    let c = i;
    for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ reversedPoly : c >>> 1;
    t0[i] = c;
  }
  for (let k = 1; k < 8; k++) {
    const prev = tables[k - 1]!;
    const cur = tables[k]!;
    for (let i = 0; i < 256; i++) cur[i] = (prev[i]! >>> 8) ^ t0[prev[i]! & 0xff]!;
  }
  return tables;
}

const CRC32_TABLES = buildTables(0xedb88320);
const CRC32C_TABLES = buildTables(0x82f63b78);

/** Whole 32-bit words may be read through an Int32Array view only where they are little-endian. */
export const LITTLE_ENDIAN = endianness() === 'LE';

/**
 * Node's native (zlib, SIMD) CRC-32 where it exists (Node >= 20.15): about three times the
 * fastest JavaScript table loop. `zlib.crc32(data, previous)` continues a finished CRC value.
 */
const nativeCrc32: ((data: Uint8Array, value: number) => number) | undefined =
  typeof (zlib as { crc32?: unknown }).crc32 === 'function' ? (zlib.crc32 as (data: Uint8Array, value: number) => number) : undefined;

/**
 * Slicing-by-8 over `buf` from the running (not yet inverted) CRC `crc`: whole aligned 8-byte
 * blocks are read as two little-endian 32-bit words, the unaligned head and the tail byte-wise.
 */
export function crc32Update(t: readonly Int32Array[], crc: number, buf: Uint8Array): number {
  const t0 = t[0]!, t1 = t[1]!, t2 = t[2]!, t3 = t[3]!, t4 = t[4]!, t5 = t[5]!, t6 = t[6]!, t7 = t[7]!;
  const n = buf.length;
  let i = 0;
  if (LITTLE_ENDIAN && n >= 16) {
    const off = buf.byteOffset;
    for (; ((off + i) & 3) !== 0; i++) crc = t0[(crc ^ buf[i]!) & 0xff]! ^ (crc >>> 8);
    const words = new Int32Array(buf.buffer, off + i, ((n - i) >>> 3) << 1);
    for (let w = 0; w < words.length; w += 2) {
      const a = crc ^ words[w]!;
      const b = words[w + 1]!;
      crc =
        t7[a & 0xff]! ^ t6[(a >>> 8) & 0xff]! ^ t5[(a >>> 16) & 0xff]! ^ t4[a >>> 24]! ^
        t3[b & 0xff]! ^ t2[(b >>> 8) & 0xff]! ^ t1[(b >>> 16) & 0xff]! ^ t0[b >>> 24]!;
    }
    i += words.length << 2;
  } else {
    for (; i + 8 <= n; i += 8) {
      const a = crc ^ (buf[i]! | (buf[i + 1]! << 8) | (buf[i + 2]! << 16) | (buf[i + 3]! << 24));
      crc =
        t7[a & 0xff]! ^ t6[(a >>> 8) & 0xff]! ^ t5[(a >>> 16) & 0xff]! ^ t4[a >>> 24]! ^
        t3[buf[i + 4]!]! ^ t2[buf[i + 5]!]! ^ t1[buf[i + 6]!]! ^ t0[buf[i + 7]!]!;
    }
  }
  for (; i < n; i++) crc = t0[(crc ^ buf[i]!) & 0xff]! ^ (crc >>> 8);
  return crc;
}

/**
 * An incremental reflected CRC-32 (init and xorout all ones). `crc32()` is zlib's CRC-32,
 * `crc32c()` is Castagnoli's (iSCSI), as S3's `x-amz-checksum-crc32`/`-crc32c` use them.
 */
export class Crc32 {
  /** The running CRC, not yet inverted, as a signed 32-bit integer. */
  private crc = -1;

  private constructor(
    private readonly t: readonly Int32Array[],
    private readonly native: ((data: Uint8Array, value: number) => number) | undefined,
  ) {}

  /** zlib's CRC-32 (polynomial 0x04C11DB7); native when Node has `zlib.crc32`. */
  static crc32(): Crc32 {
    return new Crc32(CRC32_TABLES, nativeCrc32);
  }

  /** CRC-32C (Castagnoli, polynomial 0x1EDC6F41). */
  static crc32c(): Crc32 {
    return new Crc32(CRC32C_TABLES, undefined);
  }

  /** Feeds more bytes. */
  update(buf: Uint8Array): this {
    // zlib.crc32 continues a finished (inverted) value; the state here is the raw register.
    this.crc = this.native ? ~this.native(buf, ~this.crc >>> 0) : crc32Update(this.t, this.crc, buf);
    return this;
  }

  /** The CRC as 4 big-endian bytes (the form S3 base64-encodes). */
  digest(): Buffer {
    const out = Buffer.alloc(4);
    out.writeUInt32BE(~this.crc >>> 0);
    return out;
  }
}
