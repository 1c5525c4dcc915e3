import type { IncomingHttpHeaders } from 'node:http';
import { S3Error, type ObjectInfo } from '@keyless/core';

function get(headers: IncomingHttpHeaders, name: string): string | undefined {
  const v = headers[name];
  return Array.isArray(v) ? v[0] : v;
}

/** True when an If-Match / If-None-Match list names this ETag (or is `*`). */
export function etagMatches(list: string, etag: string): boolean {
  return list.split(',').some((t) => {
    const tag = t.trim().replace(/^W\//, '').replace(/^"(.*)"$/, '$1');
    return tag === '*' || tag === etag;
  });
}

function parseDate(v: string | undefined): Date | undefined {
  if (v === undefined) return undefined;
  const d = new Date(v);
  return Number.isNaN(d.getTime()) ? undefined : d;
}

/** HTTP dates have second precision: compare at that precision. */
function secs(d: Date): number {
  return Math.floor(d.getTime() / 1000);
}

/**
 * GET/HEAD preconditions with S3's precedence: If-Match true makes If-Unmodified-Since irrelevant;
 * If-None-Match false (304) wins over If-Modified-Since. Failures: 412 PreconditionFailed, 304 NotModified.
 *
 * @see https://docs.aws.amazon.com/AmazonS3/latest/API/API_GetObject.html#API_GetObject_RequestSyntax
 * @see https://www.rfc-editor.org/rfc/rfc7232#section-6
 */
export function checkReadConditions(headers: IncomingHttpHeaders, info: ObjectInfo, prefix = 'if-'): void {
  const ifMatch = get(headers, `${prefix}match`);
  const ifNoneMatch = get(headers, `${prefix}none-match`);
  const ifModified = parseDate(get(headers, `${prefix}modified-since`));
  const ifUnmodified = parseDate(get(headers, `${prefix}unmodified-since`));
  const copy = prefix !== 'if-';
  const fail = (code: 'PreconditionFailed' | 'NotModified', condition: string) => {
    // Copy-source conditions always answer 412 (CopyObject documents no 304).
    if (copy || code === 'PreconditionFailed') throw new S3Error('PreconditionFailed', undefined, { Condition: condition });
    throw new S3Error('NotModified', undefined, {}, { ETag: `"${info.etag}"`, 'Last-Modified': info.lastModified.toUTCString() });
  };
  if (ifMatch !== undefined) {
    if (!etagMatches(ifMatch, info.etag)) fail('PreconditionFailed', 'If-Match');
  } else if (ifUnmodified && secs(info.lastModified) > secs(ifUnmodified)) {
    fail('PreconditionFailed', 'If-Unmodified-Since');
  }
  if (ifNoneMatch !== undefined) {
    if (etagMatches(ifNoneMatch, info.etag)) fail('NotModified', 'If-None-Match');
  } else if (ifModified && secs(info.lastModified) <= secs(ifModified)) {
    fail('NotModified', 'If-Modified-Since');
  }
}

/**
 * The precondition of a conditional write (`If-None-Match: *`, `If-Match: "etag"`), run by the
 * store inside its commit so two writers cannot both pass. Undefined when the request has none.
 * `If-Match` on a missing key is 404 NoSuchKey, as S3 answers.
 *
 * @see https://docs.aws.amazon.com/AmazonS3/latest/userguide/conditional-writes.html
 */
export function writePrecondition(headers: IncomingHttpHeaders, key: string): ((current: ObjectInfo | undefined) => void) | undefined {
  const ifMatch = get(headers, 'if-match');
  const ifNoneMatch = get(headers, 'if-none-match');
  if (ifMatch === undefined && ifNoneMatch === undefined) return undefined;
  if (ifNoneMatch !== undefined && ifNoneMatch.trim() !== '*') {
    throw new S3Error('NotImplemented', 'If-None-Match on writes only supports the value "*".');
  }
  return (current) => {
    if (ifNoneMatch !== undefined && current) throw new S3Error('PreconditionFailed', undefined, { Condition: 'If-None-Match' });
    if (ifMatch !== undefined) {
      if (!current) throw new S3Error('NoSuchKey', undefined, { Key: key });
      if (!etagMatches(ifMatch, current.etag)) throw new S3Error('PreconditionFailed', undefined, { Condition: 'If-Match' });
    }
  };
}
