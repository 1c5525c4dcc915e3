import { S3Error } from '@keyless/core';
import { bucketOf, header, type S3Request } from '../http/s3-request.js';
import { readSmallBody } from '../http/payload.js';
import { xmlDate } from '../http/object-metadata.js';
import { validateBucketName } from '../validation/bucket-name.js';
import { asText, S3_XMLNS } from '../xml/xml-codec.js';
import { applyNewBucketAccess, newBucketAccessFrom } from '../auth/bucket-access-settings.js';
import type { Handler, HandlerDeps } from './handler-deps.js';

/**
 * ListBuckets, with the optional pagination S3 added in 2024 (`max-buckets`, `continuation-token`,
 * `prefix`). @see https://docs.aws.amazon.com/AmazonS3/latest/API/API_ListBuckets.html
 */
export const listBuckets: Handler = async (req, deps) => {
  const maxParam = req.query.get('max-buckets');
  const max = maxParam === null ? undefined : Number(maxParam);
  if (max !== undefined && (!Number.isInteger(max) || max < 1 || max > 10000)) {
    throw new S3Error('InvalidArgument', 'max-buckets must be an integer between 1 and 10000.', { ArgumentName: 'max-buckets' });
  }
  const prefix = req.query.get('prefix') ?? '';
  const token = req.query.get('continuation-token');
  const after = token === null ? '' : Buffer.from(token, 'base64url').toString('utf8');
  let buckets = (await deps.store.listBuckets()).filter((b) => b.name.startsWith(prefix) && b.name > after);
  let next: string | undefined;
  if (max !== undefined && buckets.length > max) {
    buckets = buckets.slice(0, max);
    next = Buffer.from(buckets[buckets.length - 1].name, 'utf8').toString('base64url');
  }
  return {
    body: {
      xml: {
        ListAllMyBucketsResult: {
          '@_xmlns': S3_XMLNS,
          Owner: { ID: deps.owner.id, DisplayName: deps.owner.displayName },
          Buckets: { Bucket: buckets.map((b) => ({ Name: b.name, CreationDate: xmlDate(b.createdAt), BucketRegion: b.region })) },
          ContinuationToken: next,
          Prefix: req.query.has('prefix') ? prefix : undefined,
        },
      },
    },
  };
};

/**
 * CreateBucket. An optional `CreateBucketConfiguration/LocationConstraint` must name this server's
 * region; `x-amz-acl` and `x-amz-object-ownership` set the bucket ACL and ownership controls. @see https://docs.aws.amazon.com/AmazonS3/latest/API/API_CreateBucket.html
 */
export const createBucket: Handler = async (req, deps) => {
  const bucket = bucketOf(req);
  validateBucketName(bucket);
  // Object Lock at creation also enables versioning, as S3 does.
  const objectLockEnabled = (header(req, 'x-amz-bucket-object-lock-enabled') ?? '').toLowerCase() === 'true';
  const access = newBucketAccessFrom(req.headers, deps.owner.id);
  const body = await readSmallBody(req, 64 * 1024);
  if (body.length > 0) {
    const conf = deps.xml.parse(body.toString('utf8'), 'CreateBucketConfiguration');
    const location = asText(conf.LocationConstraint);
    if (location !== undefined && location !== '' && location !== deps.region) {
      throw new S3Error('IllegalLocationConstraintException', `The ${location} location constraint is incompatible for the region specific endpoint this request was sent to.`);
    }
  }
  if (await deps.store.getBucket(bucket)) throw new S3Error('BucketAlreadyOwnedByYou', undefined, { BucketName: bucket });
  await deps.store.createBucket(bucket, { region: deps.region, objectLockEnabled });
  await applyNewBucketAccess(deps.store, bucket, access, deps.owner.id);
  return { headers: { Location: `/${bucket}` } };
};

/** HeadBucket: 200 with the bucket's region, or 404 (HEAD responses carry no body). */
export const headBucket: Handler = async (req, deps) => {
  const info = await requireBucket(req, deps);
  return { headers: { 'x-amz-bucket-region': info.region } };
};

/** DeleteBucket: 204; BucketNotEmpty while objects remain. */
export const deleteBucket: Handler = async (req, deps) => {
  await deps.store.deleteBucket(bucketOf(req));
  return { status: 204 };
};

/**
 * GetBucketLocation: empty for us-east-1, as S3 answers.
 * @see https://docs.aws.amazon.com/AmazonS3/latest/API/API_GetBucketLocation.html
 */
export const getBucketLocation: Handler = async (req, deps) => {
  const info = await requireBucket(req, deps);
  const region = info.region === 'us-east-1' ? '' : info.region;
  return { body: { xml: { LocationConstraint: { '@_xmlns': S3_XMLNS, '#text': region } } } };
};

/** The bucket's record, or NoSuchBucket. */
export async function requireBucket(req: S3Request, deps: HandlerDeps) {
  const bucket = bucketOf(req);
  const info = await deps.store.getBucket(bucket);
  if (!info) throw new S3Error('NoSuchBucket', undefined, { BucketName: bucket });
  return info;
}
