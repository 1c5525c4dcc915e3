/**
 * Who is making a request, after authentication. Authorization reads only this: how the caller
 * authenticated (static key, STS session, nothing) is already folded into these fields.
 */
export interface Principal {
  /** `root` (configured), `user` (static key from the CLI), `session` (STS-issued), `anonymous`. */
  readonly type: 'root' | 'user' | 'session' | 'anonymous';
  /** The access key the request was signed with (absent for anonymous). */
  readonly accessKeyId?: string;
  /** `aws:username`: the user name, or for a session the parent identity (e.g. the certificate CN). */
  readonly userName: string;
  /** `aws:userid`: a stable unique id. For a session, `PARENT:SESSION` as AWS does. */
  readonly userId: string;
  /** The principal's ARN, e.g. `arn:aws:iam::000000000000:user/alice`. */
  readonly arn: string;
  /** Names of the identity policies attached to this principal. Root needs none. */
  readonly policies: readonly string[];
  /** A session policy (JSON) that further limits a session, as AssumeRole's `Policy` parameter. */
  readonly sessionPolicy?: string;
  /** `aws:PrincipalTag/*`, e.g. `x509Subject/CN` for certificate sessions. */
  readonly tags: Readonly<Record<string, string>>;
}

/** The account id Keyless reports in ARNs (a single-tenant server has one account). */
export const KEYLESS_ACCOUNT_ID = '000000000000';

/** The anonymous principal (a request with no signature). */
export const ANONYMOUS: Principal = Object.freeze({
  type: 'anonymous',
  userName: 'anonymous',
  userId: 'anonymous',
  arn: '*',
  policies: [],
  tags: {},
});
