import { S3Error } from '@keyless/core';

/** One condition of a POST policy, normalized. `source` is the condition as written, for error messages. */
export type PostPolicyCondition =
  | { readonly type: 'eq' | 'starts-with'; readonly field: string; readonly value: string; readonly source: string }
  | { readonly type: 'content-length-range'; readonly min: number; readonly max: number; readonly source: string };

/** A decoded POST policy document. */
export interface PostPolicy {
  readonly expiration: Date;
  readonly conditions: readonly PostPolicyCondition[];
}

/** What the policy allows for the file size, from its `content-length-range` conditions. */
export interface SizeRange {
  min: number;
  max: number;
}

/**
 * Form fields that need no condition: the signature and the policy itself, the file, and fields
 * named `x-ignore-*` (AWS's rule for Signature Version 4 POST); for Signature Version 2 forms also
 * `AWSAccessKeyId` and `signature`, which carry the credentials.
 * @see https://docs.aws.amazon.com/AmazonS3/latest/API/sigv4-HTTPPOSTConstructPolicy.html
 * @see https://docs.aws.amazon.com/AmazonS3/latest/userguide/HTTPPOSTForms.html
 */
function isExemptField(name: string): boolean {
  return (
    name === 'policy' || name === 'x-amz-signature' || name === 'file' || name === 'awsaccesskeyid' || name === 'signature' || name.startsWith('x-ignore-')
  );
}

function invalidPolicy(detail: string): S3Error {
  return new S3Error('InvalidPolicyDocument', `Invalid Policy: ${detail}`);
}

/** AWS quotes failed conditions as `["eq", "$key", "value"]`. */
function describe(parts: readonly unknown[]): string {
  return `[${parts.map((p) => JSON.stringify(p)).join(', ')}]`;
}

function fieldOf(ref: unknown, source: string): string {
  if (typeof ref !== 'string' || !ref.startsWith('$') || ref.length < 2) throw invalidPolicy(`Invalid Condition: ${source}`);
  return ref.slice(1).toLowerCase();
}

function sizeOf(v: unknown, source: string): number {
  const n = typeof v === 'string' && /^\d+$/.test(v) ? Number(v) : v;
  if (typeof n !== 'number' || !Number.isSafeInteger(n) || n < 0) throw invalidPolicy(`Invalid content-length-range: ${source}`);
  return n;
}

function parseCondition(c: unknown): PostPolicyCondition[] {
  if (Array.isArray(c)) {
    const source = describe(c);
    const op = typeof c[0] === 'string' ? c[0].toLowerCase() : undefined;
    if (op === 'content-length-range' && c.length === 3) {
      const min = sizeOf(c[1], source);
      const max = sizeOf(c[2], source);
      return [{ type: 'content-length-range', min, max, source }];
    }
    if ((op === 'eq' || op === 'starts-with') && c.length === 3 && typeof c[2] === 'string') {
      return [{ type: op, field: fieldOf(c[1], source), value: c[2], source }];
    }
    throw invalidPolicy(`Invalid Condition: ${source}`);
  }
  if (typeof c === 'object' && c !== null) {
    const entries = Object.entries(c);
    if (entries.length === 0) throw invalidPolicy('Invalid Simple-Condition: empty condition.');
    return entries.map(([name, value]) => {
      if (typeof value !== 'string') throw invalidPolicy(`Invalid Simple-Condition: value of ${JSON.stringify(name)} must be a string.`);
      return { type: 'eq' as const, field: name.toLowerCase(), value, source: describe(['eq', `$${name}`, value]) };
    });
  }
  throw invalidPolicy('Invalid Condition: each condition must be an object or an array.');
}

/**
 * Decodes a base64 POST policy: `{"expiration": ISO 8601, "conditions": [...]}` with exact matches
 * (`{"acl": "public-read"}`), `["eq", "$field", v]`, `["starts-with", "$field", prefix]` and
 * `["content-length-range", min, max]`. Anything else: InvalidPolicyDocument.
 *
 * @see https://docs.aws.amazon.com/AmazonS3/latest/API/sigv4-HTTPPOSTConstructPolicy.html
 */
export function parsePostPolicy(base64: string): PostPolicy {
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(base64.replace(/\s+/g, ''))) throw invalidPolicy('Policy is not valid base64.');
  let doc: unknown;
  try {
    doc = JSON.parse(Buffer.from(base64, 'base64').toString('utf8'));
  } catch {
    throw invalidPolicy('Invalid JSON.');
  }
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) throw invalidPolicy('Invalid JSON.');
  const { expiration, conditions } = doc as { expiration?: unknown; conditions?: unknown };
  if (expiration === undefined) throw invalidPolicy('Policy missing expiration.');
  const expires = typeof expiration === 'string' && /^\d{4}-\d{2}-\d{2}T/.test(expiration) ? new Date(expiration) : undefined;
  if (!expires || Number.isNaN(expires.getTime())) throw invalidPolicy(`Invalid 'expiration' value: ${JSON.stringify(expiration)}`);
  if (conditions === undefined) throw invalidPolicy('Policy missing conditions.');
  if (!Array.isArray(conditions)) throw invalidPolicy('Invalid Conditions: conditions must be an array.');
  return { expiration: expires, conditions: conditions.flatMap(parseCondition) };
}

/**
 * Checks a form against its policy, as S3 does after the signature verified: not expired, every
 * condition met by the field's value (a missing field counts as empty; `$bucket` is the addressed
 * bucket), and every non-exempt field covered by some condition. Failures are AccessDenied "Invalid
 * according to Policy: ...". Returns the allowed file size range (the file is checked as it streams).
 *
 * Field names compare case-insensitively (`fields` keys are lower-case), values exactly. A
 * `starts-with` on Content-Type applies to each comma-separated value, as S3 documents.
 */
export function checkPostPolicy(policy: PostPolicy, form: { bucket: string; fields: ReadonlyMap<string, string> }, now: Date): SizeRange | undefined {
  if (now.getTime() >= policy.expiration.getTime()) throw new S3Error('AccessDenied', 'Invalid according to Policy: Policy expired.');
  const covered = new Set<string>();
  let range: SizeRange | undefined;
  for (const c of policy.conditions) {
    if (c.type === 'content-length-range') {
      // Several ranges all apply: the allowed sizes are their intersection.
      range = range ? { min: Math.max(range.min, c.min), max: Math.min(range.max, c.max) } : { min: c.min, max: c.max };
      continue;
    }
    covered.add(c.field);
    const actual = c.field === 'bucket' ? form.bucket : form.fields.get(c.field) ?? '';
    const ok = c.type === 'eq'
      ? actual === c.value
      : c.field === 'content-type'
        ? actual.split(',').every((v) => v.trim().startsWith(c.value))
        : actual.startsWith(c.value);
    if (!ok) throw new S3Error('AccessDenied', `Invalid according to Policy: Policy Condition failed: ${c.source}`);
  }
  // The bucket is not a form field but the policy must still name it, so that a policy signed for one
  // bucket cannot be replayed against another (S3 and ceph's s3-tests refuse a policy without it).
  if (!covered.has('bucket')) throw new S3Error('AccessDenied', `Invalid according to Policy: Policy Condition failed: ["eq", "$bucket", "${form.bucket}"]`);
  const extra = [...form.fields.keys()].filter((name) => !isExemptField(name) && !covered.has(name));
  if (extra.length > 0) throw new S3Error('AccessDenied', `Invalid according to Policy: Extra input fields: ${extra.join(', ')}`);
  return range;
}
