import { S3Error, isS3Error } from '@keyless/core';
import { bucketOf } from '../http/s3-request.js';
import { readSmallBody } from '../http/payload.js';
import { validateObjectKey } from '../validation/object-key.js';
import { asArray, asText, MAX_XML_BYTES, S3_XMLNS } from '../xml/xml-codec.js';
import { bypassGovernanceRequested } from '../http/version-query.js';
import type { Handler } from './handler-deps.js';

/** Content-MD5 or a flexible checksum (value, SDK algorithm hint or trailer). */
const INTEGRITY_HEADERS = /^(content-md5|x-amz-checksum-(crc32|crc32c|crc64nvme|sha1|sha256)|x-amz-sdk-checksum-algorithm|x-amz-trailer)$/;

/** S3 deletes at most 1000 keys per request. */
const MAX_KEYS = 1000;

/**
 * DeleteObjects: each key is authorized (s3:DeleteObject) and deleted on its own; failures are
 * reported per key, and quiet mode reports only failures. Content-MD5 (or an x-amz-checksum-*) is
 * required, as S3 requires it.
 * @see https://docs.aws.amazon.com/AmazonS3/latest/API/API_DeleteObjects.html
 */
export const deleteObjects: Handler = async (req, deps) => {
  const bucket = bucketOf(req);
  // S3 requires an integrity header on Multi-Object Delete (the value is verified as the body is read).
  if (!Object.keys(req.headers).some((h) => INTEGRITY_HEADERS.test(h))) {
    throw new S3Error('InvalidRequest', 'Missing required header for this request: Content-MD5');
  }
  const body = await readSmallBody(req, MAX_XML_BYTES);
  const doc = deps.xml.parse(body.toString('utf8'), 'Delete');
  const quiet = (asText(doc.Quiet) ?? 'false').trim().toLowerCase() === 'true';
  const objects = asArray(doc.Object as Record<string, unknown> | Record<string, unknown>[] | undefined);
  if (objects.length === 0 || objects.length > MAX_KEYS) throw new S3Error('MalformedXML');
  if (!(await deps.store.getBucket(bucket))) throw new S3Error('NoSuchBucket', undefined, { BucketName: bucket });
  const deleted: { Key: string; VersionId?: string; DeleteMarker?: boolean; DeleteMarkerVersionId?: string }[] = [];
  const errors: { Key: string; VersionId?: string; Code: string; Message: string }[] = [];
  const bypass = bypassGovernanceRequested(req);
  for (const o of objects) {
    const key = asText(o.Key);
    if (key === undefined) throw new S3Error('MalformedXML');
    const version = asText(o.VersionId);
    try {
      validateObjectKey(key);
      await deps.authorize(req, version !== undefined ? 's3:DeleteObjectVersion' : 's3:DeleteObject', bucket, key);
      if (bypass && version !== undefined) await deps.authorize(req, 's3:BypassGovernanceRetention', bucket, key);
      const res = await deps.store.deleteObject(bucket, key, { versionId: version, bypassGovernanceRetention: bypass });
      // As S3: a version removal names the version (and DeleteMarker when it was one); a new
      // delete marker is reported with its id as DeleteMarkerVersionId.
      if (!quiet) {
        if (version !== undefined) deleted.push({ Key: key, VersionId: version, ...(res.deleteMarker ? { DeleteMarker: true, DeleteMarkerVersionId: version } : {}) });
        else if (res.deleteMarker) deleted.push({ Key: key, DeleteMarker: true, DeleteMarkerVersionId: res.versionId });
        else deleted.push({ Key: key });
      }
    } catch (err) {
      if (!isS3Error(err) || err.status >= 500) throw err;
      errors.push({ Key: key, VersionId: version, Code: err.code, Message: err.message });
    }
  }
  return { body: { xml: { DeleteResult: { '@_xmlns': S3_XMLNS, Deleted: deleted, Error: errors } } } };
};
