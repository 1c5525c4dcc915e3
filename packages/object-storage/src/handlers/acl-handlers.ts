import { S3Error, type ObjectStore } from '@keyless/core';
import { bucketOf, header, keyOf, type S3Request } from '../http/s3-request.js';
import { readSmallBody } from '../http/payload.js';
import { aclFromHeaders } from '../http/acl-grant-headers.js';
import { ownerFullControl, type AclGrant, type AclTarget } from '../http/acl-grants.js';
import { accessControlPolicyXml, aclFromPolicy } from '../http/access-control-policy.js';
import {
  ACL_CONFIG, checkAclWrite, OBJECT_ACL_ATTRIBUTE, objectAcl, readBucketAcl, readObjectOwnership,
} from '../auth/bucket-access-settings.js';
import { encodeAcl } from '../auth/stored-acl.js';
import { MAX_XML_BYTES } from '../xml/xml-codec.js';
import type { Handler, HandlerDeps } from './handler-deps.js';

/** True when the request carries a body to read (a header-only ACL request sends none). */
function hasBody(req: S3Request): boolean {
  const len = header(req, 'content-length');
  const decoded = header(req, 'x-amz-decoded-content-length');
  if (decoded !== undefined) return decoded !== '0';
  if (len !== undefined) return len !== '0';
  return (header(req, 'transfer-encoding') ?? '').toLowerCase().includes('chunked');
}

/**
 * The grants a Put*Acl request sets: from `x-amz-acl` or `x-amz-grant-*` headers, or from an
 * AccessControlPolicy body (not both: S3 answers UnexpectedContent; neither is MalformedACLError).
 */
async function requestedAcl(req: S3Request, deps: HandlerDeps, target: AclTarget): Promise<AclGrant[]> {
  const fromHeaders = aclFromHeaders(req.headers, target, deps.owner.id);
  const body = hasBody(req) ? await readSmallBody(req, MAX_XML_BYTES) : Buffer.alloc(0);
  if (fromHeaders !== undefined) {
    if (body.length > 0) throw new S3Error('UnexpectedContent');
    return fromHeaders;
  }
  if (body.length === 0) throw new S3Error('MalformedACLError');
  return aclFromPolicy(deps.xml.parse(body.toString('utf8'), 'AccessControlPolicy'), deps.owner);
}

/**
 * With ACLs disabled (BucketOwnerEnforced), reads report the bucket-owner-full-control ACL, i.e.
 * the owner's FULL_CONTROL. @see https://docs.aws.amazon.com/AmazonS3/latest/API/API_GetBucketAcl.html
 */
async function aclsDisabled(store: ObjectStore, bucket: string): Promise<boolean> {
  return (await readObjectOwnership(store, bucket)) === 'BucketOwnerEnforced';
}

/** PutBucketAcl (canned ACL, grant headers or AccessControlPolicy body). @see https://docs.aws.amazon.com/AmazonS3/latest/API/API_PutBucketAcl.html */
export const putBucketAcl: Handler = async (req, deps) => {
  const bucket = bucketOf(req);
  const acl = await requestedAcl(req, deps, 'bucket');
  await checkAclWrite(deps.store, bucket, acl, deps.owner.id);
  await deps.store.putBucketConfig(bucket, ACL_CONFIG, encodeAcl(acl, deps.owner.id));
  return {};
};

/** GetBucketAcl: the grants as set, in order. @see https://docs.aws.amazon.com/AmazonS3/latest/API/API_GetBucketAcl.html */
export const getBucketAcl: Handler = async (req, deps) => {
  const bucket = bucketOf(req);
  const acl = (await aclsDisabled(deps.store, bucket)) ? ownerFullControl(deps.owner.id) : await readBucketAcl(deps.store, bucket, deps.owner.id);
  return { body: { xml: accessControlPolicyXml(acl, deps.owner) } };
};

/** PutObjectAcl, of the latest version or `versionId`. @see https://docs.aws.amazon.com/AmazonS3/latest/API/API_PutObjectAcl.html */
export const putObjectAcl: Handler = async (req, deps) => {
  const bucket = bucketOf(req);
  const acl = await requestedAcl(req, deps, 'object');
  await checkAclWrite(deps.store, bucket, acl, deps.owner.id);
  const versionId = req.query.get('versionId') ?? undefined;
  const info = await deps.store.updateObjectAttributes(bucket, keyOf(req), versionId, { [OBJECT_ACL_ATTRIBUTE]: encodeAcl(acl, deps.owner.id) });
  return { headers: { 'x-amz-version-id': versionId === undefined ? undefined : info.versionId } };
};

/** GetObjectAcl, of the latest version or `versionId`. @see https://docs.aws.amazon.com/AmazonS3/latest/API/API_GetObjectAcl.html */
export const getObjectAcl: Handler = async (req, deps) => {
  const bucket = bucketOf(req);
  const versionId = req.query.get('versionId') ?? undefined;
  const info = await deps.store.getObjectInfo(bucket, keyOf(req), { versionId });
  const acl = (await aclsDisabled(deps.store, bucket)) ? ownerFullControl(deps.owner.id) : objectAcl(info, deps.owner.id);
  return {
    headers: { 'x-amz-version-id': versionId === undefined ? undefined : info.versionId },
    body: { xml: accessControlPolicyXml(acl, deps.owner) },
  };
};
