import { S3Error } from '@keyless/core';

/** ACL permissions. @see https://docs.aws.amazon.com/AmazonS3/latest/userguide/acl-overview.html#permissions */
export type AclPermission = 'FULL_CONTROL' | 'READ' | 'WRITE' | 'READ_ACP' | 'WRITE_ACP';

/** Every ACL permission, in the order S3 documents them. */
export const ACL_PERMISSIONS: readonly AclPermission[] = ['FULL_CONTROL', 'READ', 'WRITE', 'READ_ACP', 'WRITE_ACP'];

/** Whether an ACL is on a bucket or on an object (permissions and canned ACLs mean different things). */
export type AclTarget = 'bucket' | 'object';

/** The AllUsers group: anyone, anonymous callers included. @see https://docs.aws.amazon.com/AmazonS3/latest/userguide/acl-overview.html#specifying-grantee-predefined-groups */
export const ALL_USERS_URI = 'http://acs.amazonaws.com/groups/global/AllUsers';
/** The AuthenticatedUsers group: any signed caller. */
export const AUTHENTICATED_USERS_URI = 'http://acs.amazonaws.com/groups/global/AuthenticatedUsers';
/** The LogDelivery group (server access logging, which Keyless does not implement: its grants allow nothing). */
export const LOG_DELIVERY_URI = 'http://acs.amazonaws.com/groups/s3/LogDelivery';

const GROUP_URIS = new Set([ALL_USERS_URI, AUTHENTICATED_USERS_URI, LOG_DELIVERY_URI]);

/** Who a grant is to: an account by canonical ID, or a predefined group by URI. */
export type AclGrantee = { type: 'CanonicalUser'; id: string } | { type: 'Group'; uri: string };

/** One grant of an access control list. */
export interface AclGrant {
  grantee: AclGrantee;
  permission: AclPermission;
}

/**
 * The most grants one ACL may hold ("An ACL can have up to 100 grants").
 * @see https://docs.aws.amazon.com/AmazonS3/latest/userguide/acl-overview.html
 */
export const MAX_ACL_GRANTS = 100;

/** The ACL of a new bucket or object: the owner's FULL_CONTROL. */
export function ownerFullControl(ownerId: string): AclGrant[] {
  return [{ grantee: { type: 'CanonicalUser', id: ownerId }, permission: 'FULL_CONTROL' }];
}

/** A valid permission name, or MalformedACLError (names are case-sensitive, as in S3's schema). */
export function parsePermission(value: string | undefined): AclPermission {
  const v = value?.trim();
  if (v === undefined || !(ACL_PERMISSIONS as readonly string[]).includes(v)) throw new S3Error('MalformedACLError');
  return v as AclPermission;
}

/**
 * A CanonicalUser grantee. A single-account server knows one canonical ID, the owner's; any other
 * names no account, which S3 answers with InvalidArgument "Invalid id".
 */
export function canonicalGrantee(id: string, ownerId: string): AclGrantee {
  const v = id.trim();
  if (v !== ownerId) throw new S3Error('InvalidArgument', 'Invalid id', { ArgumentName: 'CanonicalUser/ID', ArgumentValue: v });
  return { type: 'CanonicalUser', id: v };
}

/** A Group grantee: one of S3's predefined groups, or InvalidArgument. */
export function groupGrantee(uri: string): AclGrantee {
  const v = uri.trim();
  if (!GROUP_URIS.has(v)) throw new S3Error('InvalidArgument', 'Invalid group uri', { ArgumentName: 'Group/URI', ArgumentValue: v });
  return { type: 'Group', uri: v };
}

/**
 * An AmazonCustomerByEmail grantee: S3 resolves the address to an account, and no address
 * resolves on a server without accounts' e-mail addresses.
 */
export function emailGrantee(): never {
  throw new S3Error('UnresolvableGrantByEmailAddress');
}

/** Refuses more grants than S3 allows in one ACL (MalformedACLError, as a schema violation). */
export function checkGrantCount(grants: readonly AclGrant[]): void {
  if (grants.length > MAX_ACL_GRANTS) throw new S3Error('MalformedACLError', `An ACL can have up to ${MAX_ACL_GRANTS} grants.`);
}

/** True for a grant to AllUsers or AuthenticatedUsers. */
function isPublicGrant(g: AclGrant): boolean {
  return g.grantee.type === 'Group' && (g.grantee.uri === ALL_USERS_URI || g.grantee.uri === AUTHENTICATED_USERS_URI);
}

/**
 * True for an ACL that grants the AllUsers or AuthenticatedUsers groups: what Block Public Access
 * calls a public ACL. @see https://docs.aws.amazon.com/AmazonS3/latest/userguide/access-control-block-public-access.html#access-control-block-public-access-policy-status
 */
export function isPublicAcl(grants: readonly AclGrant[]): boolean {
  return grants.some(isPublicGrant);
}

/**
 * True for an ACL that grants nobody but the owner: what a bucket with ACLs disabled
 * (BucketOwnerEnforced) still accepts — `bucket-owner-full-control`, `private`, or the equivalent
 * grant list.
 */
export function isOwnerOnlyAcl(grants: readonly AclGrant[], ownerId: string): boolean {
  return grants.every((g) => g.grantee.type === 'CanonicalUser' && g.grantee.id === ownerId);
}

/**
 * The IAM actions an ACL permission allows, per AWS's mapping of ACL permissions to policy
 * permissions. @see https://docs.aws.amazon.com/AmazonS3/latest/userguide/acl-overview.html#acl-access-policy-permission-mapping
 */
const BUCKET_PERMISSION_ACTIONS: Record<AclPermission, readonly string[]> = {
  READ: ['s3:ListBucket', 's3:ListBucketVersions', 's3:ListBucketMultipartUploads'],
  WRITE: ['s3:PutObject', 's3:DeleteObject', 's3:DeleteObjectVersion', 's3:AbortMultipartUpload'],
  READ_ACP: ['s3:GetBucketAcl'],
  WRITE_ACP: ['s3:PutBucketAcl'],
  FULL_CONTROL: [],
};
const OBJECT_PERMISSION_ACTIONS: Record<AclPermission, readonly string[]> = {
  READ: ['s3:GetObject', 's3:GetObjectVersion', 's3:GetObjectTorrent'],
  // "WRITE: Not applicable" to objects: accepted and reported, allows nothing.
  WRITE: [],
  READ_ACP: ['s3:GetObjectAcl', 's3:GetObjectVersionAcl'],
  WRITE_ACP: ['s3:PutObjectAcl', 's3:PutObjectVersionAcl'],
  FULL_CONTROL: [],
};

/** True when the permission allows the action on that kind of resource (FULL_CONTROL allows them all). */
export function permissionAllows(permission: AclPermission, target: AclTarget, action: string): boolean {
  const table = target === 'bucket' ? BUCKET_PERMISSION_ACTIONS : OBJECT_PERMISSION_ACTIONS;
  const a = action.toLowerCase();
  const perms: AclPermission[] = permission === 'FULL_CONTROL' ? ['READ', 'WRITE', 'READ_ACP', 'WRITE_ACP'] : [permission];
  return perms.some((p) => table[p].some((x) => x.toLowerCase() === a));
}

/**
 * True when a grant of the ACL allows `action` for the caller: AllUsers grants everyone (anonymous
 * included), AuthenticatedUsers every signed caller. Grants to the owner's canonical ID allow
 * nothing more: they are to the account, whose IAM principals need a policy (as on AWS), and root
 * is always allowed. LogDelivery grants allow nothing (no server access logging here).
 */
export function grantsAllow(grants: readonly AclGrant[], target: AclTarget, action: string, anonymous: boolean): boolean {
  return grants.some((g) =>
    g.grantee.type === 'Group' && (g.grantee.uri === ALL_USERS_URI || (g.grantee.uri === AUTHENTICATED_USERS_URI && !anonymous)) &&
    permissionAllows(g.permission, target, action));
}
