import type { IncomingHttpHeaders } from 'node:http';
import { S3Error } from '@keyless/core';
import {
  ALL_USERS_URI, AUTHENTICATED_USERS_URI, LOG_DELIVERY_URI, ownerFullControl, type AclGrant, type AclPermission, type AclTarget,
} from './acl-grants.js';

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

function group(uri: string, permission: AclPermission): AclGrant {
  return { grantee: { type: 'Group', uri }, permission };
}

/**
 * The grant list a canned ACL stands for, per AWS's table: the owner's FULL_CONTROL plus what the
 * canned ACL adds. Group grants come first and the owner's FULL_CONTROL last, the order S3
 * implementations report and the ceph/s3-tests suite compares (AWS documents no order).
 * `bucket-owner-read` / `bucket-owner-full-control` add a grant to the bucket owner, who is the
 * object owner on a single-account server (the grant is still reported, as S3 does); on a bucket
 * they are ignored ("Amazon S3 ignores it if you specify it when creating a bucket"), as is
 * `log-delivery-write` on an object. `aws-exec-read` grants Amazon EC2's account, which does not
 * exist here: it reports the owner's grant only.
 * @see https://docs.aws.amazon.com/AmazonS3/latest/userguide/acl-overview.html#canned-acl
 */
export function cannedAclGrants(acl: CannedAcl, target: AclTarget, ownerId: string): AclGrant[] {
  const owner = ownerFullControl(ownerId);
  const bucketOwner = (permission: AclPermission): AclGrant => ({ grantee: { type: 'CanonicalUser', id: ownerId }, permission });
  switch (acl) {
    case 'public-read':
      return [group(ALL_USERS_URI, 'READ'), ...owner];
    case 'public-read-write':
      return [group(ALL_USERS_URI, 'READ'), group(ALL_USERS_URI, 'WRITE'), ...owner];
    case 'authenticated-read':
      return [group(AUTHENTICATED_USERS_URI, 'READ'), ...owner];
    case 'log-delivery-write':
      return target === 'bucket' ? [group(LOG_DELIVERY_URI, 'WRITE'), group(LOG_DELIVERY_URI, 'READ_ACP'), ...owner] : owner;
    case 'bucket-owner-read':
      return target === 'object' ? [...owner, bucketOwner('READ')] : owner;
    case 'bucket-owner-full-control':
      return target === 'object' ? [...owner, bucketOwner('FULL_CONTROL')] : owner;
    default:
      return owner;
  }
}

/** A valid canned ACL name, or InvalidArgument (as S3 answers an unknown `x-amz-acl`). */
export function parseCannedAcl(value: string): CannedAcl {
  const v = value.trim();
  if (!(CANNED_ACLS as readonly string[]).includes(v)) throw new S3Error('InvalidArgument', undefined, { ArgumentName: 'x-amz-acl', ArgumentValue: value });
  return v as CannedAcl;
}

/** The `x-amz-grant-*` headers (explicit grants), in the order their grants are listed. */
export const GRANT_HEADERS: readonly [string, AclPermission][] = [
  ['x-amz-grant-read', 'READ'], ['x-amz-grant-write', 'WRITE'], ['x-amz-grant-read-acp', 'READ_ACP'],
  ['x-amz-grant-write-acp', 'WRITE_ACP'], ['x-amz-grant-full-control', 'FULL_CONTROL'],
];

/**
 * The canned ACL a request asks for (`x-amz-acl`), or undefined. S3 refuses a canned ACL together
 * with explicit grant headers (InvalidRequest); the grant headers themselves are read by
 * `aclFromHeaders` (acl-grant-headers.ts), which needs the owner's ID.
 */
export function cannedAclFromHeaders(headers: IncomingHttpHeaders): CannedAcl | undefined {
  const raw = headers['x-amz-acl'];
  const value = Array.isArray(raw) ? raw[0] : raw;
  if (value !== undefined && GRANT_HEADERS.some(([h]) => headers[h] !== undefined)) {
    throw new S3Error('InvalidRequest', 'Specifying both Canned ACLs and Header Grants is not allowed');
  }
  return value === undefined ? undefined : parseCannedAcl(value);
}
