import type { IncomingHttpHeaders } from 'node:http';
import type { Principal } from '@keyless/core';
import type { VerifiedAuth } from '@keyless/sigv4';

/** What the condition keys are computed from. */
export interface ConditionSource {
  principal: Principal;
  auth?: VerifiedAuth;
  headers: IncomingHttpHeaders;
  query: URLSearchParams;
  sourceIp: string;
  secure: boolean;
  now: Date;
}

const PRINCIPAL_TYPES: Record<Principal['type'], string> = { root: 'Account', user: 'User', session: 'AssumedRole', anonymous: 'Anonymous' };

/**
 * The global and S3 condition keys of a request, as IAM names them.
 * @see https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html
 * @see https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazons3.html#amazons3-policy-keys
 */
export function conditionKeys(src: ConditionSource): Record<string, string | string[] | undefined> {
  const h = (name: string) => {
    const v = src.headers[name];
    return Array.isArray(v) ? v[0] : v;
  };
  const keys: Record<string, string | string[] | undefined> = {
    'aws:SourceIp': src.sourceIp.replace(/^::ffff:/, ''),
    'aws:SecureTransport': String(src.secure),
    'aws:CurrentTime': src.now.toISOString().replace(/\.\d{3}Z$/, 'Z'),
    'aws:EpochTime': String(Math.floor(src.now.getTime() / 1000)),
    'aws:UserAgent': h('user-agent'),
    'aws:Referer': h('referer'),
    'aws:PrincipalType': PRINCIPAL_TYPES[src.principal.type],
    'aws:PrincipalArn': src.principal.type === 'anonymous' ? undefined : src.principal.arn,
    'aws:PrincipalAccount': src.principal.type === 'anonymous' ? undefined : '000000000000',
    'aws:username': src.principal.type === 'user' || src.principal.type === 'session' ? src.principal.userName : undefined,
    'aws:userid': src.principal.type === 'anonymous' ? undefined : src.principal.userId,
    's3:signatureversion': src.auth ? (src.auth.version === 2 ? 'AWS' : 'AWS4-HMAC-SHA256') : undefined,
    's3:authType': src.auth ? (src.auth.kind === 'presigned' ? 'REST-QUERY-STRING' : 'REST-HEADER') : undefined,
    's3:x-amz-content-sha256': h('x-amz-content-sha256'),
    's3:prefix': src.query.get('prefix') ?? undefined,
    's3:delimiter': src.query.get('delimiter') ?? undefined,
    's3:max-keys': src.query.get('max-keys') ?? undefined,
    's3:x-amz-acl': h('x-amz-acl'),
    's3:x-amz-copy-source': h('x-amz-copy-source'),
    's3:x-amz-metadata-directive': h('x-amz-metadata-directive'),
    's3:x-amz-storage-class': h('x-amz-storage-class'),
    's3:x-amz-server-side-encryption': h('x-amz-server-side-encryption'),
    's3:VersionId': src.query.get('versionId') ?? undefined,
  };
  for (const [tag, value] of Object.entries(src.principal.tags)) keys[`aws:PrincipalTag/${tag}`] = value;
  return keys;
}
