import { pipeline, type Readable } from 'node:stream';
import { S3Error, type ChecksumMap, type ObjectInfo, type ObjectStore } from '@keyless/core';
import { readBucketEncryption } from '../handlers/bucket-encryption-handlers.js';
import { EncryptStream } from './encrypt-stream.js';
import { plainView, SSE_ATTR, type SseAlgorithm } from './sse-attributes.js';
import { bucketKeyEnabledFrom, kmsRequestFrom } from './kms-headers.js';
import { customerKeyFrom, serverSideEncryptionFrom, type CustomerKey, type SseHeaders } from './sse-headers.js';
import { newObjectKey, objectDataKey, requireKms, requireSseAccess, sseResponseHeaders, type KmsWrite, type SseKeyDeps } from './sse-keys.js';

/** How a new object (or multipart upload) is encrypted: its data key, the attributes to store, the response headers. */
export interface SseWritePlan {
  algorithm: SseAlgorithm;
  dataKey: Buffer;
  attributes: Record<string, string>;
  responseHeaders: Record<string, string>;
}

/**
 * Decides a write's encryption: SSE-C headers, else `x-amz-server-side-encryption` (`AES256`, or
 * `aws:kms` with its key id, context and bucket key headers; no key id = the default key, not the
 * bucket's), else the bucket's default encryption; undefined = stored in the clear. Both SSE-C and
 * `x-amz-server-side-encryption` is InvalidArgument, as on S3.
 * @see https://docs.aws.amazon.com/AmazonS3/latest/userguide/bucket-encryption.html
 * @see https://docs.aws.amazon.com/AmazonS3/latest/userguide/specifying-kms-encryption.html
 */
export async function planSseWrite(req: SseHeaders, deps: SseKeyDeps & { store: ObjectStore }, bucket: string, key: string): Promise<SseWritePlan | undefined> {
  const requested = serverSideEncryptionFrom(req.headers);
  const customer = customerKeyFrom(req);
  if (customer && requested) {
    throw new S3Error('InvalidArgument', 'Server Side Encryption with Customer provided key is incompatible with the encryption method specified', { ArgumentName: 'x-amz-server-side-encryption', ArgumentValue: requested });
  }
  if (customer) return plan('SSE-C', deps, bucket, key, customer);
  if (requested === 'aws:kms') {
    const kms = kmsRequestFrom(req.headers);
    return plan('aws:kms', deps, bucket, key, undefined, { ...kms, keyArn: requireKms(deps).keyArn(kms.keyId) });
  }
  if (requested === 'AES256') return plan('AES256', deps, bucket, key);
  const rule = (await readBucketEncryption(deps.store, bucket))?.rules[0];
  if (rule?.sseAlgorithm === 'aws:kms') {
    const bucketKeyEnabled = bucketKeyEnabledFrom(req.headers) ?? rule.bucketKeyEnabled;
    return plan('aws:kms', deps, bucket, key, undefined, { keyArn: requireKms(deps).keyArn(rule.kmsMasterKeyId), bucketKeyEnabled });
  }
  return rule?.sseAlgorithm === 'AES256' ? plan('AES256', deps, bucket, key) : undefined;
}

function plan(algorithm: SseAlgorithm, deps: SseKeyDeps, bucket: string, key: string, customer?: CustomerKey, kms?: KmsWrite): SseWritePlan {
  const { dataKey, attributes } = newObjectKey(algorithm, deps, bucket, key, customer, kms);
  const responseHeaders = sseResponseHeaders(attributes, customer);
  // S3 echoes the encryption context on the write that set it (PUT, copy, CreateMultipartUpload).
  if (kms?.context !== undefined) responseHeaders['x-amz-server-side-encryption-context'] = kms.context;
  return { algorithm, dataKey, attributes, responseHeaders };
}

/**
 * The plan of an UploadPart / UploadPartCopy into an encrypted multipart upload (the upload's
 * stored attributes hold its data key), checking the SSE-C key of the request; undefined for an
 * upload in the clear (SSE-C headers then are InvalidRequest).
 */
export function uploadSsePlan(uploadAttributes: Record<string, string> | undefined, req: SseHeaders, deps: SseKeyDeps, bucket: string, key: string): SseWritePlan | undefined {
  const customer = customerKeyFrom(req);
  requireSseAccess(uploadAttributes, customer, 'upload');
  const algorithm = uploadAttributes?.[SSE_ATTR.algorithm] as SseAlgorithm | undefined;
  if (!uploadAttributes || algorithm === undefined) return undefined;
  return {
    algorithm,
    dataKey: objectDataKey(uploadAttributes, deps, bucket, key, customer),
    attributes: {},
    responseHeaders: sseResponseHeaders(uploadAttributes, customer),
  };
}

/** A body on its way to the store, encrypted when the write has a plan. */
export interface EncryptedWrite {
  body: Readable;
  /** The attributes to store (the given ones plus the encryption's). Pass this very object to the store. */
  attributes: Record<string, string>;
  /** Wraps the payload's finalize: records the plaintext ETag of an SSE-S3 object. */
  finalize: () => { checksums?: ChecksumMap };
  /**
   * After the store committed: makes sure the plaintext ETag is recorded (the store reads the
   * attributes at commit, after finalize; if it did not, they are patched on that exact version),
   * and returns the object as clients see it.
   */
  committed(store: ObjectStore, info: ObjectInfo): Promise<ObjectInfo>;
}

/**
 * Pipes `body` through the encryption of `plan` (`partNumber` 0 for a whole object). A failing
 * body (signature, checksum) destroys the encrypted stream, so the store aborts the write.
 */
export function encryptedWrite(
  plan: SseWritePlan | undefined, body: Readable, attributes: Record<string, string>, finalize?: () => { checksums?: ChecksumMap }, partNumber = 0,
): EncryptedWrite {
  const finalizeOrEmpty = finalize ?? (() => ({}));
  if (!plan) return { body, attributes, finalize: finalizeOrEmpty, committed: async (_store, info) => info };
  const enc = new EncryptStream(plan.dataKey, partNumber);
  pipeline(body, enc, () => undefined);
  const all = { ...attributes, ...plan.attributes };
  const recordEtag = plan.algorithm === 'AES256' && partNumber === 0;
  return {
    body: enc,
    attributes: all,
    finalize: () => {
      const result = finalizeOrEmpty();
      if (recordEtag) all[SSE_ATTR.etag] = enc.plainMd5;
      return result;
    },
    committed: async (store, info) => {
      if (recordEtag && info.attributes?.[SSE_ATTR.etag] !== enc.plainMd5) {
        try {
          info = await store.updateObjectAttributes(info.bucket, info.key, info.versionId, { [SSE_ATTR.etag]: enc.plainMd5 }, (cur) => {
            if (cur.etag !== info.etag) throw new S3Error('PreconditionFailed');
          });
        } catch {
          // Replaced or deleted meanwhile: the new object is not ours to annotate.
        }
      }
      return plainView(info);
    },
  };
}

/** Wraps a write precondition (If-Match / If-None-Match) to compare the plaintext ETag. */
export function plainPrecondition(pre: ((current: ObjectInfo | undefined) => void) | undefined): ((current: ObjectInfo | undefined) => void) | undefined {
  return pre && ((current) => pre(current && plainView(current)));
}
