/**
 * Parses and validates an IAM JSON policy once, rejecting what IAM rejects with a message that
 * names the element.
 *
 * @see https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_grammar.html
 * @see https://docs.aws.amazon.com/AmazonS3/latest/userguide/BucketRestrictions.html (bucket policy: 20 KB)
 */
import { compileStatement } from './compile-statement.js';
import type { CompiledStatement } from './compile-statement.js';
import { PolicyError } from './policy-error.js';

/** A parsed, validated and compiled policy. Opaque to callers apart from these fields. */
export interface Policy {
  /** `2012-10-17` or `2008-10-17` (also when the document has no Version, as IAM defaults). */
  readonly version: string;
  readonly statements: readonly CompiledStatement[];
  /** The JSON text it was parsed from. */
  readonly source?: string;
}

/** Options of {@link parsePolicy}. */
export interface ParseOptions {
  /**
   * `identity` (default; also session policies): Principal is forbidden. `resource` (bucket
   * policy): every statement needs Principal or NotPrincipal.
   */
  kind?: 'identity' | 'resource';
}

/** Size limit (characters, whitespace excluded, as IAM counts). */
export const MAX_POLICY_CHARS = 20480;
/** Deepest JSON nesting accepted; a valid policy needs 6. */
export const MAX_POLICY_DEPTH = 10;
const VERSIONS = ['2012-10-17', '2008-10-17'];
const TOP = new Set(['Version', 'Id', 'Statement']);

/** One pass over the text: counts non-whitespace characters and bounds the nesting depth. */
function prescan(json: string): void {
  let count = 0;
  let depth = 0;
  let inString = false;
  for (let i = 0; i < json.length; i++) {
    const c = json.charCodeAt(i);
    if (inString) {
      count++;
      if (c === 92 /* \ */) { i++; count++; } else if (c === 34 /* " */) inString = false;
      continue;
    }
    if (c === 32 || c === 9 || c === 10 || c === 13) continue;
    count++;
    if (c === 34) inString = true;
    else if (c === 123 || c === 91) {
      if (++depth > MAX_POLICY_DEPTH) throw new PolicyError('Policy', `nested deeper than ${MAX_POLICY_DEPTH} levels`);
    } else if (c === 125 || c === 93) depth--;
  }
  if (count > MAX_POLICY_CHARS) {
    throw new PolicyError('Policy', `${count} characters (whitespace excluded) exceeds the limit of ${MAX_POLICY_CHARS}`);
  }
}

/** Parses `json` into a {@link Policy}; throws {@link PolicyError} (and nothing else) when invalid. */
export function parsePolicy(json: string, opts: ParseOptions = {}): Policy {
  if (typeof json !== 'string') throw new PolicyError('Policy', 'must be a JSON string');
  const kind = opts.kind ?? 'identity';
  prescan(json);
  let doc: unknown;
  try {
    doc = JSON.parse(json);
  } catch {
    throw new PolicyError('Policy', 'is not valid JSON'); // never echo the parser's text
  }
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) throw new PolicyError('Policy', 'must be a JSON object');
  const top = doc as Record<string, unknown>;
  for (const k of Object.keys(top)) if (!TOP.has(k)) throw new PolicyError(k, 'unknown element');
  const version = top['Version'] ?? '2008-10-17';
  if (typeof version !== 'string' || !VERSIONS.includes(version)) {
    throw new PolicyError('Version', `must be "2012-10-17" or "2008-10-17", not ${JSON.stringify(version)}`);
  }
  if (top['Id'] !== undefined && typeof top['Id'] !== 'string') throw new PolicyError('Id', 'must be a string');
  const raw = top['Statement'];
  if (raw === undefined) throw new PolicyError('Statement', 'is required');
  const list = Array.isArray(raw) ? raw : [raw];
  if (list.length === 0) throw new PolicyError('Statement', 'must contain at least one statement');
  const vars = version === '2012-10-17'; // policy variables exist only in 2012-10-17
  const sids = new Set<string>();
  const statements = list.map((s, i) => {
    const path = Array.isArray(raw) ? `Statement[${i}]` : 'Statement';
    const st = compileStatement(s, i, path, kind, vars);
    if (st.sid !== undefined && st.sid !== '') {
      if (sids.has(st.sid)) throw new PolicyError(`${path}.Sid`, `duplicate Sid "${st.sid}"`);
      sids.add(st.sid);
    }
    return st;
  });
  return { version, statements, source: json };
}
