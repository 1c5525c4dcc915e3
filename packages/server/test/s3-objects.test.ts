import { createHash } from 'node:crypto';
import { expect } from 'chai';
import { arr, errorCode, md5Base64, md5Hex, parseXml, sha256Hex, type S3RequestSpec } from './support/s3-client.js';
import { startTestServer, type TestServer } from './support/s3-test-server.js';

const B = 'objects-bucket';

describe('S3 HTTP: objects', function () {
  let t: TestServer;
  const send = (spec: S3RequestSpec) => t.client.send(spec);
  const put = (key: string, body: string | Buffer, headers: Record<string, string> = {}) => send({ method: 'PUT', bucket: B, key, body, headers });
  const get = (key: string, headers: Record<string, string> = {}, query: Record<string, string> = {}) => send({ method: 'GET', bucket: B, key, headers, query });

  before(async () => {
    t = await startTestServer();
    expect((await send({ method: 'PUT', bucket: B })).status).to.equal(200);
  });
  after(async () => {
    await t?.close();
  });

  describe('PutObject', function () {
    it('answers 200 with ETag = quoted MD5 hex, and GetObject returns the bytes', async () => {
      const body = Buffer.from('hello, keyless');
      const res = await put('hello.txt', body);
      expect(res.status).to.equal(200);
      expect(res.headers.etag).to.equal(`"${md5Hex(body)}"`);
      expect(res.headers['x-amz-request-id']).to.be.a('string');
      const g = await get('hello.txt');
      expect(g.status).to.equal(200);
      expect(g.body.equals(body)).to.equal(true);
      expect(g.headers.etag).to.equal(`"${md5Hex(body)}"`);
      expect(g.headers['content-length']).to.equal(String(body.length));
      expect(g.headers['last-modified']).to.be.a('string');
      expect(new Date(g.headers['last-modified'] as string).getTime()).to.be.greaterThan(Date.now() - 60_000);
    });

    it('stores an empty object', async () => {
      const res = await put('empty', '');
      expect(res.status).to.equal(200);
      expect(res.headers.etag).to.equal(`"${md5Hex('')}"`);
      const g = await get('empty');
      expect(g.status).to.equal(200);
      expect(g.body.length).to.equal(0);
      expect(g.headers['content-length']).to.equal('0');
    });

    it('keeps x-amz-meta-*, Content-Type/-Encoding/-Disposition/-Language, Cache-Control and Expires', async () => {
      const headers = {
        'content-type': 'text/plain; charset=utf-8',
        'content-encoding': 'identity',
        'content-disposition': 'attachment; filename="r.txt"',
        'content-language': 'fr-CA',
        'cache-control': 'max-age=60',
        expires: 'Wed, 21 Oct 2037 07:28:00 GMT',
        'x-amz-meta-color': 'blue',
        'x-amz-meta-Multi-Word': 'Some Value',
      };
      expect((await put('meta.txt', 'meta', headers)).status).to.equal(200);
      for (const method of ['GET', 'HEAD']) {
        const r = await send({ method, bucket: B, key: 'meta.txt' });
        expect(r.status, method).to.equal(200);
        expect(r.headers['content-type']).to.equal('text/plain; charset=utf-8');
        expect(r.headers['content-encoding']).to.equal('identity');
        expect(r.headers['content-disposition']).to.equal('attachment; filename="r.txt"');
        expect(r.headers['content-language']).to.equal('fr-CA');
        expect(r.headers['cache-control']).to.equal('max-age=60');
        expect(r.headers.expires).to.equal('Wed, 21 Oct 2037 07:28:00 GMT');
        expect(r.headers['x-amz-meta-color']).to.equal('blue');
        expect(r.headers['x-amz-meta-multi-word']).to.equal('Some Value');
        expect(r.headers['accept-ranges']).to.equal('bytes');
      }
    });

    it('defaults Content-Type to binary/octet-stream when none was sent', async () => {
      await put('notype', 'x');
      expect((await get('notype')).headers['content-type']).to.equal('binary/octet-stream');
    });

    it('accepts a correct Content-MD5', async () => {
      const res = await put('md5-ok', 'digest me', { 'content-md5': md5Base64('digest me') });
      expect(res.status).to.equal(200);
      expect((await get('md5-ok')).text).to.equal('digest me');
    });

    it('refuses a wrong Content-MD5 with 400 BadDigest and stores nothing', async () => {
      const res = await put('md5-bad', 'digest me', { 'content-md5': md5Base64('something else') });
      expect(res.status).to.equal(400);
      expect(errorCode(res)).to.equal('BadDigest');
      const g = await get('md5-bad');
      expect(g.status).to.equal(404);
      expect(errorCode(g)).to.equal('NoSuchKey');
    });

    it('refuses a Content-MD5 that is not 16 bytes of base64 with InvalidDigest', async () => {
      const res = await put('md5-invalid', 'digest me', { 'content-md5': 'not-a-digest' });
      expect(res.status).to.equal(400);
      expect(errorCode(res)).to.equal('InvalidDigest');
    });

    it('refuses a body whose SHA-256 differs from x-amz-content-sha256 (XAmzContentSHA256Mismatch) and stores nothing', async () => {
      const res = await put('sha-bad', 'actual body', { 'x-amz-content-sha256': sha256Hex('claimed body') });
      expect(res.status).to.equal(400);
      expect(errorCode(res)).to.equal('XAmzContentSHA256Mismatch');
      expect((await get('sha-bad')).status).to.equal(404);
    });

    it('keeps the previous version intact when an overwrite fails verification', async () => {
      expect((await put('keep-me', 'version one')).status).to.equal(200);
      const bad = await put('keep-me', 'version two!', { 'x-amz-content-sha256': sha256Hex('different') });
      expect(errorCode(bad)).to.equal('XAmzContentSHA256Mismatch');
      const bad2 = await put('keep-me', 'version three', { 'content-md5': md5Base64('nope') });
      expect(errorCode(bad2)).to.equal('BadDigest');
      const g = await get('keep-me');
      expect(g.text).to.equal('version one');
      expect(g.headers.etag).to.equal(`"${md5Hex('version one')}"`);
    });

    it('overwrites an object (last writer wins)', async () => {
      await put('over', 'first');
      await put('over', 'second, longer');
      expect((await get('over')).text).to.equal('second, longer');
    });

    it('accepts a 1024-byte key and refuses 1025 bytes with KeyTooLongError', async () => {
      const ok = await put('k'.repeat(1024), 'x');
      expect(ok.status).to.equal(200);
      // Multi-byte: 341 * 3 bytes + 2 = 1025 bytes.
      for (const key of ['k'.repeat(1025), 'é'.repeat(512) + 'k']) {
        const res = await put(key, 'x');
        expect(res.status).to.equal(400);
        expect(errorCode(res)).to.equal('KeyTooLongError');
      }
    });

    it('keeps look-alike keys distinct: a, a/, a/b, ../x, a//b, %2e%2e/x', async () => {
      const keys = ['a', 'a/', 'a/b', '../x', 'a//b', '%2e%2e/x', './y', 'what?.txt', 'hash#x', 'eq=x&y', 'semi;colon', 'plus+ sign'];
      expect((await send({ method: 'PUT', bucket: 'lookalike' })).status).to.equal(200);
      for (const k of keys) expect((await send({ method: 'PUT', bucket: 'lookalike', key: k, body: `body of ${k}` })).status, k).to.equal(200);
      for (const k of keys) {
        const g = await send({ method: 'GET', bucket: 'lookalike', key: k });
        expect(g.status, k).to.equal(200);
        expect(g.text, k).to.equal(`body of ${k}`);
      }
      const list = parseXml(await send({ method: 'GET', bucket: 'lookalike', query: { 'list-type': '2' } })).ListBucketResult;
      const listed = arr(list.Contents).map((c: any) => c.Key);
      expect(listed).to.deep.equal([...keys].sort((x, y) => Buffer.compare(Buffer.from(x), Buffer.from(y))));
      const del = await send({ method: 'DELETE', bucket: 'lookalike', key: 'a/' });
      expect(del.status).to.equal(204);
      expect((await send({ method: 'GET', bucket: 'lookalike', key: 'a' })).text).to.equal('body of a');
      expect((await send({ method: 'GET', bucket: 'lookalike', key: 'a/b' })).text).to.equal('body of a/b');
      expect((await send({ method: 'GET', bucket: 'lookalike', key: 'a/' })).status).to.equal(404);
    });

    it('refuses an unknown storage class with InvalidStorageClass', async () => {
      const res = await put('sc', 'x', { 'x-amz-storage-class': 'SUPER_FAST' });
      expect(res.status).to.equal(400);
      expect(errorCode(res)).to.equal('InvalidStorageClass');
    });

    it('verifies x-amz-checksum-crc32 / -sha256 request headers (BadDigest on mismatch, echoed on success)', async () => {
      const body = Buffer.from('checksummed body');
      const sha = createHash('sha256').update(body).digest('base64');
      const ok = await put('ck-sha', body, { 'x-amz-checksum-sha256': sha });
      expect(ok.status, ok.text).to.equal(200);
      expect(ok.headers['x-amz-checksum-sha256']).to.equal(sha);
      const head = await send({ method: 'HEAD', bucket: B, key: 'ck-sha', headers: { 'x-amz-checksum-mode': 'ENABLED' } });
      expect(head.headers['x-amz-checksum-sha256']).to.equal(sha);
      const bad = await put('ck-bad', body, { 'x-amz-checksum-sha256': createHash('sha256').update('other').digest('base64') });
      expect(bad.status).to.equal(400);
      expect(errorCode(bad)).to.equal('BadDigest');
      expect((await get('ck-bad')).status).to.equal(404);
    });

    it('conditional writes: If-None-Match: * refuses to overwrite (412), If-Match must match', async () => {
      const first = await put('cond-write', 'v1', { 'if-none-match': '*' });
      expect(first.status).to.equal(200);
      const second = await put('cond-write', 'v2', { 'if-none-match': '*' });
      expect(second.status).to.equal(412);
      expect(errorCode(second)).to.equal('PreconditionFailed');
      const wrong = await put('cond-write', 'v3', { 'if-match': '"00000000000000000000000000000000"' });
      expect(wrong.status).to.equal(412);
      expect(errorCode(wrong)).to.equal('PreconditionFailed');
      expect((await get('cond-write')).text).to.equal('v1');
      const right = await put('cond-write', 'v4', { 'if-match': `"${md5Hex('v1')}"` });
      expect(right.status).to.equal(200);
      expect((await get('cond-write')).text).to.equal('v4');
    });

    it('CopyObject honours If-None-Match: * on the destination', async () => {
      await put('cond-copy-src', 'source');
      await put('cond-copy-dst', 'existing');
      const res = await send({ method: 'PUT', bucket: B, key: 'cond-copy-dst', headers: { 'x-amz-copy-source': `${B}/cond-copy-src`, 'if-none-match': '*' } });
      expect(res.status).to.equal(412);
      expect(errorCode(res)).to.equal('PreconditionFailed');
      expect((await get('cond-copy-dst')).text).to.equal('existing');
      const fresh = await send({ method: 'PUT', bucket: B, key: 'cond-copy-new', headers: { 'x-amz-copy-source': `${B}/cond-copy-src`, 'if-none-match': '*' } });
      expect(fresh.status).to.equal(200);
    });

    it('If-Match on a key that does not exist answers 404 NoSuchKey and writes nothing', async () => {
      const res = await put('cond-missing', 'x', { 'if-match': '"00000000000000000000000000000000"' });
      expect(res.status).to.equal(404);
      expect(errorCode(res)).to.equal('NoSuchKey');
      expect((await get('cond-missing')).status).to.equal(404);
    });

    it('DeleteObject with If-Match deletes only when the ETag matches (412 otherwise, 404 when missing)', async () => {
      await put('cond-del', 'v1');
      const wrong = await send({ method: 'DELETE', bucket: B, key: 'cond-del', headers: { 'if-match': '"00000000000000000000000000000000"' } });
      expect(wrong.status).to.equal(412);
      expect(errorCode(wrong)).to.equal('PreconditionFailed');
      expect((await get('cond-del')).text).to.equal('v1');
      const right = await send({ method: 'DELETE', bucket: B, key: 'cond-del', headers: { 'if-match': `"${md5Hex('v1')}"` } });
      expect(right.status).to.equal(204);
      expect((await get('cond-del')).status).to.equal(404);
      const missing = await send({ method: 'DELETE', bucket: B, key: 'cond-del', headers: { 'if-match': '*' } });
      expect(missing.status).to.equal(404);
      expect(errorCode(missing)).to.equal('NoSuchKey');
    });

    it('accepts UNSIGNED-PAYLOAD on a header-signed PUT', async () => {
      const res = await put('unsigned-payload', 'not hashed', { 'x-amz-content-sha256': 'UNSIGNED-PAYLOAD' });
      expect(res.status).to.equal(200);
      expect((await get('unsigned-payload')).text).to.equal('not hashed');
    });

    it('refuses more than 2 KB of user metadata with MetadataTooLarge', async () => {
      const res = await put('big-meta', 'x', { 'x-amz-meta-big': 'v'.repeat(2100) });
      expect(res.status).to.equal(400);
      expect(errorCode(res)).to.equal('MetadataTooLarge');
      expect((await get('big-meta')).status).to.equal(404);
    });

    it('refuses a declared Content-Length over 5 GiB with EntityTooLarge before reading the body', async () => {
      const path = `/${B}/too-large`;
      const signed = await t.client.signer().sign({
        method: 'PUT', protocol: 'https:', hostname: '127.0.0.1', port: t.running.port, path, query: {},
        headers: { host: t.client.hostHeader(), 'x-amz-content-sha256': 'UNSIGNED-PAYLOAD', 'content-length': String(5 * 1024 ** 3 + 1) },
      });
      const res = await t.client.raw({ method: 'PUT', path, headers: signed.headers, body: 'only a few bytes' });
      expect(res.status).to.equal(400);
      expect(errorCode(res)).to.equal('EntityTooLarge');
    });

    it('supports Expect: 100-continue uploads', async () => {
      const res = await send({ method: 'PUT', bucket: B, key: 'continue.txt', body: 'after continue', headers: { expect: '100-continue' } });
      expect(res.status, res.text).to.equal(200);
      expect((await get('continue.txt')).text).to.equal('after continue');
    });

    it('PutObject into a missing bucket answers NoSuchBucket', async () => {
      const res = await send({ method: 'PUT', bucket: 'not-a-bucket-yet', key: 'k', body: 'x' });
      expect(res.status).to.equal(404);
      expect(errorCode(res)).to.equal('NoSuchBucket');
    });
  });

  describe('GetObject', function () {
    const content = '0123456789abcdefghij'; // 20 bytes
    let etag: string;
    let lastModified: Date;
    before(async () => {
      const r = await put('range.txt', content, { 'content-type': 'text/plain' });
      etag = r.headers.etag as string;
      lastModified = new Date((await get('range.txt')).headers['last-modified'] as string);
    });

    const ranges: [string, string, string][] = [
      ['bytes=0-4', '01234', 'bytes 0-4/20'],
      ['bytes=5-', '56789abcdefghij', 'bytes 5-19/20'],
      ['bytes=-3', 'hij', 'bytes 17-19/20'],
      ['bytes=15-100', 'fghij', 'bytes 15-19/20'],
      ['bytes=-50', content, 'bytes 0-19/20'],
    ];
    for (const [range, expected, contentRange] of ranges) {
      it(`Range ${range} -> 206 with Content-Range ${contentRange}`, async () => {
        const res = await get('range.txt', { range });
        expect(res.status).to.equal(206);
        expect(res.text).to.equal(expected);
        expect(res.headers['content-range']).to.equal(contentRange);
        expect(res.headers['content-length']).to.equal(String(expected.length));
        expect(res.headers.etag).to.equal(etag);
      });
    }

    it('Range starting beyond the size -> 416 InvalidRange', async () => {
      const res = await get('range.txt', { range: 'bytes=20-30' });
      expect(res.status).to.equal(416);
      expect(errorCode(res)).to.equal('InvalidRange');
    });

    it('HEAD with a Range answers 206 and the Content-Range, no body', async () => {
      const res = await send({ method: 'HEAD', bucket: B, key: 'range.txt', headers: { range: 'bytes=2-3' } });
      expect(res.status).to.equal(206);
      expect(res.headers['content-range']).to.equal('bytes 2-3/20');
      expect(res.body.length).to.equal(0);
    });

    it('If-Match: matching ETag 200, other ETag 412 PreconditionFailed', async () => {
      expect((await get('range.txt', { 'if-match': etag })).status).to.equal(200);
      expect((await get('range.txt', { 'if-match': '*' })).status).to.equal(200);
      const res = await get('range.txt', { 'if-match': '"0123"' });
      expect(res.status).to.equal(412);
      expect(errorCode(res)).to.equal('PreconditionFailed');
    });

    it('If-None-Match: matching ETag 304 with no body and the ETag; other ETag 200', async () => {
      const res = await get('range.txt', { 'if-none-match': etag });
      expect(res.status).to.equal(304);
      expect(res.body.length).to.equal(0);
      expect(res.headers.etag).to.equal(etag);
      expect((await get('range.txt', { 'if-none-match': '"abc"' })).status).to.equal(200);
    });

    it('If-Modified-Since: 304 when not modified since, 200 when modified', async () => {
      const later = new Date(lastModified.getTime() + 3600_000).toUTCString();
      const earlier = new Date(lastModified.getTime() - 3600_000).toUTCString();
      expect((await get('range.txt', { 'if-modified-since': later })).status).to.equal(304);
      expect((await get('range.txt', { 'if-modified-since': lastModified.toUTCString() })).status).to.equal(304);
      const ok = await get('range.txt', { 'if-modified-since': earlier });
      expect(ok.status).to.equal(200);
      expect(ok.text).to.equal(content);
    });

    it('If-Unmodified-Since: 412 when modified since, 200 otherwise', async () => {
      const earlier = new Date(lastModified.getTime() - 3600_000).toUTCString();
      const later = new Date(lastModified.getTime() + 3600_000).toUTCString();
      const res = await get('range.txt', { 'if-unmodified-since': earlier });
      expect(res.status).to.equal(412);
      expect(errorCode(res)).to.equal('PreconditionFailed');
      expect((await get('range.txt', { 'if-unmodified-since': later })).status).to.equal(200);
    });

    it('If-Match true wins over a failing If-Unmodified-Since; If-None-Match false wins over If-Modified-Since', async () => {
      const earlier = new Date(lastModified.getTime() - 3600_000).toUTCString();
      const later = new Date(lastModified.getTime() + 3600_000).toUTCString();
      expect((await get('range.txt', { 'if-match': etag, 'if-unmodified-since': earlier })).status).to.equal(200);
      expect((await get('range.txt', { 'if-none-match': etag, 'if-modified-since': earlier })).status).to.equal(304);
      expect((await get('range.txt', { 'if-none-match': '"other"', 'if-modified-since': later })).status).to.equal(200);
    });

    it('HEAD preconditions: 412 and 304 without bodies', async () => {
      const a = await send({ method: 'HEAD', bucket: B, key: 'range.txt', headers: { 'if-match': '"nope"' } });
      expect(a.status).to.equal(412);
      expect(a.body.length).to.equal(0);
      const b = await send({ method: 'HEAD', bucket: B, key: 'range.txt', headers: { 'if-none-match': etag } });
      expect(b.status).to.equal(304);
      expect(b.body.length).to.equal(0);
    });

    it('response-* query parameters override the response headers', async () => {
      const res = await get('range.txt', {}, {
        'response-content-type': 'application/x-custom',
        'response-content-language': 'de',
        'response-expires': 'Thu, 01 Jan 2037 00:00:00 GMT',
        'response-cache-control': 'no-cache',
        'response-content-disposition': 'attachment; filename="x.bin"',
        'response-content-encoding': 'gzip',
      });
      expect(res.status).to.equal(200);
      expect(res.headers['content-type']).to.equal('application/x-custom');
      expect(res.headers['content-language']).to.equal('de');
      expect(res.headers.expires).to.equal('Thu, 01 Jan 2037 00:00:00 GMT');
      expect(res.headers['cache-control']).to.equal('no-cache');
      expect(res.headers['content-disposition']).to.equal('attachment; filename="x.bin"');
      expect(res.headers['content-encoding']).to.equal('gzip');
      expect(res.text).to.equal(content);
    });

    it('a missing key answers 404 NoSuchKey with the Key field', async () => {
      const res = await get('does/not/exist');
      expect(res.status).to.equal(404);
      const err = parseXml(res).Error;
      expect(err.Code).to.equal('NoSuchKey');
      expect(err.Resource).to.equal(`/${B}/does/not/exist`);
    });
  });

  describe('connections and concurrency', function () {
    it('a refused upload body is drained: the kept-alive connection serves the next request', async () => {
      const agent = t.client.keepAliveAgent();
      try {
        const sockets = new Set<unknown>();
        agent.on('free', (socket) => sockets.add(socket));
        const big = Buffer.alloc(2 * 1024 * 1024, 1);
        const anon = await send({ method: 'PUT', bucket: B, key: 'drain-1', body: big, unsigned: true, agent });
        expect(anon.status).to.equal(403);
        const bad = await send({ method: 'PUT', bucket: B, key: 'drain-2', body: big, headers: { 'content-md5': md5Base64('x') }, agent });
        expect(errorCode(bad)).to.equal('BadDigest');
        const ok = await send({ method: 'PUT', bucket: B, key: 'drain-3', body: 'fine', agent });
        expect(ok.status).to.equal(200);
        expect((await send({ method: 'GET', bucket: B, key: 'drain-3', agent })).text).to.equal('fine');
        expect(sockets.size).to.equal(1);
      } finally {
        agent.destroy();
      }
    });

    it('concurrent overwrites of one key leave exactly one complete version', async () => {
      const bodies = Array.from({ length: 8 }, (_, i) => Buffer.alloc(256 * 1024 + i, 65 + i));
      const results = await Promise.all(bodies.map((b) => put('race', b)));
      for (const r of results) expect(r.status).to.equal(200);
      const g = await get('race');
      expect(bodies.some((b) => b.equals(g.body))).to.equal(true);
      expect(g.headers.etag).to.equal(`"${md5Hex(g.body)}"`);
      const list = parseXml(await send({ method: 'GET', bucket: B, query: { 'list-type': '2', prefix: 'race' } })).ListBucketResult;
      expect(arr(list.Contents)).to.have.length(1);
    });

    it('a GET in progress keeps reading the old bytes while the object is overwritten and deleted', async () => {
      const original = Buffer.alloc(8 * 1024 * 1024);
      for (let i = 0; i < original.length; i += 4) original.writeUInt32BE(i, i);
      await put('pinned', original);
      const { request } = await import('node:https');
      const path = `/${B}/pinned`;
      const signed = await t.client.signer().sign({ method: 'GET', protocol: 'https:', hostname: '127.0.0.1', port: t.running.port, path, query: {}, headers: { host: t.client.hostHeader() } });
      const agent = t.client.keepAliveAgent();
      const received = await new Promise<Buffer>((resolve, reject) => {
        const req = request({ host: '127.0.0.1', port: t.running.port, path, method: 'GET', headers: signed.headers, agent }, (res) => {
          const chunks: Buffer[] = [];
          let paused = false;
          res.on('data', (c: Buffer) => {
            chunks.push(c);
            if (paused) return;
            paused = true;
            res.pause();
            void (async () => {
              expect((await put('pinned', 'replaced')).status).to.equal(200);
              expect((await send({ method: 'DELETE', bucket: B, key: 'pinned' })).status).to.equal(204);
              res.resume();
            })().catch(reject);
          });
          res.on('end', () => resolve(Buffer.concat(chunks)));
          res.on('error', reject);
        });
        req.on('error', reject);
        req.end();
      }).finally(() => agent.destroy());
      expect(received.length).to.equal(original.length);
      expect(received.equals(original)).to.equal(true);
      expect((await get('pinned')).status).to.equal(404);
    });
  });

  describe('HeadObject', function () {
    it('answers 200 with the object headers and no body', async () => {
      await put('head.bin', Buffer.alloc(1234, 7), { 'x-amz-meta-a': 'b' });
      const res = await send({ method: 'HEAD', bucket: B, key: 'head.bin' });
      expect(res.status).to.equal(200);
      expect(res.body.length).to.equal(0);
      expect(res.headers['content-length']).to.equal('1234');
      expect(res.headers.etag).to.equal(`"${md5Hex(Buffer.alloc(1234, 7))}"`);
      expect(res.headers['x-amz-meta-a']).to.equal('b');
    });

    it('answers 404 with no body for a missing key', async () => {
      const res = await send({ method: 'HEAD', bucket: B, key: 'head-missing' });
      expect(res.status).to.equal(404);
      expect(res.body.length).to.equal(0);
      expect(res.headers['x-amz-request-id']).to.be.a('string');
    });
  });

  describe('DeleteObject', function () {
    it('answers 204 and the object is gone', async () => {
      await put('to-delete', 'x');
      const res = await send({ method: 'DELETE', bucket: B, key: 'to-delete' });
      expect(res.status).to.equal(204);
      expect(res.body.length).to.equal(0);
      expect((await get('to-delete')).status).to.equal(404);
    });

    it('answers 204 for a key that does not exist', async () => {
      expect((await send({ method: 'DELETE', bucket: B, key: 'never-existed' })).status).to.equal(204);
    });

    it('answers 404 NoSuchBucket for a missing bucket', async () => {
      const res = await send({ method: 'DELETE', bucket: 'missing-bucket-del', key: 'k' });
      expect(res.status).to.equal(404);
      expect(errorCode(res)).to.equal('NoSuchBucket');
    });
  });

  describe('DeleteObjects', function () {
    const post = (xml: string, bucket = B) => send({ method: 'POST', bucket, query: { delete: '' }, body: xml, headers: { 'content-md5': md5Base64(xml), 'content-type': 'application/xml' } });
    const doc = (keys: string[], quiet = false) =>
      `<?xml version="1.0" encoding="UTF-8"?><Delete xmlns="http://s3.amazonaws.com/doc/2006-03-01/">${quiet ? '<Quiet>true</Quiet>' : ''}${keys.map((k) => `<Object><Key>${k.replace(/&/g, '&amp;').replace(/</g, '&lt;')}</Key></Object>`).join('')}</Delete>`;

    it('verbose mode reports every deleted key (missing keys too)', async () => {
      await put('multi/1', '1');
      await put('multi/2', '2');
      await put('multi/a&b<c', '3');
      const res = await post(doc(['multi/1', 'multi/2', 'multi/a&b<c', 'multi/missing']));
      expect(res.status).to.equal(200);
      const result = parseXml(res).DeleteResult;
      expect(arr(result.Deleted).map((d: any) => d.Key)).to.have.members(['multi/1', 'multi/2', 'multi/a&b<c', 'multi/missing']);
      expect(arr(result.Error)).to.deep.equal([]);
      for (const k of ['multi/1', 'multi/2', 'multi/a&b<c']) expect((await get(k)).status).to.equal(404);
    });

    it('quiet mode reports nothing on success but still deletes', async () => {
      await put('quiet/1', '1');
      await put('quiet/2', '2');
      const res = await post(doc(['quiet/1', 'quiet/2'], true));
      expect(res.status).to.equal(200);
      const result = parseXml(res).DeleteResult;
      expect(arr(result.Deleted)).to.deep.equal([]);
      expect(arr(result.Error)).to.deep.equal([]);
      expect((await get('quiet/1')).status).to.equal(404);
      expect((await get('quiet/2')).status).to.equal(404);
    });

    it('reports per-key errors (a key too long) while deleting the rest', async () => {
      await put('perkey/ok', '1');
      const res = await post(doc(['perkey/ok', 'x'.repeat(1100)]));
      expect(res.status).to.equal(200);
      const result = parseXml(res).DeleteResult;
      expect(arr(result.Deleted).map((d: any) => d.Key)).to.deep.equal(['perkey/ok']);
      const errors = arr(result.Error);
      expect(errors).to.have.length(1);
      expect(errors[0].Key).to.equal('x'.repeat(1100));
      expect(errors[0].Code).to.equal('KeyTooLongError');
    });

    it('a request without Content-MD5 or x-amz-checksum-* answers 400 InvalidRequest (AWS requires one)', async () => {
      await put('needs-md5', 'x');
      const xml = doc(['needs-md5']);
      const res = await send({ method: 'POST', bucket: B, query: { delete: '' }, body: xml });
      expect(res.status).to.equal(400);
      expect(errorCode(res)).to.equal('InvalidRequest');
      expect((await get('needs-md5')).status).to.equal(200);
    });

    it('a malformed body answers 400 MalformedXML', async () => {
      for (const body of ['<Delete><Object><Key>a</Key></Object>', 'not xml at all', '<Delete></Delete>', '<Other><Object><Key>a</Key></Object></Other>']) {
        const res = await post(body);
        expect(res.status, body).to.equal(400);
        expect(errorCode(res), body).to.equal('MalformedXML');
      }
    });

    it('a body with a DOCTYPE / entity declaration answers MalformedXML and deletes nothing', async () => {
      await put('xxe-target', 'keep');
      const body = '<?xml version="1.0"?><!DOCTYPE Delete [<!ENTITY k "xxe-target">]><Delete><Object><Key>&k;</Key></Object></Delete>';
      const res = await post(body);
      expect(res.status).to.equal(400);
      expect(errorCode(res)).to.equal('MalformedXML');
      expect((await get('xxe-target')).text).to.equal('keep');
    });

    it('a missing bucket answers NoSuchBucket', async () => {
      const res = await post(doc(['a']), 'missing-bucket-dels');
      expect(res.status).to.equal(404);
      expect(errorCode(res)).to.equal('NoSuchBucket');
    });
  });

  describe('CopyObject', function () {
    const copy = (key: string, source: string, headers: Record<string, string> = {}) =>
      send({ method: 'PUT', bucket: B, key, headers: { 'x-amz-copy-source': source, ...headers } });

    before(async () => {
      await put('src/orig.txt', 'original bytes', { 'content-type': 'text/plain', 'x-amz-meta-origin': 'src', 'cache-control': 'no-store' });
    });

    it('COPY (default) copies bytes and metadata and answers CopyObjectResult', async () => {
      const res = await copy('dst/copy.txt', `${B}/src/orig.txt`);
      expect(res.status).to.equal(200);
      const result = parseXml(res).CopyObjectResult;
      expect(result.ETag).to.equal(`"${md5Hex('original bytes')}"`);
      expect(new Date(result.LastModified).getTime()).to.be.greaterThan(Date.now() - 60_000);
      const g = await get('dst/copy.txt');
      expect(g.text).to.equal('original bytes');
      expect(g.headers['content-type']).to.equal('text/plain');
      expect(g.headers['x-amz-meta-origin']).to.equal('src');
      expect(g.headers['cache-control']).to.equal('no-store');
    });

    it('accepts a leading slash and URL-encoding in x-amz-copy-source', async () => {
      await put('src/with space+plus.txt', 'spaced');
      const res = await copy('dst/spaced', `/${B}/src/with%20space%2Bplus.txt`);
      expect(res.status).to.equal(200);
      expect((await get('dst/spaced')).text).to.equal('spaced');
    });

    it('REPLACE takes the metadata from the request', async () => {
      const res = await copy('dst/replaced.txt', `${B}/src/orig.txt`, { 'x-amz-metadata-directive': 'REPLACE', 'content-type': 'application/json', 'x-amz-meta-new': 'yes' });
      expect(res.status).to.equal(200);
      const g = await get('dst/replaced.txt');
      expect(g.text).to.equal('original bytes');
      expect(g.headers['content-type']).to.equal('application/json');
      expect(g.headers['x-amz-meta-new']).to.equal('yes');
      expect(g.headers['x-amz-meta-origin']).to.equal(undefined);
      expect(g.headers['cache-control']).to.equal(undefined);
    });

    it('copying an object onto itself without REPLACE answers 400 InvalidRequest; with REPLACE it updates metadata', async () => {
      const res = await copy('src/orig.txt', `${B}/src/orig.txt`);
      expect(res.status).to.equal(400);
      expect(errorCode(res)).to.equal('InvalidRequest');
      await put('self.txt', 'self', { 'x-amz-meta-v': '1' });
      const ok = await send({ method: 'PUT', bucket: B, key: 'self.txt', headers: { 'x-amz-copy-source': `${B}/self.txt`, 'x-amz-metadata-directive': 'REPLACE', 'x-amz-meta-v': '2' } });
      expect(ok.status).to.equal(200);
      const g = await get('self.txt');
      expect(g.text).to.equal('self');
      expect(g.headers['x-amz-meta-v']).to.equal('2');
    });

    it('x-amz-copy-source-if-match failure answers 412 PreconditionFailed and writes nothing', async () => {
      const res = await copy('dst/cond.txt', `${B}/src/orig.txt`, { 'x-amz-copy-source-if-match': '"0000"' });
      expect(res.status).to.equal(412);
      expect(errorCode(res)).to.equal('PreconditionFailed');
      expect((await get('dst/cond.txt')).status).to.equal(404);
      const ok = await copy('dst/cond.txt', `${B}/src/orig.txt`, { 'x-amz-copy-source-if-match': `"${md5Hex('original bytes')}"` });
      expect(ok.status).to.equal(200);
    });

    it('x-amz-copy-source-if-none-match matching answers 412 (not 304)', async () => {
      const res = await copy('dst/cond2.txt', `${B}/src/orig.txt`, { 'x-amz-copy-source-if-none-match': `"${md5Hex('original bytes')}"` });
      expect(res.status).to.equal(412);
      expect(errorCode(res)).to.equal('PreconditionFailed');
    });

    it('a missing source key answers 404 NoSuchKey; a missing source bucket NoSuchBucket', async () => {
      const res = await copy('dst/none', `${B}/src/missing.txt`);
      expect(res.status).to.equal(404);
      expect(errorCode(res)).to.equal('NoSuchKey');
      const nb = await copy('dst/none', 'no-such-src-bucket/x');
      expect(nb.status).to.equal(404);
      expect(errorCode(nb)).to.equal('NoSuchBucket');
    });

    it('a copy source without a key answers InvalidArgument', async () => {
      const res = await copy('dst/none', B);
      expect(res.status).to.equal(400);
      expect(errorCode(res)).to.equal('InvalidArgument');
    });

    it('copies across buckets', async () => {
      expect((await send({ method: 'PUT', bucket: 'copy-target-bucket' })).status).to.equal(200);
      const res = await send({ method: 'PUT', bucket: 'copy-target-bucket', key: 'x', headers: { 'x-amz-copy-source': `${B}/src/orig.txt` } });
      expect(res.status).to.equal(200);
      expect((await send({ method: 'GET', bucket: 'copy-target-bucket', key: 'x' })).text).to.equal('original bytes');
    });
  });
});
