import type { IncomingHttpHeaders } from 'node:http';
import { S3Error } from '@keyless/core';

/**
 * The canned ACLs S3 accepts in `x-amz-acl`.
 * @see https://docs.aws.amazon.com/AmazonS3/latest/userguide/acl-overview.html#canned-acl
 */
export const CANNED_ACLS = [
  'private', 'public-read', 'public-read-write', 'authenticated-read', 'aws-exec-read',
  'bucket-owner-read', 'bucket-owner-full-control', 'log-delivery-write',
] as const;

/** One canned ACL name. */
export type CannedAcl = (typeof CANNED_ACLS)[number];

/** ACL permissions. @see https://docs.aws.amazon.com/AmazonS3/latest/userguide/acl-overview.html#permissions */
export type AclPermission = 'FULL_CONTROL' | 'READ' | 'WRITE' | 'READ_ACP' | 'WRITE_ACP';

/** The AllUsers group: anyone, anonymous callers included. @see https://docs.aws.amazon.com/AmazonS3/latest/userguide/acl-overview.html#specifying-grantee-predefined-groups */
export const ALL_USERS_URI = 'http://acs.amazonaws.com/groups/global/AllUsers';
/** The AuthenticatedUsers group: any signed caller. */
export const AUTHENTICATED_USERS_URI = 'http://acs.amazonaws.com/groups/global/AuthenticatedUsers';
/** The LogDelivery group (server access logging, which Keyless does not implement). */
export const LOG_DELIVERY_URI = 'http://acs.amazonaws.com/groups/s3/LogDelivery';

/** A group grant of a canned ACL (the owner's FULL_CONTROL grant is implied by every canned ACL). */
export interface GroupGrant {
  readonly uri: string;
  readonly permission: AclPermission;
}

/** Whether the ACL is on a bucket or on an object (a few canned ACLs mean different things). */
export type AclTarget = 'bucket' | 'object';

/**
 * The group grants each canned ACL adds to the owner's FULL_CONTROL. `bucket-owner-read` and
 * `bucket-owner-full-control` grant the bucket owner, who is the object owner on a single-account
 * server, so they add nothing; `aws-exec-read` grants Amazon EC2, which does not exist here.
 */
export function groupGrants(acl: CannedAcl, target: AclTarget): GroupGrant[] {
  switch (acl) {
    case 'public-read':
      return [{ uri: ALL_USERS_URI, permission: 'READ' }];
    case 'public-read-write':
      return [{ uri: ALL_USERS_URI, permission: 'READ' }, { uri: ALL_USERS_URI, permission: 'WRITE' }];
    case 'authenticated-read':
      return [{ uri: AUTHENTICATED_USERS_URI, permission: 'READ' }];
    case 'log-delivery-write':
      return target === 'bucket' ? [{ uri: LOG_DELIVERY_URI, permission: 'WRITE' }, { uri: LOG_DELIVERY_URI, permission: 'READ_ACP' }] : [];
    default:
      return [];
  }
}

/**
 * True for an ACL that grants the AllUsers or AuthenticatedUsers groups: what Block Public Access
 * calls a public ACL. @see https://docs.aws.amazon.com/AmazonS3/latest/userguide/access-control-block-public-access.html#access-control-block-public-access-policy-status
 */
export function isPublicAcl(acl: CannedAcl): boolean {
  return acl === 'public-read' || acl === 'public-read-write' || acl === 'authenticated-read';
}

/** A valid canned ACL name, or InvalidArgument (as S3 answers an unknown `x-amz-acl`). */
export function parseCannedAcl(value: string): CannedAcl {
  const v = value.trim();
  if (!(CANNED_ACLS as readonly string[]).includes(v)) throw new S3Error('InvalidArgument', undefined, { ArgumentName: 'x-amz-acl', ArgumentValue: value });
  return v as CannedAcl;
}

/** The `x-amz-grant-*` headers (explicit grants), which Keyless does not implement. */
const GRANT_HEADERS = ['x-amz-grant-read', 'x-amz-grant-write', 'x-amz-grant-read-acp', 'x-amz-grant-write-acp', 'x-amz-grant-full-control'];

/**
 * The canned ACL a write request asks for (`x-amz-acl`), or undefined. Explicit grant headers answer
 * NotImplemented rather than being ignored (a silently dropped grant is a wrong success); S3 refuses
 * both forms together with InvalidRequest.
 */
export function cannedAclFromHeaders(headers: IncomingHttpHeaders): CannedAcl | undefined {
  const raw = headers['x-amz-acl'];
  const value = Array.isArray(raw) ? raw[0] : raw;
  const grants = GRANT_HEADERS.filter((h) => headers[h] !== undefined);
  if (grants.length > 0) {
    if (value !== undefined) throw new S3Error('InvalidRequest', 'Specifying both Canned ACLs and Header Grants is not allowed');
    throw new S3Error('NotImplemented', `The header ${grants[0]} is not implemented; use a canned ACL (x-amz-acl).`);
  }
  return value === undefined ? undefined : parseCannedAcl(value);
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
 * True when a group grant of `acl` allows `action` for the caller: AllUsers grants everyone
 * (anonymous included), AuthenticatedUsers every signed caller. The owner's FULL_CONTROL grant is to
 * the account, which IAM principals inside it do not inherit: they need a policy, as on AWS.
 */
export function cannedAclAllows(acl: CannedAcl, target: AclTarget, action: string, anonymous: boolean): boolean {
  return groupGrants(acl, target).some((g) =>
    (g.uri === ALL_USERS_URI || (g.uri === AUTHENTICATED_USERS_URI && !anonymous)) && permissionAllows(g.permission, target, action));
}
