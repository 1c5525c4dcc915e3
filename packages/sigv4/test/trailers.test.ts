import { createHash, createHmac, randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import { SignatureV4 } from '@smithy/signature-v4';
import type { ChecksumConstructor } from '@smithy/types';
import { expect } from 'chai';
import type { ChecksumAlgorithm } from '@keyless/core';
import { createChecksum, decodePayload, verifyRequest, CHECKSUM_ALGORITHMS, type VerifiedAuth } from '../src/index.js';
import { collect, expectS3Error, pieces } from './helpers.js';
import { NodeSha256 } from '@keyless/core/testing';

const AK = 'AKIATRAILERTEST';
const SECRET = 'trailer-secret';
const DATE = new Date('2025-01-02T03:04:05Z');
const EMPTY = createHash('sha256').digest('hex');
const hmacHex = (key: Buffer, s: string): string => createHmac('sha256', key).update(s).digest('hex');

/** Independent of the code under test: the signing key chain written out. */
function key(): Buffer {
  let k: Buffer = createHmac('sha256', 'AWS4' + SECRET).update('20250102').digest();
  for (const part of ['us-east-1', 's3', 'aws4_request']) k = createHmac('sha256', k).update(part).digest();
  return k;
}

const checksumB64 = (alg: ChecksumAlgorithm, data: Buffer): string => {
  const c = createChecksum(alg);
  c.update(data);
  return c.digest().toString('base64');
};

/** Builds an aws-chunked body, signed (chained from `seed`) or not, with trailer lines. */
function chunked(data: Buffer, chunkSize: number, trailers: [string, string][], seed?: string): Buffer {
  const out: string[] = [];
  let prev = seed;
  const scope = '20250102/us-east-1/s3/aws4_request';
  const amzDate = '20250102T030405Z';
  const sig = (bytes: Buffer): string => {
    prev = hmacHex(key(), `AWS4-HMAC-SHA256-PAYLOAD\n${amzDate}\n${scope}\n${prev}\n${EMPTY}\n${createHash('sha256').update(bytes).digest('hex')}`);
    return `;chunk-signature=${prev}`;
  };
  for (let i = 0; i < data.length; i += chunkSize) {
    const c = data.subarray(i, i + chunkSize);
    out.push(`${c.length.toString(16)}${seed ? sig(c) : ''}\r\n${c.toString('latin1')}\r\n`);
  }
  out.push(`0${seed ? sig(Buffer.alloc(0)) : ''}\r\n`);
  for (const [n, v] of trailers) out.push(`${n}:${v}\r\n`);
  if (seed) {
    const text = trailers.map(([n, v]) => `${n}:${v}\n`).join('');
    out.push(`x-amz-trailer-signature:${hmacHex(key(), `AWS4-HMAC-SHA256-TRAILER\n${amzDate}\n${scope}\n${prev}\n${createHash('sha256').update(text).digest('hex')}`)}\r\n`);
  }
  out.push('\r\n');
  return Buffer.from(out.join(''), 'latin1');
}

async function signedAuth(mode: string, headers: Record<string, string>): Promise<{ auth: VerifiedAuth; headers: Record<string, string> }> {
  const signer = new SignatureV4({ credentials: { accessKeyId: AK, secretAccessKey: SECRET }, region: 'us-east-1', service: 's3', sha256: NodeSha256 as unknown as ChecksumConstructor, uriEscapePath: false });
  const all = { host: 'localhost', 'x-amz-content-sha256': mode, 'content-encoding': 'aws-chunked', ...headers };
  const signed = await signer.sign({ method: 'PUT', protocol: 'https:', hostname: 'localhost', path: '/b/k', query: {}, headers: all }, { signingDate: DATE });
  const auth = await verifyRequest(
    { method: 'PUT', rawPath: '/b/k', rawQuery: '', rawHeaders: Object.entries(signed.headers).flat() },
    { service: 's3', now: DATE, lookupSecret: async (ak) => (ak === AK ? SECRET : undefined) },
  );
  const lower = Object.fromEntries(Object.entries(signed.headers).map(([k, v]) => [k.toLowerCase(), v]));
  return { auth: auth!, headers: lower };
}

const data = randomBytes(3000);

describe('aws-chunked with trailing checksums', () => {
  for (const alg of CHECKSUM_ALGORITHMS) {
    const name = `x-amz-checksum-${alg.toLowerCase()}`;
    const extra = { 'x-amz-trailer': name, 'x-amz-decoded-content-length': String(data.length) };

    it(`STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER with ${alg}, fed byte by byte and in odd pieces`, async () => {
      const { auth, headers } = await signedAuth('STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER', extra);
      const body = chunked(data, 1000, [[name, checksumB64(alg, data)]], auth.signature);
      for (const sizes of [[1], [3, 1, 7], [body.length]]) {
        const r = decodePayload(pieces(body, sizes), { headers, auth });
        expect(r.checksumAlgorithm).to.equal(alg);
        expect(r.contentEncoding).to.equal(undefined);
        expect((await collect(r.body)).equals(data)).to.equal(true);
        expect(r.finalize().checksums).to.deep.equal({ [alg]: checksumB64(alg, data) });
      }
    });

    it(`STREAMING-UNSIGNED-PAYLOAD-TRAILER with ${alg}, fed byte by byte`, async () => {
      const { auth, headers } = await signedAuth('STREAMING-UNSIGNED-PAYLOAD-TRAILER', extra);
      const body = chunked(data, 777, [[name, checksumB64(alg, data)]]);
      const r = decodePayload(pieces(body, [1]), { headers, auth });
      expect((await collect(r.body)).equals(data)).to.equal(true);
      expect(r.finalize().checksums[alg]).to.equal(checksumB64(alg, data));
    });

    it(`a wrong ${alg} trailer fails with BadDigest (signed and unsigned)`, async () => {
      const wrong = checksumB64(alg, Buffer.from('other'));
      const s = await signedAuth('STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER', extra);
      const e1 = await expectS3Error(collect(decodePayload(Readable.from([chunked(data, 1000, [[name, wrong]], s.auth.signature)]), s).body), 'BadDigest');
      expect(e1.message).to.equal(`The ${alg} you specified did not match the calculated checksum.`);
      const u = await signedAuth('STREAMING-UNSIGNED-PAYLOAD-TRAILER', extra);
      await expectS3Error(collect(decodePayload(Readable.from([chunked(data, 1000, [[name, wrong]])]), u).body), 'BadDigest');
    });
  }

  it('a tampered trailer or trailer signature fails with SignatureDoesNotMatch', async () => {
    const name = 'x-amz-checksum-crc32c';
    const { auth, headers } = await signedAuth('STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER', { 'x-amz-trailer': name });
    const good = chunked(data, 1000, [[name, checksumB64('CRC32C', data)]], auth.signature).toString('latin1');
    const tamperedValue = good.replace(`${name}:${checksumB64('CRC32C', data)}`, `${name}:${checksumB64('CRC32C', Buffer.from('x'))}`);
    const sigAt = good.indexOf('x-amz-trailer-signature:') + 30;
    const tamperedSig = good.slice(0, sigAt) + (good[sigAt] === 'a' ? 'b' : 'a') + good.slice(sigAt + 1);
    const noSig = good.replace(/x-amz-trailer-signature:[0-9a-f]+\r\n/, '');
    for (const body of [tamperedValue, tamperedSig, noSig]) {
      await expectS3Error(collect(decodePayload(Readable.from([Buffer.from(body, 'latin1')]), { headers, auth }).body), 'SignatureDoesNotMatch');
    }
  });

  it('an invalid trailer value fails with InvalidRequest; a missing declared trailer too', async () => {
    const name = 'x-amz-checksum-crc32';
    const u = await signedAuth('STREAMING-UNSIGNED-PAYLOAD-TRAILER', { 'x-amz-trailer': name });
    await expectS3Error(collect(decodePayload(Readable.from([chunked(data, 1000, [[name, 'AAAA']])]), u).body), 'InvalidRequest');
    await expectS3Error(collect(decodePayload(Readable.from([chunked(data, 1000, [])]), u).body), 'InvalidRequest');
  });

  it('computes the x-amz-sdk-checksum-algorithm checksum when no value is sent', async () => {
    const u = await signedAuth('STREAMING-UNSIGNED-PAYLOAD-TRAILER', { 'x-amz-sdk-checksum-algorithm': 'CRC64NVME' });
    const r = decodePayload(Readable.from([chunked(data, 1000, [])]), u);
    expect(r.checksumAlgorithm).to.equal('CRC64NVME');
    await collect(r.body);
    expect(r.finalize().checksums).to.deep.equal({ CRC64NVME: checksumB64('CRC64NVME', data) });
  });

  it('reads the unsigned-trailer example framing from the S3 docs', async () => {
    const u = await signedAuth('STREAMING-UNSIGNED-PAYLOAD-TRAILER', { 'x-amz-trailer': 'x-amz-checksum-crc32' });
    const r = decodePayload(Readable.from([Buffer.from('0\r\nx-amz-checksum-crc32:AAAAAA==\r\n\r\n')]), u);
    expect((await collect(r.body)).length).to.equal(0);
    expect(r.finalize().checksums).to.deep.equal({ CRC32: 'AAAAAA==' });
  });
});
