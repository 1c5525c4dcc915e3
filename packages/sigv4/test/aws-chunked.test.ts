import { Readable } from 'node:stream';
import { expect } from 'chai';
import { decodePayload, verifyRequest, type VerifiedAuth } from '../src/index.js';
import { collect, expectS3Error, pieces, readTestData } from './helpers.js';

interface Example {
  credentials: { access_key_id: string; secret_access_key: string };
  region: string;
  amz_date: string;
  request: { method: string; path: string; headers: Record<string, string> };
  expected: { authorization: string; seed_signature: string; chunk_signatures: string[] };
}

const example = JSON.parse(readTestData('aws-chunked-example.json')) as Example;
const { chunk_signatures: sigs } = example.expected;

function encodedBody(): Buffer {
  const a = (n: number): string => 'a'.repeat(n);
  return Buffer.from(
    `10000;chunk-signature=${sigs[0]}\r\n${a(65536)}\r\n` + `400;chunk-signature=${sigs[1]}\r\n${a(1024)}\r\n` + `0;chunk-signature=${sigs[2]}\r\n\r\n`,
    'latin1',
  );
}

async function verifyExample(): Promise<VerifiedAuth> {
  const headers = { ...example.request.headers, authorization: example.expected.authorization };
  const auth = await verifyRequest(
    { method: example.request.method, rawPath: example.request.path, rawQuery: '', rawHeaders: Object.entries(headers).flat() },
    {
      service: 's3',
      region: example.region,
      now: new Date('2013-05-24T00:05:00Z'),
      lookupSecret: async (ak) => (ak === example.credentials.access_key_id ? example.credentials.secret_access_key : undefined),
    },
  );
  expect(auth).to.not.equal(undefined);
  return auth!;
}

function decode(body: Readable, auth: VerifiedAuth, headerOverrides: Record<string, string> = {}): Promise<Buffer> {
  const result = decodePayload(body, { headers: { ...example.request.headers, ...headerOverrides }, auth });
  return collect(result.body);
}

describe('aws-chunked: S3 API reference example (STREAMING-AWS4-HMAC-SHA256-PAYLOAD)', () => {
  it('verifies the seed signature', async () => {
    const auth = await verifyExample();
    expect(auth.signature).to.equal(example.expected.seed_signature);
    expect(auth.payloadHash).to.equal('STREAMING-AWS4-HMAC-SHA256-PAYLOAD');
    expect(encodedBody().length).to.equal(Number(example.request.headers['content-length']));
  });

  it('decodes the body to exactly 66560 "a"s, whatever the input boundaries', async () => {
    const auth = await verifyExample();
    for (const sizes of [[1 << 20], [1], [7, 13, 1, 4096], [65536 + 87, 2, 1]]) {
      const body = await decode(pieces(encodedBody(), sizes), auth);
      expect(body.length).to.equal(66560);
      expect(body.every((b) => b === 0x61)).to.equal(true);
    }
  });

  it('reports the decoded length and strips aws-chunked from Content-Encoding', async () => {
    const auth = await verifyExample();
    const r = decodePayload(Readable.from([encodedBody()]), { headers: { ...example.request.headers, 'content-encoding': 'gzip,aws-chunked' }, auth });
    expect(r.decodedLength).to.equal(66560);
    expect(r.contentEncoding).to.equal('gzip');
    expect((await collect(r.body)).length).to.equal(66560);
    expect(r.finalize().checksums).to.deep.equal({});
    const r2 = decodePayload(Readable.from([encodedBody()]), { headers: example.request.headers, auth });
    expect(r2.contentEncoding).to.equal(undefined);
    await collect(r2.body);
  });

  it('a flipped byte in chunk data fails with SignatureDoesNotMatch', async () => {
    const auth = await verifyExample();
    for (const at of [100, 65626 + 86 + 10]) {
      const body = encodedBody();
      body[at] = 0x62;
      await expectS3Error(decode(pieces(body, [333]), auth), 'SignatureDoesNotMatch');
    }
  });

  it('a flipped character in any chunk signature fails with SignatureDoesNotMatch', async () => {
    const auth = await verifyExample();
    for (const sig of sigs) {
      const text = encodedBody().toString('latin1');
      const flipped = sig.slice(0, 5) + (sig[5] === '0' ? '1' : '0') + sig.slice(6);
      await expectS3Error(decode(Readable.from([Buffer.from(text.replace(sig, flipped), 'latin1')]), auth), 'SignatureDoesNotMatch');
    }
  });

  it('a truncated body fails with IncompleteBody', async () => {
    const auth = await verifyExample();
    for (const len of [10, 5000, 65626, 66700, 66824 - 3]) {
      await expectS3Error(decode(Readable.from([encodedBody().subarray(0, len)]), auth), 'IncompleteBody');
    }
  });

  it('a wrong x-amz-decoded-content-length fails with IncompleteBody', async () => {
    const auth = await verifyExample();
    await expectS3Error(decode(Readable.from([encodedBody()]), auth, { 'x-amz-decoded-content-length': '66561' }), 'IncompleteBody');
    await expectS3Error(decode(Readable.from([encodedBody()]), auth, { 'x-amz-decoded-content-length': '66559' }), 'IncompleteBody');
  });

  it('malformed framing fails with IncompleteBody or InvalidArgument, never leaking framing bytes', async () => {
    const auth = await verifyExample();
    const text = encodedBody().toString('latin1');
    await expectS3Error(decode(Readable.from([Buffer.from(text.replace('10000;', 'zz;'), 'latin1')]), auth), 'IncompleteBody');
    await expectS3Error(decode(Readable.from([Buffer.from(text.replace(`\r\n400;`, `\n\n400;`), 'latin1')]), auth), 'IncompleteBody');
    await expectS3Error(decode(Readable.from([Buffer.from('1000001;chunk-signature=' + sigs[0] + '\r\n', 'latin1')]), auth), 'InvalidArgument');
    await expectS3Error(decode(Readable.from([Buffer.from('1' + ';x'.repeat(3000), 'latin1')]), auth), 'InvalidArgument');
    await expectS3Error(decode(Readable.from([Buffer.concat([encodedBody(), Buffer.from('junk')])]), auth), 'InvalidArgument');
  });

  it('a source that errors or closes early ends the body with IncompleteBody', async () => {
    const auth = await verifyExample();
    const src = new Readable({ read() {} });
    const r = decodePayload(src, { headers: example.request.headers, auth });
    src.push(encodedBody().subarray(0, 1000));
    setImmediate(() => src.destroy(new Error('aborted')));
    await expectS3Error(collect(r.body), 'IncompleteBody');
  });
});
