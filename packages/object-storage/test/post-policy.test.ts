import { expect } from 'chai';
import { isS3Error } from '@keyless/core';
import { checkPostPolicy, parsePostPolicy } from '../src/http/post-policy.js';

function b64(doc: unknown): string {
  return Buffer.from(JSON.stringify(doc)).toString('base64');
}

function errorOf(fn: () => unknown): { code: string; message: string } {
  try {
    fn();
  } catch (err) {
    if (isS3Error(err)) return { code: err.code, message: err.message };
    throw err;
  }
  throw new Error('expected an S3Error');
}

const NOW = new Date('2030-01-01T00:00:00Z');
const EXP = '2030-01-02T00:00:00.000Z';

describe('POST policy (browser uploads)', () => {
  describe('parsePostPolicy', () => {
    it('normalizes exact, eq, starts-with and content-length-range conditions', () => {
      const p = parsePostPolicy(b64({
        expiration: EXP,
        conditions: [{ bucket: 'b' }, ['eq', '$Key', 'k'], ['starts-with', '$Content-Type', 'image/'], ['content-length-range', 1, '10']],
      }));
      expect(p.expiration.toISOString()).to.equal(EXP);
      expect(p.conditions).to.deep.equal([
        { type: 'eq', field: 'bucket', value: 'b', source: '["eq", "$bucket", "b"]' },
        { type: 'eq', field: 'key', value: 'k', source: '["eq", "$Key", "k"]' },
        { type: 'starts-with', field: 'content-type', value: 'image/', source: '["starts-with", "$Content-Type", "image/"]' },
        { type: 'content-length-range', min: 1, max: 10, source: '["content-length-range", 1, "10"]' },
      ]);
    });

    for (const [name, text, pattern] of [
      ['not base64', '%%%', /base64/],
      ['not JSON', Buffer.from('{nope').toString('base64'), /Invalid JSON/],
      ['no expiration', b64({ conditions: [] }), /missing expiration/],
      ['a bad expiration', b64({ expiration: 'tomorrow', conditions: [] }), /expiration/],
      ['no conditions', b64({ expiration: EXP }), /missing conditions/],
      ['an unknown operator', b64({ expiration: EXP, conditions: [['gt', '$key', 'a']] }), /Invalid Condition/],
      ['a field without $', b64({ expiration: EXP, conditions: [['eq', 'key', 'a']] }), /Invalid Condition/],
      ['a negative range', b64({ expiration: EXP, conditions: [['content-length-range', -1, 5]] }), /content-length-range/],
    ] as const) {
      it(`refuses ${name} with InvalidPolicyDocument`, () => {
        const e = errorOf(() => parsePostPolicy(text));
        expect(e.code).to.equal('InvalidPolicyDocument');
        expect(e.message).to.match(pattern);
      });
    }
  });

  describe('checkPostPolicy', () => {
    const policy = parsePostPolicy(b64({
      expiration: EXP,
      conditions: [{ bucket: 'photos' }, ['starts-with', '$key', 'user/'], { 'x-amz-date': '20300101T000000Z' }, ['starts-with', '$Content-Type', 'image/'], ['content-length-range', 5, 100]],
    }));
    const fields = (extra: Record<string, string> = {}) => new Map(Object.entries({ key: 'user/a.png', 'x-amz-date': '20300101T000000Z', 'content-type': 'image/png', policy: 'p', 'x-amz-signature': 's', ...extra }));

    it('accepts a form meeting every condition and returns the size range', () => {
      expect(checkPostPolicy(policy, { bucket: 'photos', fields: fields() }, NOW)).to.deep.equal({ min: 5, max: 100 });
    });

    it('refuses an expired policy', () => {
      const e = errorOf(() => checkPostPolicy(policy, { bucket: 'photos', fields: fields() }, new Date(EXP)));
      expect(e).to.deep.equal({ code: 'AccessDenied', message: 'Invalid according to Policy: Policy expired.' });
    });

    it('names the failed condition', () => {
      const e = errorOf(() => checkPostPolicy(policy, { bucket: 'photos', fields: fields({ key: 'other/a.png' }) }, NOW));
      expect(e).to.deep.equal({ code: 'AccessDenied', message: 'Invalid according to Policy: Policy Condition failed: ["starts-with", "$key", "user/"]' });
    });

    it('checks the bucket condition against the addressed bucket', () => {
      const e = errorOf(() => checkPostPolicy(policy, { bucket: 'videos', fields: fields() }, NOW));
      expect(e.message).to.equal('Invalid according to Policy: Policy Condition failed: ["eq", "$bucket", "photos"]');
    });

    it('applies starts-with on Content-Type to every comma-separated value', () => {
      const e = errorOf(() => checkPostPolicy(policy, { bucket: 'photos', fields: fields({ 'content-type': 'image/png, text/plain' }) }, NOW));
      expect(e.code).to.equal('AccessDenied');
    });

    it('refuses a field no condition covers, but not x-ignore-*, policy, signature or file', () => {
      expect(checkPostPolicy(policy, { bucket: 'photos', fields: fields({ 'x-ignore-anything': '1', file: 'x' }) }, NOW)).to.deep.equal({ min: 5, max: 100 });
      const e = errorOf(() => checkPostPolicy(policy, { bucket: 'photos', fields: fields({ 'x-amz-meta-tag': 'x' }) }, NOW));
      expect(e).to.deep.equal({ code: 'AccessDenied', message: 'Invalid according to Policy: Extra input fields: x-amz-meta-tag' });
    });

    it('treats a missing field as empty (eq fails, starts-with "" matches)', () => {
      const p = parsePostPolicy(b64({ expiration: EXP, conditions: [{ bucket: 'b' }, ['starts-with', '$success_action_redirect', '']] }));
      expect(checkPostPolicy(p, { bucket: 'b', fields: new Map() }, NOW)).to.equal(undefined);
      const q = parsePostPolicy(b64({ expiration: EXP, conditions: [{ acl: 'private' }] }));
      expect(errorOf(() => checkPostPolicy(q, { bucket: 'b', fields: new Map() }, NOW)).code).to.equal('AccessDenied');
    });

    it('intersects several content-length-range conditions', () => {
      const p = parsePostPolicy(b64({ expiration: EXP, conditions: [{ bucket: 'b' }, ['content-length-range', 0, 50], ['content-length-range', 10, 100]] }));
      expect(checkPostPolicy(p, { bucket: 'b', fields: new Map() }, NOW)).to.deep.equal({ min: 10, max: 50 });
    });

    it('refuses a policy that does not name the bucket (it could be replayed against another bucket)', () => {
      const p = parsePostPolicy(b64({ expiration: EXP, conditions: [['starts-with', '$key', '']] }));
      expect(errorOf(() => checkPostPolicy(p, { bucket: 'b', fields: new Map([['key', 'k']]) }, NOW)).code).to.equal('AccessDenied');
    });
  });
});
