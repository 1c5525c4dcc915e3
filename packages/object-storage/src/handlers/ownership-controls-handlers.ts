import { S3Error } from '@keyless/core';
import { bucketOf } from '../http/s3-request.js';
import { readSmallBody } from '../http/payload.js';
import { asArray, asText, MAX_XML_BYTES, S3_XMLNS } from '../xml/xml-codec.js';
import { isOwnerOnlyAcl } from '../http/acl-grants.js';
import { OBJECT_OWNERSHIPS, OWNERSHIP_CONFIG, readBucketAcl, readObjectOwnership, type ObjectOwnership } from '../auth/bucket-access-settings.js';
import type { Handler } from './handler-deps.js';

/** A valid ObjectOwnership value, or MalformedXML. */
export function parseObjectOwnership(value: string | undefined): ObjectOwnership {
  const v = value?.trim();
  if (v === undefined || !(OBJECT_OWNERSHIPS as readonly string[]).includes(v)) throw new S3Error('MalformedXML');
  return v as ObjectOwnership;
}

/**
 * PutBucketOwnershipControls: exactly one rule. BucketOwnerEnforced disables ACLs, so it is refused
 * (InvalidBucketAclWithObjectOwnership) while the bucket ACL grants anyone but the owner.
 * @see https://docs.aws.amazon.com/AmazonS3/latest/API/API_PutBucketOwnershipControls.html
 */
export const putBucketOwnershipControls: Handler = async (req, deps) => {
  const bucket = bucketOf(req);
  const body = await readSmallBody(req, MAX_XML_BYTES);
  const doc = deps.xml.parse(body.toString('utf8'), 'OwnershipControls');
  const rules = asArray(doc.Rule as Record<string, unknown>[] | Record<string, unknown> | undefined);
  if (rules.length !== 1 || typeof rules[0] !== 'object' || rules[0] === null) throw new S3Error('MalformedXML');
  const ownership = parseObjectOwnership(asText(rules[0].ObjectOwnership));
  if (ownership === 'BucketOwnerEnforced' && !isOwnerOnlyAcl(await readBucketAcl(deps.store, bucket, deps.owner.id), deps.owner.id)) {
    throw new S3Error('InvalidBucketAclWithObjectOwnership');
  }
  await deps.store.putBucketConfig(bucket, OWNERSHIP_CONFIG, ownership);
  return {};
};

/** GetBucketOwnershipControls; OwnershipControlsNotFoundError when none are set. @see https://docs.aws.amazon.com/AmazonS3/latest/API/API_GetBucketOwnershipControls.html */
export const getBucketOwnershipControls: Handler = async (req, deps) => {
  const bucket = bucketOf(req);
  const ownership = await readObjectOwnership(deps.store, bucket);
  if (ownership === undefined) throw new S3Error('OwnershipControlsNotFoundError', undefined, { BucketName: bucket });
  return { body: { xml: { OwnershipControls: { '@_xmlns': S3_XMLNS, Rule: { ObjectOwnership: ownership } } } } };
};

/** DeleteBucketOwnershipControls: 204; ACLs are enabled again (Keyless's default, see readObjectOwnership). */
export const deleteBucketOwnershipControls: Handler = async (req, deps) => {
  await deps.store.putBucketConfig(bucketOf(req), OWNERSHIP_CONFIG, undefined);
  return { status: 204 };
};
