/**
 * Grammar and validation: what IAM rejects, each error naming the element.
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_grammar.html
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements.html
 */
import { expect } from 'chai';
import { PolicyError, parsePolicy } from '../src/index.js';

const S = { Effect: 'Allow', Action: 's3:GetObject', Resource: '*' };
const pol = (statement: unknown, extra: object = {}): string => JSON.stringify({ Version: '2012-10-17', Statement: statement, ...extra });

interface ErrorCase { name: string; json: string; message: RegExp; kind?: 'identity' | 'resource' }

const errors: ErrorCase[] = [
  { name: 'not JSON', json: '{"Version": ', message: /^Policy: is not valid JSON$/ },
  { name: 'not an object', json: '[1,2]', message: /^Policy: must be a JSON object/ },
  { name: 'unknown top-level element', json: pol([S], { Foo: 1 }), message: /^Foo: unknown element/ },
  // Version element page: only 2012-10-17 and 2008-10-17 exist.
  { name: 'unknown Version', json: pol([S], { Version: '2012-10-18' }), message: /^Version: must be "2012-10-17" or "2008-10-17"/ },
  { name: 'Id must be a string', json: pol([S], { Id: 5 }), message: /^Id: must be a string/ },
  { name: 'missing Statement', json: JSON.stringify({ Version: '2012-10-17' }), message: /^Statement: is required/ },
  { name: 'empty Statement list', json: pol([]), message: /^Statement: must contain at least one statement/ },
  { name: 'statement not an object', json: pol(['x']), message: /^Statement\[0\]: must be an object/ },
  { name: 'unknown statement element', json: pol([S, { ...S, Actions: 's3:*' }]), message: /^Statement\[1\]\.Actions: unknown element/ },
  // Effect element page: "Valid values for Effect are Allow and Deny" (case-sensitive).
  { name: 'bad Effect', json: pol([{ ...S, Effect: 'allow' }]), message: /^Statement\[0\]\.Effect: must be "Allow" or "Deny"/ },
  { name: 'missing Effect', json: pol({ Action: 's3:*', Resource: '*' }), message: /^Statement\.Effect: must be "Allow" or "Deny", not missing/ },
  { name: 'Sid must be a string', json: pol([{ ...S, Sid: 1 }]), message: /^Statement\[0\]\.Sid: must be a string/ },
  { name: 'duplicate Sid', json: pol([{ ...S, Sid: 'A' }, { ...S, Sid: 'A' }]), message: /^Statement\[1\]\.Sid: duplicate Sid "A"/ },
  { name: 'missing Action', json: pol([{ Effect: 'Allow', Resource: '*' }]), message: /^Statement\[0\]: Action or NotAction is required/ },
  { name: 'Action and NotAction together', json: pol([{ ...S, NotAction: 's3:PutObject' }]), message: /^Statement\[0\]: Action and NotAction are mutually exclusive/ },
  { name: 'Resource and NotResource together', json: pol([{ ...S, NotResource: '*' }]), message: /^Statement\[0\]: Resource and NotResource are mutually exclusive/ },
  { name: 'missing Resource', json: pol([{ Effect: 'Allow', Action: 's3:*' }]), message: /^Statement\[0\]: Resource or NotResource is required/ },
  // IAM: "Actions/Conditions must be prefaced by a vendor".
  { name: 'action without a service prefix', json: pol([{ ...S, Action: 'GetObject' }]), message: /^Statement\[0\]\.Action: "GetObject" must be "\*" or "service:action"/ },
  { name: 'bad action inside a list names its index', json: pol([{ ...S, Action: ['s3:GetObject', 's3 Get'] }]), message: /^Statement\[0\]\.Action\[1\]:/ },
  { name: 'empty Action list', json: pol([{ ...S, Action: [] }]), message: /^Statement\[0\]\.Action: must not be empty/ },
  { name: 'Action not a string', json: pol([{ ...S, Action: 5 }]), message: /^Statement\[0\]\.Action: must be a string/ },
  // Resource page: "Resource ... must be in ARN format or *".
  { name: 'resource not an ARN', json: pol([{ ...S, Resource: 'bucket/key' }]), message: /^Statement\[0\]\.Resource: "bucket\/key" must be in ARN format or "\*"/ },
  { name: 'resource ARN with too few parts', json: pol([{ ...S, Resource: 'arn:aws:s3:bucket' }]), message: /^Statement\[0\]\.Resource:/ },
  { name: 'Condition not an object', json: pol([{ ...S, Condition: 'x' }]), message: /^Statement\[0\]\.Condition: must be an object/ },
  { name: 'unknown operator', json: pol([S, S, { ...S, Condition: { StringEqualz: { 'aws:username': 'a' } } }]), message: /^Statement\[2\]\.Condition: unknown operator "StringEqualz"/ },
  { name: 'unknown qualifier', json: pol([{ ...S, Condition: { 'ForSomeValues:StringEquals': { 'aws:TagKeys': 'a' } } }]), message: /unknown operator "ForSomeValues:StringEquals"/ },
  { name: 'NullIfExists does not exist', json: pol([{ ...S, Condition: { NullIfExists: { 'aws:TagKeys': 'true' } } }]), message: /unknown operator "NullIfExists"/ },
  { name: 'empty operator block', json: pol([{ ...S, Condition: { StringEquals: {} } }]), message: /^Statement\[0\]\.Condition\.StringEquals: must be a non-empty object/ },
  { name: 'condition key without a service prefix', json: pol([{ ...S, Condition: { StringEquals: { username: 'a' } } }]), message: /^Statement\[0\]\.Condition\.StringEquals\["username"\]: condition key must be prefixed/ },
  { name: 'condition value object', json: pol([{ ...S, Condition: { StringEquals: { 'aws:username': { a: 1 } } } }]), message: /\["aws:username"\]: value must be a string/ },
  { name: 'condition value null in a list', json: pol([{ ...S, Condition: { StringEquals: { 'aws:username': ['a', null] } } }]), message: /\["aws:username"\]\[1\]: value must be a string/ },
  { name: 'empty condition value list', json: pol([{ ...S, Condition: { StringEquals: { 'aws:username': [] } } }]), message: /must have at least one value/ },
  { name: 'numeric value not a number', json: pol([{ ...S, Condition: { NumericLessThan: { 's3:max-keys': 'ten' } } }]), message: /\["s3:max-keys"\]: "ten" is not a valid number/ },
  { name: 'date value not a date', json: pol([{ ...S, Condition: { DateLessThan: { 'aws:CurrentTime': 'tomorrow' } } }]), message: /"tomorrow" is not a valid date/ },
  { name: 'bad CIDR', json: pol([{ ...S, Condition: { IpAddress: { 'aws:SourceIp': '10.0.0.0/33' } } }]), message: /"10\.0\.0\.0\/33" is not an IP address or CIDR block/ },
  { name: 'bad IPv4 octet', json: pol([{ ...S, Condition: { IpAddress: { 'aws:SourceIp': '256.0.0.1' } } }]), message: /is not an IP address/ },
  { name: 'Null value not a boolean', json: pol([{ ...S, Condition: { Null: { 'aws:TagKeys': 'maybe' } } }]), message: /Null takes "true" or "false"/ },
  // Principal element page: identity-based policies cannot name a principal; resource-based must.
  { name: 'Principal in an identity policy', json: pol([{ ...S, Principal: '*' }]), message: /^Statement\[0\]\.Principal: not allowed in an identity-based policy/ },
  { name: 'missing Principal in a bucket policy', json: pol([S]), message: /^Statement\[0\]: Principal or NotPrincipal is required/, kind: 'resource' },
  { name: 'Principal and NotPrincipal together', json: pol([{ ...S, Principal: '*', NotPrincipal: '*' }]), message: /mutually exclusive/, kind: 'resource' },
  { name: 'unknown principal type', json: pol([{ ...S, Principal: { IAM: '*' } }]), message: /^Statement\[0\]\.Principal\.IAM: unknown principal type/, kind: 'resource' },
  { name: 'principal neither ARN nor account', json: pol([{ ...S, Principal: { AWS: 'alice' } }]), message: /^Statement\[0\]\.Principal\.AWS: "alice" is not an ARN/, kind: 'resource' },
  { name: 'Principal as a bare string other than "*"', json: pol([{ ...S, Principal: 'alice' }]), message: /^Statement\[0\]\.Principal: must be "\*" or an object/, kind: 'resource' },
  { name: 'empty Principal object', json: pol([{ ...S, Principal: {} }]), message: /must name at least one principal/, kind: 'resource' },
  // Bucket policies are limited to 20 KB.
  { name: 'larger than 20 KiB', json: pol([{ ...S, Sid: 'x'.repeat(20500) }]), message: /^Policy: \d+ characters \(whitespace excluded\) exceeds the limit of 20480/ },
  { name: 'hostile nesting', json: '['.repeat(5000) + ']'.repeat(5000), message: /^Policy: nested deeper than 10 levels/ },
];

describe('parsePolicy: rejected documents', () => {
  for (const c of errors) {
    it(`${c.name}: ${c.message.source}`, () => {
      let caught: unknown;
      try {
        parsePolicy(c.json, c.kind ? { kind: c.kind } : {});
      } catch (e) {
        caught = e;
      }
      expect(caught).to.be.instanceOf(PolicyError);
      expect((caught as PolicyError).message).to.match(c.message);
    });
  }

  it('a non-string argument is a PolicyError, not a TypeError', () => {
    expect(() => parsePolicy(42 as unknown as string)).to.throw(PolicyError);
  });

  it('the error names its element in a field too', () => {
    try {
      parsePolicy(pol([{ ...S, Effect: 'Maybe' }]));
      expect.fail('should throw');
    } catch (e) {
      expect((e as PolicyError).element).to.equal('Statement[0].Effect');
    }
  });
});

describe('parsePolicy: accepted documents', () => {
  it('Statement as a single object', () => {
    const p = parsePolicy(pol(S));
    expect(p.statements).to.have.length(1);
    expect(p.version).to.equal('2012-10-17');
  });

  it('keeps the source text and the Sid', () => {
    const json = pol([{ ...S, Sid: 'One' }]);
    const p = parsePolicy(json);
    expect(p.source).to.equal(json);
    expect(p.statements[0]!.sid).to.equal('One');
  });

  it('2008-10-17 and a missing Version are accepted', () => {
    expect(parsePolicy(pol([S], { Version: '2008-10-17' })).version).to.equal('2008-10-17');
    expect(parsePolicy(JSON.stringify({ Statement: [S] })).version).to.equal('2008-10-17');
  });

  it('whitespace does not count toward the 20 KiB limit', () => {
    const json = pol([{ ...S, Sid: 'x'.repeat(20000) }]).replace(/,/g, ',' + ' '.repeat(500));
    expect(json.length).to.be.greaterThan(20480);
    expect(() => parsePolicy(json)).not.to.throw();
  });

  it('every operator of the grammar, with IfExists and qualifiers, parses', () => {
    const ops = ['StringEquals', 'StringNotEquals', 'StringEqualsIgnoreCase', 'StringNotEqualsIgnoreCase', 'StringLike', 'StringNotLike', 'ArnEquals', 'ArnLike', 'ArnNotEquals', 'ArnNotLike'];
    const num = ['NumericEquals', 'NumericNotEquals', 'NumericLessThan', 'NumericLessThanEquals', 'NumericGreaterThan', 'NumericGreaterThanEquals'];
    const date = num.map((n) => n.replace('Numeric', 'Date'));
    const cond: Record<string, object> = {};
    for (const o of ops) {
      cond[o] = { 'aws:x': 'arn:aws:s3:::b' };
      cond[o + 'IfExists'] = { 'aws:x': 'arn:aws:s3:::b' };
      cond['ForAllValues:' + o] = { 'aws:x': 'arn:aws:s3:::b' };
      cond['ForAnyValue:' + o + 'IfExists'] = { 'aws:x': 'arn:aws:s3:::b' };
    }
    for (const o of num) cond[o] = { 'aws:n': '1' };
    for (const o of date) cond[o] = { 'aws:d': '2020-01-01T00:00:00Z' };
    Object.assign(cond, { Bool: { 'aws:b': 'true' }, BoolIfExists: { 'aws:b': 'true' }, BinaryEquals: { 'aws:bin': 'YQ==' }, BinaryEqualsIfExists: { 'aws:bin': 'YQ==' }, IpAddress: { 'aws:SourceIp': '::1' }, NotIpAddressIfExists: { 'aws:SourceIp': '10.0.0.0/8' }, Null: { 'aws:z': 'true' } });
    const p = parsePolicy(pol([{ ...S, Condition: cond }]));
    expect(p.statements[0]!.conditions.length).to.equal(Object.keys(cond).length);
  });

  it('bucket policy with Principal parses as kind resource', () => {
    const p = parsePolicy(pol([{ ...S, Principal: { AWS: ['arn:aws:iam::000000000000:root', '111122223333'] } }]), { kind: 'resource' });
    expect(p.statements[0]!.principal).to.not.equal(undefined);
  });
});
