import type { ObjectInfo } from '@keyless/core';
import { plaintextSize } from './package-format.js';

/**
 * The per-version attributes (the store's generic attribute map) that describe an encrypted object.
 * The store only ever sees ciphertext; these let the S3 layer decrypt and report plaintext values.
 */
export const SSE_ATTR = {
  /** `AES256` (SSE-S3), `aws:kms` (SSE-KMS, local KMS) or `SSE-C`. Absent: the object is stored in the clear. */
  algorithm: 'sse-algorithm',
  /** The object's data key sealed under the SSE-S3 key or the customer key (see `data-key.ts`). */
  sealedKey: 'sse-sealed-key',
  /** SSE-C: salted HMAC of the customer key, to recognise it on later requests. */
  keyCheck: 'sse-c-key-check',
  /** The plaintext MD5 (the ETag S3 reports for an SSE-S3 single PUT or copy). */
  etag: 'sse-etag',
  /** SSE-KMS: the ARN of the KMS key the data key is sealed under (reported in responses). */
  kmsKeyArn: 'sse-kms-key-arn',
  /** SSE-KMS: the encryption context as sent (base64 JSON), bound into the sealing; absent when none was sent. */
  kmsContext: 'sse-kms-context',
  /** SSE-KMS: `true` when an S3 Bucket Key was asked for (recorded and reported; the sealing is the same). */
  bucketKeyEnabled: 'sse-bucket-key-enabled',
} as const;

/** How an object version is encrypted at rest. */
export type SseAlgorithm = 'AES256' | 'aws:kms' | 'SSE-C';

/** The object's encryption, or undefined when stored in the clear. */
export function sseAlgorithmOf(info: Pick<ObjectInfo, 'attributes'>): SseAlgorithm | undefined {
  const a = info.attributes?.[SSE_ATTR.algorithm];
  return a === 'AES256' || a === 'aws:kms' || a === 'SSE-C' ? a : undefined;
}

/**
 * The object as clients see it: for an encrypted object the plaintext size (derived from the
 * stored sizes, see `package-format.ts`), plaintext part sizes, and the recorded ETag. The ETag of
 * an SSE-C or SSE-KMS object, or of an encrypted multipart object, is the store's (an MD5 of the
 * stored bytes): S3 documents those ETags as not being an MD5 of the object data, and keeps them stable.
 * @see https://docs.aws.amazon.com/AmazonS3/latest/API/API_Object.html (ETag)
 */
export function plainView(info: ObjectInfo): ObjectInfo {
  if (sseAlgorithmOf(info) === undefined) return info;
  const parts = info.parts?.map((p) => ({ ...p, size: plaintextSize(p.size) }));
  const size = parts ? parts.reduce((a, p) => a + p.size, 0) : plaintextSize(info.size);
  return { ...info, size, etag: info.attributes?.[SSE_ATTR.etag] ?? info.etag, ...(parts ? { parts } : {}) };
}
