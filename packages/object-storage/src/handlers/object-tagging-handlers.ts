import { bucketOf, keyOf } from '../http/s3-request.js';
import { readSmallBody } from '../http/payload.js';
import { tagSetXml, tagsFromXml } from '../http/object-tagging.js';
import { versionIdOf } from '../http/version-query.js';
import { MAX_XML_BYTES, S3_XMLNS } from '../xml/xml-codec.js';
import type { Handler } from './handler-deps.js';

/** The `x-amz-version-id` of a tagging response: only for non-null versions or versioned buckets. */
async function versionHeader(deps: Parameters<Handler>[1], bucket: string, versionId: string | undefined): Promise<Record<string, string | undefined>> {
  if (versionId === undefined) return {};
  if (versionId !== 'null') return { 'x-amz-version-id': versionId };
  return (await deps.store.getBucket(bucket))?.versioning !== undefined ? { 'x-amz-version-id': versionId } : {};
}

/** @see https://docs.aws.amazon.com/AmazonS3/latest/API/API_GetObjectTagging.html */
export const getObjectTagging: Handler = async (req, deps) => {
  const info = await deps.store.getObjectInfo(bucketOf(req), keyOf(req), { versionId: versionIdOf(req) });
  return {
    headers: await versionHeader(deps, bucketOf(req), info.versionId),
    body: { xml: { Tagging: { '@_xmlns': S3_XMLNS, TagSet: tagSetXml(info.tags) } } },
  };
};

/** Replaces the version's tag set. @see https://docs.aws.amazon.com/AmazonS3/latest/API/API_PutObjectTagging.html */
export const putObjectTagging: Handler = async (req, deps) => {
  const body = await readSmallBody(req, MAX_XML_BYTES);
  const tags = tagsFromXml(deps.xml.parse(body.toString('utf8'), 'Tagging'));
  const info = await deps.store.updateObjectVersion(bucketOf(req), keyOf(req), versionIdOf(req), { tags });
  return { headers: await versionHeader(deps, bucketOf(req), info.versionId) };
};

/** @see https://docs.aws.amazon.com/AmazonS3/latest/API/API_DeleteObjectTagging.html */
export const deleteObjectTagging: Handler = async (req, deps) => {
  const info = await deps.store.updateObjectVersion(bucketOf(req), keyOf(req), versionIdOf(req), { tags: [] });
  return { status: 204, headers: await versionHeader(deps, bucketOf(req), info.versionId) };
};
