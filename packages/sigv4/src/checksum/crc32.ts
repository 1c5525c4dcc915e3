/**
 * Slicing-by-8 tables for a reflected 32-bit CRC with polynomial `reversedPoly`. Built once per
 * algorithm at module load and never written afterwards.
 */
function buildTables(reversedPoly: number): Uint32Array[] {
  const tables = Array.from({ length: 8 }, () => new Uint32Array(256));
  const t0 = tables[0]!;
  for (let i = 0; i < 256; i++) {
    let c = i;
    for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ reversedPoly : c >>> 1;
    t0[i] = c >>> 0;
  }
  for (let k = 1; k < 8; k++) {
    const prev = tables[k - 1]!;
    const cur = tables[k]!;
    for (let i = 0; i < 256; i++) cur[i] = ((prev[i]! >>> 8) ^ t0[prev[i]! & 0xff]!) >>> 0;
  }
  return tables;
}

const CRC32_TABLES = buildTables(0xedb88320);
const CRC32C_TABLES = buildTables(0x82f63b78);

/**
 * An incremental reflected CRC-32 (init and xorout all ones). `crc32()` is zlib's CRC-32,
 * `crc32c()` is Castagnoli's (iSCSI), as S3's `x-amz-checksum-crc32`/`-crc32c` use them.
 */
export class Crc32 {
  private crc = 0xffffffff;

  private constructor(private readonly t: Uint32Array[]) {}

  /** zlib's CRC-32 (polynomial 0x04C11DB7). */
  static crc32(): Crc32 {
    return new Crc32(CRC32_TABLES);
  }

  /** CRC-32C (Castagnoli, polynomial 0x1EDC6F41). */
  static crc32c(): Crc32 {
    return new Crc32(CRC32C_TABLES);
  }

  /** Feeds more bytes. */
  update(buf: Uint8Array): this {
    const [t0, t1, t2, t3, t4, t5, t6, t7] = this.t as [Uint32Array, Uint32Array, Uint32Array, Uint32Array, Uint32Array, Uint32Array, Uint32Array, Uint32Array];
    let crc = this.crc;
    let i = 0;
    const n = buf.length;
    const end8 = n - (n % 8);
    for (; i < end8; i += 8) {
      const a = (crc ^ (buf[i]! | (buf[i + 1]! << 8) | (buf[i + 2]! << 16) | (buf[i + 3]! << 24))) >>> 0;
      crc =
        t7[a & 0xff]! ^ t6[(a >>> 8) & 0xff]! ^ t5[(a >>> 16) & 0xff]! ^ t4[a >>> 24]! ^
        t3[buf[i + 4]!]! ^ t2[buf[i + 5]!]! ^ t1[buf[i + 6]!]! ^ t0[buf[i + 7]!]!;
    }
    for (; i < n; i++) crc = t0[(crc ^ buf[i]!) & 0xff]! ^ (crc >>> 8);
    this.crc = crc >>> 0;
    return this;
  }

  /** The CRC as 4 big-endian bytes (the form S3 base64-encodes). */
  digest(): Buffer {
    const out = Buffer.alloc(4);
    out.writeUInt32BE((this.crc ^ 0xffffffff) >>> 0);
    return out;
  }
}
