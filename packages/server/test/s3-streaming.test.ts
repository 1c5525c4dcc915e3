import { Readable } from 'node:stream';
import { crc32 } from 'node:zlib';
import { expect } from 'chai';
import { errorCode, md5Hex, S3TestClient, sha256Hex, type TestResponse } from './support/s3-client.js';
import { startTestServer, type TestServer } from './support/s3-test-server.js';

const B = 'streaming-bucket';
const EMPTY_SHA256 = sha256Hex('');

/** CRC32 as S3 checksum headers carry it: base64 of the big-endian 4 bytes. */
function crc32Base64(data: Buffer): string {
  const b = Buffer.alloc(4);
  b.writeUInt32BE(crc32(data) >>> 0);
  return b.toString('base64');
}

/** Splits data into `size`-byte chunks (the last one shorter). */
function split(data: Buffer, size: number): Buffer[] {
  const out: Buffer[] = [];
  for (let i = 0; i < data.length; i += size) out.push(data.subarray(i, i + size));
  return out;
}

/** A body delivered in small, arbitrary writes, so framing lines straddle network reads. */
function trickle(data: Buffer, piece = 7): Readable {
  return Readable.from(split(data, piece));
}

describe('S3 HTTP: aws-chunked streaming uploads', function () {
  let t: TestServer;

  before(async () => {
    t = await startTestServer();
    expect((await t.client.send({ method: 'PUT', bucket: B })).status).to.equal(200);
  });
  after(async () => {
    await t?.close();
  });

  /**
   * Sends a STREAMING-AWS4-HMAC-SHA256-PAYLOAD PutObject. The seed signature comes from the smithy
   * signer; each chunk signature chains from it as the AWS document describes.
   * @see https://docs.aws.amazon.com/AmazonS3/latest/API/sigv4-streaming.html
   */
  async function putSignedStreaming(key: string, data: Buffer, chunkSize: number, opts: { corruptChunk?: number; lie?: 'length' } = {}): Promise<TestResponse> {
    const signingDate = new Date();
    const signer = t.client.signer();
    const chunks = split(data, chunkSize);
    chunks.push(Buffer.alloc(0));
    const framedLength = chunks.reduce((n, c) => n + c.length.toString(16).length + ';chunk-signature='.length + 64 + 2 + c.length + 2, 0);
    const path = S3TestClient.pathOf({ bucket: B, key });
    const signed = await signer.sign(
      {
        method: 'PUT', protocol: 'https:', hostname: '127.0.0.1', port: t.running.port, path, query: {},
        headers: {
          host: t.client.hostHeader(),
          'x-amz-content-sha256': 'STREAMING-AWS4-HMAC-SHA256-PAYLOAD',
          'content-encoding': 'aws-chunked',
          'x-amz-decoded-content-length': String(opts.lie === 'length' ? data.length + 1 : data.length),
          'content-length': String(framedLength),
          'content-type': 'text/plain',
        },
      },
      { signingDate },
    );
    const headers = signed.headers as Record<string, string>;
    const seed = /Signature=([0-9a-f]{64})/.exec(headers.authorization)![1];
    const amzDate = headers['x-amz-date'];
    const scope = `${amzDate.slice(0, 8)}/us-east-1/s3/aws4_request`;
    let prev = seed;
    const parts: Buffer[] = [];
    for (const [i, chunk] of chunks.entries()) {
      const stringToSign = ['AWS4-HMAC-SHA256-PAYLOAD', amzDate, scope, prev, EMPTY_SHA256, sha256Hex(chunk)].join('\n');
      let sig = await signer.sign(stringToSign, { signingDate });
      if (opts.corruptChunk === i) sig = (sig[0] === '0' ? '1' : '0') + sig.slice(1);
      parts.push(Buffer.from(`${chunk.length.toString(16)};chunk-signature=${sig}\r\n`), chunk, Buffer.from('\r\n'));
      prev = sig;
    }
    const body = Buffer.concat(parts);
    expect(body.length).to.equal(framedLength);
    return t.client.raw({ method: 'PUT', path, headers, body: trickle(body, 1000) });
  }

  /** Sends a STREAMING-UNSIGNED-PAYLOAD-TRAILER PutObject with an x-amz-checksum-crc32 trailer. */
  async function putUnsignedTrailer(key: string, data: Buffer, chunkSize: number, trailerValue = crc32Base64(data)): Promise<TestResponse> {
    const chunks = split(data, chunkSize);
    const parts: Buffer[] = [];
    for (const c of chunks) parts.push(Buffer.from(`${c.length.toString(16)}\r\n`), c, Buffer.from('\r\n'));
    parts.push(Buffer.from(`0\r\nx-amz-checksum-crc32:${trailerValue}\r\n\r\n`));
    const body = Buffer.concat(parts);
    const path = S3TestClient.pathOf({ bucket: B, key });
    const signed = await t.client.signer().sign({
      method: 'PUT', protocol: 'https:', hostname: '127.0.0.1', port: t.running.port, path, query: {},
      headers: {
        host: t.client.hostHeader(),
        'x-amz-content-sha256': 'STREAMING-UNSIGNED-PAYLOAD-TRAILER',
        'content-encoding': 'aws-chunked',
        'x-amz-decoded-content-length': String(data.length),
        'x-amz-trailer': 'x-amz-checksum-crc32',
        'content-length': String(body.length),
      },
    });
    return t.client.raw({ method: 'PUT', path, headers: signed.headers, body: trickle(body) });
  }

  const payload = Buffer.from(Array.from({ length: 200 }, (_, i) => `line ${i} of the streamed object\n`).join(''));

  it('STREAMING-AWS4-HMAC-SHA256-PAYLOAD: stores exactly the decoded bytes', async () => {
    const res = await putSignedStreaming('signed-stream.txt', payload, 1024);
    expect(res.status, res.text).to.equal(200);
    expect(res.headers.etag).to.equal(`"${md5Hex(payload)}"`);
    const get = await t.client.send({ method: 'GET', bucket: B, key: 'signed-stream.txt' });
    expect(get.status).to.equal(200);
    expect(get.body.equals(payload)).to.equal(true);
    expect(get.headers['content-length']).to.equal(String(payload.length));
    // aws-chunked is framing, not a stored content encoding.
    expect(get.headers['content-encoding']).to.equal(undefined);
    expect(get.headers['content-type']).to.equal('text/plain');
  });

  it('STREAMING-AWS4-HMAC-SHA256-PAYLOAD: a 64 KiB-chunked larger body round-trips', async () => {
    const big = Buffer.alloc(300 * 1024);
    for (let i = 0; i < big.length; i++) big[i] = (i * 31) & 0xff;
    const res = await putSignedStreaming('signed-big.bin', big, 64 * 1024);
    expect(res.status, res.text).to.equal(200);
    const get = await t.client.send({ method: 'GET', bucket: B, key: 'signed-big.bin' });
    expect(get.body.equals(big)).to.equal(true);
  });

  it('STREAMING-AWS4-HMAC-SHA256-PAYLOAD: a wrong chunk signature answers SignatureDoesNotMatch and stores nothing', async () => {
    const res = await putSignedStreaming('signed-bad.txt', payload, 1024, { corruptChunk: 2 });
    expect(res.status).to.equal(403);
    expect(errorCode(res)).to.equal('SignatureDoesNotMatch');
    expect((await t.client.send({ method: 'HEAD', bucket: B, key: 'signed-bad.txt' })).status).to.equal(404);
  });

  it('STREAMING-AWS4-HMAC-SHA256-PAYLOAD: a wrong final chunk signature is refused too', async () => {
    const chunks = Math.ceil(payload.length / 1024);
    const res = await putSignedStreaming('signed-bad-final.txt', payload, 1024, { corruptChunk: chunks });
    expect(res.status).to.equal(403);
    expect(errorCode(res)).to.equal('SignatureDoesNotMatch');
    expect((await t.client.send({ method: 'HEAD', bucket: B, key: 'signed-bad-final.txt' })).status).to.equal(404);
  });

  it('STREAMING-AWS4-HMAC-SHA256-PAYLOAD: a decoded length that does not match the body is refused, nothing stored', async () => {
    const res = await putSignedStreaming('signed-length.txt', payload, 1024, { lie: 'length' });
    expect(res.status).to.equal(400);
    expect(errorCode(res)).to.equal('IncompleteBody');
    expect((await t.client.send({ method: 'HEAD', bucket: B, key: 'signed-length.txt' })).status).to.equal(404);
  });

  it('STREAMING-UNSIGNED-PAYLOAD-TRAILER with a CRC32 trailer: stores the decoded bytes and the checksum', async () => {
    const res = await putUnsignedTrailer('trailer.txt', payload, 500);
    expect(res.status, res.text).to.equal(200);
    expect(res.headers.etag).to.equal(`"${md5Hex(payload)}"`);
    expect(res.headers['x-amz-checksum-crc32']).to.equal(crc32Base64(payload));
    const get = await t.client.send({ method: 'GET', bucket: B, key: 'trailer.txt', headers: { 'x-amz-checksum-mode': 'ENABLED' } });
    expect(get.status).to.equal(200);
    expect(get.body.equals(payload)).to.equal(true);
    expect(get.headers['x-amz-checksum-crc32']).to.equal(crc32Base64(payload));
  });

  it('STREAMING-UNSIGNED-PAYLOAD-TRAILER: a wrong trailer checksum answers BadDigest and stores nothing', async () => {
    const res = await putUnsignedTrailer('trailer-bad.txt', payload, 500, crc32Base64(Buffer.from('something else')));
    expect(res.status).to.equal(400);
    expect(errorCode(res)).to.equal('BadDigest');
    expect((await t.client.send({ method: 'HEAD', bucket: B, key: 'trailer-bad.txt' })).status).to.equal(404);
  });

  it('STREAMING-UNSIGNED-PAYLOAD-TRAILER: a failed overwrite keeps the previous object', async () => {
    expect((await t.client.send({ method: 'PUT', bucket: B, key: 'trailer-keep.txt', body: 'original' })).status).to.equal(200);
    const res = await putUnsignedTrailer('trailer-keep.txt', payload, 500, crc32Base64(Buffer.from('nope')));
    expect(errorCode(res)).to.equal('BadDigest');
    expect((await t.client.send({ method: 'GET', bucket: B, key: 'trailer-keep.txt' })).text).to.equal('original');
  });

  it('malformed aws-chunked framing is refused and stores nothing', async () => {
    const path = S3TestClient.pathOf({ bucket: B, key: 'bad-framing' });
    const body = Buffer.from('zz\r\nhello\r\n0\r\n\r\n');
    const signed = await t.client.signer().sign({
      method: 'PUT', protocol: 'https:', hostname: '127.0.0.1', port: t.running.port, path, query: {},
      headers: {
        host: t.client.hostHeader(), 'x-amz-content-sha256': 'STREAMING-UNSIGNED-PAYLOAD-TRAILER', 'content-encoding': 'aws-chunked',
        'x-amz-decoded-content-length': '5', 'content-length': String(body.length),
      },
    });
    const res = await t.client.raw({ method: 'PUT', path, headers: signed.headers, body });
    expect(res.status).to.be.within(400, 499);
    expect(errorCode(res)).to.be.a('string');
    expect((await t.client.send({ method: 'HEAD', bucket: B, key: 'bad-framing' })).status).to.equal(404);
  });

  it('a streaming UploadPart stores the decoded part', async () => {
    const key = 'mp-streamed';
    const init = await t.client.send({ method: 'POST', bucket: B, key, query: { uploads: '' } });
    const uploadId = /<UploadId>([^<]+)<\/UploadId>/.exec(init.text)![1];
    const chunks = split(payload, 700);
    const parts: Buffer[] = [];
    for (const c of chunks) parts.push(Buffer.from(`${c.length.toString(16)}\r\n`), c, Buffer.from('\r\n'));
    parts.push(Buffer.from(`0\r\nx-amz-checksum-crc32:${crc32Base64(payload)}\r\n\r\n`));
    const body = Buffer.concat(parts);
    const path = S3TestClient.pathOf({ bucket: B, key });
    const query = { partNumber: '1', uploadId };
    const signed = await t.client.signer().sign({
      method: 'PUT', protocol: 'https:', hostname: '127.0.0.1', port: t.running.port, path, query,
      headers: {
        host: t.client.hostHeader(), 'x-amz-content-sha256': 'STREAMING-UNSIGNED-PAYLOAD-TRAILER', 'content-encoding': 'aws-chunked',
        'x-amz-decoded-content-length': String(payload.length), 'x-amz-trailer': 'x-amz-checksum-crc32', 'content-length': String(body.length),
      },
    });
    const res = await t.client.raw({ method: 'PUT', path: path + S3TestClient.queryString(query), headers: signed.headers, body });
    expect(res.status, res.text).to.equal(200);
    expect(res.headers.etag).to.equal(`"${md5Hex(payload)}"`);
    const done = await t.client.send({
      method: 'POST', bucket: B, key, query: { uploadId },
      body: `<CompleteMultipartUpload><Part><PartNumber>1</PartNumber><ETag>${res.headers.etag}</ETag></Part></CompleteMultipartUpload>`,
    });
    expect(done.status, done.text).to.equal(200);
    expect((await t.client.send({ method: 'GET', bucket: B, key })).body.equals(payload)).to.equal(true);
  });
});
