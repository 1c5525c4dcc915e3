import { Readable } from 'node:stream';
import { expect } from 'chai';
import { md5Base64, md5Hex, S3TestClient } from './support/s3-client.js';
import type { TestServer } from './support/s3-test-server.js';
import { rawTls, type RawTarget } from './support/raw-tls.js';
import { expectXmlError, rawTarget } from './support/hostile-checks.js';
import { useHostileServer } from './support/hostile-server.js';

/**
 * Hostile request bodies: oversized, entity-expanding and deeply nested XML, a 10,001-part
 * CompleteMultipartUpload, broken aws-chunked framing and trailers. Each answers a 4xx S3 XML
 * error, nothing is written (buckets, keys, blobs and temp files compared after every test) and
 * the server keeps serving.
 */
describe('Hostile input: XML and aws-chunked bodies', function () {
  const B = 'hostile-bodies';
  let t: TestServer;
  let target: RawTarget;
  useHostileServer(B, (server) => {
    t = server;
    target = rawTarget(server);
  });

  const deleteKeepXml = '<Delete><Object><Key>keep</Key></Object></Delete>';
  const nested = (depth: number, inner = '') => '<a>'.repeat(depth) + inner + '</a>'.repeat(depth);
  const billionLaughs =
    '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">' +
    '<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;"><!ENTITY lol9 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">]>';

  function deleteObjects(body: string | Buffer) {
    return t.client.send({ method: 'POST', bucket: B, query: { delete: '' }, headers: { 'content-md5': md5Base64(body) }, body });
  }

  async function createUpload(key: string): Promise<string> {
    const init = await t.client.send({ method: 'POST', bucket: B, key, query: { uploads: '' } });
    expect(init.status, init.text).to.equal(200);
    return /<UploadId>([^<]+)<\/UploadId>/.exec(init.text)![1]!;
  }

  async function expectUploadIntactThenAbort(key: string, uploadId: string): Promise<void> {
    const parts = await t.client.send({ method: 'GET', bucket: B, key, query: { uploadId } });
    expect(parts.status, 'the upload survives a refused completion').to.equal(200);
    expect((await t.client.send({ method: 'DELETE', bucket: B, key, query: { uploadId } })).status).to.equal(204);
  }

  describe('XML request bodies', function () {
    it('DeleteObjects with a 1.5 MiB body (declared length) answers 4xx and deletes nothing', async () => {
      const body = '<Delete>' + '<Object><Key>keep</Key></Object>'.repeat(50_000) + '</Delete>';
      expect(body.length).to.be.above(1.5 * 1024 * 1024);
      expectXmlError(await deleteObjects(body), 400);
    });

    it('DeleteObjects streaming more than 1 MiB without a Content-Length answers 400 before reading it all', async () => {
      const piece = Buffer.from('<Object><Key>keep</Key></Object>'.repeat(1000));
      const total = Buffer.concat([Buffer.from('<Delete>'), ...Array.from({ length: 40 }, () => piece), Buffer.from('</Delete>')]);
      const path = `/${B}?delete`;
      const signed = await t.client.signer().sign({
        method: 'POST', protocol: 'https:', hostname: '127.0.0.1', port: t.running.port, path: `/${B}`, query: { delete: '' },
        headers: { host: t.client.hostHeader(), 'x-amz-content-sha256': 'UNSIGNED-PAYLOAD', 'content-md5': md5Base64(total) },
      });
      const res = await t.client.raw({ method: 'POST', path, headers: signed.headers, body: Readable.from([total]) });
      expect(expectXmlError(res, 400)).to.be.oneOf(['MaxMessageLengthExceeded', 'EntityTooLarge']);
    });

    const hostileXml: [string, string][] = [
      ['billion laughs (DOCTYPE with nested entities)', `${billionLaughs}<Delete><Object><Key>&lol9;</Key></Object></Delete>`],
      ['an external entity (XXE)', '<?xml version="1.0"?><!DOCTYPE d [<!ENTITY xxe SYSTEM "file:///etc/passwd">]><Delete><Object><Key>&xxe;</Key></Object></Delete>'],
      ['a parameter entity', '<!DOCTYPE d [<!ENTITY % p SYSTEM "http://127.0.0.1:1/x"> %p;]><Delete><Object><Key>keep</Key></Object></Delete>'],
      ['10,000-deep nesting', `<Delete>${nested(10_000)}<Object><Key>keep</Key></Object></Delete>`],
      ['100,000 unclosed elements', '<Delete>' + '<a>'.repeat(100_000)],
      ['a truncated document', deleteKeepXml.slice(0, -5)],
      ['two root elements', deleteKeepXml + deleteKeepXml],
      ['1001 objects', '<Delete>' + '<Object><Key>keep</Key></Object>'.repeat(1001) + '</Delete>'],
      ['an HTML entity in a key (not XML)', '<Delete><Object><Key>&nbsp;</Key></Object></Delete>'],
      ['an undeclared entity in a key', '<Delete><Object><Key>&bogus;</Key></Object></Delete>'],
      ['a bare ampersand', '<Delete><Object><Key>a & b</Key></Object></Delete>'],
      ['only a declaration', '<?xml version="1.0" encoding="UTF-8"?>'],
      ['a comment bomb', '<Delete>' + '<!-- x -->'.repeat(100_000) + '</Delete>'],
    ];
    for (const [why, body] of hostileXml) {
      it(`DeleteObjects with ${why} answers 400 MalformedXML-class error and deletes nothing`, async () => {
        expectXmlError(await deleteObjects(body), 400);
      });
    }

    it('DeleteObjects with invalid UTF-8 bytes in a key deletes nothing and reports at most a per-key error', async () => {
      const body = Buffer.concat([Buffer.from('<Delete><Object><Key>ke'), Buffer.from([0xc3, 0x28]), Buffer.from('ep</Key></Object></Delete>')]);
      const res = await deleteObjects(body);
      expect(res.status).to.be.within(200, 499);
      expect(res.text).not.to.include('<Deleted><Key>keep</Key>');
    });

    it('CreateBucket with billion laughs, 5,000-deep nesting (under its 64 KiB body limit) or an external entity answers 400 and creates nothing', async () => {
      const bodies = [
        `${billionLaughs}<CreateBucketConfiguration><LocationConstraint>&lol9;</LocationConstraint></CreateBucketConfiguration>`,
        `<CreateBucketConfiguration>${nested(5_000)}</CreateBucketConfiguration>`,
        '<!DOCTYPE c [<!ENTITY x SYSTEM "file:///etc/hostname">]><CreateBucketConfiguration><LocationConstraint>&x;</LocationConstraint></CreateBucketConfiguration>',
      ];
      for (const body of bodies) {
        const res = await t.client.send({ method: 'PUT', bucket: 'hostile-new-bucket', body });
        expect(expectXmlError(res, 400)).to.equal('MalformedXML');
      }
    });

    it('CompleteMultipartUpload of 10,001 parts answers 400 and leaves the upload in place', async () => {
      const uploadId = await createUpload('ten-thousand-and-one');
      const etag = md5Hex('x');
      let xml = '<CompleteMultipartUpload>';
      for (let n = 1; n <= 10_001; n++) xml += `<Part><PartNumber>${n}</PartNumber><ETag>"${etag}"</ETag></Part>`;
      xml += '</CompleteMultipartUpload>';
      const res = await t.client.send({ method: 'POST', bucket: B, key: 'ten-thousand-and-one', query: { uploadId }, body: xml });
      expectXmlError(res, 400);
      await expectUploadIntactThenAbort('ten-thousand-and-one', uploadId);
    });

    it('CompleteMultipartUpload with over 2 MiB of XML, billion laughs or deep nesting answers 400 and leaves the upload in place', async () => {
      const uploadId = await createUpload('complete-hostile');
      const bodies = [
        '<CompleteMultipartUpload>' + `<Part><PartNumber>1</PartNumber><ETag>"${md5Hex('x')}"</ETag></Part>`.repeat(40_000) + '</CompleteMultipartUpload>',
        `${billionLaughs}<CompleteMultipartUpload><Part><PartNumber>1</PartNumber><ETag>&lol9;</ETag></Part></CompleteMultipartUpload>`,
        `<CompleteMultipartUpload>${nested(10_000)}</CompleteMultipartUpload>`,
        '<CompleteMultipartUpload><Part><PartNumber>99999999999999999999999</PartNumber><ETag>"x"</ETag></Part></CompleteMultipartUpload>',
        '<CompleteMultipartUpload><Part><PartNumber>-1</PartNumber><ETag>"x"</ETag></Part></CompleteMultipartUpload>',
      ];
      for (const body of bodies) {
        const res = await t.client.send({ method: 'POST', bucket: B, key: 'complete-hostile', query: { uploadId }, body });
        expectXmlError(res, 400);
      }
      await expectUploadIntactThenAbort('complete-hostile', uploadId);
    });
  });

  describe('aws-chunked bodies (STREAMING-UNSIGNED-PAYLOAD-TRAILER)', function () {
    /** Signs (headers only, as the SDKs do for streaming) and sends a chunked PutObject with exactly `body` on the wire. */
    async function putChunked(key: string, body: Buffer | string, opts: { decoded?: string; trailer?: string; contentSha?: string } = {}) {
      const wire = Buffer.from(body);
      const path = S3TestClient.pathOf({ bucket: B, key });
      const headers: Record<string, string> = {
        host: t.client.hostHeader(),
        'x-amz-content-sha256': opts.contentSha ?? 'STREAMING-UNSIGNED-PAYLOAD-TRAILER',
        'content-encoding': 'aws-chunked',
        'content-length': String(wire.length),
        ...(opts.decoded !== undefined ? { 'x-amz-decoded-content-length': opts.decoded } : {}),
        ...(opts.trailer !== undefined ? { 'x-amz-trailer': opts.trailer } : {}),
      };
      const signed = await t.client.signer().sign({ method: 'PUT', protocol: 'https:', hostname: '127.0.0.1', port: t.running.port, path, query: {}, headers });
      return { path, headers: signed.headers as Record<string, string>, wire, send: () => t.client.raw({ method: 'PUT', path, headers: signed.headers, body: wire }) };
    }

    const cases: [string, string | Buffer, { decoded?: string; trailer?: string; contentSha?: string }][] = [
      ['a chunk size of ffffffffff', 'ffffffffff\r\nhello\r\n0\r\n\r\n', { decoded: '5' }],
      ['a chunk size over the 16 MiB limit', '1000001\r\nhello\r\n0\r\n\r\n', { decoded: '5' }],
      ['a 100-digit chunk size', `${'f'.repeat(100)}\r\nhello\r\n0\r\n\r\n`, { decoded: '5' }],
      ['a negative chunk size', '-5\r\nhello\r\n0\r\n\r\n', { decoded: '5' }],
      ['an empty chunk-size line', '\r\nhello\r\n0\r\n\r\n', { decoded: '5' }],
      ['a chunk-size line of 8 KiB extensions', `5;${'e'.repeat(8192)}\r\nhello\r\n0\r\n\r\n`, { decoded: '5' }],
      ['a truncated chunk (declares 10 bytes, sends 5, body ends)', 'a\r\nhello', { decoded: '10' }],
      ['a truncated chunk without the final chunk', '5\r\nhello\r\n', { decoded: '5' }],
      ['chunk data not followed by CRLF', '5\r\nhelloXX0\r\n\r\n', { decoded: '5' }],
      ['LF-only line endings', '5\nhello\n0\n\n', { decoded: '5' }],
      ['a decoded length smaller than the data', '5\r\nhello\r\n0\r\n\r\n', { decoded: '3' }],
      ['a decoded length larger than the data', '5\r\nhello\r\n0\r\n\r\n', { decoded: '6' }],
      ['a non-numeric decoded length', '5\r\nhello\r\n0\r\n\r\n', { decoded: 'five' }],
      ['a negative decoded length', '5\r\nhello\r\n0\r\n\r\n', { decoded: '-5' }],
      ['a decoded length over 5 GiB', '5\r\nhello\r\n0\r\n\r\n', { decoded: '6000000000' }],
      ['data after the final chunk', '5\r\nhello\r\n0\r\n\r\nSMUGGLED', { decoded: '5' }],
      ['a trailer line without a colon', '5\r\nhello\r\n0\r\nnot-a-header\r\n\r\n', { decoded: '5' }],
      ['a trailer checksum that is not base64', '5\r\nhello\r\n0\r\nx-amz-checksum-crc32:!!!!\r\n\r\n', { decoded: '5', trailer: 'x-amz-checksum-crc32' }],
      ['a wrong trailer checksum', '5\r\nhello\r\n0\r\nx-amz-checksum-crc32:AAAAAA==\r\n\r\n', { decoded: '5', trailer: 'x-amz-checksum-crc32' }],
      ['a declared trailer that never comes', '5\r\nhello\r\n0\r\n\r\n', { decoded: '5', trailer: 'x-amz-checksum-crc32' }],
      ['a repeated trailer header', '5\r\nhello\r\n0\r\nx-amz-checksum-crc32:NhCmhg==\r\nx-amz-checksum-crc32:NhCmhg==\r\n\r\n', { decoded: '5', trailer: 'x-amz-checksum-crc32' }],
      ['32 KiB of trailers', `5\r\nhello\r\n0\r\n${'x-pad:' + 'p'.repeat(1000) + '\r\n'}${'x-more:1\r\n'.repeat(3000)}\r\n`, { decoded: '5' }],
      ['an unsupported x-amz-trailer', '5\r\nhello\r\n0\r\nx-amz-evil:1\r\n\r\n', { decoded: '5', trailer: 'x-amz-evil' }],
      ['a signed streaming body with a 2-digit chunk signature', '5;chunk-signature=00\r\nhello\r\n0\r\n\r\n', { decoded: '5', contentSha: 'STREAMING-AWS4-HMAC-SHA256-PAYLOAD' }],
      ['a signed streaming body whose chunk signature is garbage', `5;chunk-signature=${'z'.repeat(64)}\r\nhello\r\n0;chunk-signature=${'0'.repeat(64)}\r\n\r\n`, { decoded: '5', contentSha: 'STREAMING-AWS4-HMAC-SHA256-PAYLOAD' }],
      ['a signed streaming-trailer body without the trailer signature', `5;chunk-signature=${'0'.repeat(64)}\r\nhello\r\n0;chunk-signature=${'0'.repeat(64)}\r\nx-amz-checksum-crc32:NhCmhg==\r\n\r\n`, { decoded: '5', trailer: 'x-amz-checksum-crc32', contentSha: 'STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER' }],
    ];
    for (const [why, body, opts] of cases) {
      it(`${why}: 4xx XML error, nothing stored`, async () => {
        const req = await putChunked('chunked-hostile', body, opts);
        const res = await req.send();
        expectXmlError(res);
      });
    }

    it('a huge chunk size followed by the client closing mid-chunk: nothing stored, the server serves on', async () => {
      const req = await putChunked('chunked-cut', Buffer.concat([Buffer.from('fffff\r\n'), Buffer.alloc(50_000, 0x61)]), { decoded: String(0xfffff) });
      const head = Object.entries(req.headers).filter(([k]) => k.toLowerCase() !== 'host').map(([k, v]) => `${k}: ${v}`);
      const declared = Buffer.from(`PUT ${req.path} HTTP/1.1\r\nHost: 127.0.0.1\r\n${head.filter((h) => !/^content-length/i.test(h)).join('\r\n')}\r\nContent-Length: ${0xfffff + 20}\r\n\r\n`, 'latin1');
      const res = await rawTls(target, [declared, req.wire], { endWrite: true, deadlineMs: 10_000 });
      expect(res.timedOut).to.equal(false);
      if (res.status !== undefined) expect(res.status).to.be.within(400, 499);
    });
  });
});
