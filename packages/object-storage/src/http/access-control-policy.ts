import { S3Error } from '@keyless/core';
import { asArray, asText, S3_XMLNS } from '../xml/xml-codec.js';
import {
  ALL_USERS_URI, AUTHENTICATED_USERS_URI, groupGrants, LOG_DELIVERY_URI, type AclPermission, type AclTarget, type CannedAcl,
} from './canned-acl.js';

/** The account that owns every bucket and object of a single-tenant server. */
export interface AclOwner {
  id: string;
  displayName: string;
}

const XSI = 'http://www.w3.org/2001/XMLSchema-instance';

/**
 * The `AccessControlPolicy` document of GetBucketAcl / GetObjectAcl for a canned ACL: the owner's
 * FULL_CONTROL grant, then the canned ACL's group grants.
 * @see https://docs.aws.amazon.com/AmazonS3/latest/API/API_GetBucketAcl.html
 */
export function accessControlPolicyXml(acl: CannedAcl, target: AclTarget, owner: AclOwner): Record<string, unknown> {
  const ownerXml = { ID: owner.id, DisplayName: owner.displayName };
  const grants: Record<string, unknown>[] = [
    { Grantee: { '@_xmlns:xsi': XSI, '@_xsi:type': 'CanonicalUser', ...ownerXml }, Permission: 'FULL_CONTROL' },
    ...groupGrants(acl, target).map((g) => ({ Grantee: { '@_xmlns:xsi': XSI, '@_xsi:type': 'Group', URI: g.uri }, Permission: g.permission })),
  ];
  return { AccessControlPolicy: { '@_xmlns': S3_XMLNS, Owner: ownerXml, AccessControlList: { Grant: grants } } };
}

/** The canned ACLs an AccessControlPolicy body can express, by their group grants (sorted `URI PERMISSION`). */
const GROUP_SETS: [CannedAcl, AclTarget | undefined, string][] = [
  ['private', undefined, ''],
  ['public-read', undefined, `${ALL_USERS_URI} READ`],
  ['public-read-write', undefined, [`${ALL_USERS_URI} READ`, `${ALL_USERS_URI} WRITE`].sort().join('|')],
  ['authenticated-read', undefined, `${AUTHENTICATED_USERS_URI} READ`],
  ['log-delivery-write', 'bucket', [`${LOG_DELIVERY_URI} READ_ACP`, `${LOG_DELIVERY_URI} WRITE`].sort().join('|')],
];

const PERMISSIONS = new Set<AclPermission>(['FULL_CONTROL', 'READ', 'WRITE', 'READ_ACP', 'WRITE_ACP']);

/**
 * Reads a PutBucketAcl / PutObjectAcl `AccessControlPolicy` body and returns the canned ACL it is
 * equivalent to. Keyless stores canned ACLs only, so the body must grant the owner FULL_CONTROL and
 * otherwise only what a canned ACL grants (AllUsers READ / WRITE, AuthenticatedUsers READ,
 * LogDelivery on buckets); a grantee ID other than the owner's or any e-mail address names no
 * account here (InvalidArgument / UnresolvableGrantByEmailAddress).
 * (The XML parser drops attributes, so the grantee type is read from its child elements.)
 * @see https://docs.aws.amazon.com/AmazonS3/latest/API/API_PutBucketAcl.html
 */
export function cannedAclFromPolicy(doc: Record<string, unknown>, target: AclTarget, owner: AclOwner): CannedAcl {
  const ownerId = asText((doc.Owner as Record<string, unknown> | undefined)?.ID);
  if (ownerId !== undefined && ownerId.trim() !== owner.id) throw new S3Error('AccessDenied');
  const list = doc.AccessControlList;
  if (typeof list !== 'object' || list === null) throw new S3Error('MalformedACLError');
  let ownerFull = false;
  const groups = new Set<string>();
  for (const g of asArray((list as Record<string, unknown>).Grant as Record<string, unknown>[] | undefined)) {
    if (typeof g !== 'object' || g === null || typeof g.Grantee !== 'object' || g.Grantee === null) throw new S3Error('MalformedACLError');
    const permission = asText(g.Permission)?.trim() as AclPermission | undefined;
    if (permission === undefined || !PERMISSIONS.has(permission)) throw new S3Error('MalformedACLError');
    const grantee = g.Grantee as Record<string, unknown>;
    const id = asText(grantee.ID)?.trim();
    const uri = asText(grantee.URI)?.trim();
    if (id !== undefined && id === owner.id) {
      if (permission !== 'FULL_CONTROL') throw new S3Error('NotImplemented', 'Only FULL_CONTROL for the owner can be expressed; use a canned ACL.');
      ownerFull = true;
    } else if (uri !== undefined && id === undefined) {
      groups.add(`${uri} ${permission}`);
    } else if (id !== undefined) {
      // A single-account server has no other canonical user: the grantee does not exist, which S3
      // answers with InvalidArgument (as for any unknown canonical ID).
      throw new S3Error('InvalidArgument', 'Invalid id', { ArgumentName: 'CanonicalUser/ID', ArgumentValue: id });
    } else if (asText(grantee.EmailAddress) !== undefined) {
      throw new S3Error('UnresolvableGrantByEmailAddress');
    } else {
      throw new S3Error('MalformedACLError');
    }
  }
  const key = [...groups].sort().join('|');
  const match = GROUP_SETS.find(([, only, set]) => set === key && (only === undefined || only === target));
  if (!ownerFull || !match) throw new S3Error('NotImplemented', 'This access control list cannot be expressed as a canned ACL, the only kind Keyless implements.');
  return match[0];
}
