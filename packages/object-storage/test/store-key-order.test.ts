import { expect } from 'chai';
import fc from 'fast-check';
import { compareUtf8, prefixSuccessor } from '../src/store/key-order.js';

describe('key order helpers', () => {
  it('compareUtf8 orders by UTF-8 bytes, unlike UTF-16 string comparison', () => {
    expect(compareUtf8('\uff01', '\u{1F600}')).to.be.lessThan(0);
    expect('\uff01' < '\u{1F600}').to.equal(false);
    expect(compareUtf8('Z', 'a')).to.be.lessThan(0);
    expect(compareUtf8('a', 'a/')).to.be.lessThan(0);
    expect(compareUtf8('é', 'é')).to.equal(0);
  });

  it('prefixSuccessor increments the last code point and skips surrogates and U+10FFFF', () => {
    expect(prefixSuccessor('a/')).to.equal('a0');
    expect(prefixSuccessor('\u007f')).to.equal('\u0080');
    expect(prefixSuccessor('x\ud7ff')).to.equal('x\ue000');
    expect(prefixSuccessor('x\uffff')).to.equal('x\u{10000}');
    expect(prefixSuccessor('ab\u{10FFFF}\u{10FFFF}')).to.equal('ac');
    expect(prefixSuccessor('\u{10FFFF}')).to.equal(undefined);
    expect(prefixSuccessor('')).to.equal(undefined);
  });

  it('prefixSuccessor(p) is above every p-prefixed string and at most any greater string without p', () => {
    const str = fc.string({ unit: 'binary', maxLength: 6 });
    fc.assert(
      fc.property(str.filter((s) => s.length > 0), str, str, (p, t, u) => {
        const next = prefixSuccessor(p);
        if (next === undefined) return;
        expect(compareUtf8(p + t, next)).to.be.lessThan(0);
        if (!u.startsWith(p) && compareUtf8(u, p) > 0) expect(compareUtf8(u, next)).to.be.at.least(0);
      }),
      { numRuns: 2000 },
    );
  });
});
