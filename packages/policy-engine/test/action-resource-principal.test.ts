/**
 * Action / NotAction, Resource / NotResource and Principal matching.
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_action.html
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_resource.html
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_principal.html
 */
import { expect } from 'chai';
import { evaluate, parsePolicy } from '../src/index.js';
import type { RequestContext } from '../src/index.js';
import { ACCOUNT, ALICE, ctx, decideIdentity, doc } from './helpers.js';

interface MatchCase { name: string; statement: object; action?: string; resource?: string; expected: boolean }

function table(cases: MatchCase[]): void {
  for (const c of cases) {
    it(`${c.name} -> ${c.expected}`, () => {
      const d = decideIdentity(doc({ Effect: 'Allow', ...c.statement }), ctx({ action: c.action ?? 's3:GetObject', resource: c.resource ?? 'arn:aws:s3:::bucket/key' }));
      expect(d.effect).to.equal(c.expected ? 'Allow' : 'Deny');
    });
  }
}

describe('Action and NotAction', () => {
  table([
    // Action page: "action names are case-insensitive" and "s3:*" / "*" wildcards.
    { name: 'exact action', statement: { Action: 's3:GetObject', Resource: '*' }, expected: true },
    { name: 'action names are case-insensitive', statement: { Action: 'S3:getobject', Resource: '*' }, expected: true },
    { name: 'request action case does not matter', statement: { Action: 's3:GetObject', Resource: '*' }, action: 'S3:GETOBJECT', expected: true },
    { name: 'other action', statement: { Action: 's3:PutObject', Resource: '*' }, expected: false },
    { name: 'service wildcard s3:*', statement: { Action: 's3:*', Resource: '*' }, expected: true },
    { name: '"*" is every action', statement: { Action: '*', Resource: '*' }, action: 'iam:CreateUser', expected: true },
    { name: 'prefix wildcard s3:Get*', statement: { Action: 's3:Get*', Resource: '*' }, expected: true },
    { name: 'prefix wildcard does not match Put', statement: { Action: 's3:Get*', Resource: '*' }, action: 's3:PutObject', expected: false },
    { name: 'infix wildcard s3:*Object', statement: { Action: 's3:*Object', Resource: '*' }, action: 's3:DeleteObject', expected: true },
    { name: '? wildcard', statement: { Action: 's3:?etObject', Resource: '*' }, expected: true },
    { name: 'wildcard is case-insensitive', statement: { Action: 'S3:GET*', Resource: '*' }, expected: true },
    { name: 'service prefix must match', statement: { Action: 's3:*', Resource: '*' }, action: 'sts:AssumeRole', expected: false },
    { name: 'list of actions', statement: { Action: ['s3:PutObject', 's3:GetObject'], Resource: '*' }, expected: true },
    // NotAction page (SURPRISE): Allow + NotAction allows everything not listed, in every service.
    { name: 'SURPRISE: Allow NotAction grants actions of other services', statement: { NotAction: 's3:*', Resource: '*' }, action: 'iam:CreateUser', expected: true },
    { name: 'Allow NotAction does not grant the listed action', statement: { NotAction: 's3:GetObject', Resource: '*' }, expected: false },
    { name: 'Allow NotAction grants unlisted s3 actions', statement: { NotAction: 's3:DeleteObject', Resource: '*' }, expected: true },
  ]);

  it('Deny NotAction denies every action except the listed ones (NotAction page)', () => {
    const json = doc({ Effect: 'Allow', Action: '*', Resource: '*' }, { Effect: 'Deny', NotAction: 's3:GetObject', Resource: '*' });
    expect(decideIdentity(json, ctx()).effect).to.equal('Allow');
    const d = decideIdentity(json, ctx({ action: 's3:PutObject' }));
    expect(d).to.deep.equal({ effect: 'Deny', reason: 'explicit-deny', statement: { policy: 'p', index: 1 } });
  });
});

describe('Resource and NotResource', () => {
  table([
    // Resource page: wildcards in the resource part of the ARN.
    { name: 'exact object ARN', statement: { Action: 's3:*', Resource: 'arn:aws:s3:::bucket/key' }, expected: true },
    { name: 'bucket/* matches objects', statement: { Action: 's3:*', Resource: 'arn:aws:s3:::bucket/*' }, expected: true },
    { name: 'bucket/* does not match the bucket itself', statement: { Action: 's3:*', Resource: 'arn:aws:s3:::bucket/*' }, action: 's3:ListBucket', resource: 'arn:aws:s3:::bucket', expected: false },
    { name: 'bucket ARN does not match its objects', statement: { Action: 's3:*', Resource: 'arn:aws:s3:::bucket' }, expected: false },
    { name: 'bucket* matches another bucket too (no segment rule in Resource)', statement: { Action: 's3:*', Resource: 'arn:aws:s3:::bucket*' }, resource: 'arn:aws:s3:::bucket2/x/y', expected: true },
    { name: '* spans slashes', statement: { Action: 's3:*', Resource: 'arn:aws:s3:::bucket/*/z' }, resource: 'arn:aws:s3:::bucket/a/b/c/z', expected: true },
    { name: '? in a resource', statement: { Action: 's3:*', Resource: 'arn:aws:s3:::bucket/k?y' }, expected: true },
    { name: 'S3 ARNs are case-sensitive', statement: { Action: 's3:*', Resource: 'arn:aws:s3:::bucket/KEY' }, expected: false },
    { name: 'arn:aws:s3:::* matches every bucket and object', statement: { Action: 's3:*', Resource: 'arn:aws:s3:::*' }, resource: 'arn:aws:s3:::a/b', expected: true },
    { name: 'ListAllMyBuckets (resource "*") is granted by arn:aws:s3:::*', statement: { Action: 's3:ListAllMyBuckets', Resource: 'arn:aws:s3:::*' }, action: 's3:ListAllMyBuckets', resource: '*', expected: true },
    { name: 'ListAllMyBuckets is granted by "*"', statement: { Action: 's3:*', Resource: '*' }, action: 's3:ListAllMyBuckets', resource: '*', expected: true },
    { name: 'ListAllMyBuckets is not granted by one bucket', statement: { Action: 's3:*', Resource: 'arn:aws:s3:::bucket' }, action: 's3:ListAllMyBuckets', resource: '*', expected: false },
    // NotResource page: Allow + NotResource applies to every resource not listed.
    { name: 'Allow NotResource: other resource allowed', statement: { Action: 's3:*', NotResource: 'arn:aws:s3:::secret/*' }, expected: true },
    { name: 'Allow NotResource: listed resource not allowed', statement: { Action: 's3:*', NotResource: 'arn:aws:s3:::secret/*' }, resource: 'arn:aws:s3:::secret/k', expected: false },
  ]);
});

describe('Principal and NotPrincipal (bucket policies)', () => {
  const BOB = { arn: `arn:aws:iam::${ACCOUNT}:user/bob`, accountId: ACCOUNT, type: 'user' };
  const OTHER = { arn: 'arn:aws:iam::111122223333:user/carol', accountId: '111122223333', type: 'user' };
  const SESSION = { arn: `arn:aws:sts::${ACCOUNT}:assumed-role/reader/sess1`, accountId: ACCOUNT, type: 'session' };
  const cases: { name: string; principal: unknown; who: RequestContext['principal']; expected: boolean; not?: boolean }[] = [
    { name: '"*" matches everyone', principal: '*', who: ALICE, expected: true },
    { name: '{"AWS": "*"} is the same as "*"', principal: { AWS: '*' }, who: OTHER, expected: true },
    { name: 'user ARN matches that user', principal: { AWS: ALICE.arn }, who: ALICE, expected: true },
    { name: 'user ARN does not match another user', principal: { AWS: ALICE.arn }, who: BOB, expected: false },
    { name: 'account id matches every principal of the account', principal: { AWS: ACCOUNT }, who: BOB, expected: true },
    { name: 'account root ARN matches every principal of the account', principal: { AWS: `arn:aws:iam::${ACCOUNT}:root` }, who: BOB, expected: true },
    { name: 'account id does not match another account', principal: { AWS: ACCOUNT }, who: OTHER, expected: false },
    { name: 'account taken from the ARN when accountId is absent', principal: { AWS: '111122223333' }, who: { arn: OTHER.arn, type: 'user' }, expected: true },
    { name: 'a list of principals', principal: { AWS: [BOB.arn, ALICE.arn] }, who: ALICE, expected: true },
    { name: 'role ARN matches its sessions', principal: { AWS: `arn:aws:iam::${ACCOUNT}:role/reader` }, who: SESSION, expected: true },
    { name: 'session ARN matches that session', principal: { AWS: SESSION.arn }, who: SESSION, expected: true },
    { name: 'Service principals never match a Keyless caller', principal: { Service: 's3.amazonaws.com' }, who: ALICE, expected: false },
    { name: 'NotPrincipal applies to those not listed', principal: { AWS: BOB.arn }, who: ALICE, expected: true, not: true },
    { name: 'NotPrincipal excludes the listed principal', principal: { AWS: ALICE.arn }, who: ALICE, expected: false, not: true },
  ];
  for (const c of cases) {
    it(`${c.name} -> ${c.expected}`, () => {
      const json = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', [c.not ? 'NotPrincipal' : 'Principal']: c.principal, Action: 's3:GetObject', Resource: 'arn:aws:s3:::bucket/*' }] });
      const d = evaluate({ identity: [], resource: { name: 'bucket-policy', policy: parsePolicy(json, { kind: 'resource' }) }, ctx: ctx({ principal: c.who }) });
      expect(d.effect).to.equal(c.expected ? 'Allow' : 'Deny');
    });
  }
});
