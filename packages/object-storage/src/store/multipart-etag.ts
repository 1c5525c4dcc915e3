import { createHash } from 'node:crypto';
import { S3Error, type ChecksumAlgorithm, type ChecksumMap } from '@keyless/core';
import type { StoredPart } from './upload-rows.js';

/** S3's minimum size of every part but the last. */
export const MIN_PART_SIZE = 5 * 1024 * 1024;

/** Part ETags as clients send them may carry quotes; the stored ones never do. */
export function unquoteEtag(etag: string): string {
  return etag.replace(/^"(.*)"$/, '$1');
}

/**
 * Checks a CompleteMultipartUpload part list against the stored parts and returns them in order:
 * at least one part (MalformedXML), strictly ascending part numbers (InvalidPartOrder), each part
 * uploaded with a matching ETag and matching listed checksums (`ChecksumCRC32`, ...; InvalidPart),
 * every part but the last at least 5 MiB
 * (EntityTooSmall).
 *
 * @see https://docs.aws.amazon.com/AmazonS3/latest/API/API_CompleteMultipartUpload.html
 */
export function resolveCompletedParts(
  listed: readonly { partNumber: number; etag: string; checksums?: ChecksumMap }[],
  lookup: (partNumber: number) => StoredPart | undefined,
): StoredPart[] {
  if (listed.length === 0) throw new S3Error('MalformedXML');
  for (let i = 1; i < listed.length; i++) {
    if (listed[i]!.partNumber <= listed[i - 1]!.partNumber) throw new S3Error('InvalidPartOrder');
  }
  const parts = listed.map(({ partNumber, etag, checksums }) => {
    const part = lookup(partNumber);
    if (!part || part.info.etag !== unquoteEtag(etag).toLowerCase()) {
      throw new S3Error('InvalidPart', undefined, { PartNumber: String(partNumber), ETag: etag });
    }
    for (const [alg, value] of Object.entries(checksums ?? {})) {
      if (part.info.checksums[alg as ChecksumAlgorithm] !== value) {
        throw new S3Error('InvalidPart', undefined, { PartNumber: String(partNumber), ETag: etag });
      }
    }
    return part;
  });
  for (let i = 0; i < parts.length - 1; i++) {
    if (parts[i]!.info.size < MIN_PART_SIZE) {
      throw new S3Error('EntityTooSmall', undefined, {
        ProposedSize: String(parts[i]!.info.size),
        MinSizeAllowed: String(MIN_PART_SIZE),
        PartNumber: String(parts[i]!.info.partNumber),
      });
    }
  }
  return parts;
}

/**
 * The ETag of a multipart object: MD5 of the concatenated binary part MD5s, then `-N`.
 * Not documented by AWS but relied upon by every client that verifies multipart downloads.
 */
export function multipartEtag(partEtags: readonly string[]): string {
  const md5 = createHash('md5');
  for (const etag of partEtags) md5.update(Buffer.from(etag, 'hex'));
  return `${md5.digest('hex')}-${partEtags.length}`;
}
