import { expect } from 'chai';
import { foldListing, type FoldSource, type RangeStart } from '../src/store/fold-listing.js';
import { compareUtf8 } from '../src/store/key-order.js';

/** An in-memory sorted key source (binary search, like an index seek) that counts the rows it hands out. */
function arraySource(keys: string[]): FoldSource<string> & { yielded: number } {
  const sorted = [...keys].sort(compareUtf8);
  const encoded = sorted.map((k) => Buffer.from(k));
  const firstIndex = (start: RangeStart): number => {
    const target = Buffer.from(start.key);
    let lo = 0;
    let hi = sorted.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      const c = Buffer.compare(encoded[mid]!, target);
      if (start.mode === 'from' ? c < 0 : c <= 0) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  };
  const source = {
    yielded: 0,
    *fetch(start: RangeStart, below: string | undefined, limit: number): Iterable<string> {
      for (let i = firstIndex(start), n = 0; i < sorted.length && n < limit; i++, n++) {
        if (below !== undefined && compareUtf8(sorted[i]!, below) >= 0) return;
        source.yielded++;
        yield sorted[i]!;
      }
    },
    keyOf: (key: string) => key,
  };
  return source;
}

describe('foldListing', () => {
  it('seeks past each common prefix instead of reading the keys under it', () => {
    const keys: string[] = [];
    for (let p = 0; p < 1000; p++) for (let k = 0; k < 100; k++) keys.push(`p${String(p).padStart(4, '0')}/k${k}`);
    const source = arraySource(keys);
    const page = foldListing(source, { prefix: '', delimiter: '/', max: 1000 });
    expect(page.prefixes).to.have.length(1000);
    expect(page.prefixes[999]).to.equal('p0999/');
    expect(page.truncated).to.equal(false);
    // One row per prefix: 100 000 keys are never read.
    expect(source.yielded).to.equal(1000);
  });

  it('reports truncation only when another entry exists', () => {
    const source = arraySource(['a/1', 'a/2', 'b/1']);
    expect(foldListing(source, { prefix: '', delimiter: '/', max: 2 })).to.deep.include({ prefixes: ['a/', 'b/'], truncated: false });
    expect(foldListing(source, { prefix: '', delimiter: '/', max: 1 })).to.deep.include({ prefixes: ['a/'], truncated: true, last: { key: 'a/' } });
    expect(foldListing(source, { prefix: '', delimiter: '/', max: 1, marker: 'a/' })).to.deep.include({ prefixes: ['b/'], truncated: false });
    expect(foldListing(source, { prefix: '', delimiter: '/', max: 0 })).to.deep.include({ prefixes: [], rows: [], truncated: false });
  });
});
