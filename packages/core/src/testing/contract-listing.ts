import { expect } from 'chai';
import type { ListObjectsOptions, ListObjectsResult, ObjectStore } from '../object-store.js';
import { compareUtf8, expectS3Error, modelListing, putText } from './contract-helpers.js';
import type { ContractContext } from './object-store-contract.js';

/** Keys chosen to stress byte order, delimiters at the edges, and keys equal to prefixes. */
const LISTING_KEYS = [
  'a',
  'a/',
  'a/b',
  'a/b/',
  'a/b/c',
  'a/c',
  'a//b',
  'ab',
  'a-b',
  'b/1',
  'b/2',
  'b/x/y',
  'bb',
  'c',
  'é',
  'é/x',
  '\uff01',
  '\u{1F600}',
  '\u{1F600}/z',
  'Z',
  'z/',
];

async function putKeys(store: ObjectStore, bucket: string, keys: readonly string[]): Promise<void> {
  for (const key of keys) await putText(store, bucket, key, key);
}

/** Pages through a listing with nextMarker until the end, returning every entry in order. */
async function listAll(store: ObjectStore, bucket: string, opts: ListObjectsOptions): Promise<{ entries: string[]; pages: ListObjectsResult[] }> {
  const entries: string[] = [];
  const pages: ListObjectsResult[] = [];
  let startAfter = opts.startAfter;
  for (;;) {
    const page = await store.listObjects(bucket, { ...opts, startAfter });
    pages.push(page);
    const merged = [...page.objects.map((o) => o.key), ...page.commonPrefixes].sort(compareUtf8);
    entries.push(...merged);
    expect(pages.length, 'pagination must terminate').to.be.lessThan(200);
    if (!page.isTruncated) return { entries, pages };
    expect(page.nextMarker).to.equal(merged[merged.length - 1]);
    startAfter = page.nextMarker;
  }
}

/** ListObjects: UTF-8 byte order, prefix, delimiter, startAfter, maxKeys, truncation. */
export function listingContract(ctx: ContractContext): void {
  describe('listing', () => {
    it('lists keys in UTF-8 byte order (not UTF-16 order)', async () => {
      const keys = ['a', 'a/', 'a/b', 'ab', 'é', '\u{1F600}', 'Z', '\uff01', '\u007f', 'a0'];
      await putKeys(ctx.store, ctx.bucket, keys);
      const listed = (await ctx.store.listObjects(ctx.bucket, { maxKeys: 1000 })).objects.map((o) => o.key);
      const expected = [...keys].sort(compareUtf8);
      expect(listed).to.deep.equal(expected);
      // U+FF01 sorts before U+1F600 in UTF-8 although its UTF-16 code unit is larger.
      expect(listed.indexOf('\uff01')).to.be.lessThan(listed.indexOf('\u{1F600}'));
      expect(listed.slice(0, 2)).to.deep.equal(['Z', 'a']);
    });

    it('every page matches the reference model for prefix / delimiter / startAfter / maxKeys', async () => {
      await putKeys(ctx.store, ctx.bucket, LISTING_KEYS);
      for (const prefix of [undefined, 'a', 'a/', 'a/b', 'b/', 'é', 'zz']) {
        for (const delimiter of [undefined, '/', 'b', '//']) {
          for (const startAfter of [undefined, '', 'a', 'a/', 'a/a', 'a/b', 'a/b/', 'a/bz', 'b', 'é', '\u{1F600}', 'zzz']) {
            for (const maxKeys of [1, 2, 3, 1000]) {
              const opts = { prefix, delimiter, startAfter, maxKeys };
              const got = await ctx.store.listObjects(ctx.bucket, opts);
              const want = modelListing(LISTING_KEYS, opts);
              const label = JSON.stringify(opts);
              expect(got.objects.map((o) => o.key), label).to.deep.equal(want.keys);
              expect(got.commonPrefixes, label).to.deep.equal(want.prefixes);
              expect(got.isTruncated, label).to.equal(want.isTruncated);
              expect(got.nextMarker, label).to.equal(want.nextMarker);
            }
          }
        }
      }
    });

    it('continuing from nextMarker reaches every key or prefix exactly once', async () => {
      await putKeys(ctx.store, ctx.bucket, LISTING_KEYS);
      for (const prefix of [undefined, 'a', 'a/', 'b']) {
        for (const delimiter of [undefined, '/', 'b']) {
          for (const maxKeys of [1, 2, 5]) {
            const full = modelListing(LISTING_KEYS, { prefix, delimiter, maxKeys: 1000 });
            const { entries } = await listAll(ctx.store, ctx.bucket, { prefix, delimiter, maxKeys });
            const label = JSON.stringify({ prefix, delimiter, maxKeys });
            expect(entries, label).to.deep.equal([...full.keys, ...full.prefixes].sort(compareUtf8));
            expect(new Set(entries).size, label).to.equal(entries.length);
          }
        }
      }
    });

    it('maxKeys counts objects and common prefixes together', async () => {
      await putKeys(ctx.store, ctx.bucket, ['a', 'b/1', 'b/2', 'c', 'd/1', 'e']);
      const page = await ctx.store.listObjects(ctx.bucket, { delimiter: '/', maxKeys: 3 });
      expect(page.objects.map((o) => o.key)).to.deep.equal(['a', 'c']);
      expect(page.commonPrefixes).to.deep.equal(['b/']);
      expect(page.isTruncated).to.equal(true);
      expect(page.nextMarker).to.equal('c');
      const next = await ctx.store.listObjects(ctx.bucket, { delimiter: '/', maxKeys: 3, startAfter: page.nextMarker });
      expect(next.objects.map((o) => o.key)).to.deep.equal(['e']);
      expect(next.commonPrefixes).to.deep.equal(['d/']);
      expect(next.isTruncated).to.equal(false);
      expect(next.nextMarker).to.equal(undefined);
    });

    it('a common prefix as nextMarker continues after all keys under it', async () => {
      const keys: string[] = [];
      for (let p = 0; p < 12; p++) for (let k = 0; k < 15; k++) keys.push(`dir${String(p).padStart(2, '0')}/file${k}`);
      keys.push('top');
      await putKeys(ctx.store, ctx.bucket, keys);
      const { entries, pages } = await listAll(ctx.store, ctx.bucket, { delimiter: '/', maxKeys: 5 });
      const dirs = Array.from({ length: 12 }, (_, p) => `dir${String(p).padStart(2, '0')}/`);
      expect(entries).to.deep.equal([...dirs, 'top']);
      expect(pages).to.have.length(3);
      expect(pages[0]?.nextMarker).to.equal('dir04/');
      const inside = await ctx.store.listObjects(ctx.bucket, { prefix: 'dir03/', delimiter: '/', maxKeys: 1000 });
      expect(inside.objects).to.have.length(15);
      expect(inside.commonPrefixes).to.deep.equal([]);
    });

    it('startAfter is exclusive and may be any string', async () => {
      await putKeys(ctx.store, ctx.bucket, ['a', 'b', 'c']);
      const list = async (startAfter: string): Promise<string[]> =>
        (await ctx.store.listObjects(ctx.bucket, { startAfter, maxKeys: 10 })).objects.map((o) => o.key);
      expect(await list('a')).to.deep.equal(['b', 'c']);
      expect(await list('a0')).to.deep.equal(['b', 'c']);
      expect(await list('')).to.deep.equal(['a', 'b', 'c']);
      expect(await list('c')).to.deep.equal([]);
      expect(await list('\u{10FFFF}')).to.deep.equal([]);
    });

    it('a listing of an empty bucket or a prefix matching nothing is empty and not truncated', async () => {
      const empty = await ctx.store.listObjects(ctx.bucket, { maxKeys: 1000 });
      expect(empty).to.deep.include({ objects: [], commonPrefixes: [], isTruncated: false });
      await putKeys(ctx.store, ctx.bucket, ['a/1']);
      const none = await ctx.store.listObjects(ctx.bucket, { prefix: 'b', delimiter: '/', maxKeys: 1000 });
      expect(none).to.deep.include({ objects: [], commonPrefixes: [], isTruncated: false });
    });

    it('NoSuchBucket for a missing bucket', async () => {
      await expectS3Error(ctx.store.listObjects('missing', { maxKeys: 1 }), 'NoSuchBucket');
    });
  });
}
