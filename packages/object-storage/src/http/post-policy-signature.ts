import { createHmac, timingSafeEqual } from 'node:crypto';
import { ANONYMOUS, S3Error, type Principal } from '@keyless/core';
import { ALGORITHM, parseAmzDate, parseCredential, signingKey } from '@keyless/sigv4';
import type { CallerLookup } from '../auth/authenticate.js';

/** The form fields that carry (or imply) credentials; with none of them a POST is anonymous. */
const AUTH_FIELDS = ['policy', 'x-amz-signature', 'x-amz-credential', 'x-amz-algorithm', 'x-amz-date', 'awsaccesskeyid', 'signature'];

function missing(name: string): S3Error {
  return new S3Error('InvalidArgument', `Bucket POST must contain a field named '${name}'.  If it is specified, please check the order of the fields.`, {
    ArgumentName: name,
    ArgumentValue: '',
  });
}

/** The caller of a POST form: anonymous, or the signer of its policy. */
export interface PostCaller {
  principal: Principal;
  /** The base64 policy, present when the form was signed. */
  policy?: string;
}

/**
 * Authenticates a browser POST form signed with Signature Version 4 (or, for older SDKs and test
 * suites, Signature Version 2: see {@link authenticateV2}): the signature is the hex
 * HMAC-SHA256 of the base64 `policy` field under the signing key derived from `x-amz-credential`'s
 * scope. The access key is looked up like any SigV4 request's (root, user, STS session with the
 * `x-amz-security-token` field). A form with no credential fields is anonymous.
 *
 * @see https://docs.aws.amazon.com/AmazonS3/latest/API/sigv4-authentication-HTTPPOST.html
 */
export async function authenticatePostForm(
  fields: ReadonlyMap<string, string>,
  deps: { region: string; lookupCaller(accessKey: string): Promise<CallerLookup | undefined> },
): Promise<PostCaller> {
  if (!AUTH_FIELDS.some((f) => fields.has(f))) return { principal: ANONYMOUS };
  const need = (name: string): string => {
    const v = fields.get(name);
    if (v === undefined || v === '') throw missing(name);
    return v;
  };
  if ((fields.has('awsaccesskeyid') || fields.has('signature')) && !fields.has('x-amz-algorithm')) return authenticateV2(need, fields.get('x-amz-security-token'), deps);
  const policy = need('policy');
  const algorithm = need('x-amz-algorithm');
  if (algorithm !== ALGORITHM) {
    throw new S3Error('InvalidArgument', `X-Amz-Algorithm only supports "${ALGORITHM}"`, { ArgumentName: 'x-amz-algorithm', ArgumentValue: algorithm });
  }
  const credential = parseCredential(need('x-amz-credential'), 'query', 's3', deps.region);
  const amzDate = need('x-amz-date');
  if (!parseAmzDate(amzDate)) throw new S3Error('InvalidArgument', 'X-Amz-Date must be in the ISO8601 Long Format "yyyyMMdd\'T\'HHmmss\'Z\'"', { ArgumentName: 'x-amz-date', ArgumentValue: amzDate });
  const signature = need('x-amz-signature');
  const caller = await deps.lookupCaller(credential.accessKeyId);
  if (!caller) throw new S3Error('InvalidAccessKeyId', undefined, { AWSAccessKeyId: credential.accessKeyId });
  const expected = createHmac('sha256', signingKey(caller.secretKey, credential.date, credential.region, 's3')).update(policy, 'utf8').digest();
  const given = /^[0-9a-fA-F]{64}$/.test(signature) ? Buffer.from(signature, 'hex') : Buffer.alloc(0);
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) throw new S3Error('SignatureDoesNotMatch');
  return { principal: caller.principal(fields.get('x-amz-security-token')), policy };
}

/**
 * A POST form signed with Signature Version 2: `AWSAccessKeyId`, `policy`, and `signature` = base64
 * HMAC-SHA1 of the base64 policy under the secret key (boto2 and ceph's s3-tests sign this way).
 * @see https://docs.aws.amazon.com/AmazonS3/latest/userguide/HTTPPOSTForms.html
 */
async function authenticateV2(
  need: (name: string) => string,
  securityToken: string | undefined,
  deps: { lookupCaller(accessKey: string): Promise<CallerLookup | undefined> },
): Promise<PostCaller> {
  const accessKey = need('awsaccesskeyid');
  const policy = need('policy');
  const signature = need('signature');
  const caller = await deps.lookupCaller(accessKey);
  if (!caller) throw new S3Error('InvalidAccessKeyId', undefined, { AWSAccessKeyId: accessKey });
  const expected = createHmac('sha1', caller.secretKey).update(policy, 'utf8').digest();
  const given = Buffer.from(signature, 'base64');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) throw new S3Error('SignatureDoesNotMatch');
  return { principal: caller.principal(securityToken), policy };
}
