import { S3Error } from '@keyless/core';
import { bucketOf } from '../http/s3-request.js';
import { readSmallBody } from '../http/payload.js';
import { MAX_XML_BYTES } from '../xml/xml-codec.js';
import {
  LIFECYCLE_CONFIG, parseLifecycleConfiguration, renderLifecycleConfiguration, type LifecycleConfiguration,
} from '../lifecycle/lifecycle-configuration.js';
import type { Handler } from './handler-deps.js';

/** Content-MD5 or a flexible checksum (value, SDK algorithm hint or trailer): S3 requires one here. */
const INTEGRITY_HEADERS = /^(content-md5|x-amz-checksum-(crc32|crc32c|crc64nvme|sha1|sha256)|x-amz-sdk-checksum-algorithm|x-amz-trailer)$/;

/**
 * PutBucketLifecycleConfiguration: validates the rules (see `parseLifecycleConfiguration`) and
 * replaces the bucket's configuration; the background worker applies it.
 * @see https://docs.aws.amazon.com/AmazonS3/latest/API/API_PutBucketLifecycleConfiguration.html
 */
export const putBucketLifecycleConfiguration: Handler = async (req, deps) => {
  const bucket = bucketOf(req);
  if (!Object.keys(req.headers).some((h) => INTEGRITY_HEADERS.test(h))) {
    throw new S3Error('InvalidRequest', 'Missing required header for this request: Content-MD5');
  }
  const body = await readSmallBody(req, MAX_XML_BYTES);
  const config = parseLifecycleConfiguration(deps.xml.parse(body.toString('utf8'), 'LifecycleConfiguration'));
  await deps.store.putBucketConfig(bucket, LIFECYCLE_CONFIG, JSON.stringify(config));
  return {};
};

/** @see https://docs.aws.amazon.com/AmazonS3/latest/API/API_GetBucketLifecycleConfiguration.html */
export const getBucketLifecycleConfiguration: Handler = async (req, deps) => {
  const bucket = bucketOf(req);
  const text = await deps.store.getBucketConfig(bucket, LIFECYCLE_CONFIG);
  if (text === undefined) throw new S3Error('NoSuchLifecycleConfiguration', undefined, { BucketName: bucket });
  return { body: { xml: renderLifecycleConfiguration(JSON.parse(text) as LifecycleConfiguration) } };
};

/** @see https://docs.aws.amazon.com/AmazonS3/latest/API/API_DeleteBucketLifecycle.html */
export const deleteBucketLifecycle: Handler = async (req, deps) => {
  await deps.store.putBucketConfig(bucketOf(req), LIFECYCLE_CONFIG, undefined);
  return { status: 204 };
};
