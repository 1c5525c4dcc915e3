import { isS3Error, type ObjectStore, type Principal } from '@keyless/core';
import { grantsAllow, permissionAllows } from '../http/acl-grants.js';
import { ACL_CONFIG, OBJECT_ACL_ATTRIBUTE, readObjectOwnership, readPublicAccessBlock } from './bucket-access-settings.js';
import { storedGroupGrants } from './stored-acl.js';

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
 * (IgnorePublicAcls). Only group grants can allow anything (see `grantsAllow`): grants to the
 * owner's canonical ID add nothing on a single-account server, and LogDelivery has no use here.
 * @see https://docs.aws.amazon.com/AmazonS3/latest/userguide/acl-overview.html
 * @see https://docs.aws.amazon.com/AmazonS3/latest/userguide/access-control-block-public-access.html
 */
export async function aclAllows(store: ObjectStore, q: AclQuestion): Promise<boolean> {
  const anonymous = q.principal.type === 'anonymous';
  let bucketListable = false;
  try {
    if ((await readPublicAccessBlock(store, q.bucket))?.ignorePublicAcls) return false;
    if ((await readObjectOwnership(store, q.bucket)) === 'BucketOwnerEnforced') return false;
    const bucketAcl = storedGroupGrants(await store.getBucketConfig(q.bucket, ACL_CONFIG), 'bucket');
    if (grantsAllow(bucketAcl, 'bucket', q.action, anonymous)) return true;
    if (q.key === undefined || !isObjectAclAction(q.action)) return false;
    bucketListable = grantsAllow(bucketAcl, 'bucket', 's3:ListBucket', anonymous);
    const info = await store.getObjectInfo(q.bucket, q.key, { versionId: q.versionId });
    return grantsAllow(storedGroupGrants(info.attributes?.[OBJECT_ACL_ATTRIBUTE], 'object'), 'object', q.action, anonymous);
  } catch (err) {
    // A missing bucket is NoSuchBucket for every caller (except CreateBucket, which makes it), and a
    // missing key is NoSuchKey for a caller who may list the bucket: "If you have the s3:ListBucket
    // permission on the bucket, Amazon S3 returns 404 Not Found" (GetObject, Permissions).
    // @see https://docs.aws.amazon.com/AmazonS3/latest/API/API_GetObject.html
    if (isS3Error(err) && err.code === 'NoSuchBucket' && q.action !== 's3:CreateBucket') throw err;
    if (isS3Error(err) && (err.code === 'NoSuchKey' || err.code === 'NoSuchVersion') && bucketListable) throw err;
    // Otherwise nothing to grant on a missing key or version (nor a malformed version id): the
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
