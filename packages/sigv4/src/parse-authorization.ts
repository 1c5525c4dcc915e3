import { S3Error } from '@keyless/core';
import type { QueryParam } from './canonical-request.js';

/** The signing algorithm of SigV4A, which Keyless does not implement. */
const SIGV4A = 'AWS4-ECDSA-P256-SHA256';

/** The parts of a SigV4 credential scope (`AK/YYYYMMDD/region/service/aws4_request`). */
export interface Credential {
  accessKeyId: string;
  date: string;
  region: string;
  service: string;
}

/** What an Authorization header or a presigned query carries. */
export interface ParsedAuthorization {
  credential: Credential;
  signedHeaders: string[];
  signature: string;
}

/** Where the signature came from: selects AWS's error code and message prefix. */
export type AuthLocation = 'header' | 'query';

function malformed(where: AuthLocation, detail: string): S3Error {
  return where === 'header'
    ? new S3Error('AuthorizationHeaderMalformed', `The authorization header is malformed; ${detail}`)
    : new S3Error('AuthorizationQueryParametersError', `Error parsing the X-Amz-Credential parameter; ${detail}`);
}

/**
 * Parses and checks a credential scope against the expected service and region.
 *
 * @see https://docs.aws.amazon.com/AmazonS3/latest/API/sigv4-auth-using-authorization-header.html
 */
export function parseCredential(value: string, where: AuthLocation, service: string, region: string | undefined): Credential {
  const parts = value.split('/');
  if (parts.length < 5 || parts[0] === '' || !/^\d{8}$/.test(parts[parts.length - 4]!)) {
    throw malformed(where, 'the Credential is mal-formed; expecting "<YOUR-AKID>/YYYYMMDD/REGION/SERVICE/aws4_request".');
  }
  const [date, reg, svc, terminal] = parts.slice(-4) as [string, string, string, string];
  const accessKeyId = parts.slice(0, -4).join('/');
  if (terminal !== 'aws4_request') {
    throw malformed(where, `incorrect terminal "${terminal}". This endpoint uses "aws4_request".`);
  }
  if (svc !== service) {
    throw malformed(where, `incorrect service "${svc}". This endpoint belongs to "${service}".`);
  }
  if (reg === '' || (region !== undefined && reg !== region)) {
    const err = malformed(where, `the region '${reg}' is wrong; expecting '${region ?? ''}'`);
    if (region !== undefined) err.fields['Region'] = region;
    throw err;
  }
  return { accessKeyId, date, region: reg, service: svc };
}

function parseSignedHeaders(value: string): string[] {
  return value.split(';').map((h) => h.trim().toLowerCase()).filter((h) => h !== '');
}

/**
 * Parses `AWS4-HMAC-SHA256 Credential=..., SignedHeaders=..., Signature=...`, tolerating the
 * spacing and comma variations clients produce. SigV2 and SigV4A are refused as not implemented.
 */
export function parseAuthorizationHeader(value: string, service: string, region: string | undefined): ParsedAuthorization {
  const header = value.trim();
  if (header.startsWith(SIGV4A)) throw new S3Error('NotImplemented', 'Signature Version 4A (AWS4-ECDSA-P256-SHA256) is not supported.');
  if (/^AWS\s/.test(header)) throw new S3Error('NotImplemented', 'Signature Version 2 is not supported; use Signature Version 4.');
  if (!/^AWS4-HMAC-SHA256(\s|$)/.test(header)) {
    throw new S3Error('InvalidArgument', 'Unsupported Authorization Type', { ArgumentName: 'Authorization', ArgumentValue: header });
  }
  const fields = new Map<string, string>();
  for (const item of header.slice('AWS4-HMAC-SHA256'.length).split(/[\s,]+/)) {
    if (item === '') continue;
    const eq = item.indexOf('=');
    const key = eq < 0 ? item : item.slice(0, eq);
    if (eq < 0 || fields.has(key) || !['Credential', 'SignedHeaders', 'Signature'].includes(key)) {
      throw malformed('header', `the authorization component "${item}" is malformed.`);
    }
    fields.set(key, item.slice(eq + 1));
  }
  const credential = fields.get('Credential');
  const signedHeaders = fields.get('SignedHeaders');
  const signature = fields.get('Signature');
  if (!credential || !signedHeaders) {
    throw malformed('header', 'the authorization header requires three components: Credential, SignedHeaders, and Signature.');
  }
  if (!signature) throw new S3Error('IncompleteSignature');
  return { credential: parseCredential(credential, 'header', service, region), signedHeaders: parseSignedHeaders(signedHeaders), signature };
}

/** The presigned query parameters beyond the common ones. */
export interface ParsedPresigned extends ParsedAuthorization {
  amzDate: string;
  expires: number;
  securityToken?: string;
}

const REQUIRED = ['X-Amz-Algorithm', 'X-Amz-Credential', 'X-Amz-Signature', 'X-Amz-Date', 'X-Amz-SignedHeaders', 'X-Amz-Expires'] as const;

/**
 * Reads the `X-Amz-*` parameters of a presigned URL.
 *
 * @see https://docs.aws.amazon.com/AmazonS3/latest/API/sigv4-query-string-auth.html
 */
export function parsePresignedQuery(params: readonly QueryParam[], service: string, region: string | undefined): ParsedPresigned {
  const get = (name: string): string | undefined => {
    const found = params.filter((p) => p.name === name);
    if (found.length > 1) throw new S3Error('AuthorizationQueryParametersError', `Query-string authentication parameter ${name} is repeated.`);
    return found[0]?.value;
  };
  const algorithm = get('X-Amz-Algorithm');
  if (algorithm === SIGV4A) throw new S3Error('NotImplemented', 'Signature Version 4A (AWS4-ECDSA-P256-SHA256) is not supported.');
  const values = REQUIRED.map(get);
  if (values.some((v) => v === undefined || v === '')) {
    throw new S3Error(
      'AuthorizationQueryParametersError',
      'Query-string authentication version 4 requires the X-Amz-Algorithm, X-Amz-Credential, X-Amz-Signature, X-Amz-Date, X-Amz-SignedHeaders, and X-Amz-Expires parameters.',
    );
  }
  const [, credential, signature, amzDate, signedHeaders, expiresText] = values as string[];
  if (algorithm !== 'AWS4-HMAC-SHA256') {
    throw new S3Error('AuthorizationQueryParametersError', 'X-Amz-Algorithm only supports "AWS4-HMAC-SHA256"');
  }
  // An expiry that is a number but out of range is refused with 403, as S3 answers it in practice
  // (ceph's s3-tests, validated against AWS, expect 403 for 0, negative and over-a-week values);
  // a value that is not a number at all is a malformed request (400).
  if (!/^-?\d{1,12}$/.test(expiresText!)) {
    throw new S3Error('AuthorizationQueryParametersError', 'X-Amz-Expires should be a number');
  }
  const expires = Number(expiresText);
  if (expires < 0) throw new S3Error('AccessDenied', 'X-Amz-Expires must be non-negative');
  if (expires === 0) throw new S3Error('AccessDenied', 'Request has expired');
  if (expires > 604800) {
    throw new S3Error('AccessDenied', 'X-Amz-Expires must be less than a week (in seconds) that is 604800');
  }
  const securityToken = get('X-Amz-Security-Token');
  return {
    credential: parseCredential(credential!, 'query', service, region),
    signedHeaders: parseSignedHeaders(signedHeaders!),
    signature: signature!,
    amzDate: amzDate!,
    expires,
    ...(securityToken !== undefined ? { securityToken } : {}),
  };
}
