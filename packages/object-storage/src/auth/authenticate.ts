import { createHash, timingSafeEqual } from 'node:crypto';
import { ANONYMOUS, KEYLESS_ACCOUNT_ID, S3Error, sessionIdentity, type CredentialStore, type Principal, type SessionRecord, type UserRecord } from '@keyless/core';
import { verifyRequest, type SignedRequest, type SigningKeyCache, type VerifiedAuth } from '@keyless/sigv4';

/** What authentication needs; built by `server`. */
export interface AuthenticatorDeps {
  credentials: CredentialStore;
  root: { accessKey: string; secretKey: string };
  region: string;
  now: () => Date;
  keyCache?: SigningKeyCache;
}

/** The caller of a request and the verified signature (absent for anonymous requests). */
export interface Authenticated {
  principal: Principal;
  auth?: VerifiedAuth;
}

/** True when two strings are equal, compared in constant time. */
function safeEqual(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/**
 * Verifies a request's SigV4 signature against root, a static user or an STS session, and builds
 * the Principal. Sessions need `x-amz-security-token` (header, or query for presigned URLs)
 * matching the stored hash: expired -> ExpiredToken, wrong -> InvalidToken, missing ->
 * AccessDenied, unknown key -> InvalidAccessKeyId (AWS's codes).
 *
 * @see https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_temp_use-resources.html
 */
export async function authenticate(
  req: SignedRequest,
  deps: AuthenticatorDeps,
  opts: { service?: string; payloadHash?: string; virtualHostBucket?: string } = {},
): Promise<Authenticated> {
  const { service = 's3', payloadHash, virtualHostBucket } = opts;
  let caller: CallerLookup | undefined;
  const auth = await verifyRequest(req, {
    service,
    region: deps.region,
    now: deps.now(),
    keyCache: deps.keyCache,
    payloadHash,
    virtualHostBucket,
    lookupSecret: async (accessKey) => {
      caller = await lookupCaller(accessKey, deps);
      return caller?.secretKey;
    },
  });
  if (!auth || !caller) return { principal: ANONYMOUS };
  return { auth, principal: caller.principal(auth.securityToken) };
}

/** An access key's secret, and how to build its Principal once a signature made with it verified. */
export interface CallerLookup {
  secretKey: string;
  /**
   * The caller's Principal given the security token that came with the request: sessions need the
   * matching token (missing -> AccessDenied, wrong -> InvalidToken), long-term keys must not send one.
   */
  principal(securityToken: string | undefined): Principal;
}

/**
 * Looks up an access key among root, STS sessions (`ASIA...`; expired -> ExpiredToken) and static
 * users; `undefined` when unknown. Shared by header/presigned authentication and browser POST
 * uploads (whose signature is over the policy, not the request).
 */
export async function lookupCaller(accessKey: string, deps: Pick<AuthenticatorDeps, 'credentials' | 'root' | 'now'>): Promise<CallerLookup | undefined> {
  if (safeEqual(accessKey, deps.root.accessKey)) {
    return { secretKey: deps.root.secretKey, principal: (token) => longTerm(token, rootPrincipal(deps.root.accessKey)) };
  }
  if (accessKey.startsWith('ASIA')) {
    const session = await deps.credentials.getSession(accessKey);
    if (!session) return undefined;
    if (session.expiresAt.getTime() <= deps.now().getTime()) throw new S3Error('ExpiredToken', undefined, { 'X-Amz-Expires': session.expiresAt.toISOString() });
    return {
      secretKey: session.secretKey,
      principal: (token) => {
        if (token === undefined) throw new S3Error('AccessDenied', 'Temporary credentials require the x-amz-security-token header or X-Amz-Security-Token parameter.');
        const hash = createHash('sha256').update(token).digest('hex');
        if (!safeEqual(hash, session.sessionTokenHash)) throw new S3Error('InvalidToken');
        return sessionPrincipal(session);
      },
    };
  }
  const user = await deps.credentials.getUser(accessKey);
  return user && { secretKey: user.secretKey, principal: (token) => longTerm(token, userPrincipal(user)) };
}

function longTerm(token: string | undefined, principal: Principal): Principal {
  if (token !== undefined) throw new S3Error('InvalidToken', 'A security token was sent with long-term credentials.');
  return principal;
}

/** The root principal: every action on every resource. */
export function rootPrincipal(accessKey: string): Principal {
  return { type: 'root', accessKeyId: accessKey, userName: 'root', userId: KEYLESS_ACCOUNT_ID, arn: `arn:aws:iam::${KEYLESS_ACCOUNT_ID}:root`, policies: [], tags: {} };
}

/** A static user's principal; the user name is its access key (the CLI creates users by key). */
export function userPrincipal(user: UserRecord): Principal {
  return {
    type: 'user',
    accessKeyId: user.accessKey,
    userName: user.accessKey,
    userId: user.accessKey,
    arn: `arn:aws:iam::${KEYLESS_ACCOUNT_ID}:user/${user.accessKey}`,
    policies: user.policies,
    tags: {},
  };
}

/** An STS session's principal: an assumed role, with the same ARN and user id STS reports. */
export function sessionPrincipal(session: SessionRecord): Principal {
  const id = sessionIdentity(session);
  return {
    type: 'session',
    accessKeyId: session.accessKey,
    userName: session.parent,
    userId: id.userId,
    arn: id.arn,
    policies: session.policies,
    sessionPolicy: session.sessionPolicy,
    tags: session.tags,
  };
}
