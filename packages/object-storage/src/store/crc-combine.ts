import type { ChecksumAlgorithm } from '@keyless/core';

/** Reflected polynomials of S3's CRCs (all use init and xorout of all ones). */
const POLYS: Partial<Record<ChecksumAlgorithm, { width: number; poly: bigint }>> = {
  CRC32: { width: 32, poly: 0xedb88320n },
  CRC32C: { width: 32, poly: 0x82f63b78n },
  CRC64NVME: { width: 64, poly: 0x9a6c9329ac4bc9b5n },
};

/** True when full-object checksums of `alg` can be combined from part checksums. */
export function isCombinable(alg: ChecksumAlgorithm): boolean {
  return POLYS[alg] !== undefined;
}

/**
 * CRC(A || B) from CRC(A), CRC(B) and the length of B, without the bytes: zlib's crc32_combine
 * (multiplication by x^(8·len) modulo the polynomial, in the reflected representation), generalized
 * to 64 bits with bigint. This is how S3's FULL_OBJECT checksum of a multipart upload follows from
 * the part checksums.
 * @see https://github.com/madler/zlib/blob/develop/crc32.c (crc32_combine_op)
 */
export class CrcCombiner {
  readonly #poly: bigint;
  readonly #top: bigint;
  /** x^(2^k) mod p, grown on demand. */
  readonly #x2n: bigint[] = [];

  constructor(alg: ChecksumAlgorithm) {
    const spec = POLYS[alg];
    if (!spec) throw new Error(`${alg} is not a CRC`);
    this.#poly = spec.poly;
    this.#top = 1n << BigInt(spec.width - 1);
    this.#x2n.push(this.#top >> 1n); // x^1
  }

  /** CRC of the concatenation; `crc1`, `crc2` as unsigned integers. */
  combine(crc1: bigint, crc2: bigint, len2: number): bigint {
    return this.#multModP(this.#x2nModP(BigInt(len2), 3), crc1) ^ crc2;
  }

  #multModP(a: bigint, b: bigint): bigint {
    let m = this.#top;
    let p = 0n;
    for (;;) {
      if (a & m) {
        p ^= b;
        if ((a & (m - 1n)) === 0n) break;
      }
      m >>= 1n;
      b = b & 1n ? (b >> 1n) ^ this.#poly : b >> 1n;
    }
    return p;
  }

  /** x^(n·2^k) mod p. */
  #x2nModP(n: bigint, k: number): bigint {
    let p = this.#top; // x^0
    while (n) {
      if (n & 1n) p = this.#multModP(this.#power(k), p);
      n >>= 1n;
      k++;
    }
    return p;
  }

  #power(k: number): bigint {
    while (this.#x2n.length <= k) {
      const last = this.#x2n[this.#x2n.length - 1]!;
      this.#x2n.push(this.#multModP(last, last));
    }
    return this.#x2n[k]!;
  }
}

/** Big-endian digest bytes <-> unsigned integer. */
export function digestToBigInt(digest: Buffer): bigint {
  return BigInt(`0x${digest.toString('hex') || '0'}`);
}

export function bigIntToDigest(value: bigint, bytes: number): Buffer {
  return Buffer.from(value.toString(16).padStart(bytes * 2, '0'), 'hex');
}
