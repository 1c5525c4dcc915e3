import { S3Error } from '@keyless/core';
import type { S3Request } from './s3-request.js';

/**
 * The `versionId` query parameter, if any. An empty value is InvalidArgument, as S3 answers;
 * other malformed ids are refused by the store.
 */
export function versionIdOf(req: Pick<S3Request, 'query'>): string | undefined {
  const v = req.query.get('versionId');
  if (v === null) return undefined;
  if (v === '') throw new S3Error('InvalidArgument', 'Version id cannot be the empty string', { ArgumentName: 'versionId', ArgumentValue: '' });
  return v;
}

/** True when the request carries `x-amz-bypass-governance-retention: true`. */
export function bypassGovernanceRequested(req: Pick<S3Request, 'headers'>): boolean {
  const v = req.headers['x-amz-bypass-governance-retention'];
  return (Array.isArray(v) ? v[0] : v)?.toLowerCase() === 'true';
}
