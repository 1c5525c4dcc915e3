import { S3Error, type ObjectInfo } from '@keyless/core';
import { customerKeyCheck, customerKeyMatches, deriveSseCKey, newDataKey, sealDataKey, unsealDataKey } from './data-key.js';
import type { LocalKms } from './local-kms.js';
import { SSE_ATTR, type SseAlgorithm } from './sse-attributes.js';
import type { CustomerKey } from './sse-headers.js';

/**
 * The server-side keys the SSE code needs; `sseKey` is the SSE-S3 key-encryption key, `kms` the
 * local KMS of SSE-KMS (absent: that kind of encryption answers NotImplemented).
 */
export interface SseKeyDeps {
  sseKey?: Buffer;
  kms?: LocalKms;
}

/** An SSE-KMS write: the key (its ARN, checked by the KMS), the encryption context, the bucket key flag. */
export interface KmsWrite {
  keyArn: string;
  context?: string;
  bucketKeyEnabled?: boolean;
}

/**
 * Binds a sealed data key to its object (and algorithm); for SSE-KMS also to the KMS key and the
 * encryption context, as KMS binds a context to the ciphertext it returns.
 */
function context(algorithm: SseAlgorithm, bucket: string, key: string, kms?: { keyArn: string; context?: string }): string {
  const base = `keyless-sse-v1\n${algorithm}\n${bucket}\n${key}`;
  return kms ? `${base}\n${kms.keyArn}\n${kms.context ?? ''}` : base;
}

/** The local KMS, or NotImplemented when the server has no master key to derive its keys from. */
export function requireKms(deps: SseKeyDeps): LocalKms {
  if (!deps.kms) throw new S3Error('NotImplemented', 'Server-side encryption with KMS keys is not configured on this server.');
  return deps.kms;
}

function sseS3Key(deps: SseKeyDeps): Buffer {
  if (!deps.sseKey) throw new S3Error('NotImplemented', 'Server-side encryption is not configured on this server.');
  return deps.sseKey;
}

/** A new data key for an object, and the attributes that record it (sealed). */
export function newObjectKey(
  algorithm: SseAlgorithm, deps: SseKeyDeps, bucket: string, key: string, customer?: CustomerKey, kms?: KmsWrite,
): { dataKey: Buffer; attributes: Record<string, string> } {
  const dataKey = newDataKey();
  const ctx = context(algorithm, bucket, key, kms);
  if (algorithm === 'AES256') {
    return { dataKey, attributes: { [SSE_ATTR.algorithm]: 'AES256', [SSE_ATTR.sealedKey]: sealDataKey(sseS3Key(deps), dataKey, ctx) } };
  }
  if (algorithm === 'aws:kms') {
    if (!kms) throw new Error('SSE-KMS needs a key');
    return {
      dataKey,
      attributes: {
        [SSE_ATTR.algorithm]: 'aws:kms',
        [SSE_ATTR.sealedKey]: sealDataKey(requireKms(deps).keyEncryptionKey(kms.keyArn), dataKey, ctx),
        [SSE_ATTR.kmsKeyArn]: kms.keyArn,
        ...(kms.context !== undefined ? { [SSE_ATTR.kmsContext]: kms.context } : {}),
        ...(kms.bucketKeyEnabled ? { [SSE_ATTR.bucketKeyEnabled]: 'true' } : {}),
      },
    };
  }
  if (!customer) throw new Error('SSE-C needs a customer key');
  return {
    dataKey,
    attributes: {
      [SSE_ATTR.algorithm]: 'SSE-C',
      [SSE_ATTR.sealedKey]: sealDataKey(deriveSseCKey(customer.key), dataKey, ctx),
      [SSE_ATTR.keyCheck]: customerKeyCheck(customer.key),
    },
  };
}

/** Whether the SSE-C rules are checked for an object read or for a part of a multipart upload. */
export type SseTarget = 'object' | 'upload';

/**
 * S3's rules for the SSE-C headers of a request against the stored encryption: an SSE-C object
 * needs its key (400 InvalidRequest without, 403 AccessDenied with another); SSE-C headers for an
 * object not stored with SSE-C are InvalidRequest.
 * @see https://docs.aws.amazon.com/AmazonS3/latest/userguide/ServerSideEncryptionCustomerKeys.html
 */
export function requireSseAccess(attributes: ObjectInfo['attributes'], customer: CustomerKey | undefined, target: SseTarget = 'object'): void {
  const algorithm = attributes?.[SSE_ATTR.algorithm];
  if (algorithm !== 'SSE-C') {
    if (customer) throw new S3Error('InvalidRequest', 'The encryption parameters are not applicable to this object.');
    return;
  }
  if (!customer) {
    throw new S3Error('InvalidRequest', target === 'object'
      ? 'The object was stored using a form of Server Side Encryption. The correct parameters must be provided to retrieve the object.'
      : 'The multipart upload initiate requested encryption. Subsequent part requests must include the appropriate encryption parameters.');
  }
  const check = attributes?.[SSE_ATTR.keyCheck];
  if (check === undefined || !customerKeyMatches(customer.key, check)) throw new S3Error('AccessDenied');
}

/**
 * The data key of an encrypted object or upload (after {@link requireSseAccess}). A key that does
 * not unseal means the stored metadata or the server key changed: InternalError (SSE-S3, SSE-KMS),
 * or AccessDenied (SSE-C, the key is not the one the object was written with).
 */
export function objectDataKey(attributes: Record<string, string>, deps: SseKeyDeps, bucket: string, key: string, customer?: CustomerKey): Buffer {
  const algorithm = attributes[SSE_ATTR.algorithm] as SseAlgorithm;
  const sealed = attributes[SSE_ATTR.sealedKey] ?? '';
  if (algorithm === 'aws:kms') {
    const kms = { keyArn: attributes[SSE_ATTR.kmsKeyArn] ?? '', context: attributes[SSE_ATTR.kmsContext] };
    const dataKey = unsealDataKey(requireKms(deps).keyEncryptionKey(kms.keyArn), sealed, context(algorithm, bucket, key, kms));
    if (!dataKey) throw new S3Error('InternalError');
    return dataKey;
  }
  const kek = algorithm === 'AES256' ? sseS3Key(deps) : deriveSseCKey((customer as CustomerKey).key);
  const dataKey = unsealDataKey(kek, sealed, context(algorithm, bucket, key));
  if (!dataKey) throw new S3Error(algorithm === 'AES256' ? 'InternalError' : 'AccessDenied');
  return dataKey;
}

/**
 * The encryption response headers of an object: `x-amz-server-side-encryption: AES256` for
 * SSE-S3; `aws:kms` with the key ARN (and the bucket key flag when set) for SSE-KMS; the algorithm
 * and the key MD5 the client sent for SSE-C.
 * @see https://docs.aws.amazon.com/AmazonS3/latest/API/API_HeadObject.html#API_HeadObject_ResponseSyntax
 */
export function sseResponseHeaders(attributes: ObjectInfo['attributes'], customer?: CustomerKey): Record<string, string> {
  const algorithm = attributes?.[SSE_ATTR.algorithm];
  if (algorithm === 'AES256') return { 'x-amz-server-side-encryption': 'AES256' };
  if (algorithm === 'aws:kms') {
    return {
      'x-amz-server-side-encryption': 'aws:kms',
      'x-amz-server-side-encryption-aws-kms-key-id': attributes?.[SSE_ATTR.kmsKeyArn] ?? '',
      ...(attributes?.[SSE_ATTR.bucketKeyEnabled] === 'true' ? { 'x-amz-server-side-encryption-bucket-key-enabled': 'true' } : {}),
    };
  }
  if (algorithm === 'SSE-C' && customer) {
    return { 'x-amz-server-side-encryption-customer-algorithm': 'AES256', 'x-amz-server-side-encryption-customer-key-MD5': customer.keyMd5 };
  }
  return {};
}
