import { KEYLESS_ACCOUNT_ID } from '@keyless/core';
import { authenticateStsCaller, callerIdentity } from './authenticate-sts-caller.js';
import type { StsDeps, StsHttpRequest, StsHttpResponse } from './sts-http.js';
import { successResponse } from './sts-xml.js';

/**
 * GetCallerIdentity: who signed the request (root, a user, or a session as an assumed role).
 * @see https://docs.aws.amazon.com/STS/latest/APIReference/API_GetCallerIdentity.html
 */
export async function getCallerIdentity(req: StsHttpRequest, deps: StsDeps): Promise<StsHttpResponse> {
  const caller = await authenticateStsCaller(req, deps);
  const { arn, userId } = callerIdentity(caller);
  return successResponse('GetCallerIdentity', { Arn: arn, UserId: userId, Account: KEYLESS_ACCOUNT_ID }, req.requestId);
}
