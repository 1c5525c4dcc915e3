/**
 * A pattern over one certificate attribute, from the mapping file: `*` matches any run of
 * characters (also empty, also `/`), `{name}` captures a non-empty run without `/` under `name`;
 * everything else is literal. The whole value must match.
 */
export interface CertificatePattern {
  readonly source: string;
  readonly regex: RegExp;
  readonly captures: readonly string[];
}

const CAPTURE_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** Compiles a pattern; `ignoreCase` for DNS names and email addresses. Throws Error when invalid. */
export function compilePattern(source: string, ignoreCase: boolean): CertificatePattern {
  let re = '';
  const captures: string[] = [];
  for (let i = 0; i < source.length; i++) {
    const ch = source[i]!;
    if (ch === '*') re += '.*';
    else if (ch === '{') {
      const end = source.indexOf('}', i);
      const name = end === -1 ? '' : source.slice(i + 1, end);
      if (!CAPTURE_NAME.test(name)) throw new Error(`pattern "${source}": "{" must open a {name} capture`);
      if (captures.includes(name)) throw new Error(`pattern "${source}": capture {${name}} used twice`);
      captures.push(name);
      re += `(?<${name}>[^/]+?)`;
      i = end;
    } else if (ch === '}') throw new Error(`pattern "${source}": unmatched "}"`);
    else re += ch.replace(/[.+?^$()[\]\\|]/g, '\\$&');
  }
  return { source, regex: new RegExp(`^${re}$`, ignoreCase ? 'i' : ''), captures };
}

/** Matches the first value that fits; @returns its captures, or undefined when none fits. */
export function matchAny(pattern: CertificatePattern, values: readonly string[]): Record<string, string> | undefined {
  for (const value of values) {
    const m = pattern.regex.exec(value);
    if (m !== null) return { ...(m.groups ?? {}) };
  }
  return undefined;
}
