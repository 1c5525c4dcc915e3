import { createHash } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import { S3Error } from '@keyless/core';
import { KEY_BYTES } from './data-key.js';

/** The SSE-C headers of the object addressed by a request. */
export const SSE_C_PREFIX = 'x-amz-server-side-encryption-customer-';
/** The SSE-C headers of a copy source. */
export const COPY_SOURCE_SSE_C_PREFIX = 'x-amz-copy-source-server-side-encryption-customer-';

/** A validated SSE-C customer key. Never logged, never stored (only a salted HMAC of it). */
export interface CustomerKey {
  key: Buffer;
  /** The base64 MD5 the client sent (echoed in responses). */
  keyMd5: string;
}

/** What a request's encryption headers say. */
export interface SseHeaders {
  headers: IncomingHttpHeaders;
  /** True over TLS; SSE-C keys are refused on plain HTTP. */
  secure: boolean;
}

function one(headers: IncomingHttpHeaders, name: string): string | undefined {
  const v = headers[name];
  return Array.isArray(v) ? v[0] : v;
}

function invalid(message: string, name: string): S3Error {
  return new S3Error('InvalidArgument', message, { ArgumentName: name });
}

/**
 * The SSE-C key of a request (`prefix` selects the object's or the copy source's headers), or
 * undefined when none of the three headers is present. Validated as S3 does: algorithm AES256, a
 * base64 256-bit key, and its base64 MD5.
 * @see https://docs.aws.amazon.com/AmazonS3/latest/userguide/ServerSideEncryptionCustomerKeys.html
 */
export function customerKeyFrom(req: SseHeaders, prefix = SSE_C_PREFIX): CustomerKey | undefined {
  const algorithm = one(req.headers, `${prefix}algorithm`);
  const key = one(req.headers, `${prefix}key`);
  const keyMd5 = one(req.headers, `${prefix}key-md5`);
  if (algorithm === undefined && key === undefined && keyMd5 === undefined) return undefined;
  if (!req.secure) throw new S3Error('InvalidRequest', 'Requests specifying Server Side Encryption with Customer provided keys must be made over a secure connection.');
  if (algorithm !== 'AES256') {
    throw invalid('Requests specifying Server Side Encryption with Customer provided keys must provide a valid encryption algorithm.', `${prefix}algorithm`);
  }
  if (key === undefined) throw invalid('Requests specifying Server Side Encryption with Customer provided keys must provide an appropriate secret key.', `${prefix}key`);
  const raw = Buffer.from(key, 'base64');
  if (raw.length !== KEY_BYTES || raw.toString('base64') !== key.trim()) throw invalid('The secret key was invalid for the specified algorithm.', `${prefix}key`);
  if (keyMd5 === undefined) {
    throw invalid('Requests specifying Server Side Encryption with Customer provided keys must provide the client calculated MD5 of the secret key.', `${prefix}key-MD5`);
  }
  if (createHash('md5').update(raw).digest('base64') !== keyMd5.trim()) {
    throw invalid('The calculated MD5 hash of the key did not match the hash that was provided.', `${prefix}key-MD5`);
  }
  return { key: raw, keyMd5: keyMd5.trim() };
}

/**
 * `x-amz-server-side-encryption` of a write: `AES256` (SSE-S3), `aws:kms` (SSE-KMS) or undefined.
 * `aws:kms:dsse` is not implemented (501); anything else is InvalidArgument, as S3 answers. The KMS
 * key id and encryption context headers need `aws:kms`.
 * @see https://docs.aws.amazon.com/AmazonS3/latest/userguide/specifying-s3-encryption.html
 */
export function serverSideEncryptionFrom(headers: IncomingHttpHeaders): 'AES256' | 'aws:kms' | undefined {
  const value = one(headers, 'x-amz-server-side-encryption');
  if (one(headers, 'x-amz-server-side-encryption-aws-kms-key-id') !== undefined || one(headers, 'x-amz-server-side-encryption-context') !== undefined) {
    if (value === undefined || value === 'AES256') {
      throw new S3Error('InvalidArgument', 'Server Side Encryption with AWS KMS managed key requires HTTP header x-amz-server-side-encryption : aws:kms', { ArgumentName: 'x-amz-server-side-encryption' });
    }
  }
  if (value === undefined) return undefined;
  if (value === 'aws:kms:dsse') throw new S3Error('NotImplemented', `Server-side encryption with ${value} is not implemented; use AES256 or aws:kms.`);
  if (value !== 'AES256' && value !== 'aws:kms') {
    throw new S3Error('InvalidArgument', 'The encryption method specified is not supported', { ArgumentName: 'x-amz-server-side-encryption', ArgumentValue: value });
  }
  return value;
}

/**
 * GET and HEAD take no `x-amz-server-side-encryption*` headers of SSE-S3 or SSE-KMS (the object
 * says how it is encrypted): S3 answers 400 InvalidArgument. SSE-C headers are another matter.
 * @see https://docs.aws.amazon.com/AmazonS3/latest/API/API_GetObject.html (x-amz-server-side-encryption)
 */
export function refuseWriteSseHeaders(headers: IncomingHttpHeaders): void {
  for (const name of ['x-amz-server-side-encryption', 'x-amz-server-side-encryption-aws-kms-key-id', 'x-amz-server-side-encryption-context']) {
    if (headers[name] !== undefined) {
      throw new S3Error('InvalidArgument', 'Requests specifying Server Side Encryption with AWS KMS managed keys or Amazon S3 managed keys are not allowed on reads.', { ArgumentName: name });
    }
  }
}
