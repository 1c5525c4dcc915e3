import { endianness } from 'node:os';

/**
 * Slicing-by-8 tables for CRC-64/NVME (polynomial 0xAD93D23594C93659, reflected, init and xorout
 * all ones), each 64-bit entry split in high and low 32-bit halves so no BigInt runs per byte.
 * Built once at module load and never written afterwards.
 */
function buildTables(): { hi: Int32Array[]; lo: Int32Array[] } {
  // Bit-reverse the polynomial for the reflected (LSB-first) algorithm: 0x9A6C9329AC4BC9B5.
  let poly = 0xad93d23594c93659n;
  let rev = 0n;
  for (let i = 0; i < 64; i++) {
    rev = (rev << 1n) | (poly & 1n);
    poly >>= 1n;
  }
  const pHi = Number(rev >> 32n) >>> 0;
  const pLo = Number(rev & 0xffffffffn) >>> 0;
  const hi = Array.from({ length: 8 }, () => new Int32Array(256));
  const lo = Array.from({ length: 8 }, () => new Int32Array(256));
  for (let i = 0; i < 256; i++) {
    let h = 0;
    let l = i;
    for (let k = 0; k < 8; k++) {
      const carry = l & 1;
      l = ((l >>> 1) | ((h & 1) << 31)) >>> 0;
      h = h >>> 1;
      if (carry) {
        h = (h ^ pHi) >>> 0;
        l = (l ^ pLo) >>> 0;
      }
    }
    hi[0]![i] = h;
    lo[0]![i] = l;
  }
  for (let k = 1; k < 8; k++) {
    for (let i = 0; i < 256; i++) {
      const ph = hi[k - 1]![i]!;
      const pl = lo[k - 1]![i]!;
      const idx = pl & 0xff;
      hi[k]![i] = ((ph >>> 8) ^ hi[0]![idx]!) >>> 0;
      lo[k]![i] = (((pl >>> 8) | (ph << 24)) ^ lo[0]![idx]!) >>> 0;
    }
  }
  return { hi, lo };
}

const TABLES = buildTables();

/** Whole 32-bit words may be read through an Int32Array view only where they are little-endian. */
const LITTLE_ENDIAN = endianness() === 'LE';

/** An incremental CRC-64/NVME, as S3's `x-amz-checksum-crc64nvme` uses it. */
export class Crc64Nvme {
  // The running register (not yet inverted) as two signed 32-bit halves.
  private hi = -1;
  private lo = -1;

  /** Feeds more bytes. */
  update(buf: Uint8Array): this {
    const H = TABLES.hi;
    const L = TABLES.lo;
    const H0 = H[0]!, H1 = H[1]!, H2 = H[2]!, H3 = H[3]!, H4 = H[4]!, H5 = H[5]!, H6 = H[6]!, H7 = H[7]!;
    const L0 = L[0]!, L1 = L[1]!, L2 = L[2]!, L3 = L[3]!, L4 = L[4]!, L5 = L[5]!, L6 = L[6]!, L7 = L[7]!;
    let hi = this.hi;
    let lo = this.lo;
    let i = 0;
    const n = buf.length;
    if (LITTLE_ENDIAN && n >= 16) {
      // Whole aligned 8-byte blocks as two little-endian words (the low word first, as the register).
      const off = buf.byteOffset;
      for (; ((off + i) & 3) !== 0; i++) {
        const idx = (lo ^ buf[i]!) & 0xff;
        lo = ((lo >>> 8) | (hi << 24)) ^ L0[idx]!;
        hi = (hi >>> 8) ^ H0[idx]!;
      }
      const words = new Int32Array(buf.buffer, off + i, ((n - i) >>> 3) << 1);
      for (let w = 0; w < words.length; w += 2) {
        const a = lo ^ words[w]!;
        const b = hi ^ words[w + 1]!;
        const i0 = a & 0xff, i1 = (a >>> 8) & 0xff, i2 = (a >>> 16) & 0xff, i3 = a >>> 24;
        const i4 = b & 0xff, i5 = (b >>> 8) & 0xff, i6 = (b >>> 16) & 0xff, i7 = b >>> 24;
        hi = H7[i0]! ^ H6[i1]! ^ H5[i2]! ^ H4[i3]! ^ H3[i4]! ^ H2[i5]! ^ H1[i6]! ^ H0[i7]!;
        lo = L7[i0]! ^ L6[i1]! ^ L5[i2]! ^ L4[i3]! ^ L3[i4]! ^ L2[i5]! ^ L1[i6]! ^ L0[i7]!;
      }
      i += words.length << 2;
    } else {
      for (; i + 8 <= n; i += 8) {
        const a = lo ^ (buf[i]! | (buf[i + 1]! << 8) | (buf[i + 2]! << 16) | (buf[i + 3]! << 24));
        const b = hi ^ (buf[i + 4]! | (buf[i + 5]! << 8) | (buf[i + 6]! << 16) | (buf[i + 7]! << 24));
        const i0 = a & 0xff, i1 = (a >>> 8) & 0xff, i2 = (a >>> 16) & 0xff, i3 = a >>> 24;
        const i4 = b & 0xff, i5 = (b >>> 8) & 0xff, i6 = (b >>> 16) & 0xff, i7 = b >>> 24;
        hi = H7[i0]! ^ H6[i1]! ^ H5[i2]! ^ H4[i3]! ^ H3[i4]! ^ H2[i5]! ^ H1[i6]! ^ H0[i7]!;
        lo = L7[i0]! ^ L6[i1]! ^ L5[i2]! ^ L4[i3]! ^ L3[i4]! ^ L2[i5]! ^ L1[i6]! ^ L0[i7]!;
      }
    }
    for (; i < n; i++) {
      const idx = (lo ^ buf[i]!) & 0xff;
      lo = ((lo >>> 8) | (hi << 24)) ^ L0[idx]!;
      hi = (hi >>> 8) ^ H0[idx]!;
    }
    this.hi = hi;
    this.lo = lo;
    return this;
  }

  /** The CRC as 8 big-endian bytes (the form S3 base64-encodes). */
  digest(): Buffer {
    const out = Buffer.alloc(8);
    out.writeUInt32BE(~this.hi >>> 0, 0);
    out.writeUInt32BE(~this.lo >>> 0, 4);
    return out;
  }
}
