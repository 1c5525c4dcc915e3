import type { IncomingHttpHeaders } from 'node:http';
import { S3Error, type ObjectHeaders, type ObjectInfo } from '@keyless/core';
import { cannedAclFromHeaders } from './canned-acl.js';

/** S3 limits user-defined metadata to 2 KB (names and values, UTF-8). */
const MAX_USER_METADATA_BYTES = 2048;

/** Storage classes S3 accepts (Keyless stores them all the same way and reports what was asked). */
export const STORAGE_CLASSES = new Set([
  'STANDARD', 'REDUCED_REDUNDANCY', 'STANDARD_IA', 'ONEZONE_IA', 'INTELLIGENT_TIERING', 'GLACIER',
  'DEEP_ARCHIVE', 'OUTPOSTS', 'GLACIER_IR', 'SNOW', 'EXPRESS_ONEZONE',
]);

function one(headers: IncomingHttpHeaders, name: string): string | undefined {
  const v = headers[name];
  return Array.isArray(v) ? v.join(',') : v;
}

/** The standard headers stored with an object, read from a PUT / Create / Copy-with-REPLACE request. */
export function objectHeadersFrom(headers: IncomingHttpHeaders, contentEncoding: string | undefined): ObjectHeaders {
  return {
    contentType: one(headers, 'content-type'),
    contentEncoding,
    contentDisposition: one(headers, 'content-disposition'),
    contentLanguage: one(headers, 'content-language'),
    cacheControl: one(headers, 'cache-control'),
    expires: one(headers, 'expires'),
  };
}

/**
 * Content-Encoding as stored: the `aws-chunked` token describes the transfer framing only and is
 * removed (`gzip,aws-chunked` -> `gzip`), as S3 does.
 */
export function storedContentEncoding(value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  const tokens = value.split(',').map((t) => t.trim());
  // Without the framing token the header is stored exactly as sent (`deflate, gzip` stays so).
  if (!tokens.some((t) => t.toLowerCase() === 'aws-chunked')) return value.trim() === '' ? undefined : value;
  const kept = tokens.filter((t) => t !== '' && t.toLowerCase() !== 'aws-chunked');
  return kept.length ? kept.join(', ') : undefined;
}

/** `x-amz-meta-*` headers without the prefix; over 2 KB -> MetadataTooLarge. */
export function userMetadataFrom(headers: IncomingHttpHeaders): Record<string, string> {
  const meta: Record<string, string> = {};
  let size = 0;
  for (const [name, value] of Object.entries(headers)) {
    if (!name.startsWith('x-amz-meta-') || value === undefined) continue;
    const key = name.slice('x-amz-meta-'.length);
    const text = Array.isArray(value) ? value.join(',') : value;
    meta[key] = text;
    size += Buffer.byteLength(key) + Buffer.byteLength(text);
  }
  if (size > MAX_USER_METADATA_BYTES) throw new S3Error('MetadataTooLarge', undefined, { Size: String(size), MaxSizeAllowed: String(MAX_USER_METADATA_BYTES) });
  return meta;
}

/** The requested storage class (default STANDARD); an unknown one -> InvalidStorageClass. */
export function storageClassFrom(headers: IncomingHttpHeaders): string {
  const sc = one(headers, 'x-amz-storage-class');
  if (sc === undefined) return 'STANDARD';
  if (!STORAGE_CLASSES.has(sc)) throw new S3Error('InvalidStorageClass', undefined, { StorageClassRequested: sc });
  return sc;
}

/**
 * Refuses request features Keyless does not implement yet, rather than silently ignoring them
 * (a wrong success is worse than a 501).
 */
export function refuseUnsupportedWriteHeaders(headers: IncomingHttpHeaders): void {
  // Server-side encryption headers are handled by the writers (`sse/sse-write.ts`).
  for (const name of ['x-amz-website-redirect-location']) {
    if (headers[name] !== undefined) throw new S3Error('NotImplemented', `The header ${name} is not implemented.`);
  }
  // An unknown canned ACL is InvalidArgument, and a canned ACL with grant headers InvalidRequest.
  cannedAclFromHeaders(headers);
}

/** HTTP date (RFC 7231 IMF-fixdate), as S3 sends Last-Modified. */
export function httpDate(d: Date): string {
  return d.toUTCString();
}

/** ISO 8601 with milliseconds, as S3 XML timestamps. */
export function xmlDate(d: Date): string {
  return d.toISOString();
}

/** The response headers that describe a stored object (GET, HEAD). */
export function objectResponseHeaders(info: ObjectInfo): Record<string, string | undefined> {
  const h: Record<string, string | undefined> = {
    'Last-Modified': httpDate(info.lastModified),
    ETag: `"${info.etag}"`,
    'Content-Type': info.headers.contentType ?? 'binary/octet-stream',
    'Content-Encoding': info.headers.contentEncoding,
    'Content-Disposition': info.headers.contentDisposition,
    'Content-Language': info.headers.contentLanguage,
    'Cache-Control': info.headers.cacheControl,
    Expires: info.headers.expires,
    'Accept-Ranges': 'bytes',
    'x-amz-storage-class': info.storageClass === 'STANDARD' ? undefined : info.storageClass,
    'x-amz-mp-parts-count': undefined,
  };
  for (const [k, v] of Object.entries(info.userMetadata)) h[`x-amz-meta-${k}`] = v;
  return h;
}
