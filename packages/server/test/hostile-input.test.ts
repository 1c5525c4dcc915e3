import { existsSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { expect } from 'chai';
import { errorCode } from './support/s3-client.js';
import type { TestServer } from './support/s3-test-server.js';
import { httpRequest, rawTls, type RawTarget } from './support/raw-tls.js';
import { expectLive, expectXmlError, rawTarget } from './support/hostile-checks.js';
import { useHostileServer } from './support/hostile-server.js';

/**
 * Hostile and malformed requests at the HTTP level: each gets a 4xx (an S3 XML error where HTTP
 * still allows a response, else a closed connection), nothing is written, and the server keeps
 * serving. After every test: GET /health/live is 200 and buckets, keys, blob and temp files are
 * exactly as before it.
 */
describe('Hostile input: HTTP framing, slow clients, paths and names', function () {
  const B = 'hostile-bucket';
  let t: TestServer;
  let target: RawTarget;
  // Short slow-client limits (the defaults are 30 s / 120 s) so a slowloris is cut off within the test.
  useHostileServer(B, (server) => {
    t = server;
    target = rawTarget(server);
  }, { timeouts: { headersMs: 1000, idleMs: 1500 } });

  /** Signs a PutObject with the independent signer, for a raw path (invalid bytes included) and body. */
  async function signedPut(rawPath: string, body: string, extra: Record<string, string> = {}): Promise<Record<string, string>> {
    const signed = await t.client.signer().sign({
      method: 'PUT', protocol: 'https:', hostname: '127.0.0.1', port: t.running.port, path: rawPath, query: {},
      headers: { host: t.client.hostHeader(), 'x-amz-content-sha256': 'UNSIGNED-PAYLOAD', 'content-length': String(Buffer.byteLength(body)), ...extra },
    });
    return signed.headers as Record<string, string>;
  }

  describe('object keys', function () {
    const refusedKeys: [string, string, string][] = [
      ['NUL (%00)', `/${B}/a%00b`, 'InvalidArgument'],
      ['invalid UTF-8 (%C3%28)', `/${B}/bad%C3%28key`, 'InvalidURI'],
      ['a lone continuation byte (%80)', `/${B}/%80`, 'InvalidURI'],
      ['an overlong encoding of "/" (%C0%AF)', `/${B}/..%C0%AF..%C0%AFetc`, 'InvalidURI'],
      ['an encoded surrogate half (%ED%A0%80)', `/${B}/x%ED%A0%80`, 'InvalidURI'],
      ['a truncated escape (%4)', `/${B}/x%4`, 'InvalidURI'],
      ['1026 UTF-8 bytes in 342 characters', `/${B}/${encodeURIComponent('€'.repeat(342))}`, 'KeyTooLongError'],
    ];
    for (const [why, path, code] of refusedKeys) {
      it(`a signed PutObject with a key of ${why} answers 400 ${code}`, async () => {
        const headers = await signedPut(path, 'hostile');
        const res = await t.client.raw({ method: 'PUT', path, headers, body: 'hostile' });
        expect(expectXmlError(res, 400)).to.equal(code);
      });
    }

    it('a raw NUL byte or a space in the request line is refused by the HTTP parser (400) and the connection closed', async () => {
      for (const path of [`/${B}/a\0b`, `/${B}/a b`, `/${B}/a\x7fb`]) {
        const res = await rawTls(target, [Buffer.from(`PUT ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 1\r\n\r\nx`, 'latin1')]);
        expect(res.closedByServer).to.equal(true);
        expect(res.status).to.equal(400);
      }
    });

    it('".." and "%2e%2e" in the bucket position are invalid bucket names (400)', async () => {
      // With a key, the bucket name is checked before authentication.
      for (const path of ['/../etc/passwd', '/%2e%2e/x', '/%2E%2E/x', '/./x', '/%2e/x']) {
        const res = await t.client.raw({ method: 'PUT', path, headers: { 'content-length': '1' }, body: 'x' });
        expect(expectXmlError(res, 400), path).to.equal('InvalidBucketName');
      }
      // CreateBucket checks the name in its handler, after authentication: sign it.
      for (const path of ['/..', '/.', '/...']) {
        const headers = await signedPut(path, 'x');
        const res = await t.client.raw({ method: 'PUT', path, headers, body: 'x' });
        expect(expectXmlError(res, 400), path).to.equal('InvalidBucketName');
      }
    });

    it('"../" in a key never reaches the filesystem: the key is stored as data inside the bucket, nothing appears outside the data directory', async () => {
      // S3 accepts any UTF-8 key, "../" included (see the architecture: keys never become file
      // paths), so the traversal attempt is stored under its literal name and removed again.
      const escape = `escape-${Date.now()}`;
      const path = `/${B}/..%2F..%2F..%2F${escape}`;
      const headers = await signedPut(path, 'payload');
      expect((await t.client.raw({ method: 'PUT', path, headers, body: 'payload' })).status).to.equal(200);
      const listed = await t.client.send({ method: 'GET', bucket: B, query: { 'list-type': '2', prefix: '../' } });
      expect(listed.text).to.include(`<Key>../../../${escape}</Key>`);
      for (const dir of [dirname(t.dataDir), t.dataDir, join(t.dataDir, 'blobs')]) {
        expect(existsSync(join(dir, escape)), dir).to.equal(false);
        expect(readdirSync(dir).filter((n) => n.includes(escape))).to.deep.equal([]);
      }
      expect((await t.client.send({ method: 'DELETE', bucket: B, key: `../../../${escape}` })).status).to.equal(204);
    });
  });

  describe('bucket names', function () {
    // Shapes beyond those s3-buckets.test.ts covers (IP, upper case, length, underscore, "..", hyphens, xn--, -s3alias).
    const invalid: [string, string][] = [
      ['leading dot', '.bucket'],
      ['trailing dot', 'bucket.'],
      ['dot-hyphen', 'my.-bucket'],
      ['hyphen-dot', 'my-.bucket'],
      ['sthree- prefix', 'sthree-bucket'],
      ['amzn-s3-demo- prefix', 'amzn-s3-demo-bucket'],
      ['--ol-s3 suffix', 'bucket--ol-s3'],
      ['.mrap suffix', 'bucket.mrap'],
      ['--x-s3 suffix', 'bucket--x-s3'],
      ['non-ASCII', 'b%C3%BCcket'],
      ['space', 'my%20bucket'],
      ['slash-encoded', 'my%2Fbucket'],
      ['NUL', 'buc%00ket'],
      ['empty-ish (single char)', 'a'],
      ['IP-like with leading zeros', '010.001.002.003'],
    ];
    for (const [why, name] of invalid) {
      it(`CreateBucket of a name with ${why} answers 400 InvalidBucketName`, async () => {
        const path = `/${name}`;
        const signed = await t.client.signer().sign({
          method: 'PUT', protocol: 'https:', hostname: '127.0.0.1', port: t.running.port, path, query: {},
          headers: { host: t.client.hostHeader(), 'x-amz-content-sha256': 'UNSIGNED-PAYLOAD' },
        });
        const res = await t.client.raw({ method: 'PUT', path, headers: signed.headers });
        expect(expectXmlError(res, 400)).to.equal('InvalidBucketName');
      });
    }

    it('invalid UTF-8 in the bucket position answers 400 InvalidURI', async () => {
      const res = await t.client.raw({ method: 'GET', path: '/buck%C3%28et/key' });
      expect(expectXmlError(res, 400)).to.equal('InvalidURI');
    });
  });

  describe('duplicated query parameters', function () {
    it('?uploadId=a&uploadId=b (UploadPart, CompleteMultipartUpload, AbortMultipartUpload) answers 400 InvalidArgument', async () => {
      const init = await t.client.send({ method: 'POST', bucket: B, key: 'dup-mp', query: { uploads: '' } });
      const uploadId = /<UploadId>([^<]+)<\/UploadId>/.exec(init.text)![1]!;
      const id = encodeURIComponent(uploadId);
      for (const [method, query] of [
        ['PUT', `partNumber=1&uploadId=${id}&uploadId=other`],
        ['POST', `uploadId=${id}&uploadId=${id}`],
        ['DELETE', `uploadId=other&uploadId=${id}`],
      ] as const) {
        const path = `/${B}/dup-mp?${query}`;
        const signed = await t.client.signer().sign({
          method, protocol: 'https:', hostname: '127.0.0.1', port: t.running.port, path: `/${B}/dup-mp`,
          query: Object.fromEntries(new URLSearchParams(query)) as Record<string, string>,
          headers: { host: t.client.hostHeader(), 'x-amz-content-sha256': 'UNSIGNED-PAYLOAD', 'content-length': '4' },
        });
        const res = await t.client.raw({ method, path, headers: signed.headers, body: 'part' });
        expect(expectXmlError(res, 400), `${method} ?${query}`).to.equal('InvalidArgument');
      }
      // The upload is untouched: no part was stored, it can still be aborted.
      const parts = await t.client.send({ method: 'GET', bucket: B, key: 'dup-mp', query: { uploadId } });
      expect(parts.status).to.equal(200);
      expect(parts.text).not.to.include('<Part>');
      expect((await t.client.send({ method: 'DELETE', bucket: B, key: 'dup-mp', query: { uploadId } })).status).to.equal(204);
    });

    it('?partNumber=1&partNumber=2 and a repeated list parameter answer 400 InvalidArgument', async () => {
      for (const path of [`/${B}/keep?partNumber=1&partNumber=2`, `/${B}?list-type=2&prefix=a&prefix=b`, `/${B}?delete&delete`]) {
        const res = await t.client.raw({ method: path.includes('delete') ? 'POST' : 'GET', path });
        expect(expectXmlError(res, 400), path).to.equal('InvalidArgument');
      }
    });
  });

  describe('Content-Length', function () {
    const broken: [string, [string, string][]][] = [
      ['negative', [['Content-Length', '-1']]],
      ['non-numeric', [['Content-Length', 'abc']]],
      ['beyond 64 bits', [['Content-Length', '99999999999999999999999999']]],
      ['hexadecimal', [['Content-Length', '0x10']]],
      ['two different values', [['Content-Length', '1'], ['Content-Length', '2']]],
      ['a list', [['Content-Length', '1, 2']]],
      ['together with Transfer-Encoding: chunked', [['Content-Length', '5'], ['Transfer-Encoding', 'chunked']]],
      ['an unknown Transfer-Encoding', [['Transfer-Encoding', 'gzip, identity']]],
    ];
    for (const [why, headers] of broken) {
      it(`${why}: 400 from the HTTP parser, connection closed, server still serving`, async () => {
        const res = await rawTls(target, [httpRequest('PUT', `/${B}/cl-${why.replace(/\W/g, '')}`, headers, 'hello')]);
        expect(res.closedByServer).to.equal(true);
        expect(res.status).to.be.within(400, 499);
      });
    }

    it('2^53+1 declared bytes: 400 EntityTooLarge before any byte is read', async () => {
      const res = await rawTls(target, [httpRequest('PUT', `/${B}/huge`, [['Content-Length', '9007199254740993'], ['x-amz-content-sha256', 'UNSIGNED-PAYLOAD']], 'x')], { deadlineMs: 5000 });
      // Anonymous: refused by authentication or by size, never stored; either way an XML 4xx.
      expectXmlError(res);
    });

    it('a body shorter than Content-Length, then the client closes: nothing stored', async () => {
      const path = `/${B}/short-body`;
      const headers = await signedPut(path, 'x'.repeat(1000));
      const head = Object.entries(headers).filter(([k]) => k.toLowerCase() !== 'host');
      const res = await rawTls(target, [httpRequest('PUT', path, head as [string, string][], 'x'.repeat(400))], { endWrite: true });
      expect(res.timedOut).to.equal(false);
      expect(res.status === undefined || (res.status >= 400 && res.status < 500), res.text).to.equal(true);
      expect((await t.client.send({ method: 'HEAD', bucket: B, key: 'short-body' })).status).to.equal(404);
    });
  });

  describe('header limits', function () {
    it('20 KiB of headers: 431, connection closed, server still serving', async () => {
      const res = await rawTls(target, [httpRequest('GET', `/${B}/keep`, [['X-Flood', 'a'.repeat(20 * 1024)]])]);
      expect(res.closedByServer).to.equal(true);
      expect(res.status).to.equal(431);
      // Answered in S3's XML error shape, not Node's bare status line.
      expect(res.text).to.contain('<Code>RequestHeaderSectionTooLarge</Code>');
    });

    it('a 20 KiB URL: 431 or 414, connection closed', async () => {
      const res = await rawTls(target, [httpRequest('GET', `/${B}/${'k'.repeat(20 * 1024)}`)]);
      expect(res.closedByServer).to.equal(true);
      expect([414, 431]).to.include(res.status);
    });

    it('2200 tiny headers (over the 2000-header count Node keeps, under the byte limit): an ordinary 4xx XML answer', async () => {
      const flood = Array.from({ length: 2200 }, (): [string, string] => ['x', '1']);
      const res = await rawTls(target, [httpRequest('PUT', `/${B}/flood`, [['Content-Length', '1'], ...flood], 'x')]);
      expectXmlError(res, 403);
    });

    it('a header line without a colon or with a space before the colon: 400 from the HTTP parser', async () => {
      for (const bad of ['NoColonHere', 'X-Bad : value', 'X-Bad\x01: v']) {
        const res = await rawTls(target, [Buffer.from(`GET /${B}/keep HTTP/1.1\r\nHost: 127.0.0.1\r\n${bad}\r\n\r\n`, 'latin1')]);
        expect(res.closedByServer).to.equal(true);
        expect(res.status, bad).to.equal(400);
        expect(res.text, bad).to.contain('<Code>BadRequest</Code>');
      }
    });

    it('garbage instead of an HTTP request: 400 and closed', async () => {
      const res = await rawTls(target, [Buffer.from('\x16\x03\x01 not http at all\r\n\r\n', 'latin1')]);
      expect(res.closedByServer).to.equal(true);
      expect(res.status).to.equal(400);
    });

    it('an absolute-form or asterisk-form target is an ordinary 4xx XML answer', async () => {
      for (const [method, targetForm] of [['GET', `https://127.0.0.1:${t.running.port}/${B}/keep`], ['OPTIONS', '*']]) {
        const res = await rawTls(target, [httpRequest(method!, targetForm!)]);
        expectXmlError(res);
      }
      // A target that is neither (no leading slash) is refused by the HTTP parser.
      const res = await rawTls(target, [httpRequest('GET', `${B}/keep`)]);
      expect(res.status).to.equal(400);
      expect(res.closedByServer).to.equal(true);
    });
  });

  describe('slow clients', function () {
    it('slowloris: a request head that never completes is closed by the server (headers timeout)', async () => {
      const res = await rawTls(target, ['GET /health/live HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: a'], { deadlineMs: 10_000 });
      expect(res.timedOut, 'the server must close a stalled request head').to.equal(false);
      if (res.status !== undefined) expect(res.status).to.equal(408);
    });

    it('slowloris trickling one header byte every 200 ms (never idle) is still closed at the headers timeout', async () => {
      const steps = ['GET /health/live HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: '];
      const trickle = Array.from({ length: 60 }, () => ['a', { pauseMs: 200 }] as const).flat();
      const res = await rawTls(target, [...steps, ...trickle], { deadlineMs: 10_000 });
      expect(res.timedOut, 'a trickled head must not hold the connection').to.equal(false);
    });

    it('a body that stalls midway is cut off by the idle timeout and nothing is stored', async () => {
      const path = `/${B}/stalled`;
      const headers = await signedPut(path, 'y'.repeat(10_000));
      const head = Object.entries(headers).filter(([k]) => k.toLowerCase() !== 'host') as [string, string][];
      const res = await rawTls(target, [httpRequest('PUT', path, head, 'y'.repeat(3000))], { deadlineMs: 10_000 });
      expect(res.timedOut, 'the server must drop a stalled upload').to.equal(false);
      expect((await t.client.send({ method: 'HEAD', bucket: B, key: 'stalled' })).status).to.equal(404);
    });

    it('many stalled connections at once do not stop the server answering others', async () => {
      const stalled = Array.from({ length: 50 }, () => rawTls(target, ['GET /health/live HTTP/1.1\r\nHost: 127.0.0.1\r\n'], { deadlineMs: 10_000 }));
      await expectLive(t);
      const keep = await t.client.send({ method: 'GET', bucket: B, key: 'keep' });
      expect(keep.text).to.equal('kept');
      const results = await Promise.all(stalled);
      expect(results.filter((r) => r.timedOut)).to.deep.equal([]);
    });
  });

  describe('errors keep the connection usable', function () {
    it('after a refused request on a kept-alive connection the next request on it is answered', async () => {
      const bad = `GET /${B}/a%00b HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n`;
      const good = 'GET /health/live HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n';
      const res = await rawTls(target, [bad, { pauseMs: 100 }, good]);
      const text = res.raw.toString('latin1');
      expect(text).to.match(/^HTTP\/1\.1 400 /);
      expect(text).to.include('<Code>InvalidArgument</Code>');
      expect(text).to.match(/HTTP\/1\.1 200 OK/);
      expect(errorCode({ status: 400, headers: {}, body: res.body, text: res.text })).to.equal('InvalidArgument');
    });
  });
});
