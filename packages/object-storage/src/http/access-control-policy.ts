import { S3Error } from '@keyless/core';
import { asArray, asText, S3_XMLNS } from '../xml/xml-codec.js';
import {
  canonicalGrantee, checkGrantCount, emailGrantee, groupGrantee, parsePermission, type AclGrant, type AclGrantee,
} from './acl-grants.js';

/** The account that owns every bucket and object of a single-tenant server. */
export interface AclOwner {
  id: string;
  displayName: string;
}

const XSI = 'http://www.w3.org/2001/XMLSchema-instance';

function granteeXml(g: AclGrantee, owner: AclOwner): Record<string, unknown> {
  if (g.type === 'Group') return { '@_xmlns:xsi': XSI, '@_xsi:type': 'Group', URI: g.uri };
  // DisplayName is reported for the one account known here (S3 reports it only in some Regions).
  return { '@_xmlns:xsi': XSI, '@_xsi:type': 'CanonicalUser', ID: g.id, ...(g.id === owner.id ? { DisplayName: owner.displayName } : {}) };
}

/**
 * The `AccessControlPolicy` document of GetBucketAcl / GetObjectAcl: the owner, then the grants
 * exactly as stored (order preserved; an empty list renders an empty AccessControlList).
 * @see https://docs.aws.amazon.com/AmazonS3/latest/API/API_GetBucketAcl.html
 */
export function accessControlPolicyXml(grants: readonly AclGrant[], owner: AclOwner): Record<string, unknown> {
  const list = grants.map((g) => ({ Grantee: granteeXml(g.grantee, owner), Permission: g.permission }));
  return {
    AccessControlPolicy: {
      '@_xmlns': S3_XMLNS,
      Owner: { ID: owner.id, DisplayName: owner.displayName },
      AccessControlList: list.length === 0 ? '' : { Grant: list },
    },
  };
}

function record(value: unknown): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new S3Error('MalformedACLError');
  return value as Record<string, unknown>;
}

/**
 * One Grantee element. The XML parser drops attributes, so the type (`xsi:type`) is read from
 * the child element present: ID (CanonicalUser), URI (Group) or EmailAddress
 * (AmazonCustomerByEmail); exactly one must be there. DisplayName is ignored on input, as on S3.
 */
function parseGrantee(value: unknown, ownerId: string): AclGrantee {
  const g = record(value);
  const id = asText(g.ID);
  const uri = asText(g.URI);
  const email = asText(g.EmailAddress);
  const present = [id, uri, email].filter((v) => v !== undefined && v.trim() !== '');
  if (present.length !== 1) throw new S3Error('MalformedACLError');
  if (id !== undefined && id.trim() !== '') return canonicalGrantee(id, ownerId);
  if (uri !== undefined && uri.trim() !== '') return groupGrantee(uri);
  return emailGrantee();
}

/**
 * Reads a PutBucketAcl / PutObjectAcl `AccessControlPolicy` body into its grant list (any grants,
 * order kept). The Owner element is required (S3 answers MalformedACLError without it) and must
 * name the owner: an ACL cannot give the resource away (AccessDenied). An empty AccessControlList
 * is valid and revokes every grant (the owner keeps the owner's implicit rights).
 * @see https://docs.aws.amazon.com/AmazonS3/latest/API/API_PutBucketAcl.html
 * @see https://docs.aws.amazon.com/AmazonS3/latest/API/API_AccessControlPolicy.html
 */
export function aclFromPolicy(doc: Record<string, unknown>, owner: AclOwner): AclGrant[] {
  const ownerId = doc.Owner === undefined ? undefined : asText(record(doc.Owner).ID)?.trim();
  if (ownerId === undefined || ownerId === '') throw new S3Error('MalformedACLError');
  if (ownerId !== owner.id) throw new S3Error('AccessDenied');
  if (doc.AccessControlList === undefined) throw new S3Error('MalformedACLError');
  // `<AccessControlList/>` parses as an empty string: no grants.
  const list = doc.AccessControlList === '' ? {} : record(doc.AccessControlList);
  const grants: AclGrant[] = [];
  for (const raw of asArray(list.Grant as unknown[] | unknown)) {
    const g = record(raw);
    if (g.Grantee === undefined) throw new S3Error('MalformedACLError');
    const permission = parsePermission(asText(g.Permission));
    grants.push({ grantee: parseGrantee(g.Grantee, owner.id), permission });
  }
  checkGrantCount(grants);
  return grants;
}
