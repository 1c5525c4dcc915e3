/**
 * Policy variables, from "IAM policy elements: Variables and tags"
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_variables.html
 */
import { expect } from 'chai';
import { conditionTable, ctx, decideIdentity, doc } from './helpers.js';

function resourcePolicy(resource: string, version = '2012-10-17'): string {
  return JSON.stringify({ Version: version, Statement: [{ Effect: 'Allow', Action: 's3:*', Resource: resource }] });
}

interface ResourceCase {
  name: string;
  resource: string;
  request: string;
  keys: Record<string, string | string[] | undefined>;
  expected: boolean;
  version?: string;
  principal?: { arn: string; accountId?: string; type: string };
}

describe('Policy variables', () => {
  describe('in Resource', () => {
    const cases: ResourceCase[] = [
      // "Using variables in policies": arn:aws:s3:::mybucket/${aws:username}/*.
      { name: '${aws:username} substitutes the user name', resource: 'arn:aws:s3:::bucket/${aws:username}/*', request: 'arn:aws:s3:::bucket/alice/doc.txt', keys: { 'aws:username': 'alice' }, expected: true },
      { name: '${aws:username} does not match another user', resource: 'arn:aws:s3:::bucket/${aws:username}/*', request: 'arn:aws:s3:::bucket/bob/doc.txt', keys: { 'aws:username': 'alice' }, expected: false },
      // "Policy variables with no value": a Resource with an unresolvable variable matches nothing.
      { name: 'variable with no value: the resource does not match', resource: 'arn:aws:s3:::bucket/${aws:username}/*', request: 'arn:aws:s3:::bucket//x', keys: {}, expected: false },
      // "Specifying default values": ${aws:username, 'anonymous'}.
      { name: 'default value used when the key is absent', resource: "arn:aws:s3:::bucket/${aws:username, 'anonymous'}/*", request: 'arn:aws:s3:::bucket/anonymous/x', keys: {}, expected: true },
      { name: 'default value ignored when the key is present', resource: "arn:aws:s3:::bucket/${aws:username, 'anonymous'}/*", request: 'arn:aws:s3:::bucket/anonymous/x', keys: { 'aws:username': 'alice' }, expected: false },
      { name: 'spaces around key and default are ignored', resource: "arn:aws:s3:::bucket/${ aws:username , 'dflt' }/*", request: 'arn:aws:s3:::bucket/dflt/x', keys: {}, expected: true },
      { name: 'variable names are case-insensitive', resource: 'arn:aws:s3:::bucket/${AWS:UserName}/*', request: 'arn:aws:s3:::bucket/alice/x', keys: { 'aws:username': 'alice' }, expected: true },
      { name: 'substituted value keeps its case', resource: 'arn:aws:s3:::bucket/${aws:username}/*', request: 'arn:aws:s3:::bucket/alice/x', keys: { 'aws:username': 'Alice' }, expected: false },
      { name: '${aws:userid}', resource: 'arn:aws:s3:::home/${aws:userid}/*', request: 'arn:aws:s3:::home/AIDA123:cert/x', keys: { 'aws:userid': 'AIDA123:cert' }, expected: true },
      // "Tags as policy variables": ${aws:PrincipalTag/tag-key}.
      { name: '${aws:PrincipalTag/x509Subject/CN}', resource: 'arn:aws:s3:::certs/${aws:PrincipalTag/x509Subject/CN}/*', request: 'arn:aws:s3:::certs/svc.example/x', keys: { 'aws:PrincipalTag/x509Subject/CN': 'svc.example' }, expected: true },
      { name: '${aws:PrincipalType} is derived from the principal', resource: 'arn:aws:s3:::t/${aws:PrincipalType}/*', request: 'arn:aws:s3:::t/User/x', keys: {}, expected: true },
      { name: '${aws:SourceIp}', resource: 'arn:aws:s3:::ip/${aws:SourceIp}', request: 'arn:aws:s3:::ip/192.0.2.1', keys: { 'aws:SourceIp': '192.0.2.1' }, expected: true },
      { name: '${aws:EpochTime}', resource: 'arn:aws:s3:::t/${aws:EpochTime}', request: 'arn:aws:s3:::t/1700000000', keys: { 'aws:EpochTime': '1700000000' }, expected: true },
      { name: '${aws:CurrentTime}', resource: 'arn:aws:s3:::t/${aws:CurrentTime}', request: 'arn:aws:s3:::t/2024-01-01T00:00:00Z', keys: { 'aws:CurrentTime': '2024-01-01T00:00:00Z' }, expected: true },
      { name: '${s3:prefix} and other request keys', resource: 'arn:aws:s3:::b/${s3:prefix}*', request: 'arn:aws:s3:::b/home/x', keys: { 's3:prefix': 'home/' }, expected: true },
      // A substituted value is literal text, never a wildcard.
      { name: 'a "*" inside a value is literal', resource: 'arn:aws:s3:::b/${aws:username}', request: 'arn:aws:s3:::b/anything', keys: { 'aws:username': '*' }, expected: false },
      { name: 'a multivalued key has no single value', resource: 'arn:aws:s3:::b/${aws:TagKeys}', request: 'arn:aws:s3:::b/a', keys: { 'aws:TagKeys': ['a', 'b'] }, expected: false },
      // "Policy variables were introduced in version 2012-10-17": older versions treat them as literal text.
      { name: '2008-10-17: ${...} is literal text (no substitution)', resource: 'arn:aws:s3:::bucket/${aws:username}/*', request: 'arn:aws:s3:::bucket/alice/x', keys: { 'aws:username': 'alice' }, expected: false, version: '2008-10-17' },
      { name: '2008-10-17: ${...} matches itself literally', resource: 'arn:aws:s3:::bucket/${aws:username}/*', request: 'arn:aws:s3:::bucket/${aws:username}/x', keys: { 'aws:username': 'alice' }, expected: true, version: '2008-10-17' },
    ];
    for (const c of cases) {
      it(`${c.name} -> ${c.expected}`, () => {
        const d = decideIdentity(resourcePolicy(c.resource, c.version), ctx({ resource: c.request, keys: c.keys, ...(c.principal ? { principal: c.principal } : {}) }));
        expect(d.effect).to.equal(c.expected ? 'Allow' : 'Deny');
      });
    }

    it('no Version at all means 2008-10-17 (variables are literal)', () => {
      const json = JSON.stringify({ Statement: [{ Effect: 'Allow', Action: 's3:*', Resource: 'arn:aws:s3:::b/${aws:username}' }] });
      expect(decideIdentity(json, ctx({ resource: 'arn:aws:s3:::b/alice', keys: { 'aws:username': 'alice' } })).effect).to.equal('Deny');
      expect(decideIdentity(json, ctx({ resource: 'arn:aws:s3:::b/${aws:username}' })).effect).to.equal('Allow');
    });

    it('the variable example policy from the doc (ListBucket with s3:prefix and per-user objects)', () => {
      // "Using variables in policies" example.
      const json = doc(
        { Action: ['s3:ListBucket'], Effect: 'Allow', Resource: ['arn:aws:s3:::mybucket'], Condition: { StringLike: { 's3:prefix': ['${aws:username}/*'] } } },
        { Action: ['s3:GetObject', 's3:PutObject'], Effect: 'Allow', Resource: ['arn:aws:s3:::mybucket/${aws:username}/*'] },
      );
      const keys = { 'aws:username': 'David' };
      expect(decideIdentity(json, ctx({ action: 's3:ListBucket', resource: 'arn:aws:s3:::mybucket', keys: { ...keys, 's3:prefix': 'David/' } })).effect).to.equal('Allow');
      expect(decideIdentity(json, ctx({ action: 's3:ListBucket', resource: 'arn:aws:s3:::mybucket', keys: { ...keys, 's3:prefix': 'Eve/' } })).effect).to.equal('Deny');
      expect(decideIdentity(json, ctx({ action: 's3:PutObject', resource: 'arn:aws:s3:::mybucket/David/a', keys })).effect).to.equal('Allow');
      expect(decideIdentity(json, ctx({ action: 's3:PutObject', resource: 'arn:aws:s3:::mybucket/Eve/a', keys })).effect).to.equal('Deny');
    });
  });

  describe('in Condition values', () => {
    conditionTable([
      { name: 'StringEquals with ${aws:username}', condition: { StringEquals: { 's3:prefix': '${aws:username}' } }, keys: { 's3:prefix': 'alice', 'aws:username': 'alice' }, expected: true },
      { name: 'StringLike with ${aws:username}/*', condition: { StringLike: { 's3:prefix': '${aws:username}/*' } }, keys: { 's3:prefix': 'alice/docs', 'aws:username': 'alice' }, expected: true },
      { name: 'StringLike with ${aws:username}/* for another user', condition: { StringLike: { 's3:prefix': '${aws:username}/*' } }, keys: { 's3:prefix': 'bob/docs', 'aws:username': 'alice' }, expected: false },
      // "Special characters": ${*} is a literal asterisk, so StringLike "a${*}" matches only "a*" (SURPRISE).
      { name: 'SURPRISE: StringLike with ${*} matches a literal asterisk', condition: { StringLike: { 's3:prefix': 'a${*}' } }, keys: { 's3:prefix': 'a*' }, expected: true },
      { name: 'SURPRISE: StringLike with ${*} is not a wildcard', condition: { StringLike: { 's3:prefix': 'a${*}' } }, keys: { 's3:prefix': 'abc' }, expected: false },
      { name: '${?} is a literal question mark', condition: { StringLike: { 's3:prefix': 'a${?}' } }, keys: { 's3:prefix': 'ab' }, expected: false },
      { name: '${?} matches "?"', condition: { StringLike: { 's3:prefix': 'a${?}' } }, keys: { 's3:prefix': 'a?' }, expected: true },
      { name: '${$} is a literal dollar sign', condition: { StringEquals: { 's3:prefix': '${$}{x}' } }, keys: { 's3:prefix': '${x}' }, expected: true },
      { name: 'StringEqualsIgnoreCase with a variable', condition: { StringEqualsIgnoreCase: { 's3:prefix': '${aws:username}' } }, keys: { 's3:prefix': 'ALICE', 'aws:username': 'alice' }, expected: true },
      { name: 'ArnLike with a variable', condition: { ArnLike: { 'aws:SourceArn': 'arn:aws:iam::*:user/${aws:username}' } }, keys: { 'aws:SourceArn': 'arn:aws:iam::1:user/alice', 'aws:username': 'alice' }, expected: true },
      // "Policy variables with no value": the value matches nothing.
      { name: 'a variable with no value matches nothing', condition: { StringEquals: { 's3:prefix': '${aws:username}' } }, keys: { 's3:prefix': '' }, expected: false },
      { name: 'a variable with no value: other values still count', condition: { StringEquals: { 's3:prefix': ['${aws:username}', 'public'] } }, keys: { 's3:prefix': 'public' }, expected: true },
      { name: 'default value in a condition', condition: { StringEquals: { 's3:prefix': "${aws:username, 'guest'}" } }, keys: { 's3:prefix': 'guest' }, expected: true },
      { name: '2008-10-17: no substitution in conditions', condition: { StringEquals: { 's3:prefix': '${aws:username}' } }, keys: { 's3:prefix': 'alice', 'aws:username': 'alice' }, expected: false, version: '2008-10-17' },
    ]);
  });
});
