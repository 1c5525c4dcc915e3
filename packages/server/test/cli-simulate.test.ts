import { expect } from 'chai';
import { runCli, tempDataDir, writeJson, type CliRun } from './policy-support/policy-server.js';

/** `keyless policy simulate ...` in-process: the decision line, the deciding statement, exit codes. */

const doc = (...statements: unknown[]) => ({ Version: '2012-10-17', Statement: statements });

describe('CLI: keyless policy simulate', function () {
  let tmp: ReturnType<typeof tempDataDir>;
  const file = (name: string, content: unknown) => writeJson(tmp.dir, name, content);
  const simulate = (...argv: string[]) => runCli(['policy', 'simulate', ...argv], tmp.env);
  let rw: string;
  let denySecret: string;

  /** Exit 0, exactly two lines: the decision and the explanation. */
  function decided(r: CliRun, effect: 'Allow' | 'Deny', explanation: string | RegExp): void {
    expect(r.code, JSON.stringify(r)).to.equal(0);
    expect(r.err).to.deep.equal([]);
    expect(r.out).to.have.length(2);
    expect(r.out[0]).to.equal(effect);
    if (typeof explanation === 'string') expect(r.out[1]).to.equal(explanation);
    else expect(r.out[1]).to.match(explanation);
  }
  function invalid(r: CliRun, ...words: string[]): void {
    expect(r.code, JSON.stringify(r)).to.equal(2);
    expect(r.out).to.deep.equal([]);
    expect(r.err).to.have.length(1);
    for (const w of words) expect(r.err[0]).to.include(w);
  }

  before(() => {
    tmp = tempDataDir('keyless-simulate-test-');
    rw = file('rw.json', doc({ Sid: 'All', Effect: 'Allow', Action: 's3:*', Resource: 'arn:aws:s3:::*' }));
    denySecret = file('deny.json', doc({ Sid: 'NoSecrets', Effect: 'Deny', Action: 's3:GetObject', Resource: 'arn:aws:s3:::b/secret/*' }));
  });
  after(() => tmp.remove());

  it('prints Allow and the deciding statement (by Sid, or by index without one)', async () => {
    decided(await simulate('--policy', rw, '--action', 's3:GetObject', '--resource', 'arn:aws:s3:::b/k'), 'Allow', `allowed: ${rw} statement "All"`);
    const noSid = file('nosid.json', doc({ Effect: 'Allow', Action: 's3:PutObject', Resource: 'arn:aws:s3:::b/x/*' }, { Effect: 'Allow', Action: 's3:GetObject', Resource: 'arn:aws:s3:::b/*' }));
    decided(await simulate('--policy', rw, '--action', 's3:GetObject', '--resource', 'arn:aws:s3:::b/a key with spaces'), 'Allow', /"All"$/);
    decided(await simulate('--policy', rw, '--action', 's3:ListAllMyBuckets', '--resource', '*'), 'Allow', /"All"$/);
    decided(await simulate('--policy', noSid, '--action', 's3:GetObject', '--resource', 'arn:aws:s3:::b/k'), 'Allow', `allowed: ${noSid} statement #1`);
  });

  it('prints Deny with "no statement allows" for an implicit deny', async () => {
    const ro = file('ro.json', doc({ Effect: 'Allow', Action: 's3:GetObject', Resource: 'arn:aws:s3:::b/*' }));
    decided(await simulate('--policy', ro, '--action', 's3:PutObject', '--resource', 'arn:aws:s3:::b/k'), 'Deny', 'no statement allows');
    decided(await simulate('--policy', ro, '--action', 's3:GetObject', '--resource', 'arn:aws:s3:::other/k'), 'Deny', 'no statement allows');
  });

  it('an explicit Deny in any --policy wins and is named', async () => {
    decided(await simulate('--policy', rw, '--policy', denySecret, '--action', 's3:GetObject', '--resource', 'arn:aws:s3:::b/secret/s'),
      'Deny', `explicit-deny: ${denySecret} statement "NoSecrets"`);
    decided(await simulate('--policy', rw, '--policy', denySecret, '--action', 's3:GetObject', '--resource', 'arn:aws:s3:::b/public/p'), 'Allow', /"All"$/);
  });

  it('a key given several times in --context is multi-valued', async () => {
    const onlyAB = file('tagkeys.json', doc({ Effect: 'Allow', Action: 's3:PutObject', Resource: '*', Condition: { 'ForAllValues:StringEquals': { 'aws:TagKeys': ['a', 'b'] } } }));
    const run = (...ctx: string[]) => simulate('--policy', onlyAB, '--action', 's3:PutObject', '--resource', 'arn:aws:s3:::b/k', ...ctx.flatMap((c) => ['--context', c]));
    decided(await run('aws:TagKeys=a', 'aws:TagKeys=b'), 'Allow', /^allowed: /);
    // With only the first (or only the last) value kept, these would be allowed.
    decided(await run('aws:TagKeys=a', 'aws:TagKeys=c'), 'Deny', 'no statement allows');
    decided(await run('aws:TagKeys=c', 'aws:TagKeys=b'), 'Deny', 'no statement allows');
    const anyC = file('anyc.json', doc({ Effect: 'Allow', Action: 's3:PutObject', Resource: '*', Condition: { 'ForAnyValue:StringEquals': { 'aws:TagKeys': 'c' } } }));
    decided(await simulate('--policy', anyC, '--action', 's3:PutObject', '--resource', 'arn:aws:s3:::b/k', '--context', 'aws:TagKeys=a', '--context', 'aws:TagKeys=c', '--context', 'aws:TagKeys=d'), 'Allow', /^allowed: /);
    // A value may itself contain "=".
    const eq = file('eq.json', doc({ Effect: 'Allow', Action: 's3:GetObject', Resource: '*', Condition: { StringEquals: { 'aws:UserAgent': 'a=b' } } }));
    decided(await simulate('--policy', eq, '--action', 's3:GetObject', '--resource', 'arn:aws:s3:::b/k', '--context', 'aws:UserAgent=a=b'), 'Allow', /^allowed: /);
  });

  it('--session-policy is a ceiling on the identity policies', async () => {
    const session = file('session.json', doc({ Sid: 'OnlyRead', Effect: 'Allow', Action: 's3:GetObject', Resource: 'arn:aws:s3:::b/*' }));
    decided(await simulate('--policy', rw, '--session-policy', session, '--action', 's3:GetObject', '--resource', 'arn:aws:s3:::b/k'), 'Allow', /^allowed: /);
    decided(await simulate('--policy', rw, '--session-policy', session, '--action', 's3:PutObject', '--resource', 'arn:aws:s3:::b/k'), 'Deny', 'no statement allows');
    // The session policy alone grants nothing.
    const ro = file('ro-session.json', doc({ Effect: 'Allow', Action: 's3:PutObject', Resource: 'arn:aws:s3:::b/*' }));
    decided(await simulate('--policy', ro, '--session-policy', session, '--action', 's3:GetObject', '--resource', 'arn:aws:s3:::b/k'), 'Deny', 'no statement allows');
  });

  it('--bucket-policy with --principal: the principal must match; anonymous needs Principal "*"', async () => {
    const bob = 'arn:aws:iam::000000000000:user/bob';
    const bp = file('bp.json', doc({ Sid: 'Bob', Effect: 'Allow', Principal: { AWS: bob }, Action: 's3:GetObject', Resource: 'arn:aws:s3:::b/*' }));
    decided(await simulate('--bucket-policy', bp, '--principal', bob, '--action', 's3:GetObject', '--resource', 'arn:aws:s3:::b/k'), 'Allow', `allowed: ${bp} statement "Bob"`);
    decided(await simulate('--bucket-policy', bp, '--principal', 'arn:aws:iam::000000000000:user/eve', '--action', 's3:GetObject', '--resource', 'arn:aws:s3:::b/k'), 'Deny', 'no statement allows');
    decided(await simulate('--bucket-policy', bp, '--action', 's3:GetObject', '--resource', 'arn:aws:s3:::b/k'), 'Deny', 'no statement allows');
    const pub = file('public.json', doc({ Sid: 'Public', Effect: 'Allow', Principal: '*', Action: 's3:GetObject', Resource: 'arn:aws:s3:::b/*' }));
    decided(await simulate('--bucket-policy', pub, '--action', 's3:GetObject', '--resource', 'arn:aws:s3:::b/k'), 'Allow', `allowed: ${pub} statement "Public"`);
    decided(await simulate('--bucket-policy', pub, '--action', 's3:PutObject', '--resource', 'arn:aws:s3:::b/k'), 'Deny', 'no statement allows');
    // A bucket-policy Deny beats an identity Allow.
    const deny = file('bp-deny.json', doc({ Sid: 'NoBob', Effect: 'Deny', Principal: { AWS: bob }, Action: 's3:*', Resource: 'arn:aws:s3:::b/*' }));
    decided(await simulate('--policy', rw, '--bucket-policy', deny, '--principal', bob, '--action', 's3:GetObject', '--resource', 'arn:aws:s3:::b/k'), 'Deny', `explicit-deny: ${deny} statement "NoBob"`);
    // A bucket policy must name a principal.
    invalid(await simulate('--bucket-policy', rw, '--action', 's3:GetObject', '--resource', 'arn:aws:s3:::b/k'), 'Principal');
  });

  it('principal tags are passed as --context aws:PrincipalTag/KEY=VALUE, as are other keys', async () => {
    const team = file('team.json', doc({ Effect: 'Allow', Action: 's3:GetObject', Resource: 'arn:aws:s3:::b/${aws:PrincipalTag/team}/*', Condition: { StringEquals: { 'aws:PrincipalTag/team': ['dev', 'ops'] } } }));
    const run = (resource: string, ...ctx: string[]) => simulate('--policy', team, '--action', 's3:GetObject', '--resource', resource, ...ctx.flatMap((c) => ['--context', c]));
    decided(await run('arn:aws:s3:::b/dev/k', 'aws:PrincipalTag/team=dev'), 'Allow', /^allowed: /);
    decided(await run('arn:aws:s3:::b/ops/k', 'aws:PrincipalTag/team=dev'), 'Deny', 'no statement allows');
    decided(await run('arn:aws:s3:::b/dev/k', 'aws:PrincipalTag/team=qa'), 'Deny', 'no statement allows');
    decided(await run('arn:aws:s3:::b/dev/k'), 'Deny', 'no statement allows');
    const ip = file('ip.json', doc({ Effect: 'Allow', Action: 's3:GetObject', Resource: '*', Condition: { IpAddress: { 'aws:SourceIp': '10.0.0.0/8' } } }));
    decided(await simulate('--policy', ip, '--action', 's3:GetObject', '--resource', 'arn:aws:s3:::b/k', '--context', 'aws:SourceIp=10.1.2.3'), 'Allow', /^allowed: /);
    decided(await simulate('--policy', ip, '--action', 's3:GetObject', '--resource', 'arn:aws:s3:::b/k', '--context', 'aws:SourceIp=127.0.0.1'), 'Deny', 'no statement allows');
  });

  it('exits 2 with one line for invalid action, resource, context, policy files or arguments', async () => {
    const ok = ['--policy', rw];
    invalid(await simulate(...ok, '--action', 'GetObject', '--resource', 'arn:aws:s3:::b/k'), '--action');
    invalid(await simulate(...ok, '--action', 's3:Get Object', '--resource', 'arn:aws:s3:::b/k'), '--action');
    invalid(await simulate(...ok, '--resource', 'arn:aws:s3:::b/k'), '--action');
    invalid(await simulate(...ok, '--action', 's3:GetObject'), '--resource');
    invalid(await simulate(...ok, '--action', 's3:GetObject', '--resource', 'b/k'), '--resource');
    invalid(await simulate(...ok, '--action', 's3:GetObject', '--resource', 'arn:aws:s3'), '--resource');
    invalid(await simulate(...ok, '--action', 's3:GetObject', '--resource', 'arn:aws:s3:::b/k', '--context', 'aws:SourceIp'), '--context');
    invalid(await simulate(...ok, '--action', 's3:GetObject', '--resource', 'arn:aws:s3:::b/k', '--context', '=x'), '--context');
    const bad = file('bad.json', doc({ Effect: 'Permit', Action: 's3:GetObject', Resource: '*' }));
    invalid(await simulate('--policy', bad, '--action', 's3:GetObject', '--resource', 'arn:aws:s3:::b/k'), bad, 'Statement[0].Effect');
    invalid(await simulate('--policy', `${tmp.dir}/missing.json`, '--action', 's3:GetObject', '--resource', 'arn:aws:s3:::b/k'), 'cannot read');
    invalid(await simulate('--session-policy', bad, '--policy', rw, '--action', 's3:GetObject', '--resource', 'arn:aws:s3:::b/k'), 'Effect');
    invalid(await simulate(...ok, '--action', 's3:GetObject', '--resource', 'arn:aws:s3:::b/k', '--bogus'), 'bogus');
    invalid(await simulate(...ok, '--action', 's3:GetObject', '--resource', 'arn:aws:s3:::b/k', 'extra'), 'extra');
  });
});
