import type { IncomingHttpHeaders } from 'node:http';
import { S3Error } from '@keyless/core';
import { cannedAclFromHeaders, cannedAclGrants, GRANT_HEADERS } from './canned-acl.js';
import { canonicalGrantee, checkGrantCount, emailGrantee, groupGrantee, type AclGrant, type AclGrantee, type AclTarget } from './acl-grants.js';

/** One `type=value` item of a grant header; the value may be double-quoted. */
const GRANTEE_ITEM = /^\s*([A-Za-z]+)\s*=\s*(?:"([^"]*)"|([^",]*?))\s*(?:,|$)/;

/** Refuses a grant header that does not parse (S3 answers InvalidArgument naming the header). */
function invalid(header: string, value: string): S3Error {
  return new S3Error('InvalidArgument', 'Invalid grant header', { ArgumentName: header, ArgumentValue: value });
}

/**
 * The grantees of one `x-amz-grant-*` header: a comma-separated list of `id="…"`, `uri="…"` or
 * `emailAddress="…"` (quotes optional, as clients send both).
 * @see https://docs.aws.amazon.com/AmazonS3/latest/API/API_PutBucketAcl.html#API_PutBucketAcl_RequestSyntax
 */
export function parseGrantHeader(header: string, value: string, ownerId: string): AclGrantee[] {
  const out: AclGrantee[] = [];
  let rest = value;
  while (rest.trim() !== '') {
    const m = GRANTEE_ITEM.exec(rest);
    if (!m) throw invalid(header, value);
    const kind = m[1]!.toLowerCase();
    const v = (m[2] ?? m[3] ?? '').trim();
    if (v === '') throw invalid(header, value);
    if (kind === 'id') out.push(canonicalGrantee(v, ownerId));
    else if (kind === 'uri') out.push(groupGrantee(v));
    else if (kind === 'emailaddress') emailGrantee();
    else throw invalid(header, value);
    rest = rest.slice(m[0].length);
    // A comma promises another grantee.
    if (m[0].trimEnd().endsWith(',') && rest.trim() === '') throw invalid(header, value);
  }
  if (out.length === 0) throw invalid(header, value);
  return out;
}

/**
 * The ACL a request sets by header: a canned ACL (`x-amz-acl`, expanded to its grants) or the
 * explicit grants of the `x-amz-grant-*` headers (exactly those grants, in the order read, write,
 * read-acp, write-acp, full-control — the owner gets no implicit grant); undefined when neither is
 * sent. Both forms together are InvalidRequest.
 * @see https://docs.aws.amazon.com/AmazonS3/latest/userguide/acl-overview.html#setting-acls
 */
export function aclFromHeaders(headers: IncomingHttpHeaders, target: AclTarget, ownerId: string): AclGrant[] | undefined {
  const canned = cannedAclFromHeaders(headers);
  if (canned !== undefined) return cannedAclGrants(canned, target, ownerId);
  const grants: AclGrant[] = [];
  let any = false;
  for (const [name, permission] of GRANT_HEADERS) {
    const raw = headers[name];
    if (raw === undefined) continue;
    any = true;
    for (const value of Array.isArray(raw) ? raw : [raw]) {
      for (const grantee of parseGrantHeader(name, value, ownerId)) grants.push({ grantee, permission });
    }
  }
  if (!any) return undefined;
  checkGrantCount(grants);
  return grants;
}
