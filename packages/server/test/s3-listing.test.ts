import { expect } from 'chai';
import { arr, errorCode, parseXml, type S3RequestSpec } from './support/s3-client.js';
import { startTestServer, type TestServer } from './support/s3-test-server.js';

const B = 'listing-bucket';

/** Keys in S3 order: by UTF-8 bytes (U+FB00 sorts before U+1F600 in UTF-8, after it in UTF-16). */
const KEYS = [
  'a.txt',
  'dir1/a',
  'dir1/b',
  'dir1/sub/c',
  'dir2/x',
  'photos/2024/jan.jpg',
  'photos/2024/feb.jpg',
  'photos/2025/mar.jpg',
  'photos/readme',
  'z',
  'é',
  '\uFB00',
  '\u{1F600}',
];

function byteSorted(keys: string[]): string[] {
  return [...keys].sort((a, b) => Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8')));
}

describe('S3 HTTP: listing', function () {
  let t: TestServer;
  const send = (spec: S3RequestSpec) => t.client.send(spec);
  const listV2 = async (query: Record<string, string> = {}, bucket = B) => {
    const res = await send({ method: 'GET', bucket, query: { 'list-type': '2', ...query } });
    expect(res.status, res.text).to.equal(200);
    return parseXml(res).ListBucketResult;
  };
  const listV1 = async (query: Record<string, string> = {}) => {
    const res = await send({ method: 'GET', bucket: B, query });
    expect(res.status, res.text).to.equal(200);
    return parseXml(res).ListBucketResult;
  };
  const keysOf = (doc: any): string[] => arr(doc.Contents).map((c: any) => c.Key);
  const prefixesOf = (doc: any): string[] => arr(doc.CommonPrefixes).map((c: any) => c.Prefix);

  before(async () => {
    t = await startTestServer();
    expect((await send({ method: 'PUT', bucket: B })).status).to.equal(200);
    for (const k of KEYS) expect((await send({ method: 'PUT', bucket: B, key: k, body: k })).status, k).to.equal(200);
  });
  after(async () => {
    await t?.close();
  });

  it('ListObjectsV2 lists every key in UTF-8 byte order with sizes and ETags', async () => {
    const doc = await listV2();
    expect(keysOf(doc)).to.deep.equal(byteSorted(KEYS));
    expect(doc.KeyCount).to.equal(String(KEYS.length));
    expect(doc.IsTruncated).to.equal('false');
    expect(doc.MaxKeys).to.equal('1000');
    expect(doc.Name).to.equal(B);
    const first = arr(doc.Contents)[0];
    expect(first.Size).to.equal(String(Buffer.byteLength(first.Key)));
    expect(first.ETag).to.match(/^"[0-9a-f]{32}"$/);
    expect(first.StorageClass).to.equal('STANDARD');
    expect(keysOf(doc).slice(-4)).to.deep.equal(['z', 'é', '\uFB00', '\u{1F600}']);
  });

  it('ListObjects v1 lists the same keys in the same order', async () => {
    const doc = await listV1();
    expect(keysOf(doc)).to.deep.equal(byteSorted(KEYS));
    expect(doc.IsTruncated).to.equal('false');
    expect(doc.Marker).to.equal('');
  });

  it('prefix filters keys', async () => {
    expect(keysOf(await listV2({ prefix: 'photos/2024/' }))).to.deep.equal(['photos/2024/feb.jpg', 'photos/2024/jan.jpg']);
    expect(keysOf(await listV1({ prefix: 'dir1/' }))).to.deep.equal(['dir1/a', 'dir1/b', 'dir1/sub/c']);
    const none = await listV2({ prefix: 'nothing-here/' });
    expect(keysOf(none)).to.deep.equal([]);
    expect(none.KeyCount).to.equal('0');
  });

  it('delimiter rolls keys up into CommonPrefixes (v2 and v1)', async () => {
    const v2 = await listV2({ delimiter: '/' });
    expect(keysOf(v2)).to.deep.equal(['a.txt', 'z', 'é', '\uFB00', '\u{1F600}']);
    expect(prefixesOf(v2)).to.deep.equal(['dir1/', 'dir2/', 'photos/']);
    expect(v2.KeyCount).to.equal('8');
    expect(v2.Delimiter).to.equal('/');
    const v1 = await listV1({ delimiter: '/', prefix: 'photos/' });
    expect(keysOf(v1)).to.deep.equal(['photos/readme']);
    expect(prefixesOf(v1)).to.deep.equal(['photos/2024/', 'photos/2025/']);
    expect(v1.Prefix).to.equal('photos/');
  });

  it('a key equal to the prefix is listed as an object, not rolled up', async () => {
    expect((await send({ method: 'PUT', bucket: B, key: 'dir2/', body: '' })).status).to.equal(200);
    try {
      const doc = await listV2({ prefix: 'dir2/', delimiter: '/' });
      expect(keysOf(doc)).to.deep.equal(['dir2/', 'dir2/x']);
      expect(prefixesOf(doc)).to.deep.equal([]);
    } finally {
      expect((await send({ method: 'DELETE', bucket: B, key: 'dir2/' })).status).to.equal(204);
    }
  });

  it('max-keys truncates; max-keys=0 returns nothing and is not truncated', async () => {
    const doc = await listV2({ 'max-keys': '3' });
    expect(keysOf(doc)).to.deep.equal(byteSorted(KEYS).slice(0, 3));
    expect(doc.IsTruncated).to.equal('true');
    expect(doc.NextContinuationToken).to.be.a('string').and.not.equal('');
    expect(doc.MaxKeys).to.equal('3');
    const zero = await listV2({ 'max-keys': '0' });
    expect(keysOf(zero)).to.deep.equal([]);
    expect(zero.IsTruncated).to.equal('false');
  });

  it('start-after (v2) and marker (v1) begin after the given key', async () => {
    const sorted = byteSorted(KEYS);
    expect(keysOf(await listV2({ 'start-after': 'photos/readme' }))).to.deep.equal(sorted.slice(sorted.indexOf('photos/readme') + 1));
    const v2 = await listV2({ 'start-after': 'dir1/b' });
    expect(v2.StartAfter).to.equal('dir1/b');
    expect(keysOf(v2)[0]).to.equal('dir1/sub/c');
    const v1 = await listV1({ marker: 'z' });
    expect(keysOf(v1)).to.deep.equal(['é', '\uFB00', '\u{1F600}']);
    expect(v1.Marker).to.equal('z');
  });

  for (const delimiter of [undefined, '/']) {
    it(`continuation-token paging visits every entry exactly once (max-keys=2, delimiter ${delimiter ?? 'none'})`, async () => {
      const seen: string[] = [];
      let token: string | undefined;
      let pages = 0;
      for (;;) {
        const q: Record<string, string> = { 'max-keys': '2' };
        if (delimiter) q.delimiter = delimiter;
        if (token) q['continuation-token'] = token;
        const doc = await listV2(q);
        pages++;
        if (token) expect(doc.ContinuationToken).to.equal(token);
        const entries = [...keysOf(doc), ...prefixesOf(doc)];
        expect(entries.length).to.be.at.most(2);
        expect(doc.KeyCount).to.equal(String(entries.length));
        seen.push(...entries);
        if (doc.IsTruncated !== 'true') {
          expect(doc.NextContinuationToken).to.equal(undefined);
          break;
        }
        token = doc.NextContinuationToken;
        expect(pages).to.be.below(20);
      }
      const expected = delimiter ? (await listV2({ delimiter })) : await listV2();
      const all = [...keysOf(expected), ...prefixesOf(expected)];
      expect(seen).to.have.members(all);
      expect(new Set(seen).size).to.equal(seen.length);
      expect(seen.length).to.equal(all.length);
    });
  }

  it('ListObjects v1 paging with a delimiter follows NextMarker; without one, the last key', async () => {
    const seen: string[] = [];
    let marker: string | undefined;
    for (let i = 0; i < 20; i++) {
      const doc = await listV1({ 'max-keys': '2', delimiter: '/', ...(marker ? { marker } : {}) });
      seen.push(...keysOf(doc), ...prefixesOf(doc));
      if (doc.IsTruncated !== 'true') break;
      expect(doc.NextMarker).to.be.a('string');
      marker = doc.NextMarker;
    }
    expect(seen).to.deep.equal(['a.txt', 'dir1/', 'dir2/', 'photos/', 'z', 'é', '\uFB00', '\u{1F600}']);

    const flat: string[] = [];
    marker = undefined;
    for (let i = 0; i < 20; i++) {
      const doc = await listV1({ 'max-keys': '5', ...(marker ? { marker } : {}) });
      const keys = keysOf(doc);
      flat.push(...keys);
      if (doc.IsTruncated !== 'true') break;
      marker = keys[keys.length - 1];
    }
    expect(flat).to.deep.equal(byteSorted(KEYS));
  });

  it('an invalid continuation token answers 400 InvalidArgument', async () => {
    for (const token of ['!!!not-base64!!!', 'Zm9v=']) {
      const res = await send({ method: 'GET', bucket: B, query: { 'list-type': '2', 'continuation-token': token } });
      expect(res.status, token).to.equal(400);
      expect(errorCode(res), token).to.equal('InvalidArgument');
    }
  });

  it('max-keys=-1 or non-numeric answers 400 InvalidArgument', async () => {
    for (const v of ['-1', 'ten']) {
      const v2 = await send({ method: 'GET', bucket: B, query: { 'list-type': '2', 'max-keys': v } });
      expect(v2.status, v).to.equal(400);
      expect(errorCode(v2), v).to.equal('InvalidArgument');
      const v1 = await send({ method: 'GET', bucket: B, query: { 'max-keys': v } });
      expect(v1.status, v).to.equal(400);
      expect(errorCode(v1), v).to.equal('InvalidArgument');
    }
  });

  it('an unknown encoding-type answers InvalidArgument', async () => {
    const res = await send({ method: 'GET', bucket: B, query: { 'list-type': '2', 'encoding-type': 'base64' } });
    expect(res.status).to.equal(400);
    expect(errorCode(res)).to.equal('InvalidArgument');
  });

  describe('encoding-type=url', function () {
    const EB = 'encoding-bucket';
    const keys = ['with space', 'ctl\u0001char', 'tab\there', 'amp&lt<gt>', 'plus+sign', 'unicodé/file', 'dir x/one'];
    before(async () => {
      expect((await send({ method: 'PUT', bucket: EB })).status).to.equal(200);
      for (const k of keys) expect((await send({ method: 'PUT', bucket: EB, key: k, body: 'x' })).status, JSON.stringify(k)).to.equal(200);
    });

    it('v2: keys are URL-encoded and decode back to the stored keys', async () => {
      const doc = await listV2({ 'encoding-type': 'url' }, EB);
      expect(doc.EncodingType).to.equal('url');
      const raw = keysOf(doc);
      expect(raw).to.include('with%20space');
      expect(raw).to.include('ctl%01char');
      expect(raw.every((k) => !/[\u0000-\u001f ]/.test(k))).to.equal(true);
      expect(raw.map((k) => decodeURIComponent(k))).to.deep.equal(byteSorted(keys));
    });

    it('v1: keys, common prefixes and delimiter are URL-encoded; Prefix is echoed as sent (as S3 and botocore agree)', async () => {
      const res = await send({ method: 'GET', bucket: EB, query: { 'encoding-type': 'url', delimiter: '/', prefix: 'dir x/' } });
      expect(res.status).to.equal(200);
      const doc = parseXml(res).ListBucketResult;
      expect(doc.Prefix).to.equal('dir x/');
      expect(keysOf(doc)).to.deep.equal(['dir%20x/one']);
      const top = parseXml(await send({ method: 'GET', bucket: EB, query: { 'encoding-type': 'url', delimiter: '/' } })).ListBucketResult;
      expect(prefixesOf(top).map(decodeURIComponent)).to.deep.equal(['dir x/', 'unicodé/']);
    });

    it('without encoding-type, XML-safe keys come back verbatim (entities decoded)', async () => {
      const doc = await listV2({ prefix: 'amp' }, EB);
      expect(keysOf(doc)).to.deep.equal(['amp&lt<gt>']);
    });
  });

  it('listing a missing bucket answers NoSuchBucket', async () => {
    const res = await send({ method: 'GET', bucket: 'no-such-listing-bucket', query: { 'list-type': '2' } });
    expect(res.status).to.equal(404);
    expect(errorCode(res)).to.equal('NoSuchBucket');
  });
});
