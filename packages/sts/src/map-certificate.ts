import { matchAny } from './certificate-pattern.js';
import type { AuthorityLimit, CertificateMapping, CertificateMatch, MatchField } from './certificate-mapping.js';
import type { CertificateRejection } from './certificate-rejections.js';
import { certificateTags } from './principal-tags.js';
import type { ValidatedCertificate } from './validated-certificate.js';

/** What a certificate maps to: policy names, principal tags, and an optional duration ceiling. */
export interface CertificateGrant {
  policies: string[];
  tags: Record<string, string>;
  maxDurationSeconds?: number;
}

/** {@link resolveMapping}'s answer: a grant, or the stable reason there is none. */
export type MappingOutcome = { ok: true; grant: CertificateGrant } | { ok: false; reason: CertificateRejection };

/** Policy names a mapping may produce (IAM's name alphabet); anything else maps to nothing. */
const POLICY_NAME = /^[\w+=,.@-]{1,128}$/;
const TEMPLATE_VAR = /\{([^{}]*)\}/g;

/**
 * Maps a validated certificate to policies and principal tags. Without a mapping file the policy is
 * the one named after the subject CN (as MinIO does). @returns undefined when nothing maps.
 */
export function mapCertificate(
  cert: ValidatedCertificate,
  mapping: CertificateMapping | undefined,
): CertificateGrant | undefined {
  const outcome = resolveMapping(cert, mapping);
  return outcome.ok ? outcome.grant : undefined;
}

/** {@link mapCertificate} with the reason for a refusal, for the STS response and the operator log. */
export function resolveMapping(cert: ValidatedCertificate, mapping: CertificateMapping | undefined): MappingOutcome {
  const baseTags = certificateTags(cert);
  const byCn = (): MappingOutcome => {
    const cn = cert.subject.CN;
    return cn !== undefined && POLICY_NAME.test(cn)
      ? { ok: true, grant: { policies: [cn], tags: baseTags } }
      : { ok: false, reason: 'unmapped' };
  };
  if (mapping === undefined) return byCn();

  let authority: AuthorityLimit | undefined;
  if (mapping.authorities.length > 0) {
    authority = mapping.authorities.find((a) => cert.authorities.some((ca) =>
      (a.fingerprint === undefined || a.fingerprint === ca.fingerprintSha256) &&
      (a.subjectCN === undefined || a.subjectCN === ca.subject.CN)));
    if (authority === undefined) return { ok: false, reason: 'authorityNotAllowed' };
    if (authority.allow !== undefined && !authority.allow.some((m) => matchCertificate(m, cert, undefined))) {
      return { ok: false, reason: 'authorityNotAllowed' };
    }
  }
  const limit = (max: number | undefined): CertificateGrant['maxDurationSeconds'] => {
    const values = [max, authority?.maxDurationSeconds].filter((v): v is number => v !== undefined);
    return values.length === 0 ? undefined : Math.min(...values);
  };

  for (const rule of mapping.rules) {
    const captures = matchCertificate(rule.match, cert, authority?.name);
    if (captures === undefined) continue;
    const vars: Record<string, string> = { ...baseTags, ...captures };
    const policies = rule.policies.map((p) => fill(p, vars));
    if (policies.some((p) => p === undefined || !POLICY_NAME.test(p))) return { ok: false, reason: 'unmapped' };
    const tags = { ...baseTags };
    for (const [key, value] of Object.entries(rule.tags)) {
      const filled = fill(value, vars);
      if (filled !== undefined) tags[key] = filled;
    }
    const max = limit(rule.maxDurationSeconds);
    return {
      ok: true,
      grant: { policies: [...new Set(policies as string[])], tags, ...(max !== undefined ? { maxDurationSeconds: max } : {}) },
    };
  }
  if (!mapping.fallbackToSubjectCN) return { ok: false, reason: 'unmapped' };
  const fallback = byCn();
  if (!fallback.ok) return fallback;
  const max = limit(undefined);
  return { ok: true, grant: { ...fallback.grant, ...(max !== undefined ? { maxDurationSeconds: max } : {}) } };
}

function values(cert: ValidatedCertificate, field: MatchField): string[] {
  switch (field) {
    case 'subjectCN': return cert.subject.CN === undefined ? [] : [cert.subject.CN];
    case 'subjectO': return cert.subject.O === undefined ? [] : [cert.subject.O];
    case 'subjectOU': return cert.subject.OU;
    case 'issuerCN': return cert.issuer.CN === undefined ? [] : [cert.issuer.CN];
    case 'sanUri': return cert.sanUris;
    case 'sanDns': return cert.sanDns;
    case 'sanEmail': return cert.sanEmails;
  }
}

function matchCertificate(
  match: CertificateMatch,
  cert: ValidatedCertificate,
  authorityName: string | undefined,
): Record<string, string> | undefined {
  if (match.authority !== undefined && match.authority !== authorityName) return undefined;
  const captures: Record<string, string> = {};
  for (const { field, pattern } of match.fields) {
    const found = matchAny(pattern, values(cert, field));
    if (found === undefined) return undefined;
    Object.assign(captures, found);
  }
  return captures;
}

/** Substitutes `{var}`; @returns undefined when a variable has no value for this certificate. */
function fill(template: string, vars: Readonly<Record<string, string>>): string | undefined {
  let missing = false;
  const out = template.replace(TEMPLATE_VAR, (_, name: string) => {
    const v = vars[name];
    if (v === undefined) missing = true;
    return v ?? '';
  });
  return missing ? undefined : out;
}
