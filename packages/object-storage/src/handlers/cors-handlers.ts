import { S3Error } from '@keyless/core';
import { bucketOf } from '../http/s3-request.js';
import { readSmallBody } from '../http/payload.js';
import { CORS_CONFIG, corsConfigurationXml, parseCorsConfiguration, type CorsRule } from '../http/cors-rules.js';
import { MAX_XML_BYTES } from '../xml/xml-codec.js';
import type { Handler } from './handler-deps.js';

/** PutBucketCors: replaces the bucket's CORS rules. @see https://docs.aws.amazon.com/AmazonS3/latest/API/API_PutBucketCors.html */
export const putBucketCors: Handler = async (req, deps) => {
  const body = await readSmallBody(req, MAX_XML_BYTES);
  const rules = parseCorsConfiguration(deps.xml.parse(body.toString('utf8'), 'CORSConfiguration'));
  await deps.store.putBucketConfig(bucketOf(req), CORS_CONFIG, JSON.stringify(rules));
  return {};
};

/** GetBucketCors; NoSuchCORSConfiguration when none is set. @see https://docs.aws.amazon.com/AmazonS3/latest/API/API_GetBucketCors.html */
export const getBucketCors: Handler = async (req, deps) => {
  const bucket = bucketOf(req);
  const text = await deps.store.getBucketConfig(bucket, CORS_CONFIG);
  if (text === undefined) throw new S3Error('NoSuchCORSConfiguration', undefined, { BucketName: bucket });
  return { body: { xml: corsConfigurationXml(JSON.parse(text) as CorsRule[]) } };
};

/** DeleteBucketCors: 204 (also when none was set). @see https://docs.aws.amazon.com/AmazonS3/latest/API/API_DeleteBucketCors.html */
export const deleteBucketCors: Handler = async (req, deps) => {
  await deps.store.putBucketConfig(bucketOf(req), CORS_CONFIG, undefined);
  return { status: 204 };
};
