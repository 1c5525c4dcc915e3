import { S3Error, type ObjectInfo } from '@keyless/core';
import { bucketOf, header } from '../http/s3-request.js';
import { readSmallBody } from '../http/payload.js';
import { xmlDate } from '../http/object-metadata.js';
import { asText, MAX_XML_BYTES, S3_XMLNS } from '../xml/xml-codec.js';
import { requireBucket } from './bucket-handlers.js';
import { encodeIfUrl, parseEncodingType, parseMaxKeys } from './list-params.js';
import type { Handler } from './handler-deps.js';
import { plainView } from '../sse/sse-attributes.js';

/**
 * GetBucketVersioning: no Status until versioning was first enabled.
 * @see https://docs.aws.amazon.com/AmazonS3/latest/API/API_GetBucketVersioning.html
 */
export const getBucketVersioning: Handler = async (req, deps) => {
  const info = await requireBucket(req, deps);
  return { body: { xml: { VersioningConfiguration: { '@_xmlns': S3_XMLNS, Status: info.versioning } } } };
};

/**
 * PutBucketVersioning: `Enabled` or `Suspended` (a bucket never returns to unversioned). MFA
 * delete is not implemented (501); `MfaDelete: Disabled` is accepted.
 * @see https://docs.aws.amazon.com/AmazonS3/latest/API/API_PutBucketVersioning.html
 */
export const putBucketVersioning: Handler = async (req, deps) => {
  if (header(req, 'x-amz-mfa') !== undefined) throw new S3Error('NotImplemented', 'MFA Delete is not implemented.');
  const body = await readSmallBody(req, MAX_XML_BYTES);
  const doc = deps.xml.parse(body.toString('utf8'), 'VersioningConfiguration');
  const status = asText(doc.Status);
  const mfa = asText(doc.MfaDelete);
  if (mfa !== undefined && mfa !== 'Disabled') {
    if (mfa === 'Enabled') throw new S3Error('NotImplemented', 'MFA Delete is not implemented.');
    throw new S3Error('MalformedXML');
  }
  if (status !== undefined && status !== 'Enabled' && status !== 'Suspended') throw new S3Error('MalformedXML');
  await requireBucket(req, deps);
  if (status !== undefined) await deps.store.setBucketVersioning(bucketOf(req), status);
  return {};
};

/**
 * ListObjectVersions: every version and delete marker by key, newest first, paged by
 * `key-marker` / `version-id-marker`, with delimiter folding and `encoding-type=url`.
 * @see https://docs.aws.amazon.com/AmazonS3/latest/API/API_ListObjectVersions.html
 */
export const listObjectVersions: Handler = async (req, deps) => {
  const encoding = parseEncodingType(req.query.get('encoding-type'));
  const maxKeys = parseMaxKeys(req.query.get('max-keys'), 'max-keys');
  const prefix = req.query.get('prefix') ?? '';
  const delimiter = req.query.get('delimiter') || undefined;
  const keyMarker = req.query.get('key-marker') || undefined;
  const versionIdMarker = req.query.get('version-id-marker') || undefined;
  if (versionIdMarker !== undefined && keyMarker === undefined) {
    throw new S3Error('InvalidArgument', 'A version-id marker cannot be specified without a key marker.', { ArgumentName: 'version-id-marker', ArgumentValue: versionIdMarker });
  }
  const res = maxKeys === 0
    ? { versions: [], commonPrefixes: [], isTruncated: false, nextKeyMarker: undefined, nextVersionIdMarker: undefined }
    : await deps.store.listObjectVersions(bucketOf(req), { prefix, delimiter, keyMarker, versionIdMarker, maxKeys });
  if (maxKeys === 0) await requireBucket(req, deps);
  const enc = (s: string | undefined) => encodeIfUrl(s, encoding);
  const owner = { ID: deps.owner.id, DisplayName: deps.owner.displayName };
  const versions = res.versions.flatMap((v) => (v.kind === 'version' ? [plainView(v.info)] : [])).map((o: ObjectInfo) => ({
    Key: enc(o.key),
    VersionId: o.versionId,
    IsLatest: o.isLatest === true,
    LastModified: xmlDate(o.lastModified),
    ETag: `"${o.etag}"`,
    ...(Object.keys(o.checksums).length ? { ChecksumAlgorithm: Object.keys(o.checksums), ChecksumType: o.checksumType } : {}),
    Size: o.size,
    Owner: owner,
    StorageClass: o.storageClass,
  }));
  const markers = res.versions.flatMap((v) => (v.kind === 'deleteMarker' ? [v.marker] : [])).map((m) => ({
    Key: enc(m.key),
    VersionId: m.versionId,
    IsLatest: m.isLatest,
    LastModified: xmlDate(m.lastModified),
    Owner: owner,
  }));
  return {
    body: {
      xml: {
        ListVersionsResult: {
          '@_xmlns': S3_XMLNS,
          Name: bucketOf(req),
          Prefix: enc(prefix),
          KeyMarker: enc(keyMarker) ?? '',
          VersionIdMarker: versionIdMarker ?? '',
          NextKeyMarker: res.isTruncated ? enc(res.nextKeyMarker) : undefined,
          NextVersionIdMarker: res.isTruncated ? res.nextVersionIdMarker : undefined,
          MaxKeys: maxKeys,
          Delimiter: enc(delimiter),
          IsTruncated: res.isTruncated,
          EncodingType: encoding,
          Version: versions,
          DeleteMarker: markers,
          CommonPrefixes: res.commonPrefixes.map((p) => ({ Prefix: enc(p) })),
        },
      },
    },
  };
};
