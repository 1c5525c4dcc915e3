import { S3Error, type ObjectStore } from '@keyless/core';
import { bucketOf, header, keyOf, type S3Request } from '../http/s3-request.js';
import { readSmallBody } from '../http/payload.js';
import { cannedAclFromHeaders, type AclTarget, type CannedAcl } from '../http/canned-acl.js';
import { accessControlPolicyXml, cannedAclFromPolicy } from '../http/access-control-policy.js';
import {
  ACL_CONFIG, checkAclWrite, OBJECT_ACL_ATTRIBUTE, objectAcl, readBucketAcl, readObjectOwnership, storedAcl,
} from '../auth/bucket-access-settings.js';
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
 * The canned ACL a Put*Acl request sets: from `x-amz-acl`, or from an AccessControlPolicy body
 * (not both: S3 answers UnexpectedContent).
 */
async function requestedAcl(req: S3Request, deps: HandlerDeps, target: AclTarget): Promise<CannedAcl> {
  const fromHeader = cannedAclFromHeaders(req.headers);
  const body = hasBody(req) ? await readSmallBody(req, MAX_XML_BYTES) : Buffer.alloc(0);
  if (fromHeader !== undefined) {
    if (body.length > 0) throw new S3Error('UnexpectedContent');
    return fromHeader;
  }
  if (body.length === 0) throw new S3Error('MalformedACLError');
  return cannedAclFromPolicy(deps.xml.parse(body.toString('utf8'), 'AccessControlPolicy'), target, deps.owner);
}

/** With ACLs disabled (BucketOwnerEnforced), reads report the owner's FULL_CONTROL only. */
async function aclsDisabled(store: ObjectStore, bucket: string): Promise<boolean> {
  return (await readObjectOwnership(store, bucket)) === 'BucketOwnerEnforced';
}

/** PutBucketAcl (canned ACL by header or equivalent body). @see https://docs.aws.amazon.com/AmazonS3/latest/API/API_PutBucketAcl.html */
export const putBucketAcl: Handler = async (req, deps) => {
  const bucket = bucketOf(req);
  const acl = await requestedAcl(req, deps, 'bucket');
  await checkAclWrite(deps.store, bucket, acl);
  await deps.store.putBucketConfig(bucket, ACL_CONFIG, storedAcl(acl, 'bucket'));
  return {};
};

/** GetBucketAcl. @see https://docs.aws.amazon.com/AmazonS3/latest/API/API_GetBucketAcl.html */
export const getBucketAcl: Handler = async (req, deps) => {
  const bucket = bucketOf(req);
  const acl = (await aclsDisabled(deps.store, bucket)) ? 'private' : await readBucketAcl(deps.store, bucket);
  return { body: { xml: accessControlPolicyXml(acl, 'bucket', deps.owner) } };
};

/** PutObjectAcl, of the latest version or `versionId`. @see https://docs.aws.amazon.com/AmazonS3/latest/API/API_PutObjectAcl.html */
export const putObjectAcl: Handler = async (req, deps) => {
  const bucket = bucketOf(req);
  const acl = await requestedAcl(req, deps, 'object');
  await checkAclWrite(deps.store, bucket, acl);
  const versionId = req.query.get('versionId') ?? undefined;
  const info = await deps.store.updateObjectAttributes(bucket, keyOf(req), versionId, { [OBJECT_ACL_ATTRIBUTE]: storedAcl(acl, 'object') });
  return { headers: { 'x-amz-version-id': versionId === undefined ? undefined : info.versionId } };
};

/** GetObjectAcl, of the latest version or `versionId`. @see https://docs.aws.amazon.com/AmazonS3/latest/API/API_GetObjectAcl.html */
export const getObjectAcl: Handler = async (req, deps) => {
  const bucket = bucketOf(req);
  const versionId = req.query.get('versionId') ?? undefined;
  const info = await deps.store.getObjectInfo(bucket, keyOf(req), { versionId });
  const acl = (await aclsDisabled(deps.store, bucket)) ? 'private' : objectAcl(info);
  return {
    headers: { 'x-amz-version-id': versionId === undefined ? undefined : info.versionId },
    body: { xml: accessControlPolicyXml(acl, 'object', deps.owner) },
  };
};
