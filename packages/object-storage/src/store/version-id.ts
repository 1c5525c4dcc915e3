import { randomBytes } from 'node:crypto';
import { S3Error } from '@keyless/core';

/** The version id of writes to unversioned and suspended buckets. */
export const NULL_VERSION = 'null';

/** A new version id: 32 URL-safe characters (opaque to clients, as S3's). */
export function newVersionId(): string {
  return randomBytes(24).toString('base64url');
}

/**
 * Refuses a version id this store cannot have issued: S3 answers a malformed id with 400
 * InvalidArgument and a well-formed unknown one with 404 NoSuchVersion.
 * @see https://docs.aws.amazon.com/AmazonS3/latest/userguide/versioning-workflows.html
 */
export function checkVersionId(versionId: string): void {
  if (versionId !== NULL_VERSION && !/^[A-Za-z0-9_-]{32}$/.test(versionId)) {
    throw new S3Error('InvalidArgument', 'Invalid version id specified', { ArgumentName: 'versionId', ArgumentValue: versionId });
  }
}
