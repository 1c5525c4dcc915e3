/**
 * The `Condition` element: compiled once into closures, evaluated with AWS's rules.
 *
 * - operators are AND'ed, keys within an operator are AND'ed, values of one key are OR'ed;
 * - an absent key makes a condition false, except negated operators (true), `...IfExists` (true)
 *   and `Null`, which tests presence;
 * - `ForAllValues:` is true for an absent or empty key, `ForAnyValue:` false.
 *
 * @see https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html
 * @see https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-logic-multiple-context-keys-or-values.html
 */
import { OPERATORS, canonicalBase64, compareNumbers, parseDate, parseNumber } from './condition-operators.js';
import type { OperatorSpec } from './condition-operators.js';
import { cidrContains, parseCidr, parseIp } from './ip-cidr.js';
import type { Cidr } from './ip-cidr.js';
import type { KeyLookup } from './key-lookup.js';
import { PolicyError } from './policy-error.js';
import { STAR, compileTemplate, matchTemplate, matchTokens, resolveString, resolveTokens } from './template.js';
import type { PlainToken, Template } from './template.js';

/** Whether the request value matches at least one policy value; `undefined`: the request value is unparseable. */
type ValueMatcher = (value: string, look: KeyLookup) => boolean | undefined;

/** One (operator, key) pair of a Condition block. */
export interface CompiledCondition {
  /** The operator as written, e.g. `ForAnyValue:StringLikeIfExists`. */
  readonly operator: string;
  /** The condition key, lower-cased. */
  readonly key: string;
  readonly qualifier: 'none' | 'ForAllValues' | 'ForAnyValue';
  readonly ifExists: boolean;
  readonly negated: boolean;
  /** For `Null`: the wanted presence per policy value (`true` = key must be absent). */
  readonly nullWants?: readonly boolean[];
  readonly match: ValueMatcher;
}

const KEY_NAME = /^[A-Za-z0-9-]+:\S+$/;

function scalarValues(raw: unknown, path: string): string[] {
  const list = Array.isArray(raw) ? raw : [raw];
  if (list.length === 0) throw new PolicyError(path, 'must have at least one value');
  return list.map((v, i) => {
    if (typeof v === 'string') return v;
    if (typeof v === 'number' || typeof v === 'boolean') return String(v);
    throw new PolicyError(Array.isArray(raw) ? `${path}[${i}]` : path, 'value must be a string, number or boolean');
  });
}

function stringMatcher(spec: OperatorSpec, values: string[], vars: boolean): ValueMatcher {
  if (spec.cmp === 'like') {
    const ts = values.map((v) => compileTemplate(v, true, vars));
    return (v, look) => {
      for (const t of ts) if (matchTemplate(t, v, look)) return true;
      return false;
    };
  }
  const lower = spec.cmp === 'eqi';
  const ts = values.map((v) => compileTemplate(v, false, vars, lower));
  if (!ts.some((t) => t.hasVars)) {
    const set = new Set(ts.map((t) => (t.tokens as string[]).join('')));
    return lower ? (v) => set.has(v.toLowerCase()) : (v) => set.has(v);
  }
  return (v, look) => {
    const want = lower ? v.toLowerCase() : v;
    for (const t of ts) if (resolveString(t, look, lower) === want) return true;
    return false;
  };
}

/** Splits resolved tokens into the six colon-separated ARN components (the last keeps its colons). */
function arnSegments(toks: readonly PlainToken[]): PlainToken[][] | undefined {
  const segs: PlainToken[][] = [[]];
  for (const t of toks) {
    if (typeof t !== 'string' || segs.length === 6) {
      segs[segs.length - 1]!.push(t);
      continue;
    }
    const parts = t.split(':');
    for (let i = 0; i < parts.length; i++) {
      if (i > 0) {
        if (segs.length === 6) {
          segs[5]!.push(':' + parts.slice(i).join(':'));
          break;
        }
        segs.push([]);
      }
      if (parts[i] !== '') segs[segs.length - 1]!.push(parts[i]!);
    }
  }
  return segs.length === 6 ? segs : undefined;
}

/** ArnLike: "each of the six colon-delimited components of the ARN is checked separately". */
function arnMatcher(values: string[], vars: boolean): ValueMatcher {
  const ts: Template[] = values.map((v) => compileTemplate(v, true, vars));
  const statics = ts.map((t) => (t.hasVars ? undefined : arnSegments(t.tokens as PlainToken[])));
  return (v, look) => {
    const parts = v.split(':');
    if (parts.length < 6) return false;
    const req = [...parts.slice(0, 5), parts.slice(5).join(':')];
    for (let i = 0; i < ts.length; i++) {
      let segs = statics[i];
      if (segs === undefined) {
        const toks = ts[i]!.hasVars ? resolveTokens(ts[i]!, look) : undefined;
        segs = toks === undefined ? undefined : arnSegments(toks);
        if (segs === undefined) continue;
      }
      if (segs.every((s, j) => (s.length === 1 && s[0] === STAR) || matchTokens(s, req[j]!))) return true;
    }
    return false;
  };
}

function typedMatcher(spec: OperatorSpec, values: string[], path: string): ValueMatcher {
  const parse = spec.family === 'Numeric' ? parseNumber : parseDate;
  const tag = spec.family === 'Numeric' ? 'n:' : 'd:';
  const wants = values.map((s, i) => {
    const n = parse(s);
    if (n === undefined) {
      throw new PolicyError(values.length > 1 ? `${path}[${i}]` : path, `"${s}" is not a valid ${spec.family === 'Numeric' ? 'number' : 'date'}`);
    }
    return n;
  });
  return (v, look) => {
    const n = look.parse(tag, v, parse);
    if (n === undefined) return undefined;
    for (const w of wants) if (compareNumbers(spec.cmp, n, w)) return true;
    return false;
  };
}

const parseRequestIp = (v: string): ReturnType<typeof parseIp> => parseIp(v.trim());

function ipMatcher(values: string[], path: string): ValueMatcher {
  const cidrs: Cidr[] = values.map((s, i) => {
    const c = parseCidr(s.trim());
    if (!c) throw new PolicyError(values.length > 1 ? `${path}[${i}]` : path, `"${s}" is not an IP address or CIDR block`);
    return c;
  });
  return (v, look) => {
    const ip = look.parse('ip:', v, parseRequestIp);
    if (!ip) return undefined;
    for (const c of cidrs) if (cidrContains(c, ip)) return true;
    return false;
  };
}

function matcherFor(spec: OperatorSpec, values: string[], vars: boolean, path: string): ValueMatcher {
  switch (spec.family) {
    case 'String': return stringMatcher(spec, values, vars);
    case 'Arn': return arnMatcher(values, vars);
    case 'Numeric':
    case 'Date': return typedMatcher(spec, values, path);
    case 'Ip': return ipMatcher(values, path);
    case 'Bool': {
      const set = new Set(values.map((s) => s.toLowerCase()));
      return (v) => set.has(v.toLowerCase());
    }
    case 'Binary': {
      const set = new Set(values.map((s) => canonicalBase64(s) ?? s));
      return (v) => set.has(canonicalBase64(v) ?? v);
    }
    default: return () => false; // Null is decided on presence, never reaches here
  }
}

/** Parses `ForAnyValue:StringLikeIfExists` into qualifier, spec and IfExists; `undefined` if unknown. */
function parseOperator(name: string): Pick<CompiledCondition, 'qualifier' | 'ifExists'> & { spec: OperatorSpec } | undefined {
  let rest = name;
  let qualifier: CompiledCondition['qualifier'] = 'none';
  const colon = rest.indexOf(':');
  if (colon >= 0) {
    const q = rest.slice(0, colon).toLowerCase();
    if (q === 'forallvalues') qualifier = 'ForAllValues';
    else if (q === 'foranyvalue') qualifier = 'ForAnyValue';
    else return undefined;
    rest = rest.slice(colon + 1);
  }
  let spec = OPERATORS.get(rest.toLowerCase());
  let ifExists = false;
  if (!spec && /ifexists$/i.test(rest)) {
    spec = OPERATORS.get(rest.slice(0, -8).toLowerCase());
    ifExists = true;
    if (spec?.family === 'Null') return undefined; // there is no NullIfExists
  }
  return spec ? { qualifier, ifExists, spec } : undefined;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/**
 * Compiles a `Condition` element. `vars`: policy variables are recognised (Version 2012-10-17);
 * only String and ARN operators take variables, as in AWS.
 */
export function compileConditions(raw: unknown, path: string, vars: boolean): CompiledCondition[] {
  if (!isObject(raw)) throw new PolicyError(path, 'must be an object of condition operators');
  const out: CompiledCondition[] = [];
  for (const opName of Object.keys(raw)) {
    const parsed = parseOperator(opName);
    if (!parsed) throw new PolicyError(path, `unknown operator "${opName}"`);
    const block = raw[opName];
    const opPath = `${path}.${opName}`;
    if (!isObject(block) || Object.keys(block).length === 0) {
      throw new PolicyError(opPath, 'must be a non-empty object of condition keys');
    }
    const { spec } = parsed;
    for (const key of Object.keys(block)) {
      const keyPath = `${opPath}["${key}"]`;
      if (!KEY_NAME.test(key)) throw new PolicyError(keyPath, 'condition key must be prefixed by a service, e.g. "aws:SourceIp"');
      const values = scalarValues(block[key], keyPath);
      let nullWants: boolean[] | undefined;
      if (spec.family === 'Null') {
        nullWants = values.map((s, i) => {
          const b = s.toLowerCase();
          if (b !== 'true' && b !== 'false') throw new PolicyError(values.length > 1 ? `${keyPath}[${i}]` : keyPath, 'Null takes "true" or "false"');
          return b === 'true';
        });
      }
      out.push({
        operator: opName,
        key: key.toLowerCase(),
        qualifier: parsed.qualifier,
        ifExists: parsed.ifExists,
        negated: spec.negated,
        ...(nullWants ? { nullWants } : {}),
        match: matcherFor(spec, values, vars && (spec.family === 'String' || spec.family === 'Arn'), keyPath),
      });
    }
  }
  return out;
}

/** Evaluates one compiled condition against the request's keys. */
export function evaluateCondition(c: CompiledCondition, look: KeyLookup): boolean {
  const vals = look.get(c.key);
  if (c.nullWants) {
    const absent = vals === undefined;
    return c.nullWants.includes(absent);
  }
  if (c.qualifier === 'none') {
    if (vals === undefined) return c.ifExists || c.negated;
    let any = false;
    for (const v of vals) {
      const r = c.match(v, look);
      if (r === undefined) return false; // unparseable number/date/address: the condition fails
      if (r) { any = true; break; }
    }
    return c.negated ? !any : any;
  }
  // "a null data set, such as an empty string" counts as no values for the set qualifiers.
  if (vals === undefined || (vals.length === 1 && vals[0] === '')) return c.qualifier === 'ForAllValues' || c.ifExists;
  const all = c.qualifier === 'ForAllValues';
  for (const v of vals) {
    const r = c.match(v, look);
    if (r === undefined) return false;
    const ok = c.negated ? !r : r;
    if (all && !ok) return false;
    if (!all && ok) return true;
  }
  return all;
}
