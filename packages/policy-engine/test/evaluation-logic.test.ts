/**
 * Policy evaluation logic: explicit deny, identity + bucket policy union, session-policy ceiling,
 * anonymous access, and the decision's explanation.
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic.html
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/access_policies.html#policies_session
 */
import { expect } from 'chai';
import { evaluate, parsePolicy } from '../src/index.js';
import type { EvaluateInput, Policy, RequestContext } from '../src/index.js';
import { ACCOUNT, ALICE, ANON, ctx, doc } from './helpers.js';

const id = (...st: object[]): Policy => parsePolicy(doc(...st));
const bucket = (...st: object[]): Policy => parsePolicy(doc(...st), { kind: 'resource' });
const ALLOW_GET = { Effect: 'Allow', Action: 's3:GetObject', Resource: 'arn:aws:s3:::bucket/*' };
const DENY_GET = { Effect: 'Deny', Action: 's3:GetObject', Resource: 'arn:aws:s3:::bucket/*' };
const SESSION = { arn: `arn:aws:sts::${ACCOUNT}:assumed-role/cert/alice-session`, accountId: ACCOUNT, type: 'session' };
const ROOT = { arn: `arn:aws:iam::${ACCOUNT}:root`, accountId: ACCOUNT, type: 'root' };

interface EvalCase { name: string; input: Omit<EvaluateInput, 'ctx'>; who?: RequestContext['principal']; effect: 'Allow' | 'Deny'; reason: string }

const cases: EvalCase[] = [
  // "Explicit deny" / "implicit deny" in the evaluation-logic page.
  { name: 'no policy at all: implicit deny', input: { identity: [] }, effect: 'Deny', reason: 'implicit-deny' },
  { name: 'identity Allow', input: { identity: [{ name: 'i', policy: id(ALLOW_GET) }] }, effect: 'Allow', reason: 'allowed' },
  { name: 'identity policy that does not cover the action', input: { identity: [{ name: 'i', policy: id({ ...ALLOW_GET, Action: 's3:PutObject' }) }] }, effect: 'Deny', reason: 'implicit-deny' },
  { name: 'explicit Deny beats Allow in the same policy', input: { identity: [{ name: 'i', policy: id(ALLOW_GET, DENY_GET) }] }, effect: 'Deny', reason: 'explicit-deny' },
  { name: 'explicit Deny in another identity policy wins', input: { identity: [{ name: 'a', policy: id(ALLOW_GET) }, { name: 'd', policy: id(DENY_GET) }] }, effect: 'Deny', reason: 'explicit-deny' },
  // Same-account: "the union of identity-based and resource-based policies".
  { name: 'bucket policy Allow alone (same account)', input: { identity: [], resource: { name: 'bp', policy: bucket({ ...ALLOW_GET, Principal: { AWS: ALICE.arn } }) } }, effect: 'Allow', reason: 'allowed' },
  { name: 'bucket policy Deny beats identity Allow', input: { identity: [{ name: 'i', policy: id(ALLOW_GET) }], resource: { name: 'bp', policy: bucket({ ...DENY_GET, Principal: '*' }) } }, effect: 'Deny', reason: 'explicit-deny' },
  { name: 'identity Deny beats bucket policy Allow', input: { identity: [{ name: 'i', policy: id(DENY_GET) }], resource: { name: 'bp', policy: bucket({ ...ALLOW_GET, Principal: '*' }) } }, effect: 'Deny', reason: 'explicit-deny' },
  { name: 'bucket policy for another principal grants nothing', input: { identity: [], resource: { name: 'bp', policy: bucket({ ...ALLOW_GET, Principal: { AWS: `arn:aws:iam::${ACCOUNT}:user/bob` } }) } }, effect: 'Deny', reason: 'implicit-deny' },
  { name: 'a Deny whose condition does not hold does not apply', input: { identity: [{ name: 'i', policy: id(ALLOW_GET, { ...DENY_GET, Condition: { Bool: { 'aws:SecureTransport': 'false' } } }) }] }, effect: 'Allow', reason: 'allowed' },
  // Session policies: "The resulting session's permissions are the intersection of the identity-based policy and the session policies."
  { name: 'session: identity Allow and session Allow', who: SESSION, input: { identity: [{ name: 'i', policy: id(ALLOW_GET) }], session: [{ name: 's', policy: id(ALLOW_GET) }] }, effect: 'Allow', reason: 'allowed' },
  { name: 'session: identity Allow without session Allow', who: SESSION, input: { identity: [{ name: 'i', policy: id(ALLOW_GET) }], session: [{ name: 's', policy: id({ ...ALLOW_GET, Action: 's3:PutObject' }) }] }, effect: 'Deny', reason: 'session-policy' },
  { name: 'session: session Allow alone grants nothing', who: SESSION, input: { identity: [], session: [{ name: 's', policy: id(ALLOW_GET) }] }, effect: 'Deny', reason: 'implicit-deny' },
  { name: 'session: Deny in the session policy wins', who: SESSION, input: { identity: [{ name: 'i', policy: id(ALLOW_GET) }], session: [{ name: 's', policy: id(ALLOW_GET, DENY_GET) }] }, effect: 'Deny', reason: 'explicit-deny' },
  { name: 'session: empty session list means no ceiling', who: SESSION, input: { identity: [{ name: 'i', policy: id(ALLOW_GET) }], session: [] }, effect: 'Allow', reason: 'allowed' },
  // Session policies page: "A resource-based policy can specify the ARN of the session as a principal ... not limited by the session policy."
  { name: 'session: bucket policy naming the session ARN is not limited', who: SESSION, input: { identity: [], session: [{ name: 's', policy: id({ ...ALLOW_GET, Action: 's3:PutObject' }) }], resource: { name: 'bp', policy: bucket({ ...ALLOW_GET, Principal: { AWS: SESSION.arn } }) } }, effect: 'Allow', reason: 'allowed' },
  // "... specify the ARN of the user or role as a principal ... The session policy limits the total permissions".
  { name: 'session: bucket policy naming the role is limited by the session policy', who: SESSION, input: { identity: [], session: [{ name: 's', policy: id({ ...ALLOW_GET, Action: 's3:PutObject' }) }], resource: { name: 'bp', policy: bucket({ ...ALLOW_GET, Principal: { AWS: `arn:aws:iam::${ACCOUNT}:role/cert` } }) } }, effect: 'Deny', reason: 'session-policy' },
  { name: 'session: bucket policy naming the role, session allows', who: SESSION, input: { identity: [], session: [{ name: 's', policy: id(ALLOW_GET) }], resource: { name: 'bp', policy: bucket({ ...ALLOW_GET, Principal: { AWS: `arn:aws:iam::${ACCOUNT}:role/cert` } }) } }, effect: 'Allow', reason: 'allowed' },
  { name: 'session: bucket policy for the account is limited', who: SESSION, input: { identity: [], session: [{ name: 's', policy: id({ ...ALLOW_GET, Action: 's3:PutObject' }) }], resource: { name: 'bp', policy: bucket({ ...ALLOW_GET, Principal: { AWS: ACCOUNT } }) } }, effect: 'Deny', reason: 'session-policy' },
  // Anonymous: only Principal "*" in a bucket policy grants access.
  { name: 'anonymous: bucket policy Principal "*"', who: ANON, input: { identity: [], resource: { name: 'bp', policy: bucket({ ...ALLOW_GET, Principal: '*' }) } }, effect: 'Allow', reason: 'allowed' },
  { name: 'anonymous: bucket policy {"AWS":"*"}', who: ANON, input: { identity: [], resource: { name: 'bp', policy: bucket({ ...ALLOW_GET, Principal: { AWS: '*' } }) } }, effect: 'Allow', reason: 'allowed' },
  { name: 'anonymous: bucket policy for the account does not apply', who: ANON, input: { identity: [], resource: { name: 'bp', policy: bucket({ ...ALLOW_GET, Principal: { AWS: ACCOUNT } }) } }, effect: 'Deny', reason: 'implicit-deny' },
  { name: 'anonymous: identity policies are ignored', who: ANON, input: { identity: [{ name: 'i', policy: id(ALLOW_GET) }] }, effect: 'Deny', reason: 'implicit-deny' },
  { name: 'anonymous: Allow with NotPrincipal grants nothing', who: ANON, input: { identity: [], resource: { name: 'bp', policy: bucket({ ...ALLOW_GET, NotPrincipal: { AWS: ALICE.arn } }) } }, effect: 'Deny', reason: 'implicit-deny' },
  { name: 'anonymous: Deny with Principal "*" applies', who: ANON, input: { identity: [], resource: { name: 'bp', policy: bucket({ ...ALLOW_GET, Principal: '*' }, { ...DENY_GET, Principal: '*' }) } }, effect: 'Deny', reason: 'explicit-deny' },
  { name: 'anonymous: Deny with NotPrincipal applies', who: ANON, input: { identity: [], resource: { name: 'bp', policy: bucket({ ...ALLOW_GET, Principal: '*' }, { ...DENY_GET, NotPrincipal: { AWS: ALICE.arn } }) } }, effect: 'Deny', reason: 'explicit-deny' },
  // Root: the account's root user has every permission but explicit Denies in bucket policies still apply.
  { name: 'root needs no policy', who: ROOT, input: { identity: [] }, effect: 'Allow', reason: 'allowed' },
  { name: 'root is subject to a bucket-policy Deny', who: ROOT, input: { identity: [], resource: { name: 'bp', policy: bucket({ ...DENY_GET, Principal: '*' }) } }, effect: 'Deny', reason: 'explicit-deny' },
];

describe('Policy evaluation logic', () => {
  for (const c of cases) {
    it(`${c.name} -> ${c.effect} (${c.reason})`, () => {
      const d = evaluate({ ...c.input, ctx: ctx({ principal: c.who ?? ALICE }) });
      expect(d.effect).to.equal(c.effect);
      expect(d.reason).to.equal(c.reason);
    });
  }

  it('names the deciding statement by policy name, Sid and index', () => {
    const allow = id({ Sid: 'ReadAll', ...ALLOW_GET });
    const deny = id({ ...ALLOW_GET, Action: 's3:PutObject' }, { Sid: 'NoSecrets', ...DENY_GET, Resource: 'arn:aws:s3:::bucket/secret/*' });
    const ok = evaluate({ identity: [{ name: 'readers', policy: allow }, { name: 'guard', policy: deny }], ctx: ctx() });
    expect(ok).to.deep.equal({ effect: 'Allow', reason: 'allowed', statement: { policy: 'readers', sid: 'ReadAll', index: 0 } });
    const no = evaluate({ identity: [{ name: 'readers', policy: allow }, { name: 'guard', policy: deny }], ctx: ctx({ resource: 'arn:aws:s3:::bucket/secret/x' }) });
    expect(no).to.deep.equal({ effect: 'Deny', reason: 'explicit-deny', statement: { policy: 'guard', sid: 'NoSecrets', index: 1 } });
  });

  it('reports the bucket-policy statement when the bucket policy grants', () => {
    const d = evaluate({ identity: [], resource: { name: 'bucket:photos', policy: bucket({ ...ALLOW_GET, Principal: '*' }) }, ctx: ctx() });
    expect(d.statement).to.deep.equal({ policy: 'bucket:photos', index: 0 });
  });

  it('an implicit deny names no statement', () => {
    expect(evaluate({ identity: [], ctx: ctx() }).statement).to.equal(undefined);
  });

  it('a Deny in a later policy wins even after an Allow was found', () => {
    const d = evaluate({
      identity: [{ name: 'a', policy: id(ALLOW_GET) }],
      session: [{ name: 's', policy: id(ALLOW_GET) }],
      resource: { name: 'bp', policy: bucket({ ...DENY_GET, Principal: { AWS: ALICE.arn } }) },
      ctx: ctx(),
    });
    expect(d).to.deep.equal({ effect: 'Deny', reason: 'explicit-deny', statement: { policy: 'bp', index: 0 } });
  });

  it('a realistic condition: Deny without TLS, Allow by source network', () => {
    const p = id(
      { Sid: 'Net', Effect: 'Allow', Action: 's3:*', Resource: 'arn:aws:s3:::bucket/*', Condition: { IpAddress: { 'aws:SourceIp': '10.0.0.0/8' } } },
      { Sid: 'Tls', Effect: 'Deny', Action: 's3:*', Resource: '*', Condition: { Bool: { 'aws:SecureTransport': 'false' } } },
    );
    const run = (keys: Record<string, string>): string => evaluate({ identity: [{ name: 'p', policy: p }], ctx: ctx({ keys }) }).reason;
    expect(run({ 'aws:SourceIp': '10.1.1.1', 'aws:SecureTransport': 'true' })).to.equal('allowed');
    expect(run({ 'aws:SourceIp': '10.1.1.1', 'aws:SecureTransport': 'false' })).to.equal('explicit-deny');
    expect(run({ 'aws:SourceIp': '192.168.1.1', 'aws:SecureTransport': 'true' })).to.equal('implicit-deny');
  });
});
