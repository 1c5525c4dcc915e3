import { createHmac, timingSafeEqual } from 'node:crypto';
import { S3Error } from '@keyless/core';
import { formatAmzDate, parseAmzDate, parseHttpDate } from './amz-date.js';
import { groupRawHeaders } from './canonical-request.js';
import type { SignedRequest, VerifiedAuth, VerifyOptions } from './verify-request.js';
import { redactSecurityToken } from './redact-security-token.js';

/**
 * Query parameters that are part of SigV2's CanonicalizedResource (S3's sub-resources and response
 * overrides); every other parameter is not signed.
 * @see https://docs.aws.amazon.com/AmazonS3/latest/userguide/RESTAuthentication.html#ConstructingTheCanonicalizedResourceElement
 */
const SUBRESOURCES = new Set([
  'accelerate', 'acl', 'analytics', 'attributes', 'cors', 'delete', 'encryption', 'intelligent-tiering', 'inventory', 'legal-hold',
  'lifecycle', 'location', 'logging', 'metrics', 'notification', 'object-lock', 'ownershipControls', 'partNumber', 'policy',
  'policyStatus', 'publicAccessBlock', 'replication', 'requestPayment', 'response-cache-control', 'response-content-disposition',
  'response-content-encoding', 'response-content-language', 'response-content-type', 'response-expires', 'restore', 'retention',
  'select', 'select-type', 'tagging', 'torrent', 'uploadId', 'uploads', 'versionId', 'versioning', 'versions', 'website',
]);

function decode(s: string): string {
  try {
    return decodeURIComponent(s.replace(/\+/g, ' '));
  } catch {
    throw new S3Error('InvalidArgument', 'Malformed query string.');
  }
}

/**
 * SigV2's string to sign: verb, Content-MD5, Content-Type, date (or Expires for query
 * signatures), the canonical x-amz-* headers and the canonical resource.
 */
export function sigV2StringToSign(req: SignedRequest, dateLine: string, bucketForVirtualHost?: string): string {
  const headers = groupRawHeaders(req.rawHeaders);
  const one = (n: string) => headers.get(n)?.map((v) => v.trim()).join(',') ?? '';
  const amz = [...headers.keys()]
    .filter((n) => n.startsWith('x-amz-'))
    .sort()
    .map((n) => `${n}:${headers.get(n)!.map((v) => v.trim().replace(/\s+/g, ' ')).join(',')}\n`)
    .join('');
  const params = req.rawQuery === '' ? [] : req.rawQuery.split('&').filter(Boolean).map((p) => {
    const eq = p.indexOf('=');
    return eq < 0 ? { name: decode(p), value: undefined } : { name: decode(p.slice(0, eq)), value: decode(p.slice(eq + 1)) };
  });
  const sub = params.filter((p) => SUBRESOURCES.has(p.name)).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  let resource = (bucketForVirtualHost !== undefined ? `/${bucketForVirtualHost}` : '') + req.rawPath;
  if (sub.length) resource += '?' + sub.map((p) => (p.value === undefined ? p.name : `${p.name}=${p.value}`)).join('&');
  return `${req.method}\n${one('content-md5')}\n${one('content-type')}\n${dateLine}\n${amz}${resource}`;
}

/**
 * Verifies an S3 Signature Version 2 request (`Authorization: AWS AK:sig`, or the presigned query
 * `AWSAccessKeyId`, `Expires`, `Signature`), which the aws CLI v1 still uses for `aws s3 presign`.
 * The payload of a V2 request is unsigned.
 *
 * @see https://docs.aws.amazon.com/AmazonS3/latest/userguide/RESTAuthentication.html
 */
export async function verifySigV2(req: SignedRequest, opts: VerifyOptions, authorization: string | undefined): Promise<VerifiedAuth> {
  const headers = groupRawHeaders(req.rawHeaders);
  let accessKeyId: string;
  let signature: string;
  let dateLine: string;
  let date: Date;
  let securityToken = headers.get('x-amz-security-token')?.[0];
  if (authorization !== undefined) {
    const m = /^AWS ([^:\s]+):(\S+)$/.exec(authorization.trim());
    if (!m) throw new S3Error('AuthorizationHeaderMalformed', 'The authorization header is malformed; expected "AWS AccessKeyId:Signature".');
    [, accessKeyId, signature] = m as unknown as [string, string, string];
    const xAmzDate = headers.get('x-amz-date')?.[0];
    const httpDate = headers.get('date')?.[0];
    const d = parseHttpDate(xAmzDate ?? httpDate ?? '') ?? (xAmzDate ? parseAmzDate(xAmzDate) : undefined);
    if (!d || Number.isNaN(d.getTime())) throw new S3Error('AccessDenied', 'AWS authentication requires a valid Date or x-amz-date header');
    date = d;
    // With x-amz-date the Date line is empty: the date is signed as an x-amz-* header instead.
    dateLine = xAmzDate !== undefined ? '' : (httpDate ?? '').trim();
    const skewMs = (opts.maxSkewSeconds ?? 900) * 1000;
    if (Math.abs(opts.now.getTime() - d.getTime()) > skewMs) {
      throw new S3Error('RequestTimeTooSkewed', undefined, { RequestTime: d.toUTCString(), ServerTime: opts.now.toISOString(), MaxAllowedSkewMilliseconds: String(skewMs) });
    }
  } else {
    const q = new URLSearchParams(req.rawQuery);
    accessKeyId = q.get('AWSAccessKeyId') ?? '';
    signature = q.get('Signature') ?? '';
    const expires = q.get('Expires') ?? '';
    if (!/^\d{1,12}$/.test(expires)) throw new S3Error('AccessDenied', 'Query-string authentication requires the Signature, Expires and AWSAccessKeyId parameters');
    if (opts.now.getTime() > Number(expires) * 1000) throw new S3Error('AccessDenied', 'Request has expired', { Expires: new Date(Number(expires) * 1000).toISOString(), ServerTime: opts.now.toISOString() });
    dateLine = expires;
    date = opts.now;
    securityToken ??= q.get('x-amz-security-token') ?? undefined;
  }
  const secret = await opts.lookupSecret(accessKeyId);
  if (secret === undefined) throw new S3Error('InvalidAccessKeyId', undefined, { AWSAccessKeyId: accessKeyId });
  const toSign = sigV2StringToSign(req, dateLine, opts.virtualHostBucket);
  const provided = Buffer.from(signature, 'base64');
  const matches = (text: string) => {
    const expected = createHmac('sha1', secret).update(text, 'utf8').digest();
    return provided.length === expected.length && timingSafeEqual(provided, expected);
  };
  // A path-style request for a bucket alone is signed as `/bucket/` by botocore (and accepted so by
  // S3) although the request line says `/bucket`.
  const bucketOnly = opts.virtualHostBucket === undefined && /^\/[^/]+$/.test(req.rawPath);
  if (!matches(toSign) && !(bucketOnly && matches(sigV2StringToSign({ ...req, rawPath: req.rawPath + '/' }, dateLine)))) {
    throw new S3Error('SignatureDoesNotMatch', undefined, { AWSAccessKeyId: accessKeyId, StringToSign: redactSecurityToken(toSign), SignatureProvided: signature });
  }
  return {
    accessKeyId,
    kind: authorization !== undefined ? 'header' : 'presigned',
    version: 2,
    region: opts.region ?? 'us-east-1',
    service: 's3',
    date,
    amzDate: formatAmzDate(date),
    scope: '',
    signedHeaders: [],
    signature,
    signingKey: Buffer.alloc(0),
    payloadHash: 'UNSIGNED-PAYLOAD',
    ...(securityToken !== undefined ? { securityToken } : {}),
  };
}
