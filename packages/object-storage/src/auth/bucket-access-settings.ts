import type { IncomingHttpHeaders } from 'node:http';
import { S3Error, type ObjectInfo, type ObjectStore } from '@keyless/core';
import { aclFromHeaders } from '../http/acl-grant-headers.js';
import { isOwnerOnlyAcl, isPublicAcl, type AclGrant } from '../http/acl-grants.js';
import { decodeAcl, encodeAcl } from './stored-acl.js';

/** The bucket configuration kind (ObjectStore `getBucketConfig`) of the bucket's ACL (`stored-acl.ts`); absent means private. */
export const ACL_CONFIG = 'acl';
/** The bucket configuration kind of the ObjectOwnership setting; absent means no ownership controls. */
export const OWNERSHIP_CONFIG = 'ownership-controls';
/** The bucket configuration kind of the Block Public Access settings (JSON {@link PublicAccessBlock}). */
export const PUBLIC_ACCESS_BLOCK_CONFIG = 'public-access-block';

/** The object attribute (ObjectStore attributes) holding an object's ACL (`stored-acl.ts`); absent means private. */
export const OBJECT_ACL_ATTRIBUTE = 'acl';

/** S3 Object Ownership settings. @see https://docs.aws.amazon.com/AmazonS3/latest/userguide/about-object-ownership.html */
export const OBJECT_OWNERSHIPS = ['BucketOwnerEnforced', 'BucketOwnerPreferred', 'ObjectWriter'] as const;
/** One S3 Object Ownership setting. */
export type ObjectOwnership = (typeof OBJECT_OWNERSHIPS)[number];

/** A bucket's Block Public Access settings. @see https://docs.aws.amazon.com/AmazonS3/latest/API/API_PublicAccessBlockConfiguration.html */
export interface PublicAccessBlock {
  blockPublicAcls: boolean;
  ignorePublicAcls: boolean;
  blockPublicPolicy: boolean;
  restrictPublicBuckets: boolean;
}

/** The bucket's Block Public Access settings, or undefined when none are set. */
export async function readPublicAccessBlock(store: ObjectStore, bucket: string): Promise<PublicAccessBlock | undefined> {
  const text = await store.getBucketConfig(bucket, PUBLIC_ACCESS_BLOCK_CONFIG);
  return text === undefined ? undefined : (JSON.parse(text) as PublicAccessBlock);
}

/**
 * The bucket's Object Ownership, or undefined when no ownership controls are set.
 *
 * Decision: a bucket without ownership controls behaves as ObjectWriter (ACLs enabled), not as AWS's
 * 2023 default BucketOwnerEnforced, because S3 clients and conformance suites (ceph s3-tests) and
 * MinIO expect canned ACLs to work on a new bucket. BucketOwnerEnforced is enforced when set
 * explicitly (CreateBucket `x-amz-object-ownership` or PutBucketOwnershipControls).
 */
export async function readObjectOwnership(store: ObjectStore, bucket: string): Promise<ObjectOwnership | undefined> {
  const text = await store.getBucketConfig(bucket, OWNERSHIP_CONFIG);
  return text === undefined ? undefined : (text as ObjectOwnership);
}

/** The bucket's ACL grants (the owner's FULL_CONTROL when never set). */
export async function readBucketAcl(store: ObjectStore, bucket: string, ownerId: string): Promise<AclGrant[]> {
  return decodeAcl(await store.getBucketConfig(bucket, ACL_CONFIG), 'bucket', ownerId);
}

/**
 * Refuses to set `acl` on the bucket or one of its objects when the bucket forbids it:
 * BucketOwnerEnforced disables ACLs (400 AccessControlListNotSupported; only ACLs that grant the
 * owner alone are accepted), and BlockPublicAcls refuses public ACLs (403 AccessDenied).
 * @see https://docs.aws.amazon.com/AmazonS3/latest/userguide/object-ownership-error-responses.html
 * @see https://docs.aws.amazon.com/AmazonS3/latest/userguide/access-control-block-public-access.html#access-control-block-public-access-options
 */
export async function checkAclWrite(store: ObjectStore, bucket: string, acl: readonly AclGrant[] | undefined, ownerId: string): Promise<void> {
  if (acl === undefined) return;
  if (!isOwnerOnlyAcl(acl, ownerId) && (await readObjectOwnership(store, bucket)) === 'BucketOwnerEnforced') throw new S3Error('AccessControlListNotSupported');
  if (isPublicAcl(acl) && (await readPublicAccessBlock(store, bucket))?.blockPublicAcls) throw new S3Error('AccessDenied');
}

/**
 * The ACL a write (PutObject, CopyObject, CreateMultipartUpload, POST upload) asks for in
 * `x-amz-acl` or `x-amz-grant-*`, checked against the bucket's ownership controls and Block Public
 * Access; undefined when none was given (the new object gets the default ACL).
 */
export async function writeAclFromHeaders(store: ObjectStore, bucket: string, headers: IncomingHttpHeaders, ownerId: string): Promise<AclGrant[] | undefined> {
  const acl = aclFromHeaders(headers, 'object', ownerId);
  await checkAclWrite(store, bucket, acl, ownerId);
  return acl;
}

/**
 * The object attributes (`ObjectWriteInput.attributes`) that record an ACL given at write time;
 * empty for the default ACL, so that a new version starts private as on S3.
 */
export function aclAttributes(acl: readonly AclGrant[] | undefined, ownerId: string): Record<string, string> {
  const stored = acl === undefined ? undefined : encodeAcl(acl, ownerId);
  return stored === undefined ? {} : { [OBJECT_ACL_ATTRIBUTE]: stored };
}

/** The ACL grants recorded on an object version (the owner's FULL_CONTROL when none). */
export function objectAcl(info: ObjectInfo, ownerId: string): AclGrant[] {
  return decodeAcl(info.attributes?.[OBJECT_ACL_ATTRIBUTE], 'object', ownerId);
}

/** The access settings a CreateBucket request asks for. */
export interface NewBucketAccess {
  acl?: AclGrant[];
  ownership?: ObjectOwnership;
}

/**
 * Reads and validates CreateBucket's `x-amz-acl` / `x-amz-grant-*` and `x-amz-object-ownership`
 * before the bucket is created: an unknown ownership is InvalidArgument, and BucketOwnerEnforced
 * with an ACL granting anyone else is InvalidBucketAclWithObjectOwnership.
 * @see https://docs.aws.amazon.com/AmazonS3/latest/API/API_CreateBucket.html
 */
export function newBucketAccessFrom(headers: IncomingHttpHeaders, ownerId: string): NewBucketAccess {
  const acl = aclFromHeaders(headers, 'bucket', ownerId);
  const raw = headers['x-amz-object-ownership'];
  const value = Array.isArray(raw) ? raw[0] : raw;
  if (value !== undefined && !(OBJECT_OWNERSHIPS as readonly string[]).includes(value)) {
    throw new S3Error('InvalidArgument', 'Invalid x-amz-object-ownership header', { ArgumentName: 'x-amz-object-ownership', ArgumentValue: value });
  }
  const ownership = value as ObjectOwnership | undefined;
  if (ownership === 'BucketOwnerEnforced' && acl !== undefined && !isOwnerOnlyAcl(acl, ownerId)) throw new S3Error('InvalidBucketAclWithObjectOwnership');
  return { acl, ownership };
}

/**
 * Records a new bucket's access settings. Written after the bucket itself: a crash in between
 * leaves the bucket private with ACLs enabled (never more open than asked).
 */
export async function applyNewBucketAccess(store: ObjectStore, bucket: string, access: NewBucketAccess, ownerId: string): Promise<void> {
  if (access.ownership !== undefined) await store.putBucketConfig(bucket, OWNERSHIP_CONFIG, access.ownership);
  const acl = access.acl === undefined ? undefined : encodeAcl(access.acl, ownerId);
  if (acl !== undefined) await store.putBucketConfig(bucket, ACL_CONFIG, acl);
}
