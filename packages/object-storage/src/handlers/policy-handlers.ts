import { isS3Error, S3Error } from '@keyless/core';
import { bucketOf } from '../http/s3-request.js';
import { readSmallBody } from '../http/payload.js';
import { S3_XMLNS } from '../xml/xml-codec.js';
import { readPublicAccessBlock } from '../auth/bucket-access-settings.js';
import type { Handler } from './handler-deps.js';

/** Bucket policies are limited to 20 KB. @see https://docs.aws.amazon.com/AmazonS3/latest/userguide/bucket-policies.html */
const MAX_POLICY_BYTES = 20 * 1024;

/** The bucket configuration kind under which the policy JSON is stored. */
export const POLICY_CONFIG = 'policy';

/** @see https://docs.aws.amazon.com/AmazonS3/latest/API/API_PutBucketPolicy.html */
export const putBucketPolicy: Handler = async (req, deps) => {
  const bucket = bucketOf(req);
  // An oversized policy is a malformed policy to S3 clients, not an oversized upload.
  const body = await readSmallBody(req, MAX_POLICY_BYTES).catch((err: unknown) => {
    if (isS3Error(err) && (err.code === 'EntityTooLarge' || err.code === 'MaxMessageLengthExceeded')) {
      throw new S3Error('MalformedPolicy', `Policies must be no larger than ${MAX_POLICY_BYTES} bytes.`);
    }
    throw err;
  });
  const text = body.toString('utf8');
  deps.validateBucketPolicy(text);
  // BlockPublicPolicy refuses a public policy. @see https://docs.aws.amazon.com/AmazonS3/latest/userguide/access-control-block-public-access.html#access-control-block-public-access-options
  if ((await readPublicAccessBlock(deps.store, bucket))?.blockPublicPolicy && isPublicPolicy(text)) throw new S3Error('AccessDenied');
  await deps.store.putBucketConfig(bucket, POLICY_CONFIG, text);
  return { status: 204 };
};

/** @see https://docs.aws.amazon.com/AmazonS3/latest/API/API_GetBucketPolicy.html */
export const getBucketPolicy: Handler = async (req, deps) => {
  const bucket = bucketOf(req);
  const policy = await deps.store.getBucketConfig(bucket, POLICY_CONFIG);
  if (policy === undefined) throw new S3Error('NoSuchBucketPolicy', undefined, { BucketName: bucket });
  return { headers: { 'Content-Type': 'application/json' }, body: policy };
};

/** @see https://docs.aws.amazon.com/AmazonS3/latest/API/API_DeleteBucketPolicy.html */
export const deleteBucketPolicy: Handler = async (req, deps) => {
  await deps.store.putBucketConfig(bucketOf(req), POLICY_CONFIG, undefined);
  return { status: 204 };
};

/**
 * GetBucketPolicyStatus: public when some Allow statement has Principal `*` and no condition
 * (a simplification of S3's "public" definition that errs on the side of reporting public).
 * @see https://docs.aws.amazon.com/AmazonS3/latest/userguide/access-control-block-public-access.html#access-control-block-public-access-policy-status
 */
export const getBucketPolicyStatus: Handler = async (req, deps) => {
  const bucket = bucketOf(req);
  const policy = await deps.store.getBucketConfig(bucket, POLICY_CONFIG);
  if (policy === undefined) throw new S3Error('NoSuchBucketPolicy', undefined, { BucketName: bucket });
  return { body: { xml: { PolicyStatus: { '@_xmlns': S3_XMLNS, IsPublic: isPublicPolicy(policy) } } } };
};

/**
 * True when the policy is public: some Allow statement has Principal `*` and no condition (S3's
 * definition also treats some conditions as public; this errs on the side of public).
 */
export function isPublicPolicy(text: string): boolean {
  const doc = JSON.parse(text) as { Statement?: unknown };
  const statements = Array.isArray(doc.Statement) ? doc.Statement : [doc.Statement];
  return statements.some((s) => {
    const st = s as { Effect?: string; Principal?: unknown; Condition?: unknown };
    if (st?.Effect !== 'Allow' || st.Condition !== undefined) return false;
    const p = st.Principal;
    if (p === '*') return true;
    const aws = typeof p === 'object' && p !== null ? (p as { AWS?: unknown }).AWS : undefined;
    return aws === '*' || (Array.isArray(aws) && aws.includes('*'));
  });
}
