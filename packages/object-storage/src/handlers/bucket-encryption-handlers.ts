import { S3Error, type ObjectStore } from '@keyless/core';
import { bucketOf } from '../http/s3-request.js';
import { readSmallBody } from '../http/payload.js';
import { asArray, asText, MAX_XML_BYTES, S3_XMLNS } from '../xml/xml-codec.js';
import { requireKms } from '../sse/sse-keys.js';
import type { Handler, HandlerDeps } from './handler-deps.js';

/** The bucket configuration kind under which the default encryption is stored (JSON {@link BucketEncryption}). */
export const BUCKET_ENCRYPTION_CONFIG = 'encryption';

/** A bucket's default encryption rule. */
export interface BucketEncryptionRule {
  /** `AES256` (SSE-S3) or `aws:kms` (SSE-KMS, local KMS); `aws:kms:dsse` answers NotImplemented. */
  sseAlgorithm: 'AES256' | 'aws:kms';
  /** `aws:kms` only: the key as configured (key id, key ARN, alias or alias ARN); absent = the default key. */
  kmsMasterKeyId?: string;
  bucketKeyEnabled?: boolean;
}

/** A bucket's default encryption, as stored. */
export interface BucketEncryption {
  rules: BucketEncryptionRule[];
}

/** The bucket's default encryption, or undefined when none is configured (for the write path). */
export async function readBucketEncryption(store: ObjectStore, bucket: string): Promise<BucketEncryption | undefined> {
  const text = await store.getBucketConfig(bucket, BUCKET_ENCRYPTION_CONFIG);
  return text === undefined ? undefined : (JSON.parse(text) as BucketEncryption);
}

function parseRule(r: unknown, deps: HandlerDeps): BucketEncryptionRule {
  if (typeof r !== 'object' || r === null) throw new S3Error('MalformedXML');
  const rule = r as Record<string, unknown>;
  const apply = rule.ApplyServerSideEncryptionByDefault;
  if (typeof apply !== 'object' || apply === null) throw new S3Error('MalformedXML');
  const a = apply as Record<string, unknown>;
  const algorithm = asText(a.SSEAlgorithm)?.trim();
  const kmsKey = asText(a.KMSMasterKeyID);
  if (algorithm === 'aws:kms:dsse') throw new S3Error('NotImplemented', `Default encryption with ${algorithm} is not implemented; use AES256 or aws:kms.`);
  if (algorithm !== 'AES256' && algorithm !== 'aws:kms') throw new S3Error('MalformedXML');
  if (kmsKey !== undefined && algorithm !== 'aws:kms') {
    throw new S3Error('InvalidArgument', 'a KMSMasterKeyID is not applicable if the default sse algorithm is not aws:kms or aws:kms:dsse', { ArgumentName: 'ApplyServerSideEncryptionByDefault' });
  }
  const keyId = kmsKey?.trim() ? kmsKey.trim() : undefined;
  // The key must exist (KMS.NotFoundException otherwise) before objects are written under it.
  if (algorithm === 'aws:kms') requireKms(deps).keyArn(keyId);
  const bucketKey = asText(rule.BucketKeyEnabled)?.trim().toLowerCase();
  if (bucketKey !== undefined && bucketKey !== 'true' && bucketKey !== 'false') throw new S3Error('MalformedXML');
  return {
    sseAlgorithm: algorithm,
    ...(keyId !== undefined ? { kmsMasterKeyId: keyId } : {}),
    ...(bucketKey !== undefined ? { bucketKeyEnabled: bucketKey === 'true' } : {}),
  };
}

/**
 * PutBucketEncryption: stores the default encryption (one rule, SSE-S3 or SSE-KMS with an optional
 * KMSMasterKeyID). The configuration is stored and reported; encrypting the bytes belongs to the write path.
 * @see https://docs.aws.amazon.com/AmazonS3/latest/API/API_PutBucketEncryption.html
 */
export const putBucketEncryption: Handler = async (req, deps) => {
  const body = await readSmallBody(req, MAX_XML_BYTES);
  const doc = deps.xml.parse(body.toString('utf8'), 'ServerSideEncryptionConfiguration');
  const raw = asArray(doc.Rule as unknown[] | undefined);
  if (raw.length !== 1) throw new S3Error('MalformedXML');
  const config: BucketEncryption = { rules: raw.map((r) => parseRule(r, deps)) };
  await deps.store.putBucketConfig(bucketOf(req), BUCKET_ENCRYPTION_CONFIG, JSON.stringify(config));
  return {};
};

/** GetBucketEncryption; ServerSideEncryptionConfigurationNotFoundError when none is set. @see https://docs.aws.amazon.com/AmazonS3/latest/API/API_GetBucketEncryption.html */
export const getBucketEncryption: Handler = async (req, deps) => {
  const bucket = bucketOf(req);
  const config = await readBucketEncryption(deps.store, bucket);
  if (config === undefined) throw new S3Error('ServerSideEncryptionConfigurationNotFoundError', undefined, { BucketName: bucket });
  return {
    body: {
      xml: {
        ServerSideEncryptionConfiguration: {
          '@_xmlns': S3_XMLNS,
          Rule: config.rules.map((r) => ({
            ApplyServerSideEncryptionByDefault: { SSEAlgorithm: r.sseAlgorithm, KMSMasterKeyID: r.kmsMasterKeyId },
            BucketKeyEnabled: r.bucketKeyEnabled,
          })),
        },
      },
    },
  };
};

/** DeleteBucketEncryption: 204. @see https://docs.aws.amazon.com/AmazonS3/latest/API/API_DeleteBucketEncryption.html */
export const deleteBucketEncryption: Handler = async (req, deps) => {
  await deps.store.putBucketConfig(bucketOf(req), BUCKET_ENCRYPTION_CONFIG, undefined);
  return { status: 204 };
};
