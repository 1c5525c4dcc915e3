import { createHash, timingSafeEqual } from 'node:crypto';
import { KEYLESS_ACCOUNT_ID, StsError, isS3Error, type SessionRecord, type UserRecord } from '@keyless/core';
import { verifyRequest } from '@keyless/sigv4';
import { sessionIdentity } from '@keyless/core';
import type { StsDeps, StsHttpRequest } from './sts-http.js';

/** Who signed an STS request. */
export type StsCaller =
  | { type: 'root'; accessKey: string }
  | { type: 'user'; accessKey: string; user: UserRecord }
  | { type: 'session'; accessKey: string; session: SessionRecord };

/**
 * Verifies the SigV4 signature (service `sts`, payload = SHA-256 of the body) of an STS request
 * and resolves the caller. Temporary credentials must carry their session token and be unexpired,
 * as for S3.
 *
 * @see https://docs.aws.amazon.com/STS/latest/APIReference/CommonErrors.html
 */
export async function authenticateStsCaller(req: StsHttpRequest, deps: StsDeps): Promise<StsCaller> {
  let caller: StsCaller | undefined;
  const lookupSecret = async (accessKey: string): Promise<string | undefined> => {
    if (accessKey === deps.root.accessKey) {
      caller = { type: 'root', accessKey };
      return deps.root.secretKey;
    }
    const session = accessKey.startsWith('ASIA') ? await deps.credentials.getSession(accessKey) : undefined;
    if (session !== undefined) {
      caller = { type: 'session', accessKey, session };
      return session.secretKey;
    }
    const user = await deps.credentials.getUser(accessKey);
    if (user === undefined) return undefined;
    caller = user.isRoot ? { type: 'root', accessKey } : { type: 'user', accessKey, user };
    return user.secretKey;
  };

  const now = deps.now();
  let auth;
  try {
    auth = await verifyRequest(
      { method: req.method, rawPath: req.rawPath, rawQuery: req.rawQuery, rawHeaders: req.rawHeaders },
      {
        service: 'sts',
        region: deps.region,
        now,
        lookupSecret,
        payloadHash: createHash('sha256').update(req.body).digest('hex'),
      },
    );
  } catch (err) {
    throw toStsError(err);
  }
  if (auth === undefined || caller === undefined) throw new StsError('MissingAuthenticationToken');

  if (caller.type === 'session') {
    const token = auth.securityToken;
    const expected = Buffer.from(caller.session.sessionTokenHash, 'hex');
    const given = token === undefined ? Buffer.alloc(0) : createHash('sha256').update(token, 'utf8').digest();
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) throw new StsError('InvalidClientTokenId');
    if (caller.session.expiresAt.getTime() <= now.getTime()) throw new StsError('ExpiredToken');
  }
  return caller;
}

/** The ARN and ids GetCallerIdentity reports and AssumeRole derives from. */
export function callerIdentity(caller: StsCaller): { arn: string; userId: string } {
  switch (caller.type) {
    case 'root':
      return { arn: `arn:aws:iam::${KEYLESS_ACCOUNT_ID}:root`, userId: KEYLESS_ACCOUNT_ID };
    case 'user':
      return { arn: `arn:aws:iam::${KEYLESS_ACCOUNT_ID}:user/${caller.accessKey}`, userId: caller.accessKey };
    case 'session': {
      const id = sessionIdentity(caller.session);
      return { arn: id.arn, userId: id.userId };
    }
  }
}

/** Translates the verifier's S3 error codes into the STS table (STS clients know only those). */
function toStsError(err: unknown): unknown {
  if (!isS3Error(err)) return err;
  switch (err.code) {
    case 'InvalidAccessKeyId':
      return new StsError('InvalidClientTokenId');
    case 'SignatureDoesNotMatch':
    case 'XAmzContentSHA256Mismatch':
      return new StsError('SignatureDoesNotMatch');
    case 'RequestTimeTooSkewed':
      return new StsError('RequestExpired', 'Signature expired: the request time is too far from the server time.');
    case 'AccessDenied':
      return new StsError('AccessDenied', err.message);
    default:
      return new StsError('IncompleteSignature', err.message);
  }
}
