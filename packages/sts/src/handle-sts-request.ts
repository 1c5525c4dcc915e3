import { StsError, isStsError } from '@keyless/core';
import { assumeRole } from './assume-role.js';
import { assumeRoleWithCertificate } from './assume-role-with-certificate.js';
import { getCallerIdentity } from './get-caller-identity.js';
import type { StsDeps, StsHttpRequest, StsHttpResponse } from './sts-http.js';
import { STS_VERSION, readParams } from './sts-params.js';
import { errorResponse } from './sts-xml.js';

/**
 * Handles one STS request and renders the response; never throws. Client faults become the STS
 * error document with their status; anything unexpected becomes `InternalFailure` with no
 * internal text (the detail goes to `deps.log`).
 *
 * `Version` may be absent (MinIO's clients sometimes omit it); when given it must be 2011-06-15.
 */
export async function handleStsRequest(req: StsHttpRequest, deps: StsDeps): Promise<StsHttpResponse> {
  let action: string | undefined;
  try {
    if (req.method.toUpperCase() !== 'POST') throw new StsError('InvalidAction', 'STS requests must use POST.');
    const params = readParams(req.rawQuery, req.body, req.headers);
    action = params.get('Action');
    if (action === undefined || action === '') throw new StsError('MissingAction', 'The request is missing the Action parameter.');
    const version = params.get('Version');
    if (version !== undefined && version !== STS_VERSION) {
      throw new StsError('InvalidParameterValue', `Version must be ${STS_VERSION}.`);
    }
    switch (action) {
      case 'AssumeRoleWithCertificate':
        return await assumeRoleWithCertificate(req, params, deps);
      case 'AssumeRole':
        return await assumeRole(req, params, deps);
      case 'GetCallerIdentity':
        return await getCallerIdentity(req, deps);
      default:
        throw new StsError('InvalidAction', `Action ${action.slice(0, 64)} is not supported by Keyless.`);
    }
  } catch (err) {
    if (isStsError(err)) {
      deps.log?.({ event: 'sts.error', requestId: req.requestId, action, code: err.code, reason: err.message, sourceIp: req.sourceIp });
      return errorResponse(err, req.requestId);
    }
    deps.log?.({
      event: 'sts.internal-error',
      requestId: req.requestId,
      action,
      error: err instanceof Error ? `${err.name}: ${err.message}` : String(err),
    });
    return errorResponse(new StsError('InternalFailure'), req.requestId);
  }
}
