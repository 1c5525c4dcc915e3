/**
 * The table of IAM condition operators: every name IAM accepts (without the `IfExists` suffix and the
 * `ForAllValues:` / `ForAnyValue:` qualifiers, which compile-condition strips), its family, its
 * comparison and whether it is a negated operator (true when the key is absent).
 *
 * @see https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html
 */

/** Operator families; each compiles its policy values differently. */
export type OperatorFamily = 'String' | 'Numeric' | 'Date' | 'Bool' | 'Binary' | 'Ip' | 'Arn' | 'Null';
/** How a request value is compared with a policy value. */
export type Comparison = 'eq' | 'eqi' | 'like' | 'lt' | 'lte' | 'gt' | 'gte';

/** One operator of the table. */
export interface OperatorSpec {
  readonly name: string;
  readonly family: OperatorFamily;
  readonly cmp: Comparison;
  /** `StringNotEquals`, `NotIpAddress`...: the result of the positive test, inverted. */
  readonly negated: boolean;
}

const SIX = [
  ['Equals', 'eq', false],
  ['NotEquals', 'eq', true],
  ['LessThan', 'lt', false],
  ['LessThanEquals', 'lte', false],
  ['GreaterThan', 'gt', false],
  ['GreaterThanEquals', 'gte', false],
] as const;

function table(): Map<string, OperatorSpec> {
  const specs: OperatorSpec[] = [
    { name: 'StringEquals', family: 'String', cmp: 'eq', negated: false },
    { name: 'StringNotEquals', family: 'String', cmp: 'eq', negated: true },
    { name: 'StringEqualsIgnoreCase', family: 'String', cmp: 'eqi', negated: false },
    { name: 'StringNotEqualsIgnoreCase', family: 'String', cmp: 'eqi', negated: true },
    { name: 'StringLike', family: 'String', cmp: 'like', negated: false },
    { name: 'StringNotLike', family: 'String', cmp: 'like', negated: true },
    { name: 'Bool', family: 'Bool', cmp: 'eq', negated: false },
    { name: 'BinaryEquals', family: 'Binary', cmp: 'eq', negated: false },
    { name: 'IpAddress', family: 'Ip', cmp: 'eq', negated: false },
    { name: 'NotIpAddress', family: 'Ip', cmp: 'eq', negated: true },
    // AWS: ArnEquals and ArnLike behave identically (wildcards allowed in both).
    { name: 'ArnEquals', family: 'Arn', cmp: 'like', negated: false },
    { name: 'ArnLike', family: 'Arn', cmp: 'like', negated: false },
    { name: 'ArnNotEquals', family: 'Arn', cmp: 'like', negated: true },
    { name: 'ArnNotLike', family: 'Arn', cmp: 'like', negated: true },
    { name: 'Null', family: 'Null', cmp: 'eq', negated: false },
  ];
  for (const family of ['Numeric', 'Date'] as const) {
    for (const [suffix, cmp, negated] of SIX) specs.push({ name: family + suffix, family, cmp, negated });
  }
  return new Map(specs.map((s) => [s.name.toLowerCase(), s]));
}

/** Operator table keyed by lower-cased name (IAM matches operator names case-insensitively). */
export const OPERATORS: ReadonlyMap<string, OperatorSpec> = table();

const NUMBER = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;

/** Parses a `Numeric*` value; `undefined` when it is not a number. */
export function parseNumber(s: string): number | undefined {
  if (!NUMBER.test(s)) return undefined;
  const n = Number(s);
  return Number.isFinite(n) ? n : undefined;
}

const ISO_DATE = /^\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?$/i;

/**
 * Parses a `Date*` value: ISO 8601 (W3C profile) or epoch seconds, as AWS accepts both. Returns
 * milliseconds since the epoch, or `undefined`.
 */
export function parseDate(s: string): number | undefined {
  if (/^-?\d+$/.test(s)) return Number(s) * 1000;
  if (!ISO_DATE.test(s)) return undefined;
  let t = s.replace(' ', 'T');
  // Without an offset ECMAScript would read local time; IAM dates without one are UTC.
  if (t.length > 10 && !/(?:Z|[+-]\d{2}:?\d{2})$/i.test(t)) t += 'Z';
  t = t.replace(/([+-]\d{2})(\d{2})$/, '$1:$2');
  const ms = Date.parse(t);
  return Number.isNaN(ms) ? undefined : ms;
}

/** Canonical base64 (decode then encode), so padding and line breaks do not change equality. */
export function canonicalBase64(s: string): string | undefined {
  const t = s.replace(/\s+/g, '');
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(t)) return undefined;
  return Buffer.from(t, 'base64').toString('base64');
}

/** Compares two numbers with `cmp` (`eq` for the Equals / NotEquals pair). */
export function compareNumbers(cmp: Comparison, a: number, b: number): boolean {
  switch (cmp) {
    case 'lt': return a < b;
    case 'lte': return a <= b;
    case 'gt': return a > b;
    case 'gte': return a >= b;
    default: return a === b;
  }
}
