import { S3Error, type ObjectInfo } from '@keyless/core';
import { bucketOf, header, keyOf, type S3Request, type S3Response } from '../http/s3-request.js';
import { openPayload } from '../http/payload.js';
import { checkReadConditions, writePrecondition } from '../http/conditions.js';
import { resolveRange } from '../http/range.js';
import { parseCopySource } from '../http/copy-source.js';
import {
  storedContentEncoding, objectHeadersFrom, objectResponseHeaders, refuseUnsupportedWriteHeaders, storageClassFrom, userMetadataFrom, xmlDate,
} from '../http/object-metadata.js';
import { S3_XMLNS } from '../xml/xml-codec.js';
import type { Handler, HandlerDeps } from './handler-deps.js';

/** The checksum response headers for what the client sent and was verified. */
function checksumHeaders(info: ObjectInfo): Record<string, string> {
  const h: Record<string, string> = {};
  for (const [alg, value] of Object.entries(info.checksums)) if (value) h[`x-amz-checksum-${alg.toLowerCase()}`] = value;
  return h;
}

/**
 * PutObject: streams the verified body to the store; nothing is visible until every check passed.
 * @see https://docs.aws.amazon.com/AmazonS3/latest/API/API_PutObject.html
 */
export const putObject: Handler = async (req, deps) => {
  refuseUnsupportedWriteHeaders(req.headers);
  const userMetadata = userMetadataFrom(req.headers);
  const storageClass = storageClassFrom(req.headers);
  const precondition = writePrecondition(req.headers, keyOf(req));
  const payload = openPayload(req);
  const info = await deps.store.putObject({
    bucket: bucketOf(req),
    key: keyOf(req),
    body: payload.body,
    headers: objectHeadersFrom(req.headers, payload.contentEncoding),
    userMetadata,
    storageClass,
    finalize: payload.finalize,
    precondition,
  });
  return { headers: { ETag: `"${info.etag}"`, ...checksumHeaders(info) } };
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

function refusePartNumber(req: S3Request): void {
  if (req.query.has('partNumber')) throw new S3Error('NotImplemented', 'GetObject by partNumber is not implemented yet.');
  const version = req.query.get('versionId');
  if (version !== null && version !== 'null') throw new S3Error('NotImplemented', 'Versioned reads are not implemented yet.');
}

/**
 * GetObject with Range (206 / 416), conditional headers and response overrides, streamed.
 * @see https://docs.aws.amazon.com/AmazonS3/latest/API/API_GetObject.html
 */
export const getObject: Handler = async (req, deps) => {
  refusePartNumber(req);
  const rangeHeader = header(req, 'range');
  const { info, range, body } = await deps.store.openObject(bucketOf(req), keyOf(req), (obj) => {
    checkReadConditions(req.headers, obj);
    return resolveRange(rangeHeader, obj.size);
  });
  const headers = objectResponseHeaders(info);
  applyOverrides(req, headers);
  if (range) {
    headers['Content-Range'] = `bytes ${range.start}-${range.end}/${info.size}`;
    headers['Content-Length'] = String(range.end - range.start + 1);
    return { status: 206, headers, body };
  }
  if (header(req, 'x-amz-checksum-mode') === 'ENABLED') Object.assign(headers, checksumHeaders(info));
  headers['Content-Length'] = String(info.size);
  return { headers, body };
};

/** HeadObject: GetObject's headers without a body. */
export const headObject: Handler = async (req, deps) => {
  refusePartNumber(req);
  const info = await deps.store.getObjectInfo(bucketOf(req), keyOf(req));
  checkReadConditions(req.headers, info);
  const headers = objectResponseHeaders(info);
  const range = resolveRange(header(req, 'range'), info.size);
  if (range) {
    headers['Content-Range'] = `bytes ${range.start}-${range.end}/${info.size}`;
    headers['Content-Length'] = String(range.end - range.start + 1);
    return { status: 206, headers };
  }
  if (header(req, 'x-amz-checksum-mode') === 'ENABLED') Object.assign(headers, checksumHeaders(info));
  headers['Content-Length'] = String(info.size);
  return { headers };
};

/** DeleteObject: 204 whether or not the key existed (S3 semantics), NoSuchBucket otherwise. */
export const deleteObject: Handler = async (req, deps) => {
  await deps.store.deleteObject(bucketOf(req), keyOf(req));
  return { status: 204 };
};

/**
 * Opens a copy source after authorizing s3:GetObject on it and checking the
 * `x-amz-copy-source-if-*` conditions; `range` selects a part for UploadPartCopy.
 */
export async function openCopySource(req: S3Request, deps: HandlerDeps, range?: (info: ObjectInfo) => { start: number; end: number } | undefined) {
  const src = parseCopySource(header(req, 'x-amz-copy-source') as string);
  await deps.authorize(req, 's3:GetObject', src.bucket, src.key);
  const opened = await deps.store.openObject(src.bucket, src.key, (info) => {
    checkReadConditions(req.headers, info, 'x-amz-copy-source-if-');
    return range?.(info);
  });
  return { src, ...opened };
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
  const tagging = header(req, 'x-amz-tagging-directive');
  if (tagging !== undefined && tagging !== 'COPY') throw new S3Error('NotImplemented', 'Object tagging is not implemented yet.');
  const storageClass = req.headers['x-amz-storage-class'] !== undefined ? storageClassFrom(req.headers) : undefined;
  const bucket = bucketOf(req);
  const key = keyOf(req);
  const precondition = writePrecondition(req.headers, key);
  const { src, info, body } = await openCopySource(req, deps);
  try {
    if (src.bucket === bucket && src.key === key && directive === 'COPY' && storageClass === undefined) {
      throw new S3Error('InvalidRequest', 'This copy request is illegal because it is trying to copy an object to itself without changing the object\'s metadata, storage class, website redirect location or encryption attributes.');
    }
    if (info.size > 5 * 1024 ** 3) throw new S3Error('InvalidRequest', 'The specified copy source is larger than the maximum allowable size for a copy source: 5368709120');
  } catch (err) {
    body.destroy();
    throw err;
  }
  const replace = directive === 'REPLACE';
  const copied = await deps.store.putObject({
    bucket,
    key,
    body,
    headers: replace ? objectHeadersFrom(req.headers, storedContentEncoding(header(req, 'content-encoding'))) : info.headers,
    userMetadata: replace ? userMetadataFrom(req.headers) : info.userMetadata,
    storageClass: storageClass ?? info.storageClass,
    precondition,
  });
  return {
    body: { xml: { CopyObjectResult: { '@_xmlns': S3_XMLNS, LastModified: xmlDate(copied.lastModified), ETag: `"${copied.etag}"` } } },
  };
};
