import type { ValidatedCertificate } from './validated-certificate.js';

const RDN_KEYS = ['CN', 'O', 'OU', 'C', 'ST', 'L'] as const;

/**
 * Every principal tag a certificate session can carry, named as IAM Roles Anywhere names them
 * (`${aws:PrincipalTag/x509Subject/CN}` in a policy). Multi-valued attributes give their first value.
 *
 * @see https://docs.aws.amazon.com/rolesanywhere/latest/userguide/trust-model.html
 * @see https://docs.aws.amazon.com/rolesanywhere/latest/userguide/attribute-mapping.html
 */
export const CERTIFICATE_TAG_NAMES: readonly string[] = [
  ...RDN_KEYS.map((k) => `x509Subject/${k}`),
  ...RDN_KEYS.map((k) => `x509Issuer/${k}`),
  'x509SAN/URI',
  'x509SAN/DNS',
  'x509SAN/Email',
];

/** The principal tags of a validated certificate (absent attributes give no tag). */
export function certificateTags(cert: ValidatedCertificate): Record<string, string> {
  const tags: Record<string, string> = {};
  for (const [prefix, name] of [['x509Subject', cert.subject], ['x509Issuer', cert.issuer]] as const) {
    for (const key of RDN_KEYS) {
      const value = key === 'OU' ? name.OU[0] : name[key];
      if (value !== undefined && value !== '') tags[`${prefix}/${key}`] = value;
    }
  }
  if (cert.sanUris[0] !== undefined) tags['x509SAN/URI'] = cert.sanUris[0];
  if (cert.sanDns[0] !== undefined) tags['x509SAN/DNS'] = cert.sanDns[0];
  if (cert.sanEmails[0] !== undefined) tags['x509SAN/Email'] = cert.sanEmails[0];
  return tags;
}
