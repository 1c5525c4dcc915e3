import { cannedAclGrants, parseCannedAcl } from '../http/canned-acl.js';
import { ownerFullControl, parsePermission, type AclGrant, type AclTarget } from '../http/acl-grants.js';

/** The stored form of an ACL (JSON): the owner's canonical ID and the grants, in order. */
interface StoredAclJson {
  owner: string;
  grants: ({ id: string; permission: string } | { uri: string; permission: string })[];
}

/**
 * What is stored for an ACL (bucket config `acl`, object attribute `acl`): nothing for the default
 * ACL (the owner's FULL_CONTROL, what a new bucket or object has), else JSON {@link StoredAclJson}.
 */
export function encodeAcl(grants: readonly AclGrant[], ownerId: string): string | undefined {
  const [only, ...rest] = grants;
  if (rest.length === 0 && only?.permission === 'FULL_CONTROL' && only.grantee.type === 'CanonicalUser' && only.grantee.id === ownerId) return undefined;
  const json: StoredAclJson = {
    owner: ownerId,
    grants: grants.map((g) => (g.grantee.type === 'Group' ? { uri: g.grantee.uri, permission: g.permission } : { id: g.grantee.id, permission: g.permission })),
  };
  return JSON.stringify(json);
}

/**
 * The grants of a stored ACL. Absent means the default (owner FULL_CONTROL). Values written before
 * grant lists were stored are canned ACL names: they are read as the canned ACL's grants
 * (migrated on read; the next write stores JSON).
 */
export function decodeAcl(text: string | undefined, target: AclTarget, ownerId: string): AclGrant[] {
  if (text === undefined) return ownerFullControl(ownerId);
  if (!text.startsWith('{')) return cannedAclGrants(parseCannedAcl(text), target, ownerId);
  const json = JSON.parse(text) as StoredAclJson;
  return json.grants.map((g): AclGrant => ('uri' in g
    ? { grantee: { type: 'Group', uri: g.uri }, permission: parsePermission(g.permission) }
    : { grantee: { type: 'CanonicalUser', id: g.id }, permission: parsePermission(g.permission) }));
}

/**
 * The group grants of a stored ACL: all that enforcement reads (grants to the owner's ID give the
 * single account nothing its policies do not), so it needs no owner ID.
 */
export function storedGroupGrants(text: string | undefined, target: AclTarget): AclGrant[] {
  return decodeAcl(text, target, '').filter((g) => g.grantee.type === 'Group');
}
