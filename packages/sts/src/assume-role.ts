import { StsError } from '@keyless/core';
import { parsePolicy } from '@keyless/policy-engine';
import { authenticateStsCaller } from './authenticate-sts-caller.js';
import { sessionIdentity } from '@keyless/core';
import type { StsDeps, StsHttpRequest, StsHttpResponse } from './sts-http.js';
import { readDuration } from './sts-params.js';
import { credentialsXml, successResponse } from './sts-xml.js';

/** AWS: the plaintext session policy may have at most 2048 characters. */
export const MAX_SESSION_POLICY_CHARS = 2048;

/**
 * The policies a session of root gets. Root is not bound by policies, but a session must name
 * some; `readwrite` (every S3 action on every bucket) is the closest built-in. A `Policy` given
 * to AssumeRole narrows it further.
 */
export const ROOT_SESSION_POLICIES: readonly string[] = ['readwrite'];

const ROLE_SESSION_NAME = /^[\w+=,.@-]{2,64}$/;

/**
 * AssumeRole for static users (root or CLI-created), signed with SigV4. The session inherits the
 * caller's policies (root: {@link ROOT_SESSION_POLICIES}); `Policy` becomes the session policy, a
 * ceiling on them. `RoleArn` is accepted and not interpreted (Keyless has no roles, as MinIO);
 * `RoleSessionName` names the session in its ARN. Temporary credentials cannot call it.
 *
 * @see https://docs.aws.amazon.com/STS/latest/APIReference/API_AssumeRole.html
 */
export async function assumeRole(req: StsHttpRequest, params: Map<string, string>, deps: StsDeps): Promise<StsHttpResponse> {
  const caller = await authenticateStsCaller(req, deps);
  if (caller.type === 'session') {
    throw new StsError('AccessDenied', 'Temporary credentials cannot call AssumeRole; sign with a static access key.');
  }
  const durationSeconds = readDuration(params, deps.maxDurationSeconds);
  const roleArn = params.get('RoleArn');
  if (roleArn !== undefined && (roleArn.length < 20 || roleArn.length > 2048)) {
    throw new StsError('InvalidParameterValue', 'RoleArn must be between 20 and 2048 characters.');
  }
  const sessionName = params.get('RoleSessionName');
  if (sessionName !== undefined && !ROLE_SESSION_NAME.test(sessionName)) {
    throw new StsError('InvalidParameterValue', 'RoleSessionName must be 2 to 64 characters of [\\w+=,.@-].');
  }
  const sessionPolicy = params.get('Policy');
  if (sessionPolicy !== undefined) {
    if (sessionPolicy.length > MAX_SESSION_POLICY_CHARS) {
      throw new StsError('PackedPolicyTooLarge', `The session policy exceeds ${MAX_SESSION_POLICY_CHARS} characters.`);
    }
    try {
      parsePolicy(sessionPolicy, { kind: 'identity' });
    } catch (err) {
      // PolicyError messages are ours (element path + reason), written for administrators.
      throw new StsError('MalformedPolicyDocument', err instanceof Error && err.name === 'PolicyError' ? err.message : undefined);
    }
  }

  const policies = caller.type === 'root' ? [...ROOT_SESSION_POLICIES] : [...caller.user.policies];
  const creds = await deps.credentials.issueTemporary({
    parent: caller.accessKey,
    policies,
    ...(sessionPolicy !== undefined ? { sessionPolicy } : {}),
    tags: {},
    expiresAt: new Date(deps.now().getTime() + durationSeconds * 1000),
    ...(sessionName !== undefined ? { subject: sessionName } : {}),
  });
  const identity = sessionIdentity({
    accessKey: creds.accessKeyId,
    parent: caller.accessKey,
    ...(sessionName !== undefined ? { subject: sessionName } : {}),
  });
  deps.log?.({ event: 'sts.assume-role.issued', parent: caller.accessKey, accessKey: creds.accessKeyId, policies });
  return successResponse(
    'AssumeRole',
    {
      Credentials: credentialsXml(creds),
      AssumedRoleUser: { Arn: identity.arn, AssumedRoleId: identity.userId },
      ...(sessionPolicy !== undefined ? { PackedPolicySize: String(Math.ceil((sessionPolicy.length * 100) / MAX_SESSION_POLICY_CHARS)) } : {}),
    },
    req.requestId,
  );
}
