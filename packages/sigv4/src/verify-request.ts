import { createHmac, timingSafeEqual } from 'node:crypto';
import { S3Error } from '@keyless/core';
import { formatAmzDate, parseAmzDate, parseHttpDate } from './amz-date.js';
import { EMPTY_SHA256, canonicalRequest, groupRawHeaders, parseQuery, stringToSign } from './canonical-request.js';
import { parseAuthorizationHeader, parsePresignedQuery, type ParsedAuthorization } from './parse-authorization.js';
import { checkPayloadHashHeader } from './payload-mode.js';
import { SigningKeyCache, signingKey } from './signing-key.js';
import { verifySigV2 } from './verify-sigv2.js';
import { redactSecurityToken } from './redact-security-token.js';

/** The request as it arrived, before any parsing. */
export interface SignedRequest {
  method: string;
  /** Path exactly as sent on the wire, still percent-encoded, no query. */
  rawPath: string;
  /** Raw query string without `?`, `''` if none. */
  rawQuery: string;
  /** Node's `IncomingMessage.rawHeaders`: `[name, value, name, value, ...]`. */
  rawHeaders: string[];
}

/** How to verify: the service's rules, the clock and where secrets come from. */
export interface VerifyOptions {
  /** `'s3'` (path as sent, single encoding) or another service such as `'sts'` (normalized, double-encoded). */
  service: string;
  /** When set, the credential scope's region must equal it. */
  region?: string;
  now: Date;
  /** Returns the secret of an access key, `undefined` when unknown (=> `InvalidAccessKeyId`). */
  lookupSecret: (accessKeyId: string) => Promise<string | undefined>;
  /** Allowed clock difference for header-signed requests; default 900 s. */
  maxSkewSeconds?: number;
  /** Optional cache of derived signing keys. */
  keyCache?: SigningKeyCache;
  /**
   * Non-S3 services only: the SHA-256 hex of the body the caller already read. Defaults to the
   * `x-amz-content-sha256` header, else the hash of an empty body.
   */
  payloadHash?: string;
  /** Overrides the path rules chosen from `service` (the AWS test suite signs service 'service' both ways). */
  normalizePath?: boolean;
  /** The bucket when the request is virtual-hosted-style: SigV2's canonical resource starts with it. */
  virtualHostBucket?: string;
}

/** A request whose signature checked out. */
export interface VerifiedAuth {
  accessKeyId: string;
  kind: 'header' | 'presigned';
  /** Signature version: 4, or 2 for legacy S3 clients (`aws s3 presign` of aws CLI v1). */
  version?: 2 | 4;
  region: string;
  service: string;
  date: Date;
  /** `YYYYMMDDTHHMMSSZ` */
  amzDate: string;
  /** `YYYYMMDD/region/service/aws4_request` */
  scope: string;
  signedHeaders: string[];
  /** The seed signature (hex), first link of the aws-chunked signature chain. */
  signature: string;
  signingKey: Buffer;
  /** The `x-amz-content-sha256` value (or `UNSIGNED-PAYLOAD` for presigned). */
  payloadHash: string;
  /** `x-amz-security-token` header or `X-Amz-Security-Token` query parameter. */
  securityToken?: string;
}

const DATE_REQUIRED = 'AWS authentication requires a valid Date or x-amz-date header';

function first(headers: Map<string, string[]>, name: string): string | undefined {
  return headers.get(name)?.[0]?.trim();
}

/**
 * Verifies a SigV4 request signed in the Authorization header or by presigned query parameters.
 * Returns `undefined` when the request carries no signature at all (anonymous); throws
 * {@link S3Error} for anything malformed, expired or not matching.
 *
 * @see https://docs.aws.amazon.com/AmazonS3/latest/API/sig-v4-authenticating-requests.html
 */
export async function verifyRequest(req: SignedRequest, opts: VerifyOptions): Promise<VerifiedAuth | undefined> {
  const headers = groupRawHeaders(req.rawHeaders);
  const query = parseQuery(req.rawQuery);
  const authorization = first(headers, 'authorization');
  const hasQueryV4 = query.some((p) => p.name === 'X-Amz-Signature' || p.name === 'X-Amz-Algorithm' || p.name === 'X-Amz-Credential');
  const hasQueryV2 = query.some((p) => p.name === 'AWSAccessKeyId') && query.some((p) => p.name === 'Signature');
  if (authorization !== undefined && (hasQueryV4 || hasQueryV2)) {
    throw new S3Error('InvalidArgument', 'Only one auth mechanism allowed; only the X-Amz-Algorithm query parameter, Signature query string parameter or the Authorization header should be specified', {
      ArgumentName: 'Authorization',
    });
  }
  const isV2 = authorization !== undefined ? /^AWS\s/.test(authorization) : !hasQueryV4 && hasQueryV2;
  if (isV2) {
    if (opts.service !== 's3') throw new S3Error('NotImplemented', 'Signature Version 2 is only supported for S3.');
    return verifySigV2(req, opts, authorization);
  }
  if (authorization === undefined && !hasQueryV4) return undefined;
  const isS3 = opts.service === 's3';
  const normalize = opts.normalizePath ?? !isS3;

  let parsed: ParsedAuthorization;
  let amzDate: string;
  let date: Date;
  let payloadHash: string;
  let securityToken: string | undefined;
  if (authorization !== undefined) {
    parsed = parseAuthorizationHeader(authorization, opts.service, opts.region);
    const xAmzDate = first(headers, 'x-amz-date');
    const httpDate = first(headers, 'date');
    const d = xAmzDate !== undefined ? parseAmzDate(xAmzDate) : httpDate !== undefined ? parseHttpDate(httpDate) : undefined;
    if (!d) throw new S3Error('AccessDenied', DATE_REQUIRED);
    date = d;
    amzDate = formatAmzDate(d);
    const skewMs = (opts.maxSkewSeconds ?? 900) * 1000;
    if (Math.abs(opts.now.getTime() - d.getTime()) > skewMs) {
      throw new S3Error('RequestTimeTooSkewed', undefined, { RequestTime: amzDate, ServerTime: opts.now.toISOString(), MaxAllowedSkewMilliseconds: String(skewMs) });
    }
    if (parsed.credential.date !== amzDate.slice(0, 8)) {
      throw new S3Error('AuthorizationHeaderMalformed', `The authorization header is malformed; Invalid credential date "${parsed.credential.date}". This date is not the same as X-Amz-Date: "${amzDate.slice(0, 8)}".`);
    }
    securityToken = first(headers, 'x-amz-security-token');
    payloadHash = resolvePayloadHash(headers, opts, isS3, true);
  } else {
    const p = parsePresignedQuery(query, opts.service, opts.region);
    parsed = p;
    const d = parseAmzDate(p.amzDate);
    if (!d) throw new S3Error('AuthorizationQueryParametersError', 'X-Amz-Date must be in the ISO8601 Long Format "yyyyMMdd\'T\'HHmmss\'Z\'"');
    date = d;
    amzDate = p.amzDate;
    if (p.credential.date !== amzDate.slice(0, 8)) {
      throw new S3Error('AuthorizationQueryParametersError', `Invalid credential date "${p.credential.date}". This date is not the same as X-Amz-Date: "${amzDate.slice(0, 8)}".`);
    }
    const skewMs = (opts.maxSkewSeconds ?? 900) * 1000;
    if (d.getTime() - opts.now.getTime() > skewMs) throw new S3Error('AccessDenied', 'Request is not valid yet');
    if (opts.now.getTime() > d.getTime() + p.expires * 1000) {
      throw new S3Error('AccessDenied', 'Request has expired', { Expires: new Date(d.getTime() + p.expires * 1000).toISOString(), ServerTime: opts.now.toISOString() });
    }
    securityToken = p.securityToken;
    payloadHash = resolvePayloadHash(headers, opts, isS3, false);
  }

  if (!parsed.signedHeaders.includes('host')) {
    throw new S3Error('AccessDenied', 'There were headers present in the request which were not signed', { HeadersNotSigned: 'host' });
  }
  const { credential } = parsed;
  const secret = await opts.lookupSecret(credential.accessKeyId);
  if (secret === undefined) throw new S3Error('InvalidAccessKeyId', undefined, { AWSAccessKeyId: credential.accessKeyId });

  const scope = `${credential.date}/${credential.region}/${credential.service}/aws4_request`;
  const canonical = canonicalRequest({
    method: req.method,
    rawPath: req.rawPath,
    rawQuery: req.rawQuery,
    headers,
    signedHeaders: parsed.signedHeaders,
    payloadHash,
    normalize,
    ...(authorization === undefined ? { excludeQuery: ['X-Amz-Signature'] } : {}),
  });
  const toSign = stringToSign(amzDate, scope, canonical);
  const key = opts.keyCache
    ? opts.keyCache.get(secret, credential.date, credential.region, credential.service)
    : signingKey(secret, credential.date, credential.region, credential.service);
  const expected = createHmac('sha256', key).update(toSign, 'utf8').digest();
  const provided = /^[0-9a-fA-F]{64}$/.test(parsed.signature) ? Buffer.from(parsed.signature, 'hex') : Buffer.alloc(0);
  if (provided.length !== expected.length || !timingSafeEqual(provided, expected)) {
    throw new S3Error('SignatureDoesNotMatch', undefined, {
      AWSAccessKeyId: credential.accessKeyId,
      StringToSign: toSign,
      SignatureProvided: parsed.signature,
      // The canonical request holds signed header values, the session token among them.
      CanonicalRequest: redactSecurityToken(canonical),
    });
  }
  return {
    accessKeyId: credential.accessKeyId,
    kind: authorization !== undefined ? 'header' : 'presigned',
    version: 4,
    region: credential.region,
    service: credential.service,
    date,
    amzDate,
    scope,
    signedHeaders: parsed.signedHeaders,
    signature: parsed.signature.toLowerCase(),
    signingKey: key,
    payloadHash,
    ...(securityToken !== undefined ? { securityToken } : {}),
  };
}

/**
 * The payload hash line of the canonical request. S3 requires `x-amz-content-sha256` on
 * header-signed requests and defaults presigned ones to `UNSIGNED-PAYLOAD`; other services hash
 * the body they read (`opts.payloadHash`).
 */
function resolvePayloadHash(headers: Map<string, string[]>, opts: VerifyOptions, isS3: boolean, isHeader: boolean): string {
  const header = first(headers, 'x-amz-content-sha256');
  if (isS3) {
    if (header === undefined) {
      if (!isHeader) return 'UNSIGNED-PAYLOAD';
      throw new S3Error('InvalidRequest', 'Missing required header for this request: x-amz-content-sha256');
    }
    checkPayloadHashHeader(header);
    return header;
  }
  if (opts.payloadHash !== undefined) {
    if (header !== undefined && /^[0-9a-fA-F]{64}$/.test(header) && header.toLowerCase() !== opts.payloadHash.toLowerCase()) {
      throw new S3Error('XAmzContentSHA256Mismatch', undefined, { ClientComputedContentSHA256: header, S3ComputedContentSHA256: opts.payloadHash });
    }
    return opts.payloadHash;
  }
  return header ?? EMPTY_SHA256;
}
