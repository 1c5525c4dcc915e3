/** Property tests: parsePolicy throws only PolicyError; evaluate never throws and Deny always wins. */
import { expect } from 'chai';
import fc from 'fast-check';
import { PolicyError, evaluate, parsePolicy } from '../src/index.js';
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
    fc.assert(fc.property(policyish, ctxArb, (doc, c) => {
      const kind = 'Principal' in (Array.isArray(doc.Statement) ? (doc.Statement[0] ?? {}) : (doc.Statement ?? {})) ? 'resource' : 'identity';
      const p = parseOrUndefined(JSON.stringify(doc), kind);
      if (!p) return;
      evaluated++;
      const input = kind === 'resource' ? { identity: [], resource: { name: 'r', policy: p }, ctx: c } : { identity: [{ name: 'i', policy: p }], session: [{ name: 's', policy: p }], ctx: c };
      const d = evaluate(input);
      expect(['Allow', 'Deny']).to.include(d.effect);
      const denyAll = parsePolicy(JSON.stringify({ Statement: { Effect: 'Deny', Action: '*', Resource: '*', Principal: '*' } }), { kind: 'resource' });
      expect(evaluate({ ...input, resource: { name: 'deny', policy: denyAll } }).reason).to.equal('explicit-deny');
    }), { numRuns: 3000 });
    expect(evaluated).to.be.greaterThan(0);
  });
});
