import type { ChecksumAlgorithm, ChecksumMap, ChecksumType } from '@keyless/core';
import { createChecksum, CHECKSUM_LENGTH } from '@keyless/sigv4';
import { bigIntToDigest, CrcCombiner, digestToBigInt } from './crc-combine.js';

/**
 * The checksum of a completed multipart object from its parts' checksums:
 * - COMPOSITE: the checksum of the concatenated binary part checksums, then `-N`;
 * - FULL_OBJECT (CRCs only): the CRC of the whole object, combined from the part CRCs and sizes.
 * When a part has no checksum of `alg` the object gets none (the HTTP layer computes every part's
 * checksum of the upload's algorithm, so this only happens to direct store users).
 * @see https://docs.aws.amazon.com/AmazonS3/latest/userguide/checking-object-integrity.html#large-object-checksums
 */
export function multipartChecksum(
  alg: ChecksumAlgorithm,
  type: ChecksumType,
  parts: readonly { partNumber: number; size: number; checksums: ChecksumMap }[],
): ChecksumMap {
  if (parts.some((p) => p.checksums[alg] === undefined)) return {};
  const digests = parts.map((p) => Buffer.from(p.checksums[alg]!, 'base64'));
  if (type === 'COMPOSITE') {
    const h = createChecksum(alg);
    for (const d of digests) h.update(d);
    return { [alg]: `${h.digest().toString('base64')}-${parts.length}` };
  }
  const combiner = new CrcCombiner(alg);
  let crc = digestToBigInt(digests[0]!);
  for (let i = 1; i < parts.length; i++) crc = combiner.combine(crc, digestToBigInt(digests[i]!), parts[i]!.size);
  return { [alg]: bigIntToDigest(crc, CHECKSUM_LENGTH[alg]).toString('base64') };
}
