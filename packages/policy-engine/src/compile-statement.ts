/**
 * One `Statement`: validated and compiled into matchers, so evaluation does no parsing.
 *
 * @see https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements.html
 */
import { compileConditions, evaluateCondition } from './compile-condition.js';
import type { CompiledCondition } from './compile-condition.js';
import { compilePrincipal, matchPrincipal } from './compile-principal.js';
import type { CompiledPrincipal, PrincipalMatch } from './compile-principal.js';
import type { KeyLookup } from './key-lookup.js';
import { PolicyError } from './policy-error.js';
import type { RequestContext } from './request-context.js';
import { combineToRegExp, compileTemplate, matchTemplate, matchTokens } from './template.js';
import type { PlainToken, Template } from './template.js';

/** Compiled `Action` / `NotAction`: lower-cased exact names in a set, wildcard patterns in one RegExp. */
export interface ActionMatcher {
  readonly any: boolean;
  readonly exact: ReadonlySet<string>;
  readonly re: RegExp | undefined;
  readonly patterns: readonly (readonly PlainToken[])[];
}

/** Compiled `Resource` / `NotResource`: simple static patterns in one RegExp, the rest as templates. */
export interface ResourceMatcher {
  readonly any: boolean;
  readonly re: RegExp | undefined;
  readonly patterns: readonly Template[];
}

/** A statement after parsing: what evaluation reads. */
export interface CompiledStatement {
  /** Position in the policy's Statement list (0-based). */
  readonly index: number;
  readonly sid?: string;
  readonly effect: 'Allow' | 'Deny';
  /** Principal or NotPrincipal (see `notPrincipal`); absent in identity policies. */
  readonly principal?: CompiledPrincipal;
  readonly notPrincipal: boolean;
  readonly actions: ActionMatcher;
  readonly notAction: boolean;
  readonly resources: ResourceMatcher;
  readonly notResource: boolean;
  readonly conditions: readonly CompiledCondition[];
}

const ELEMENTS = new Set(['Sid', 'Effect', 'Principal', 'NotPrincipal', 'Action', 'NotAction', 'Resource', 'NotResource', 'Condition']);
// "Actions/Conditions must be prefaced by a vendor, e.g., iam, sdb, ec2, etc." (IAM's own error)
const ACTION = /^[A-Za-z0-9-]+:[A-Za-z0-9*?_.-]+$/;

function strings(raw: unknown, path: string): string[] {
  const list = Array.isArray(raw) ? raw : [raw];
  if (list.length === 0) throw new PolicyError(path, 'must not be empty');
  return list.map((v, i) => {
    if (typeof v !== 'string') throw new PolicyError(Array.isArray(raw) ? `${path}[${i}]` : path, 'must be a string');
    return v;
  });
}

function compileActions(raw: unknown, path: string): ActionMatcher {
  const exact = new Set<string>();
  const patterns: PlainToken[][] = [];
  let any = false;
  strings(raw, path).forEach((a, i) => {
    if (a === '*') any = true;
    else if (!ACTION.test(a)) throw new PolicyError(Array.isArray(raw) ? `${path}[${i}]` : path, `"${a}" must be "*" or "service:action"`);
    else {
      const t = compileTemplate(a, true, false, true); // action names are case-insensitive
      if (t.hasWild) patterns.push(t.tokens as PlainToken[]);
      else exact.add(a.toLowerCase());
    }
  });
  return { any, exact, ...splitPatterns(patterns) };
}

function splitPatterns(patterns: PlainToken[][]): { re: RegExp | undefined; patterns: (readonly PlainToken[])[] } {
  const { re, rest } = combineToRegExp(patterns);
  return { re, patterns: rest };
}

function compileResources(raw: unknown, path: string, vars: boolean): ResourceMatcher {
  let any = false;
  const all: Template[] = [];
  strings(raw, path).forEach((r, i) => {
    if (r === '*') any = true;
    else if (!r.startsWith('arn:') || r.split(':').length < 6) {
      throw new PolicyError(Array.isArray(raw) ? `${path}[${i}]` : path, `"${r}" must be in ARN format or "*"`);
    } else all.push(compileTemplate(r, true, vars));
  });
  const { re, rest } = combineToRegExp(all.filter((t) => !t.hasVars).map((t) => t.tokens as PlainToken[]));
  const patterns = [...all.filter((t) => t.hasVars), ...rest.map((tokens) => ({ tokens, hasVars: false, hasWild: true }))];
  return { any, re, patterns };
}

/** Compiles `raw` (the statement at `index`, named `path` in errors). */
export function compileStatement(raw: unknown, index: number, path: string, kind: 'identity' | 'resource', vars: boolean): CompiledStatement {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw new PolicyError(path, 'must be an object');
  const st = raw as Record<string, unknown>;
  for (const k of Object.keys(st)) if (!ELEMENTS.has(k)) throw new PolicyError(`${path}.${k}`, 'unknown element');
  const sid = st['Sid'];
  if (sid !== undefined && typeof sid !== 'string') throw new PolicyError(`${path}.Sid`, 'must be a string');
  const effect = st['Effect'];
  if (effect !== 'Allow' && effect !== 'Deny') throw new PolicyError(`${path}.Effect`, `must be "Allow" or "Deny", not ${JSON.stringify(effect) ?? 'missing'}`);
  const pair = (a: string, b: string, required: boolean): string | undefined => {
    if (a in st && b in st) throw new PolicyError(path, `${a} and ${b} are mutually exclusive`);
    const which = a in st ? a : b in st ? b : undefined;
    if (required && !which) throw new PolicyError(path, `${a} or ${b} is required`);
    return which;
  };
  const p = pair('Principal', 'NotPrincipal', kind === 'resource');
  if (p && kind === 'identity') throw new PolicyError(`${path}.${p}`, 'not allowed in an identity-based policy');
  const a = pair('Action', 'NotAction', true)!;
  const r = pair('Resource', 'NotResource', true)!;
  return {
    index,
    ...(typeof sid === 'string' ? { sid } : {}),
    effect,
    ...(p ? { principal: compilePrincipal(st[p], `${path}.${p}`) } : {}),
    notPrincipal: p === 'NotPrincipal',
    actions: compileActions(st[a], `${path}.${a}`),
    notAction: a === 'NotAction',
    resources: compileResources(st[r], `${path}.${r}`, vars),
    notResource: r === 'NotResource',
    conditions: st['Condition'] === undefined ? [] : compileConditions(st['Condition'], `${path}.Condition`, vars),
  };
}

/** Per-evaluation facts shared by every statement. */
export interface MatchInput {
  readonly ctx: RequestContext;
  /** `ctx.action` lower-cased once. */
  readonly action: string;
  /** For a `*` request resource: the "every resource of this service" ARN that patterns must cover. */
  readonly universal: string | undefined;
  readonly look: KeyLookup;
}

function actionMatches(m: ActionMatcher, action: string): boolean {
  if (m.any || m.exact.has(action) || m.re?.test(action)) return true;
  for (const p of m.patterns) if (matchTokens(p, action)) return true;
  return false;
}

function resourceMatches(m: ResourceMatcher, input: MatchInput): boolean {
  if (m.any) return true;
  const text = input.universal ?? input.ctx.resource;
  if (m.re?.test(text)) return true;
  for (const t of m.patterns) if (matchTemplate(t, text, input.look)) return true;
  return false;
}

/**
 * Whether the statement applies to the request: how the principal matched (`'none'` when it does
 * not apply; identity statements report `'general'`).
 */
export function matchStatement(st: CompiledStatement, input: MatchInput): PrincipalMatch {
  if (actionMatches(st.actions, input.action) === st.notAction) return 'none';
  let who: PrincipalMatch = 'general';
  if (st.principal) {
    const m = matchPrincipal(st.principal, input.ctx.principal);
    // NotPrincipal applies to everyone not listed; it never names anyone, so it is never 'exact'.
    who = st.notPrincipal ? (m === 'none' ? 'general' : 'none') : m;
    if (who === 'none') return 'none';
  }
  if (resourceMatches(st.resources, input) === st.notResource) return 'none';
  for (const c of st.conditions) if (!evaluateCondition(c, input.look)) return 'none';
  return who;
}
