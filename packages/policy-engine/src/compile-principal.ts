/**
 * `Principal` / `NotPrincipal`: who a resource (bucket) policy statement is about. `"*"` and
 * `{"AWS": "*"}` mean everyone, including anonymous callers; an account id or
 * `arn:aws:iam::ACCOUNT:root` means every principal of that account; any other ARN matches exactly
 * (AWS allows no partial wildcards in principals). A role ARN also matches the role's sessions.
 *
 * @see https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_principal.html
 */
import { accountOf } from './key-lookup.js';
import { PolicyError } from './policy-error.js';
import type { RequestContext } from './request-context.js';

/** A compiled Principal element. */
export interface CompiledPrincipal {
  readonly any: boolean;
  readonly accounts: ReadonlySet<string>;
  readonly arns: ReadonlySet<string>;
}

/** How a principal matched: not at all, generally (everyone / account / parent role), or by its exact session ARN. */
export type PrincipalMatch = 'none' | 'general' | 'exact-session';

const KNOWN_TYPES = ['AWS', 'Service', 'Federated', 'CanonicalUser'];
const ACCOUNT_ID = /^\d{12}$/;
const ACCOUNT_ROOT = /^arn:[^:]+:iam::(\d{12}):root$/;

function stringsOf(raw: unknown, path: string): string[] {
  const list = Array.isArray(raw) ? raw : [raw];
  if (list.length === 0) throw new PolicyError(path, 'must not be empty');
  return list.map((v, i) => {
    if (typeof v !== 'string' || v === '') throw new PolicyError(Array.isArray(raw) ? `${path}[${i}]` : path, 'must be a non-empty string');
    return v;
  });
}

/** Compiles a Principal / NotPrincipal value; `path` names it in errors. */
export function compilePrincipal(raw: unknown, path: string): CompiledPrincipal {
  if (raw === '*') return { any: true, accounts: new Set(), arns: new Set() };
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    throw new PolicyError(path, 'must be "*" or an object such as {"AWS": "arn:aws:iam::000000000000:root"}');
  }
  const obj = raw as Record<string, unknown>;
  const keys = Object.keys(obj);
  if (keys.length === 0) throw new PolicyError(path, 'must name at least one principal');
  let any = false;
  const accounts = new Set<string>();
  const arns = new Set<string>();
  for (const type of keys) {
    if (!KNOWN_TYPES.includes(type)) throw new PolicyError(`${path}.${type}`, `unknown principal type (expected ${KNOWN_TYPES.join(', ')})`);
    for (const v of stringsOf(obj[type], `${path}.${type}`)) {
      if (type !== 'AWS') continue; // other principal types never authenticate to Keyless
      if (v === '*') any = true;
      else if (ACCOUNT_ID.test(v)) accounts.add(v);
      else if (ACCOUNT_ROOT.test(v)) accounts.add(ACCOUNT_ROOT.exec(v)![1]!);
      else if (v.startsWith('arn:')) arns.add(v);
      else throw new PolicyError(`${path}.AWS`, `"${v}" is not an ARN, an account id or "*"`);
    }
  }
  return { any, accounts, arns };
}

// arn:aws:sts::ACCOUNT:assumed-role/ROLE/SESSION -> arn:aws:iam::ACCOUNT:role/ROLE
const ASSUMED_ROLE = /^arn:([^:]+):sts::(\d+):assumed-role\/([^/]+)\/.+$/;

/** Matches the request's principal against a compiled Principal element. */
export function matchPrincipal(p: CompiledPrincipal, who: RequestContext['principal']): PrincipalMatch {
  if (p.any) return 'general';
  if (who.type === 'anonymous') return 'none';
  if (p.arns.has(who.arn)) return who.type === 'session' ? 'exact-session' : 'general';
  const account = accountOf(who);
  if (account !== undefined && p.accounts.has(account)) return 'general';
  const m = ASSUMED_ROLE.exec(who.arn);
  if (m && p.arns.has(`arn:${m[1]}:iam::${m[2]}:role/${m[3]}`)) return 'general';
  return 'none';
}
