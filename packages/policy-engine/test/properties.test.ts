/** Property tests: parsePolicy throws only PolicyError; evaluate never throws and Deny always wins. */
import { expect } from 'chai';
import fc from 'fast-check';
import { PolicyError, evaluate, parsePolicy } from '../src/index.js';
import { combineToRegExp, compileTemplate, matchTokens } from '../src/template.js';
import type { PlainToken } from '../src/template.js';
import type { Policy, RequestContext } from '../src/index.js';

const word = fc.constantFrom('*', '?', 's3:GetObject', 's3:*', 's3:Get*', 'arn:aws:s3:::b/*', 'arn:aws:s3:::*', '${aws:username}', "${aws:username, 'x'}", '${*}', '${', '10.0.0.0/8', '::1', '2020-01-01T00:00:00Z', '1', 'true', 'YQ==', '', 'arn:aws:iam::000000000000:root', '000000000000');
const scalar = fc.oneof(word, fc.string(), fc.integer(), fc.boolean(), fc.constant(null));
const values = fc.oneof(scalar, fc.array(scalar, { maxLength: 3 }));
const operator = fc.constantFrom('StringEquals', 'StringNotLike', 'StringLikeIfExists', 'ForAllValues:StringEquals', 'ForAnyValue:StringNotEquals', 'NumericLessThan', 'DateGreaterThan', 'Bool', 'BinaryEquals', 'IpAddress', 'NotIpAddress', 'ArnLike', 'Null', 'Bogus');
const key = fc.constantFrom('aws:username', 'aws:SourceIp', 's3:prefix', 'aws:TagKeys', 'aws:CurrentTime', 'nokey');
const condition = fc.dictionary(operator, fc.dictionary(key, values, { maxKeys: 2 }), { maxKeys: 3 });
const statement = fc.record(
  {
    Sid: fc.oneof(fc.string(), fc.integer()),
    Effect: fc.constantFrom('Allow', 'Deny', 'allow'),
    Principal: fc.oneof(fc.constant('*'), fc.record({ AWS: values }), scalar),
    Action: values,
    NotAction: values,
    Resource: values,
    NotResource: values,
    Condition: fc.oneof(condition, scalar),
  },
  { requiredKeys: [] },
);
const policyish = fc.record(
  { Version: fc.constantFrom('2012-10-17', '2008-10-17', 'x'), Id: scalar, Statement: fc.oneof(statement, fc.array(statement, { maxLength: 4 }), scalar) },
  { requiredKeys: [] },
);

// Valid building blocks, so that many generated documents parse and reach evaluate.
const validCondition = fc.dictionary(
  fc.constantFrom('StringEquals', 'StringNotLike', 'StringLikeIfExists', 'ForAllValues:StringEquals', 'ForAnyValue:StringNotEquals', 'ArnLike', 'Bool', 'Null', 'StringEqualsIgnoreCase'),
  fc.dictionary(key, fc.oneof(word, fc.string(), fc.array(fc.oneof(word, fc.string()), { minLength: 1, maxLength: 3 })), { minKeys: 1, maxKeys: 2 }),
  { maxKeys: 3 },
).map((c) => {
  for (const op of Object.keys(c)) if (op === 'Null') c[op] = { 'aws:username': 'true' };
  return c;
});
const validStatement = fc.record(
  {
    Effect: fc.constantFrom('Allow', 'Deny'),
    Action: fc.oneof(fc.constantFrom('*', 's3:GetObject', 's3:*', 's3:Get*', 'iam:?reate*'), fc.array(fc.constantFrom('s3:PutObject', 's3:List*'), { minLength: 1 })),
    Resource: fc.oneof(fc.constantFrom('*', 'arn:aws:s3:::b/*', 'arn:aws:s3:::${aws:username}/*', "arn:aws:s3:::b/${aws:username, 'x'}"), fc.array(fc.constantFrom('arn:aws:s3:::*', 'arn:aws:s3:::b'), { minLength: 1 })),
    Condition: validCondition,
  },
  { requiredKeys: ['Effect', 'Action', 'Resource'] },
);
const validPolicy = fc.record({ Version: fc.constantFrom('2012-10-17', '2008-10-17'), Statement: fc.array(validStatement, { minLength: 1, maxLength: 5 }) });

function parseOrUndefined(json: string, kind: 'identity' | 'resource'): Policy | undefined {
  try {
    return parsePolicy(json, { kind });
  } catch (e) {
    if (!(e instanceof PolicyError)) throw e;
    return undefined;
  }
}

const ctxArb: fc.Arbitrary<RequestContext> = fc.record({
  action: fc.oneof(fc.constantFrom('s3:GetObject', 's3:PutObject', 'iam:CreateUser', ''), fc.string()),
  resource: fc.oneof(fc.constantFrom('arn:aws:s3:::b/k', 'arn:aws:s3:::b', '*'), fc.string()),
  principal: fc.constantFrom(
    { arn: 'arn:aws:iam::000000000000:user/a', accountId: '000000000000', type: 'user' },
    { arn: 'arn:aws:sts::000000000000:assumed-role/r/s', type: 'session' },
    { arn: '*', type: 'anonymous' },
    { arn: 'arn:aws:iam::000000000000:root', type: 'root' },
  ),
  keys: fc.dictionary(key, fc.oneof(fc.string(), word, fc.array(word, { maxLength: 3 }), fc.constant(undefined))),
});

describe('properties', () => {
  it('parsePolicy on arbitrary strings throws nothing but PolicyError', () => {
    fc.assert(fc.property(fc.oneof(fc.string(), fc.json()), (s) => {
      parseOrUndefined(s, 'identity');
      parseOrUndefined(s, 'resource');
    }), { numRuns: 500 });
  });

  it('parsePolicy on policy-shaped JSON throws nothing but PolicyError', () => {
    fc.assert(fc.property(policyish, (doc) => {
      const json = JSON.stringify(doc);
      parseOrUndefined(json, 'identity');
      parseOrUndefined(json, 'resource');
    }), { numRuns: 1000 });
  });

  it('evaluate never throws for valid policies, and an added Deny-everything statement always wins', () => {
    let evaluated = 0;
    fc.assert(fc.property(fc.oneof(policyish, validPolicy), fc.boolean(), ctxArb, (doc, asBucket, c) => {
      if (asBucket && Array.isArray(doc.Statement)) doc = { ...doc, Statement: doc.Statement.map((st) => (typeof st === 'object' && st !== null ? { ...st, Principal: '*' } : st)) };
      const first: unknown = Array.isArray(doc.Statement) ? doc.Statement[0] : doc.Statement;
      const kind = typeof first === 'object' && first !== null && 'Principal' in first ? 'resource' : 'identity';
      const p = parseOrUndefined(JSON.stringify(doc), kind);
      if (!p) return;
      evaluated++;
      const input = kind === 'resource' ? { identity: [], resource: { name: 'r', policy: p }, ctx: c } : { identity: [{ name: 'i', policy: p }], session: [{ name: 's', policy: p }], ctx: c };
      const d = evaluate(input);
      expect(['Allow', 'Deny']).to.include(d.effect);
      const denyAll = parsePolicy(JSON.stringify({ Statement: { Effect: 'Deny', Action: '*', Resource: '*', Principal: '*' } }), { kind: 'resource' });
      expect(evaluate({ ...input, resource: { name: 'deny', policy: denyAll } }).reason).to.equal('explicit-deny');
    }), { numRuns: 3000 });
    expect(evaluated).to.be.greaterThan(500); // the generator reaches evaluate often, not by luck
  });
});

describe('glob matching agrees with a reference implementation', () => {
  // Reference: the textbook translation of a glob to a regular expression.
  const reference = (pattern: string, text: string): boolean =>
    new RegExp('^' + pattern.replace(/[.+^${}()|[\]\\/]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.') + '$', 's').test(text);
  const pat = fc.stringMatching(/^[ab*?:]{0,8}$/);
  const txt = fc.stringMatching(/^[ab:]{0,10}$/);

  it('matchTokens (backtracking glob) == reference', () => {
    fc.assert(fc.property(pat, txt, (p, t) => {
      const toks = compileTemplate(p, true, false).tokens as PlainToken[];
      expect(matchTokens(toks, t), `${p} vs ${t}`).to.equal(reference(p, t));
    }), { numRuns: 3000 });
  });

  it('combined RegExp (patterns with at most one star) == reference', () => {
    fc.assert(fc.property(fc.array(pat, { minLength: 1, maxLength: 3 }), txt, (ps, t) => {
      const { re, rest } = combineToRegExp(ps.map((p) => compileTemplate(p, true, false).tokens as PlainToken[]));
      const got = (re?.test(t) ?? false) || rest.some((toks) => matchTokens(toks, t));
      expect(got).to.equal(ps.some((p) => reference(p, t)));
    }), { numRuns: 2000 });
  });
});
