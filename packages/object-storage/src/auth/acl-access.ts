import { isS3Error, type ObjectStore, type Principal } from '@keyless/core';
import { cannedAclAllows, permissionAllows } from '../http/canned-acl.js';
import { objectAcl, readBucketAcl, readObjectOwnership, readPublicAccessBlock } from './bucket-access-settings.js';

/** The request an ACL may grant. */
export interface AclQuestion {
  principal: Principal;
  action: string;
  bucket: string;
  key?: string;
  /** The version addressed (`versionId` query), for object ACLs. */
  versionId?: string;
}

/** Object actions that an object's own ACL can grant (READ, READ_ACP, WRITE_ACP). */
function isObjectAclAction(action: string): boolean {
  return (['READ', 'READ_ACP', 'WRITE_ACP'] as const).some((p) => permissionAllows(p, 'object', action));
}

/**
 * True when the bucket's or the object's ACL grants the request. ACL grants are a source of Allow
 * like a bucket policy (they never override an explicit Deny; the caller checks that first). They
 * grant nothing when the bucket has ACLs disabled (BucketOwnerEnforced) or ignores public ACLs
 * (IgnorePublicAcls: every grant Keyless can hold is to a public group).
 * @see https://docs.aws.amazon.com/AmazonS3/latest/userguide/acl-overview.html
 * @see https://docs.aws.amazon.com/AmazonS3/latest/userguide/access-control-block-public-access.html
 */
export async function aclAllows(store: ObjectStore, q: AclQuestion): Promise<boolean> {
  const anonymous = q.principal.type === 'anonymous';
  try {
    if ((await readPublicAccessBlock(store, q.bucket))?.ignorePublicAcls) return false;
    if ((await readObjectOwnership(store, q.bucket)) === 'BucketOwnerEnforced') return false;
    if (cannedAclAllows(await readBucketAcl(store, q.bucket), 'bucket', q.action, anonymous)) return true;
    if (q.key === undefined || !isObjectAclAction(q.action)) return false;
    const info = await store.getObjectInfo(q.bucket, q.key, { versionId: q.versionId });
    return cannedAclAllows(objectAcl(info), 'object', q.action, anonymous);
  } catch (err) {
    // Nothing to grant on a missing bucket, key or version (nor a malformed version id): the
    // request is denied as it would be without ACLs.
    if (isS3Error(err) && err.status < 500) return false;
    throw err;
  }
}

/**
 * True when the bucket's RestrictPublicBuckets setting keeps a public bucket policy from granting
 * anonymous callers (the only callers outside the account here).
 * @see https://docs.aws.amazon.com/AmazonS3/latest/userguide/access-control-block-public-access.html#access-control-block-public-access-options
 */
export async function restrictsPublicBuckets(store: ObjectStore, bucket: string): Promise<boolean> {
  try {
    return (await readPublicAccessBlock(store, bucket))?.restrictPublicBuckets === true;
  } catch (err) {
    if (isS3Error(err) && err.code === 'NoSuchBucket') return false;
    throw err;
  }
}
