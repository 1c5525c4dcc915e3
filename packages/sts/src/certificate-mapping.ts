import { compilePattern, type CertificatePattern } from './certificate-pattern.js';
import { CERTIFICATE_TAG_NAMES } from './principal-tags.js';

/** The certificate attributes a mapping rule can match on, and whether they compare case-insensitively. */
export const MATCH_FIELDS = {
  subjectCN: false,
  subjectO: false,
  subjectOU: false,
  issuerCN: false,
  sanUri: false,
  sanDns: true,
  sanEmail: true,
} as const;

/** A key of {@link MATCH_FIELDS}. */
export type MatchField = keyof typeof MATCH_FIELDS;

/** A compiled `match` object: every present field must match (AND); `authority` names an authority. */
export interface CertificateMatch {
  readonly fields: ReadonlyArray<{ field: MatchField; pattern: CertificatePattern }>;
  readonly authority?: string;
}

/** A compiled mapping rule. */
export interface MappingRule {
  readonly match: CertificateMatch;
  /** Policy name templates (`{capture}` or `{x509Subject/CN}`-style attribute variables). */
  readonly policies: readonly string[];
  /** Extra principal tags (value templates). */
  readonly tags: Readonly<Record<string, string>>;
  readonly maxDurationSeconds?: number;
}

/** A CA entry: which identities it may mint and for how long. */
export interface AuthorityLimit {
  readonly name: string;
  /** Lower-case hex SHA-256 of the CA certificate (colons removed). */
  readonly fingerprint?: string;
  readonly subjectCN?: string;
  readonly maxDurationSeconds?: number;
  /** When present, certificates from this CA must match one of these. */
  readonly allow?: readonly CertificateMatch[];
}

/**
 * A parsed `--sts-mapping` file. Build it with {@link parseMappingFile}; the format is:
 *
 * ```json
 * {
 *   "version": 1,
 *   "fallbackToSubjectCN": false,
 *   "authorities": [
 *     { "name": "prod", "fingerprint": "<sha256 hex of the CA certificate>", "maxDurationSeconds": 3600,
 *       "allow": [ { "sanUri": "spiffe://prod.example.org/*" } ] }
 *   ],
 *   "rules": [
 *     { "match": { "sanUri": "spiffe://prod.example.org/ns/{ns}/sa/{sa}", "authority": "prod" },
 *       "policies": ["ns-{ns}", "app-{sa}"], "tags": { "namespace": "{ns}" }, "maxDurationSeconds": 900 },
 *     { "match": { "subjectOU": "ops" }, "policies": ["readonly"] }
 *   ]
 * }
 * ```
 *
 * Rules are tried in order and the first whose `match` fits wins (all its fields must match; an
 * empty `match` fits everything). Patterns: `*` any run of characters, `{name}` captures a run
 * without `/`. Multi-valued attributes (OU, SANs) match when any value does. Templates in
 * `policies` and `tags` use captures and the principal tag names (`{x509Subject/CN}`, ...).
 * When no rule fits, `fallbackToSubjectCN: true` maps to the policy named after the subject CN.
 * When `authorities` is non-empty, a certificate must chain to one of them (by SHA-256 fingerprint
 * or subject CN of any CA on its path; the first listed that fits applies), match its `allow`
 * list if it has one, and gets at most its `maxDurationSeconds`.
 */
export interface CertificateMapping {
  readonly rules: readonly MappingRule[];
  readonly authorities: readonly AuthorityLimit[];
  readonly fallbackToSubjectCN: boolean;
}

const TEMPLATE_VAR = /\{([^{}]*)\}/g;
const TAG_KEY = /^[\p{L}\p{Z}\p{N}_.:/=+\-@]{1,128}$/u;

/**
 * Parses and validates a mapping file (JSON, format in {@link CertificateMapping}).
 * @throws Error with a message naming the offending place, e.g. `rules[2].match.sanUri: ...`.
 */
export function parseMappingFile(text: string): CertificateMapping {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch {
    throw new Error('certificate mapping: not valid JSON');
  }
  const root = object(doc, 'certificate mapping');
  onlyKeys(root, ['version', 'fallbackToSubjectCN', 'authorities', 'rules'], 'certificate mapping');
  if (root.version !== undefined && root.version !== 1) throw new Error('version: only 1 is supported');
  if (root.fallbackToSubjectCN !== undefined && typeof root.fallbackToSubjectCN !== 'boolean') {
    throw new Error('fallbackToSubjectCN: must be true or false');
  }
  const authorities = array(root.authorities ?? [], 'authorities').map((a, i) => parseAuthority(a, `authorities[${i}]`));
  const names = new Set<string>();
  for (const a of authorities) {
    if (names.has(a.name)) throw new Error(`authorities: name "${a.name}" used twice`);
    names.add(a.name);
  }
  const rules = array(root.rules ?? [], 'rules').map((r, i) => parseRule(r, `rules[${i}]`, names));
  return { rules, authorities, fallbackToSubjectCN: root.fallbackToSubjectCN === true };
}

function parseAuthority(value: unknown, where: string): AuthorityLimit {
  const a = object(value, where);
  onlyKeys(a, ['name', 'fingerprint', 'subjectCN', 'maxDurationSeconds', 'allow'], where);
  const name = string(a.name, `${where}.name`);
  const fingerprint = a.fingerprint === undefined ? undefined : string(a.fingerprint, `${where}.fingerprint`).replace(/:/g, '').toLowerCase();
  if (fingerprint !== undefined && !/^[0-9a-f]{64}$/.test(fingerprint)) {
    throw new Error(`${where}.fingerprint: must be a SHA-256 fingerprint (64 hex digits, colons allowed)`);
  }
  const subjectCN = a.subjectCN === undefined ? undefined : string(a.subjectCN, `${where}.subjectCN`);
  if (fingerprint === undefined && subjectCN === undefined) throw new Error(`${where}: needs "fingerprint" or "subjectCN"`);
  const max = duration(a.maxDurationSeconds, `${where}.maxDurationSeconds`);
  const allow = a.allow === undefined ? undefined
    : array(a.allow, `${where}.allow`).map((m, i) => parseMatch(m, `${where}.allow[${i}]`, undefined));
  return {
    name,
    ...(fingerprint !== undefined ? { fingerprint } : {}),
    ...(subjectCN !== undefined ? { subjectCN } : {}),
    ...(max !== undefined ? { maxDurationSeconds: max } : {}),
    ...(allow !== undefined ? { allow } : {}),
  };
}

function parseRule(value: unknown, where: string, authorities: ReadonlySet<string>): MappingRule {
  const r = object(value, where);
  onlyKeys(r, ['match', 'policies', 'tags', 'maxDurationSeconds'], where);
  const match = parseMatch(r.match ?? {}, `${where}.match`, authorities);
  const known = new Set<string>([...CERTIFICATE_TAG_NAMES, ...match.fields.flatMap((f) => f.pattern.captures)]);
  const policies = array(r.policies, `${where}.policies`).map((p, i) => template(p, `${where}.policies[${i}]`, known));
  if (policies.length === 0) throw new Error(`${where}.policies: at least one policy is required`);
  const tags: Record<string, string> = {};
  for (const [key, v] of Object.entries(object(r.tags ?? {}, `${where}.tags`))) {
    if (!TAG_KEY.test(key) || key.startsWith('x509')) {
      throw new Error(`${where}.tags: "${key}" is not a valid tag key (1-128 characters, not starting with x509)`);
    }
    tags[key] = template(v, `${where}.tags.${key}`, known);
  }
  const max = duration(r.maxDurationSeconds, `${where}.maxDurationSeconds`);
  return { match, policies, tags, ...(max !== undefined ? { maxDurationSeconds: max } : {}) };
}

function parseMatch(value: unknown, where: string, authorities: ReadonlySet<string> | undefined): CertificateMatch {
  const m = object(value, where);
  const allowed = [...Object.keys(MATCH_FIELDS), ...(authorities ? ['authority'] : [])];
  onlyKeys(m, allowed, where);
  const fields: Array<{ field: MatchField; pattern: CertificatePattern }> = [];
  const seen = new Set<string>();
  for (const field of Object.keys(MATCH_FIELDS) as MatchField[]) {
    if (m[field] === undefined) continue;
    try {
      const pattern = compilePattern(string(m[field], field), MATCH_FIELDS[field]);
      for (const c of pattern.captures) {
        if (seen.has(c)) throw new Error(`capture {${c}} used twice in one match`);
        seen.add(c);
      }
      fields.push({ field, pattern });
    } catch (err) {
      throw new Error(`${where}.${field}: ${(err as Error).message}`);
    }
  }
  if (m.authority === undefined) return { fields };
  const authority = string(m.authority, `${where}.authority`);
  if (!authorities?.has(authority)) throw new Error(`${where}.authority: no authority named "${authority}"`);
  return { fields, authority };
}

function template(value: unknown, where: string, known: ReadonlySet<string>): string {
  const text = string(value, where);
  for (const m of text.matchAll(TEMPLATE_VAR)) {
    if (!known.has(m[1]!)) throw new Error(`${where}: unknown variable {${m[1]}}`);
  }
  if (/[{}]/.test(text.replace(TEMPLATE_VAR, ''))) throw new Error(`${where}: unbalanced braces`);
  return text;
}

function object(v: unknown, where: string): Record<string, unknown> {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) throw new Error(`${where}: must be an object`);
  return v as Record<string, unknown>;
}
function array(v: unknown, where: string): unknown[] {
  if (!Array.isArray(v)) throw new Error(`${where}: must be an array`);
  return v;
}
function string(v: unknown, where: string): string {
  if (typeof v !== 'string' || v.length === 0) throw new Error(`${where}: must be a non-empty string`);
  return v;
}
function duration(v: unknown, where: string): number | undefined {
  if (v === undefined) return undefined;
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 900) throw new Error(`${where}: must be an integer >= 900`);
  return v;
}
function onlyKeys(o: Record<string, unknown>, keys: readonly string[], where: string): void {
  for (const k of Object.keys(o)) if (!keys.includes(k)) throw new Error(`${where}: unknown field "${k}"`);
}
