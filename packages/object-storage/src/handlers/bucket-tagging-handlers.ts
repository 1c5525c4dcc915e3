import { S3Error, type ObjectTag } from '@keyless/core';
import { bucketOf } from '../http/s3-request.js';
import { readSmallBody } from '../http/payload.js';
import { asArray, asText, MAX_XML_BYTES, S3_XMLNS } from '../xml/xml-codec.js';
import type { Handler } from './handler-deps.js';

/** The bucket configuration kind under which bucket tags are stored (JSON `[{key, value}]`). */
export const BUCKET_TAGGING_CONFIG = 'tagging';

/** A bucket carries at most 50 tags. @see https://docs.aws.amazon.com/AmazonS3/latest/userguide/CostAllocTagging.html */
const MAX_BUCKET_TAGS = 50;
const MAX_KEY_LENGTH = 128;
const MAX_VALUE_LENGTH = 256;
/** Letters, digits, white space and `_ . : / = + - @`, as AWS tags allow. */
const TAG_CHARS = /^[\p{L}\p{Z}\p{N}_.:/=+\-@]*$/u;

/**
 * Parses and validates a `Tagging` document's TagSet: at most 50 tags, keys 1..128 and values
 * 0..256 characters of the allowed set, no `aws:` keys, no duplicate keys (InvalidTag otherwise).
 * @see https://docs.aws.amazon.com/AmazonS3/latest/API/API_PutBucketTagging.html
 */
export function parseBucketTagSet(doc: Record<string, unknown>): ObjectTag[] {
  const set = doc.TagSet;
  if (set === undefined) throw new S3Error('MalformedXML');
  const raw = typeof set === 'object' && set !== null ? asArray((set as Record<string, unknown>).Tag as Record<string, unknown>[] | undefined) : [];
  if (raw.length > MAX_BUCKET_TAGS) throw new S3Error('InvalidTag', `Bucket tag count cannot be greater than ${MAX_BUCKET_TAGS}`);
  const seen = new Set<string>();
  return raw.map((t) => {
    const key = typeof t === 'object' && t !== null ? asText(t.Key) : undefined;
    const value = typeof t === 'object' && t !== null ? asText(t.Value) : undefined;
    if (key === undefined || value === undefined) throw new S3Error('MalformedXML');
    if (key.length === 0 || [...key].length > MAX_KEY_LENGTH) throw new S3Error('InvalidTag', `The TagKey you have provided is invalid or too long, max ${MAX_KEY_LENGTH}`, { TagKey: key });
    if ([...value].length > MAX_VALUE_LENGTH) throw new S3Error('InvalidTag', `The TagValue you have provided is too long, max ${MAX_VALUE_LENGTH}`, { TagKey: key });
    if (!TAG_CHARS.test(key)) throw new S3Error('InvalidTag', 'The TagKey you have provided is invalid', { TagKey: key });
    if (!TAG_CHARS.test(value)) throw new S3Error('InvalidTag', 'The TagValue you have provided is invalid', { TagKey: key });
    if (key.toLowerCase().startsWith('aws:')) throw new S3Error('InvalidTag', 'System tags cannot be added/updated by requester', { TagKey: key });
    if (seen.has(key)) throw new S3Error('InvalidTag', 'Cannot provide multiple Tags with the same key', { TagKey: key });
    seen.add(key);
    return { key, value };
  });
}

/** PutBucketTagging: replaces the bucket's tags (204). An empty TagSet removes them. */
export const putBucketTagging: Handler = async (req, deps) => {
  const body = await readSmallBody(req, MAX_XML_BYTES);
  const tags = parseBucketTagSet(deps.xml.parse(body.toString('utf8'), 'Tagging'));
  await deps.store.putBucketConfig(bucketOf(req), BUCKET_TAGGING_CONFIG, tags.length ? JSON.stringify(tags) : undefined);
  return { status: 204 };
};

/** GetBucketTagging; NoSuchTagSet when the bucket has no tags. @see https://docs.aws.amazon.com/AmazonS3/latest/API/API_GetBucketTagging.html */
export const getBucketTagging: Handler = async (req, deps) => {
  const bucket = bucketOf(req);
  const text = await deps.store.getBucketConfig(bucket, BUCKET_TAGGING_CONFIG);
  if (text === undefined) throw new S3Error('NoSuchTagSet', undefined, { BucketName: bucket });
  const tags = JSON.parse(text) as ObjectTag[];
  return { body: { xml: { Tagging: { '@_xmlns': S3_XMLNS, TagSet: { Tag: tags.map((t) => ({ Key: t.key, Value: t.value })) } } } } };
};

/** DeleteBucketTagging: 204. @see https://docs.aws.amazon.com/AmazonS3/latest/API/API_DeleteBucketTagging.html */
export const deleteBucketTagging: Handler = async (req, deps) => {
  await deps.store.putBucketConfig(bucketOf(req), BUCKET_TAGGING_CONFIG, undefined);
  return { status: 204 };
};
