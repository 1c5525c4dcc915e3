import { createHash } from 'node:crypto';
import type { ChecksumAlgorithm } from '@keyless/core';
import { Crc32 } from './crc32.js';
import { Crc64Nvme } from './crc64-nvme.js';

/** An incremental checksum: feed bytes, then read the digest once. */
export interface Checksum {
  update(b: Buffer): void;
  /** Big-endian bytes as AWS sends them; base64 of it is the header value. */
  digest(): Buffer;
}

/** The digest length in bytes of each algorithm (validates base64 header values). */
export const CHECKSUM_LENGTH: Readonly<Record<ChecksumAlgorithm, number>> = { CRC32: 4, CRC32C: 4, CRC64NVME: 8, SHA1: 20, SHA256: 32 };

/** All algorithms S3 accepts, in AWS's order. */
export const CHECKSUM_ALGORITHMS: readonly ChecksumAlgorithm[] = ['CRC32', 'CRC32C', 'CRC64NVME', 'SHA1', 'SHA256'];

/**
 * Creates an incremental checksum for S3's `x-amz-checksum-*` algorithms.
 *
 * @see https://docs.aws.amazon.com/AmazonS3/latest/userguide/checking-object-integrity.html
 */
export function createChecksum(alg: ChecksumAlgorithm): Checksum {
  switch (alg) {
    case 'CRC32':
      return Crc32.crc32();
    case 'CRC32C':
      return Crc32.crc32c();
    case 'CRC64NVME':
      return new Crc64Nvme();
    case 'SHA1':
    case 'SHA256': {
      const h = createHash(alg === 'SHA1' ? 'sha1' : 'sha256');
      return { update: (b) => void h.update(b), digest: () => h.digest() };
    }
  }
}

/** `x-amz-checksum-crc32` for `CRC32`, etc. */
export function checksumHeaderName(alg: ChecksumAlgorithm): string {
  return `x-amz-checksum-${alg.toLowerCase()}`;
}

/** The algorithm named by an `x-amz-checksum-*` header name, or `undefined`. */
export function checksumAlgorithmOfHeader(name: string): ChecksumAlgorithm | undefined {
  const lower = name.trim().toLowerCase();
  return CHECKSUM_ALGORITHMS.find((a) => checksumHeaderName(a) === lower);
}

/** True when `value` is canonical base64 of exactly the digest length of `alg`. */
export function isValidChecksumValue(alg: ChecksumAlgorithm, value: string): boolean {
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(value)) return false;
  const bytes = Buffer.from(value, 'base64');
  return bytes.length === CHECKSUM_LENGTH[alg] && bytes.toString('base64') === value;
}
