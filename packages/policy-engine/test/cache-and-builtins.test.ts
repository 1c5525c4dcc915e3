/** PolicyCache and MinIO's built-in policies. */
import { expect } from 'chai';
import { PolicyCache, PolicyError, builtinPolicies, evaluate, parsePolicy } from '../src/index.js';
import { ctx, doc } from './helpers.js';

describe('builtinPolicies (MinIO canned policies)', () => {
  const b = builtinPolicies();
  const decide = (name: string, action: string, resource = 'arn:aws:s3:::bucket/key'): string =>
    evaluate({ identity: [{ name, policy: parsePolicy(b[name]!) }], ctx: ctx({ action, resource }) }).effect;

  it('has MinIO\'s documents', () => {
    expect(Object.keys(b).sort()).to.deep.equal(['readonly', 'readwrite', 'writeonly']);
    expect(JSON.parse(b['readwrite']!)).to.deep.equal({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: ['s3:*'], Resource: ['arn:aws:s3:::*'] }] });
    expect(JSON.parse(b['readonly']!).Statement[0].Action).to.deep.equal(['s3:GetBucketLocation', 's3:GetObject']);
    expect(JSON.parse(b['writeonly']!).Statement[0].Action).to.deep.equal(['s3:PutObject']);
  });

  it('readwrite allows every S3 action on every bucket', () => {
    expect(decide('readwrite', 's3:PutObject')).to.equal('Allow');
    expect(decide('readwrite', 's3:DeleteBucket', 'arn:aws:s3:::bucket')).to.equal('Allow');
    expect(decide('readwrite', 's3:ListAllMyBuckets', '*')).to.equal('Allow');
    expect(decide('readwrite', 'sts:AssumeRole', '*')).to.equal('Deny');
  });

  it('readonly allows GetObject and GetBucketLocation only', () => {
    expect(decide('readonly', 's3:GetObject')).to.equal('Allow');
    expect(decide('readonly', 's3:GetBucketLocation', 'arn:aws:s3:::bucket')).to.equal('Allow');
    expect(decide('readonly', 's3:PutObject')).to.equal('Deny');
  });

  it('writeonly allows PutObject only', () => {
    expect(decide('writeonly', 's3:PutObject')).to.equal('Allow');
    expect(decide('writeonly', 's3:GetObject')).to.equal('Deny');
  });

  it('returns a fresh object each call', () => {
    const a = builtinPolicies();
    a['readwrite'] = 'x';
    expect(builtinPolicies()['readwrite']).to.not.equal('x');
  });
});

describe('PolicyCache', () => {
  const v1 = doc({ Effect: 'Allow', Action: 's3:GetObject', Resource: '*' });
  const v2 = doc({ Effect: 'Allow', Action: 's3:PutObject', Resource: '*' });

  it('returns the same parsed policy while the text is unchanged', () => {
    const c = new PolicyCache();
    const a = c.get('p', v1);
    expect(c.get('p', v1)).to.equal(a);
    expect(c.size).to.equal(1);
  });

  it('re-parses when the text changes', () => {
    const c = new PolicyCache();
    const a = c.get('p', v1);
    const b = c.get('p', v2);
    expect(b).to.not.equal(a);
    expect(b.source).to.equal(v2);
  });

  it('re-parses when the kind changes', () => {
    const c = new PolicyCache();
    const bucket = doc({ Effect: 'Allow', Principal: '*', Action: 's3:GetObject', Resource: '*' });
    expect(() => c.get('p', bucket)).to.throw(PolicyError);
    expect(c.get('p', bucket, { kind: 'resource' }).statements).to.have.length(1);
  });

  it('does not cache an invalid text, and keeps the previous entry usable', () => {
    const c = new PolicyCache();
    const a = c.get('p', v1);
    expect(() => c.get('p', '{bad')).to.throw(PolicyError);
    expect(c.get('p', v1)).to.equal(a);
  });

  it('delete and clear forget entries', () => {
    const c = new PolicyCache();
    const a = c.get('p', v1);
    c.get('q', v2);
    c.delete('p');
    expect(c.get('p', v1)).to.not.equal(a);
    c.clear();
    expect(c.size).to.equal(0);
  });
});
