/**
 * Policy strings compiled once into tokens: literal text, the `*` / `?` wildcards and policy
 * variables (`${aws:username}`, `${aws:username, 'default'}`, and the escapes `${*}`, `${?}`, `${$}`).
 *
 * Substituted values and escapes are always literal text, so `${*}` in a `StringLike` value matches
 * only a real asterisk and a user name cannot inject wildcards.
 *
 * @see https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_variables.html
 */
import type { KeyLookup } from './key-lookup.js';

/** Matches any run of characters. */
export const STAR = 0;
/** Matches exactly one character. */
export const QMARK = 1;
/** A reference to a request context key, with an optional default value. */
export interface VarToken { readonly key: string; readonly dflt?: string }
/** One compiled element of a pattern. */
export type Token = string | typeof STAR | typeof QMARK | VarToken;
/** A token after variables have been substituted. */
export type PlainToken = string | typeof STAR | typeof QMARK;

/** A compiled policy string. */
export interface Template {
  readonly tokens: readonly Token[];
  /** True when at least one token is a variable (resolution needed at evaluation time). */
  readonly hasVars: boolean;
  /** True when at least one token is a wildcard. */
  readonly hasWild: boolean;
}

// `${key}` or `${key, 'default'}`; spaces around both parts are ignored (AWS: "Specifying default values").
const VAR_BODY = /^\s*([A-Za-z0-9_.:/+=@-]+)\s*(?:,\s*'([^']*)'\s*)?$/;

/**
 * Compiles `text`. `wild`: `*` and `?` are wildcards (Like operators, Resource, Action). `vars`:
 * `${...}` is a variable (policy version 2012-10-17 only; in 2008-10-17 it is literal text).
 * `lower`: literals are lower-cased (case-insensitive comparisons).
 */
export function compileTemplate(text: string, wild: boolean, vars: boolean, lower = false): Template {
  const tokens: Token[] = [];
  let lit = '';
  let hasVars = false;
  let hasWild = false;
  const flush = (): void => {
    if (lit !== '') tokens.push(lower ? lit.toLowerCase() : lit);
    lit = '';
  };
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (vars && c === '$' && text[i + 1] === '{') {
      const end = text.indexOf('}', i + 2);
      if (end > 0) {
        const body = text.slice(i + 2, end);
        if (body === '*' || body === '?' || body === '$') {
          lit += body;
          i = end;
          continue;
        }
        const m = VAR_BODY.exec(body);
        if (m) {
          flush();
          tokens.push(m[2] === undefined ? { key: m[1]!.toLowerCase() } : { key: m[1]!.toLowerCase(), dflt: m[2] });
          hasVars = true;
          i = end;
          continue;
        }
      }
    }
    if (wild && (c === '*' || c === '?')) {
      flush();
      // Collapse `**` into one star: same language, less backtracking.
      if (c === '*' && tokens[tokens.length - 1] === STAR) continue;
      tokens.push(c === '*' ? STAR : QMARK);
      hasWild = true;
      continue;
    }
    lit += c;
  }
  flush();
  return { tokens, hasVars, hasWild };
}

/** Resolves one variable to its single value; multi-valued or absent keys have no value. */
function varValue(t: VarToken, look: KeyLookup): string | undefined {
  const v = look.get(t.key);
  if (v !== undefined && v.length === 1) return v[0];
  return t.dflt;
}

/**
 * Substitutes variables. Returns `undefined` when a variable has no value and no default: AWS then
 * treats the string as matching nothing ("Policy variables with no value").
 */
export function resolveTokens(t: Template, look: KeyLookup, lower = false): readonly PlainToken[] | undefined {
  if (!t.hasVars) return t.tokens as readonly PlainToken[];
  const out: PlainToken[] = [];
  for (const tok of t.tokens) {
    if (typeof tok === 'object') {
      const v = varValue(tok, look);
      if (v === undefined) return undefined;
      if (v !== '') out.push(lower ? v.toLowerCase() : v);
    } else out.push(tok);
  }
  return out;
}

/** Resolves a template without wildcards to one string (`undefined` when a variable has no value). */
export function resolveString(t: Template, look: KeyLookup, lower = false): string | undefined {
  const toks = resolveTokens(t, look, lower);
  if (toks === undefined) return undefined;
  let s = '';
  for (const tok of toks) s += tok === STAR ? '*' : tok === QMARK ? '?' : tok;
  return s;
}

/**
 * Compiles variable-free patterns with at most one `*` into one anchored RegExp (alternation), or
 * returns `undefined` if there are none. More stars are left to {@link matchTokens}: a regex with
 * several `.*` can backtrack polynomially, and a bucket policy is user input.
 */
export function combineToRegExp(patterns: readonly (readonly PlainToken[])[]): { re: RegExp | undefined; rest: (readonly PlainToken[])[] } {
  const alts: string[] = [];
  const rest: (readonly PlainToken[])[] = [];
  for (const toks of patterns) {
    if (toks.filter((t) => t === STAR).length > 1) {
      rest.push(toks);
      continue;
    }
    alts.push(toks.map((t) => (t === STAR ? '.*' : t === QMARK ? '.' : t.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&'))).join(''));
  }
  return { re: alts.length ? new RegExp(`^(?:${alts.join('|')})$`, 's') : undefined, rest };
}

/**
 * Glob match over tokens, the classic single-backtrack-point algorithm: a literal token is matched as
 * a run of characters, so this is equivalent to matching character by character. Linear in practice,
 * O(n*m) worst case on a 20 KiB-bounded policy.
 */
export function matchTokens(toks: readonly PlainToken[], text: string): boolean {
  return globMatch(toks, text, undefined);
}

/**
 * Matches a template against `text`, substituting variables as they are reached (no allocation).
 * A variable without value makes the pattern match nothing: a successful match visits every token.
 */
export function matchTemplate(t: Template, text: string, look: KeyLookup): boolean {
  return globMatch(t.tokens, text, t.hasVars ? look : undefined);
}

function globMatch(toks: readonly Token[], text: string, look: KeyLookup | undefined): boolean {
  let ti = 0;
  let pos = 0;
  let starTi = -1;
  let starPos = 0;
  const n = toks.length;
  for (;;) {
    if (ti < n) {
      let t = toks[ti]!;
      if (t === STAR) {
        if (ti === n - 1) return true; // trailing star matches the rest
        starTi = ti++;
        starPos = pos;
        continue;
      }
      if (t === QMARK) {
        if (pos < text.length) {
          ti++;
          pos++;
          continue;
        }
      } else {
        if (typeof t === 'object') {
          const v = look ? varValue(t, look) : undefined;
          if (v === undefined) return false;
          t = v;
        }
        if (text.startsWith(t, pos)) {
          ti++;
          pos += t.length;
          continue;
        }
      }
    } else if (pos === text.length) return true;
    if (starTi < 0 || starPos >= text.length) return false;
    pos = ++starPos;
    ti = starTi + 1;
  }
}
