import type { IncomingHttpHeaders } from 'node:http';
import { S3Error } from '@keyless/core';

/** What a write's SSE-KMS headers ask for (beyond `x-amz-server-side-encryption: aws:kms`). */
export interface KmsRequest {
  /** `x-amz-server-side-encryption-aws-kms-key-id` as sent (absent: the default key). */
  keyId?: string;
  /** `x-amz-server-side-encryption-context`, base64 of a JSON string-to-string map, as sent. */
  context?: string;
  /** `x-amz-server-side-encryption-bucket-key-enabled`. */
  bucketKeyEnabled?: boolean;
}

/** Largest encryption context KMS accepts, in bytes of JSON. */
const MAX_CONTEXT_BYTES = 8192;

function one(headers: IncomingHttpHeaders, name: string): string | undefined {
  const v = headers[name];
  return Array.isArray(v) ? v[0] : v;
}

function invalidContext(): S3Error {
  return new S3Error('InvalidArgument', 'The header \'x-amz-server-side-encryption-context\' shall be Base64-encoded UTF-8 string holding JSON which represents a string-string map', {
    ArgumentName: 'x-amz-server-side-encryption-context',
  });
}

/**
 * Checks an encryption context as S3 does: base64 of UTF-8 JSON that is an object whose values are
 * all strings. Returned as sent: it is stored and bound (AAD) into the sealing of the object's key.
 * @see https://docs.aws.amazon.com/AmazonS3/latest/userguide/UsingKMSEncryption.html#encryption-context
 */
export function encryptionContextFrom(value: string): string {
  const text = value.trim();
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(text) || text.length % 4 !== 0) throw invalidContext();
  const json = Buffer.from(text, 'base64');
  if (json.length === 0 || json.length > MAX_CONTEXT_BYTES) throw invalidContext();
  let parsed: unknown;
  try {
    parsed = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(json));
  } catch {
    throw invalidContext();
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw invalidContext();
  if (!Object.values(parsed).every((v) => typeof v === 'string')) throw invalidContext();
  return text;
}

/** `x-amz-server-side-encryption-bucket-key-enabled`: `true` or `false` (any case), else InvalidArgument. */
export function bucketKeyEnabledFrom(headers: IncomingHttpHeaders): boolean | undefined {
  const v = one(headers, 'x-amz-server-side-encryption-bucket-key-enabled')?.trim().toLowerCase();
  if (v === undefined) return undefined;
  if (v !== 'true' && v !== 'false') {
    throw new S3Error('InvalidArgument', 'x-amz-server-side-encryption-bucket-key-enabled must be true or false', { ArgumentName: 'x-amz-server-side-encryption-bucket-key-enabled' });
  }
  return v === 'true';
}

/**
 * The SSE-KMS headers of a write that asked for `aws:kms` (the caller checked
 * `x-amz-server-side-encryption`; key id and context without it are refused there).
 * @see https://docs.aws.amazon.com/AmazonS3/latest/API/API_PutObject.html#API_PutObject_RequestSyntax
 */
export function kmsRequestFrom(headers: IncomingHttpHeaders): KmsRequest {
  const keyId = one(headers, 'x-amz-server-side-encryption-aws-kms-key-id');
  const context = one(headers, 'x-amz-server-side-encryption-context');
  const bucketKeyEnabled = bucketKeyEnabledFrom(headers);
  return {
    ...(keyId !== undefined ? { keyId } : {}),
    ...(context !== undefined ? { context: encryptionContextFrom(context) } : {}),
    ...(bucketKeyEnabled !== undefined ? { bucketKeyEnabled } : {}),
  };
}
