/**
 * Case-insensitive access to a request's condition keys, built lazily once per evaluation so that a
 * request that never reaches a condition pays nothing. (AWS: "Context key names are not
 * case-sensitive", https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition.html)
 */
import type { RequestContext } from './request-context.js';

/** Values of one key: absent keys are `undefined`; a single value is a one-element array. */
export type KeyValues = readonly string[] | undefined;

// aws:PrincipalType values as AWS reports them for each kind of Keyless principal.
const PRINCIPAL_TYPES: Readonly<Record<string, string>> = {
  root: 'Account',
  user: 'User',
  session: 'AssumedRole',
  anonymous: 'Anonymous',
};

/** Account id of a principal: explicit, or the fifth field of its ARN. */
export function accountOf(p: RequestContext['principal']): string | undefined {
  if (p.accountId) return p.accountId;
  const parts = p.arn.split(':');
  return parts.length >= 6 && parts[0] === 'arn' && parts[4] ? parts[4] : undefined;
}

/** Lazily built, lower-cased view of `ctx.keys` plus the keys AWS always supplies. */
export class KeyLookup {
  private map: Map<string, KeyValues> | undefined;
  private parsed: Map<string, unknown> | undefined;

  constructor(private readonly ctx: RequestContext) {}

  /** Values of `lowerKey` (already lower-case), or `undefined` when the key is absent or empty. */
  get(lowerKey: string): KeyValues {
    const map = this.map ?? this.build();
    return map.get(lowerKey);
  }

  /**
   * Parses a request value once per evaluation (an address or date is typically tested by several
   * statements). `kind` separates parsers sharing a value.
   */
  parse<T>(kind: string, value: string, parser: (s: string) => T): T {
    const memo = (this.parsed ??= new Map());
    const k = kind + value;
    if (memo.has(k)) return memo.get(k) as T;
    const out = parser(value);
    memo.set(k, out);
    return out;
  }

  private build(): Map<string, KeyValues> {
    const map = new Map<string, KeyValues>();
    const keys = this.ctx.keys ?? {};
    for (const name of Object.keys(keys)) {
      const v = keys[name];
      if (v === undefined || v === null) continue;
      if (typeof v === 'string') map.set(name.toLowerCase(), [v]);
      else if (Array.isArray(v)) {
        const vals = v.filter((x): x is string => typeof x === 'string');
        if (vals.length > 0) map.set(name.toLowerCase(), vals);
      }
    }
    const p = this.ctx.principal;
    const derived = (k: string, f: () => string | undefined): void => {
      if (map.has(k)) return;
      const v = f();
      if (v !== undefined) map.set(k, [v]);
    };
    if (p && p.type !== 'anonymous') {
      derived('aws:principalarn', () => p.arn);
      derived('aws:principalaccount', () => accountOf(p));
    }
    if (p) derived('aws:principaltype', () => PRINCIPAL_TYPES[p.type]);
    if (!map.has('aws:currenttime') || !map.has('aws:epochtime')) {
      const now = Date.now();
      derived('aws:currenttime', () => new Date(now).toISOString().replace(/\.\d{3}Z$/, 'Z'));
      derived('aws:epochtime', () => String(Math.floor(now / 1000)));
    }
    this.map = map;
    return map;
  }
}
