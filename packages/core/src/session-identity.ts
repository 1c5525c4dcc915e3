import { KEYLESS_ACCOUNT_ID } from './principal.js';
import type { SessionRecord } from './credential-store.js';

/** The role name certificate sessions appear under in ARNs. */
export const CERTIFICATE_ROLE_NAME = 'x509';

/** How a temporary session presents itself: ARN and ids, as AWS shows an assumed role. */
export interface SessionIdentity {
  /** `arn:aws:sts::000000000000:assumed-role/ROLE/SESSION` */
  arn: string;
  /** `PARENT:SESSION`, the AssumedRoleId and `aws:userid`. */
  userId: string;
  roleName: string;
  sessionName: string;
}

/**
 * The identity of a session. Certificate sessions (they carry a fingerprint) appear as role
 * {@link CERTIFICATE_ROLE_NAME} with the subject CN as session name; AssumeRole sessions as a role
 * named after the parent access key, with the RoleSessionName (kept in `subject`) or else the
 * session's access key as session name.
 *
 * @see https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_identifiers.html#identifiers-arns
 */
export function sessionIdentity(
  session: Pick<SessionRecord, 'accessKey' | 'parent' | 'subject' | 'certFingerprint'>,
): SessionIdentity {
  const isCertificate = session.certFingerprint !== undefined;
  const roleName = isCertificate ? CERTIFICATE_ROLE_NAME : session.parent;
  const sessionName = session.subject ?? (isCertificate ? session.parent : session.accessKey);
  return {
    arn: `arn:aws:sts::${KEYLESS_ACCOUNT_ID}:assumed-role/${roleName}/${sessionName}`,
    userId: `${session.parent}:${sessionName}`,
    roleName,
    sessionName,
  };
}
