import { S3Error, type BucketInfo, type ObjectRetention, type ObjectTag } from '@keyless/core';
import type { HandlerDeps } from '../handlers/handler-deps.js';
import { lockExtrasFromHeaders } from './object-lock-headers.js';
import { tagsFromHeader } from './object-tagging.js';
import { bucketOf, header, type S3Request } from './s3-request.js';

/** What a write request's headers ask to store with the new version besides its metadata. */
export interface WriteExtras {
  bucket: BucketInfo;
  tags?: ObjectTag[];
  retention?: ObjectRetention;
  legalHold?: boolean;
}

/**
 * Reads `x-amz-tagging` and the Object Lock headers (or the bucket's default retention) of a
 * PutObject / CreateMultipartUpload / CopyObject. Throws NoSuchBucket before the body is read.
 */
export async function writeExtrasFromHeaders(req: S3Request, deps: HandlerDeps): Promise<WriteExtras> {
  const bucket = await deps.store.getBucket(bucketOf(req));
  if (!bucket) throw new S3Error('NoSuchBucket', undefined, { BucketName: bucketOf(req) });
  const extras: WriteExtras = { bucket, ...(await lockExtrasFromHeaders(req.headers, bucket, deps.store, deps.now())) };
  const tags = tagsFromHeader(header(req, 'x-amz-tagging'));
  if (tags && tags.length > 0) extras.tags = tags;
  return extras;
}

/** The `x-amz-version-id` header of a write's response: absent in buckets never versioned. */
export function writtenVersionHeader(versionId: string | undefined, bucket: BucketInfo): Record<string, string | undefined> {
  return { 'x-amz-version-id': versionId !== undefined && (versionId !== 'null' || bucket.versioning !== undefined) ? versionId : undefined };
}
