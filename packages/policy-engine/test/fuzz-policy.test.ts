import { expect } from 'chai';
import fc from 'fast-check';
import { MAX_POLICY_CHARS, PolicyError, parsePolicy } from '../src/index.js';

/**
 * Fuzzing of the policy parser with hostile shapes the property tests do not reach: nesting far
 * deeper than any policy (in every position), documents around the 20 KiB limit, and JSON-ish
 * text. Invariant: a policy or a PolicyError, never another exception (no stack overflow).
 * `FUZZ_RUNS` (npm run fuzz) raises the number of cases.
 */
const RUNS = Number(process.env.FUZZ_RUNS) || 0;
const runs = (fallback: number) => ({ numRuns: RUNS || fallback });

function parseOrPolicyError(text: string, kind: 'identity' | 'resource'): void {
  try {
    parsePolicy(text, { kind });
  } catch (err) {
    if (!(err instanceof PolicyError)) throw new Error(`non-PolicyError: ${err instanceof Error ? err.stack : String(err)}`);
  }
}

/** A nested array/object value `depth` deep. */
function deep(depth: number, objects: boolean): string {
  return objects ? '{"a":'.repeat(depth) + '1' + '}'.repeat(depth) : '['.repeat(depth) + '"x"' + ']'.repeat(depth);
}

const slots = [
  (v: string) => `{"Version":"2012-10-17","Statement":${v}}`,
  (v: string) => `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":${v},"Resource":"*"}]}`,
  (v: string) => `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:*","Resource":${v}}]}`,
  (v: string) => `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*","Condition":${v}}]}`,
  (v: string) => `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*","Condition":{"StringEquals":{"aws:username":${v}}}}]}`,
  (v: string) => `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":${v},"Action":"s3:*","Resource":"*"}]}`,
  (v: string) => `{"Version":${v},"Statement":[]}`,
  (v: string) => v,
];

describe('fuzz: policy parser', function () {
  this.timeout(0);

  it('deep nesting (1..20,000 levels) in any element: a policy or a PolicyError', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: slots.length - 1 }), fc.integer({ min: 1, max: 20_000 }), fc.boolean(), fc.constantFrom('identity', 'resource') as fc.Arbitrary<'identity' | 'resource'>, (slot, depth, objects, kind) => {
        parseOrPolicyError(slots[slot]!(deep(depth, objects)), kind);
      }),
      runs(300),
    );
  });

  it('documents around the 20 KiB limit (no whitespace): over it always refused', () => {
    fc.assert(
      fc.property(fc.integer({ min: MAX_POLICY_CHARS - 200, max: MAX_POLICY_CHARS + 200 }), (size) => {
        const head = '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/';
        const tail = '"}]}';
        const text = head + 'k'.repeat(Math.max(0, size - head.length - tail.length)) + tail;
        let refused = false;
        try {
          parsePolicy(text, { kind: 'identity' });
        } catch (err) {
          expect(err).to.be.instanceOf(PolicyError);
          refused = true;
        }
        if (text.length > MAX_POLICY_CHARS) expect(refused, `${text.length} chars must be refused`).to.equal(true);
      }),
      runs(200),
    );
  });

  it('JSON-ish text of policy tokens: a policy or a PolicyError', () => {
    const token = fc.constantFrom('{', '}', '[', ']', ',', ':', '"', '"Version"', '"2012-10-17"', '"Statement"', '"Effect"', '"Allow"', '"Deny"', '"Action"', '"s3:*"', '"Resource"', '"*"', '"Condition"', '"StringLike"', '"Principal"', '"NotAction"', '"Sid"', 'null', 'true', '1e999', '-0', '"\\u0000"', '"${aws:username}"', '"${', ' ');
    fc.assert(
      fc.property(fc.array(token, { maxLength: 60 }), fc.constantFrom('identity', 'resource') as fc.Arbitrary<'identity' | 'resource'>, (tokens, kind) => {
        parseOrPolicyError(tokens.join(''), kind);
      }),
      runs(2000),
    );
  });
});
