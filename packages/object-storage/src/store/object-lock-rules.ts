import { S3Error, type ObjectInfo } from '@keyless/core';

/**
 * Refuses to remove a version that Object Lock protects: a legal hold, COMPLIANCE retention until
 * its date, GOVERNANCE retention unless the caller bypasses it (having s3:BypassGovernanceRetention).
 * S3 answers AccessDenied.
 * @see https://docs.aws.amazon.com/AmazonS3/latest/userguide/object-lock.html
 */
export function assertVersionDeletable(info: ObjectInfo, bypassGovernance: boolean, now: Date): void {
  if (info.legalHold) throw new S3Error('AccessDenied', 'Access Denied because object protected by object lock.');
  const r = info.retention;
  if (r && r.retainUntil.getTime() > now.getTime() && (r.mode === 'COMPLIANCE' || !bypassGovernance)) {
    throw new S3Error('AccessDenied', 'Access Denied because object protected by object lock.');
  }
}
