import { createHash } from 'node:crypto';
import { percentDecode, uriEncode } from './uri-encode.js';

/** The SigV4 algorithm name, first line of every string to sign. */
export const ALGORITHM = 'AWS4-HMAC-SHA256';

/** SHA-256 of the empty string, the payload hash of a request without a body. */
export const EMPTY_SHA256 = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855';

/** Lower-case hex SHA-256 of `data`. */
export function sha256Hex(data: string | Uint8Array): string {
  return createHash('sha256').update(data).digest('hex');
}

/**
 * The canonical URI. S3 (`normalize: false`) signs the path as sent: each segment's encoding is
 * normalised to AWS's encoding of its decoded bytes, with no dot-segment removal and no double
 * encoding. Every other service (`normalize: true`) removes empty and dot segments and then encodes
 * the already-encoded path once more.
 *
 * @see https://docs.aws.amazon.com/IAM/latest/UserGuide/create-signed-request.html#create-canonical-request
 */
export function canonicalUri(rawPath: string, normalize: boolean): string {
  const path = rawPath === '' ? '/' : rawPath;
  if (!normalize) {
    return path.split('/').map((seg) => uriEncode(percentDecode(seg))).join('/');
  }
  const out: string[] = [];
  for (const seg of path.split('/')) {
    if (seg === '' || seg === '.') continue;
    if (seg === '..') out.pop();
    else out.push(seg);
  }
  // A trailing slash survives only when the path ends with one (as the AWS SDKs normalise).
  const trailing = out.length > 0 && path.endsWith('/') ? '/' : '';
  return '/' + out.map((seg) => uriEncode(seg)).join('/') + trailing;
}

/** One query parameter, decoded (names are case-sensitive). */
export interface QueryParam {
  name: string;
  value: string;
}

/** Splits a raw query string into decoded parameters, in order (`a` alone means `a=`). */
export function parseQuery(rawQuery: string): QueryParam[] {
  if (rawQuery === '') return [];
  const params: QueryParam[] = [];
  for (const part of rawQuery.split('&')) {
    if (part === '') continue;
    const eq = part.indexOf('=');
    const name = eq < 0 ? part : part.slice(0, eq);
    const value = eq < 0 ? '' : part.slice(eq + 1);
    params.push({ name: percentDecode(name, true).toString('utf8'), value: percentDecode(value, true).toString('utf8') });
  }
  return params;
}

/**
 * The canonical query string: each name and value decoded then re-encoded with AWS's encoding,
 * sorted by encoded name then value. `exclude` names are left out (`X-Amz-Signature` when presigned).
 */
export function canonicalQuery(rawQuery: string, exclude: readonly string[] = []): string {
  if (rawQuery === '') return '';
  const pairs: [string, string][] = [];
  for (const part of rawQuery.split('&')) {
    if (part === '') continue;
    const eq = part.indexOf('=');
    const rawName = eq < 0 ? part : part.slice(0, eq);
    const name = percentDecode(rawName, true);
    if (exclude.length > 0 && exclude.includes(name.toString('utf8'))) continue;
    pairs.push([uriEncode(name), uriEncode(percentDecode(eq < 0 ? '' : part.slice(eq + 1), true))]);
  }
  pairs.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : a[1] < b[1] ? -1 : a[1] > b[1] ? 1 : 0));
  return pairs.map(([n, v]) => `${n}=${v}`).join('&');
}

/**
 * Groups Node's `rawHeaders` ([name, value, ...]) by lower-case name; repeated headers keep their
 * order of arrival.
 */
export function groupRawHeaders(rawHeaders: readonly string[]): Map<string, string[]> {
  const map = new Map<string, string[]>();
  for (let i = 0; i + 1 < rawHeaders.length; i += 2) {
    const name = rawHeaders[i]!.toLowerCase();
    const list = map.get(name);
    if (list) list.push(rawHeaders[i + 1]!);
    else map.set(name, [rawHeaders[i + 1]!]);
  }
  return map;
}

/**
 * Canonical header lines (`name:value\n` each) for `signedHeaders`: values trimmed, inner
 * whitespace runs collapsed to one space, repeated headers joined with `,` in order received.
 */
export function canonicalHeaders(headers: Map<string, string[]>, signedHeaders: readonly string[]): string {
  let out = '';
  for (const name of signedHeaders) {
    const values = headers.get(name) ?? [];
    out += `${name}:${values.map((v) => v.trim().replace(/\s+/g, ' ')).join(',')}\n`;
  }
  return out;
}

/** Everything the canonical request is made of. */
export interface CanonicalRequestInput {
  method: string;
  rawPath: string;
  rawQuery: string;
  headers: Map<string, string[]>;
  signedHeaders: readonly string[];
  payloadHash: string;
  /** `true` for every service but S3. */
  normalize: boolean;
  /** Query parameter names left out (the signature itself when presigned). */
  excludeQuery?: readonly string[];
}

/** The SigV4 canonical request text. */
export function canonicalRequest(input: CanonicalRequestInput): string {
  return [
    input.method.toUpperCase(),
    canonicalUri(input.rawPath, input.normalize),
    canonicalQuery(input.rawQuery, input.excludeQuery),
    canonicalHeaders(input.headers, input.signedHeaders),
    input.signedHeaders.join(';'),
    input.payloadHash,
  ].join('\n');
}

/** The SigV4 string to sign for a canonical request. */
export function stringToSign(amzDate: string, scope: string, canonical: string): string {
  return `${ALGORITHM}\n${amzDate}\n${scope}\n${sha256Hex(canonical)}`;
}
