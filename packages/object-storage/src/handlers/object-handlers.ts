import { S3Error, type ObjectInfo } from '@keyless/core';
import { bucketOf, header, keyOf, type S3Request, type S3Response } from '../http/s3-request.js';
import { openPayload } from '../http/payload.js';
import { checkReadConditions, etagMatches, writePrecondition } from '../http/conditions.js';
import { resolveRange } from '../http/range.js';
import { parseCopySource } from '../http/copy-source.js';
import {
  storedContentEncoding, objectHeadersFrom, objectResponseHeaders, refuseUnsupportedWriteHeaders, storageClassFrom, userMetadataFrom, xmlDate,
} from '../http/object-metadata.js';
import { S3_XMLNS } from '../xml/xml-codec.js';
import { aclAttributes, writeAclFromHeaders } from '../auth/bucket-access-settings.js';
import { versionResponseHeaders } from '../http/object-lock-headers.js';
import { tagsFromHeader } from '../http/object-tagging.js';
import { partRange, readPartNumberOf } from '../http/part-number.js';
import { bypassGovernanceRequested, versionIdOf } from '../http/version-query.js';
import { writeExtrasFromHeaders, writtenVersionHeader } from '../http/write-extras.js';
import type { Handler, HandlerDeps } from './handler-deps.js';
import { lifecycleExpirationHeader } from '../lifecycle/expiration-header.js';
import { encryptedWrite, planSseWrite, plainPrecondition } from '../sse/sse-write.js';
import { openPlainObject, plainObjectInfo } from '../sse/sse-read.js';
import { COPY_SOURCE_SSE_C_PREFIX } from '../sse/sse-headers.js';

/** The checksum response headers for what the client sent and was verified. */
function checksumHeaders(info: ObjectInfo): Record<string, string> {
  const h: Record<string, string> = {};
  for (const [alg, value] of Object.entries(info.checksums)) if (value) h[`x-amz-checksum-${alg.toLowerCase()}`] = value;
  return h;
}

/**
 * The checksum headers of GET/HEAD with `x-amz-checksum-mode: ENABLED`: the object's (with
 * `x-amz-checksum-type`) for a whole read, the part's for a `partNumber` read of a COMPOSITE
 * multipart object, none for a Range (S3 cannot checksum an arbitrary range).
 * @see https://docs.aws.amazon.com/AmazonS3/latest/userguide/checking-object-integrity.html
 */
function readChecksumHeaders(req: S3Request, info: ObjectInfo, partNumber: number | undefined, ranged: boolean): Record<string, string> {
  if (header(req, 'x-amz-checksum-mode') !== 'ENABLED') return {};
  if (partNumber !== undefined && info.parts) {
    const part = info.parts[partNumber - 1];
    return part && info.checksumType === 'COMPOSITE' ? checksumHeaders({ ...info, checksums: part.checksums }) : {};
  }
  if (ranged && partNumber === undefined) return {};
  const h = checksumHeaders(info);
  if (Object.keys(h).length > 0) h['x-amz-checksum-type'] = info.checksumType ?? 'FULL_OBJECT';
  return h;
}

/**
 * PutObject: streams the verified body to the store; nothing is visible until every check passed.
 * @see https://docs.aws.amazon.com/AmazonS3/latest/API/API_PutObject.html
 */
export const putObject: Handler = async (req, deps) => {
  refuseUnsupportedWriteHeaders(req.headers);
  const acl = await writeAclFromHeaders(deps.store, bucketOf(req), req.headers, deps.owner.id);
  const userMetadata = userMetadataFrom(req.headers);
  const storageClass = storageClassFrom(req.headers);
  const precondition = plainPrecondition(writePrecondition(req.headers, keyOf(req)));
  const extras = await writeExtrasFromHeaders(req, deps);
  const sse = await planSseWrite(req, deps, bucketOf(req), keyOf(req));
  const payload = openPayload(req);
  const write = encryptedWrite(sse, payload.body, aclAttributes(acl, deps.owner.id), payload.finalize);
  const stored = await deps.store.putObject({
    tags: extras.tags,
    retention: extras.retention,
    legalHold: extras.legalHold,
    bucket: bucketOf(req),
    key: keyOf(req),
    body: write.body,
    headers: objectHeadersFrom(req.headers, payload.contentEncoding),
    userMetadata,
    storageClass,
    finalize: write.finalize,
    precondition,
    attributes: write.attributes,
  });
  const info = await write.committed(deps.store, stored);
  return {
    headers: {
      ETag: `"${info.etag}"`,
      ...checksumHeaders(info),
      ...writtenVersionHeader(info.versionId, extras.bucket),
      ...sse?.responseHeaders,
      'x-amz-expiration': await lifecycleExpirationHeader(deps.store, info),
    },
  };
};

/** Response overrides (`response-content-type`, ...) of GetObject. */
const RESPONSE_OVERRIDES: Record<string, string> = {
  'response-content-type': 'Content-Type',
  'response-content-language': 'Content-Language',
  'response-expires': 'Expires',
  'response-cache-control': 'Cache-Control',
  'response-content-disposition': 'Content-Disposition',
  'response-content-encoding': 'Content-Encoding',
};

function applyOverrides(req: S3Request, headers: Record<string, string | undefined>): void {
  for (const [param, name] of Object.entries(RESPONSE_OVERRIDES)) {
    const v = req.query.get(param);
    if (v === null) continue;
    // S3 refuses overrides on anonymous requests.
    if (req.principal.type === 'anonymous') throw new S3Error('InvalidRequest', 'Request specific response headers cannot be used for anonymous GET requests.');
    headers[name] = v;
  }
}

/**
 * GetObject (latest or `versionId`) with Range (206 / 416) or `partNumber` (206 with
 * `x-amz-mp-parts-count`), conditional headers and response overrides, streamed.
 * @see https://docs.aws.amazon.com/AmazonS3/latest/API/API_GetObject.html
 */
export const getObject: Handler = async (req, deps) => {
  const rangeHeader = header(req, 'range');
  const versionId = versionIdOf(req);
  const partNumber = readPartNumberOf(req);
  const { info, range, body, sseHeaders } = await openPlainObject(deps, req, bucketOf(req), keyOf(req), (obj) => {
    checkReadConditions(req.headers, obj);
    return partNumber !== undefined ? partRange(obj, partNumber) : resolveRange(rangeHeader, obj.size);
  }, { versionId });
  const headers = { ...objectResponseHeaders(info), ...versionResponseHeaders(info, await deps.store.getBucket(bucketOf(req))), ...sseHeaders };
  headers['x-amz-expiration'] = await lifecycleExpirationHeader(deps.store, info);
  applyOverrides(req, headers);
  Object.assign(headers, readChecksumHeaders(req, info, partNumber, range !== undefined));
  if (partNumber !== undefined && info.partsCount !== undefined) headers['x-amz-mp-parts-count'] = String(info.partsCount);
  if (range) {
    headers['Content-Range'] = `bytes ${range.start}-${range.end}/${info.size}`;
    headers['Content-Length'] = String(range.end - range.start + 1);
    return { status: 206, headers, body };
  }
  headers['Content-Length'] = String(info.size);
  return { headers, body };
};

/** HeadObject: GetObject's headers without a body. */
export const headObject: Handler = async (req, deps) => {
  const versionId = versionIdOf(req);
  const partNumber = readPartNumberOf(req);
  const { info, sseHeaders } = await plainObjectInfo(deps, req, bucketOf(req), keyOf(req), { versionId });
  checkReadConditions(req.headers, info);
  const headers = { ...objectResponseHeaders(info), ...versionResponseHeaders(info, await deps.store.getBucket(bucketOf(req))), ...sseHeaders };
  headers['x-amz-expiration'] = await lifecycleExpirationHeader(deps.store, info);
  const range = partNumber !== undefined ? partRange(info, partNumber) : resolveRange(header(req, 'range'), info.size);
  Object.assign(headers, readChecksumHeaders(req, info, partNumber, range !== undefined));
  if (partNumber !== undefined && info.partsCount !== undefined) headers['x-amz-mp-parts-count'] = String(info.partsCount);
  if (range) {
    headers['Content-Range'] = `bytes ${range.start}-${range.end}/${info.size}`;
    headers['Content-Length'] = String(range.end - range.start + 1);
    return { status: 206, headers };
  }
  headers['Content-Length'] = String(info.size);
  return { headers };
};

/**
 * DeleteObject: 204 whether or not the key existed (S3 semantics), NoSuchBucket otherwise. In a
 * versioned bucket it adds a delete marker (`x-amz-delete-marker: true`, `x-amz-version-id`);
 * with `versionId` it removes that version (Object Lock permitting; `x-amz-bypass-governance-retention`
 * needs s3:BypassGovernanceRetention).
 * @see https://docs.aws.amazon.com/AmazonS3/latest/API/API_DeleteObject.html
 */
export const deleteObject: Handler = async (req, deps) => {
  const versionId = versionIdOf(req);
  const bypass = bypassGovernanceRequested(req);
  if (bypass && versionId !== undefined) await deps.authorize(req, 's3:BypassGovernanceRetention', bucketOf(req), keyOf(req));
  // Conditional delete (If-Match), checked atomically inside the store's commit against the plaintext ETag.
  // @see https://docs.aws.amazon.com/AmazonS3/latest/API/API_DeleteObject.html#API_DeleteObject_RequestSyntax
  const ifMatch = header(req, 'if-match');
  const precondition = ifMatch === undefined ? undefined : plainPrecondition((current) => {
    if (!current) throw new S3Error('NoSuchKey', undefined, { Key: keyOf(req) });
    if (!etagMatches(ifMatch, current.etag)) throw new S3Error('PreconditionFailed', undefined, { Condition: 'If-Match' });
  });
  const res = await deps.store.deleteObject(bucketOf(req), keyOf(req), { versionId, bypassGovernanceRetention: bypass, precondition });
  return { status: 204, headers: { 'x-amz-version-id': res.versionId, 'x-amz-delete-marker': res.deleteMarker ? 'true' : undefined } };
};

/**
 * Opens a copy source after authorizing s3:GetObject on it and checking the
 * `x-amz-copy-source-if-*` conditions; `range` selects a part for UploadPartCopy.
 */
export async function openCopySource(req: S3Request, deps: HandlerDeps, range?: (info: ObjectInfo) => { start: number; end: number } | undefined) {
  const src = parseCopySource(header(req, 'x-amz-copy-source') as string);
  await deps.authorize(req, src.versionId !== undefined ? 's3:GetObjectVersion' : 's3:GetObject', src.bucket, src.key);
  // The source is read in plaintext (decrypted with its SSE-C key, x-amz-copy-source-server-side-encryption-customer-*).
  const opened = await openPlainObject(deps, req, src.bucket, src.key, (info) => {
    checkReadConditions(req.headers, info, 'x-amz-copy-source-if-');
    return range?.(info);
  }, { versionId: src.versionId }, COPY_SOURCE_SSE_C_PREFIX);
  const srcBucket = await deps.store.getBucket(src.bucket);
  // S3 names the source version copied, except for objects of buckets never versioned.
  const sourceVersionHeader = opened.info.versionId !== 'null' || srcBucket?.versioning !== undefined ? opened.info.versionId : undefined;
  return { src, ...opened, sourceVersionHeader };
}

/**
 * CopyObject: metadata COPY (default) or REPLACE; copying an object onto itself needs REPLACE, as S3.
 * The bytes stream from the source blob into a new blob.
 * @see https://docs.aws.amazon.com/AmazonS3/latest/API/API_CopyObject.html
 */
export const copyObject: Handler = async (req, deps): Promise<S3Response> => {
  refuseUnsupportedWriteHeaders(req.headers);
  const directive = header(req, 'x-amz-metadata-directive') ?? 'COPY';
  if (directive !== 'COPY' && directive !== 'REPLACE') {
    throw new S3Error('InvalidArgument', 'Unknown metadata directive.', { ArgumentName: 'x-amz-metadata-directive', ArgumentValue: directive });
  }
  const tagging = header(req, 'x-amz-tagging-directive') ?? 'COPY';
  if (tagging !== 'COPY' && tagging !== 'REPLACE') {
    throw new S3Error('InvalidArgument', 'Unknown tagging directive.', { ArgumentName: 'x-amz-tagging-directive', ArgumentValue: tagging });
  }
  const extras = await writeExtrasFromHeaders(req, deps);
  const storageClass = req.headers['x-amz-storage-class'] !== undefined ? storageClassFrom(req.headers) : undefined;
  const bucket = bucketOf(req);
  const key = keyOf(req);
  const precondition = plainPrecondition(writePrecondition(req.headers, key));
  const acl = await writeAclFromHeaders(deps.store, bucket, req.headers, deps.owner.id);
  // The copy is encrypted as the request (or the destination bucket's default) says, never as the source.
  const sse = await planSseWrite(req, deps, bucket, key);
  const { src, info, body, sourceVersionHeader } = await openCopySource(req, deps);
  try {
    if (src.bucket === bucket && src.key === key && src.versionId === undefined && directive === 'COPY' && storageClass === undefined && sse === undefined) {
      throw new S3Error('InvalidRequest', 'This copy request is illegal because it is trying to copy an object to itself without changing the object\'s metadata, storage class, website redirect location or encryption attributes.');
    }
    if (info.size > 5 * 1024 ** 3) throw new S3Error('InvalidRequest', 'The specified copy source is larger than the maximum allowable size for a copy source: 5368709120');
  } catch (err) {
    body.destroy();
    throw err;
  }
  const replace = directive === 'REPLACE';
  // The copy gets the ACL of the request (private by default), never the source's, as on S3.
  const write = encryptedWrite(sse, body, aclAttributes(acl, deps.owner.id));
  const stored = await deps.store.putObject({
    bucket,
    key,
    body: write.body,
    finalize: write.finalize,
    headers: replace ? objectHeadersFrom(req.headers, storedContentEncoding(header(req, 'content-encoding'))) : info.headers,
    userMetadata: replace ? userMetadataFrom(req.headers) : info.userMetadata,
    storageClass: storageClass ?? info.storageClass,
    precondition,
    attributes: write.attributes,
    tags: tagging === 'REPLACE' ? tagsFromHeader(header(req, 'x-amz-tagging')) : info.tags,
    retention: extras.retention,
    legalHold: extras.legalHold,
  });
  const copied = await write.committed(deps.store, stored);
  return {
    headers: { 'x-amz-copy-source-version-id': sourceVersionHeader, ...writtenVersionHeader(copied.versionId, extras.bucket), ...sse?.responseHeaders },
    body: { xml: { CopyObjectResult: { '@_xmlns': S3_XMLNS, LastModified: xmlDate(copied.lastModified), ETag: `"${copied.etag}"` } } },
  };
};
