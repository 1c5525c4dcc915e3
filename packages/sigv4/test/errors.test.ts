import { createHash, createHmac } from 'node:crypto';
import { Readable } from 'node:stream';
import { SignatureV4 } from '@smithy/signature-v4';
import type { ChecksumConstructor } from '@smithy/types';
import { expect } from 'chai';
import { decodePayload, verifyRequest, type SignedRequest, type VerifyOptions } from '../src/index.js';
import { collect, expectS3Error } from './helpers.js';
import { NodeSha256 } from '@keyless/core/testing';

const AK = 'AKIAERRORS';
const SECRET = 'errors-secret';
const NOW = new Date('2024-06-01T12:00:00Z');
const opts: VerifyOptions = { service: 's3', region: 'us-east-1', now: NOW, lookupSecret: async (ak) => (ak === AK ? SECRET : undefined) };

async function sign(headers: Record<string, string>, at = NOW, region = 'us-east-1'): Promise<SignedRequest> {
  const signer = new SignatureV4({ credentials: { accessKeyId: AK, secretAccessKey: SECRET }, region, service: 's3', sha256: NodeSha256 as unknown as ChecksumConstructor, uriEscapePath: false });
  const s = await signer.sign({ method: 'PUT', protocol: 'https:', hostname: 'h', path: '/b/k', query: {}, headers: { host: 'h', 'x-amz-content-sha256': 'UNSIGNED-PAYLOAD', ...headers } }, { signingDate: at });
  return { method: 'PUT', rawPath: '/b/k', rawQuery: '', rawHeaders: Object.entries(s.headers).flat() };
}

function withHeader(req: SignedRequest, name: string, value: string | undefined): SignedRequest {
  const raw: string[] = [];
  for (let i = 0; i < req.rawHeaders.length; i += 2) if (req.rawHeaders[i]!.toLowerCase() !== name) raw.push(req.rawHeaders[i]!, req.rawHeaders[i + 1]!);
  if (value !== undefined) raw.push(name, value);
  return { ...req, rawHeaders: raw };
}

const auth = (r: SignedRequest): string => r.rawHeaders[r.rawHeaders.findIndex((h) => h.toLowerCase() === 'authorization') + 1]!;

describe('verifyRequest errors', () => {
  it('returns undefined for an anonymous request', async () => {
    expect(await verifyRequest({ method: 'GET', rawPath: '/b', rawQuery: 'list-type=2', rawHeaders: ['Host', 'h'] }, opts)).to.equal(undefined);
  });

  it('accepts spacing variations of the Authorization header', async () => {
    const r = await sign({});
    const squeezed = auth(r).replace(/, /g, ',').replace('AWS4-HMAC-SHA256 ', 'AWS4-HMAC-SHA256  ');
    expect((await verifyRequest(withHeader(r, 'authorization', squeezed), opts))?.accessKeyId).to.equal(AK);
  });

  it('refuses SigV4A and unknown schemes; checks SigV2 (see sigv2.test.ts) instead of trusting it', async () => {
    const r = await sign({});
    // SigV2 is verified now: a bogus V2 header is a wrong signature, an expired V2 URL is AccessDenied.
    await expectS3Error(verifyRequest(withHeader(r, 'authorization', 'AWS AKIA:c2lnbmF0dXJl'), opts), 'InvalidAccessKeyId');
    await expectS3Error(verifyRequest(withHeader(r, 'authorization', auth(r).replace('AWS4-HMAC-SHA256', 'AWS4-ECDSA-P256-SHA256')), opts), 'NotImplemented');
    await expectS3Error(verifyRequest(withHeader(r, 'authorization', 'Bearer xyz'), opts), 'InvalidArgument');
    await expectS3Error(verifyRequest({ method: 'GET', rawPath: '/b', rawQuery: 'AWSAccessKeyId=A&Signature=x&Expires=1', rawHeaders: ['Host', 'h'] }, opts), 'AccessDenied');
  });

  it('reports malformed headers', async () => {
    const r = await sign({});
    await expectS3Error(verifyRequest(withHeader(r, 'authorization', auth(r).replace(/, Signature=[0-9a-f]+/, '')), opts), 'IncompleteSignature');
    await expectS3Error(verifyRequest(withHeader(r, 'authorization', auth(r).replace(/SignedHeaders=[^,]+, /, '')), opts), 'AuthorizationHeaderMalformed');
    await expectS3Error(verifyRequest(withHeader(r, 'authorization', auth(r).replace('/us-east-1/s3/', '/us-east-1/')), opts), 'AuthorizationHeaderMalformed');
    await expectS3Error(verifyRequest(withHeader(r, 'authorization', auth(r).replace('/s3/', '/ec2/')), opts), 'AuthorizationHeaderMalformed');
    const wrongRegion = await expectS3Error(verifyRequest(await sign({}, NOW, 'eu-west-1'), opts), 'AuthorizationHeaderMalformed');
    expect(wrongRegion.message).to.contain("the region 'eu-west-1' is wrong; expecting 'us-east-1'");
  });

  it('checks the date, the skew, the key and the payload hash header', async () => {
    const r = await sign({});
    await expectS3Error(verifyRequest(await sign({}, new Date(NOW.getTime() - 16 * 60_000)), opts), 'RequestTimeTooSkewed');
    expect(await verifyRequest(await sign({}, new Date(NOW.getTime() - 14 * 60_000)), opts)).to.not.equal(undefined);
    await expectS3Error(verifyRequest(withHeader(r, 'x-amz-date', undefined), opts), 'AccessDenied');
    await expectS3Error(verifyRequest(r, { ...opts, lookupSecret: async () => undefined }), 'InvalidAccessKeyId');
    const missing = await expectS3Error(verifyRequest(withHeader(r, 'x-amz-content-sha256', undefined), opts), 'InvalidRequest');
    expect(missing.message).to.equal('Missing required header for this request: x-amz-content-sha256');
    await expectS3Error(verifyRequest(await sign({ 'x-amz-content-sha256': 'NOPE' }), opts), 'InvalidArgument');
  });

  it('accepts the Date header when x-amz-date is absent', async () => {
    // Signed by hand: the string to sign carries the Date header's instant in ISO 8601 basic form.
    const date = NOW.toUTCString();
    const canonical = `GET\n/b\n\ndate:${date}\nhost:h\nx-amz-content-sha256:UNSIGNED-PAYLOAD\n\ndate;host;x-amz-content-sha256\nUNSIGNED-PAYLOAD`;
    const toSign = `AWS4-HMAC-SHA256\n20240601T120000Z\n20240601/us-east-1/s3/aws4_request\n${createHash('sha256').update(canonical).digest('hex')}`;
    let k: Buffer = createHmac('sha256', 'AWS4' + SECRET).update('20240601').digest();
    for (const part of ['us-east-1', 's3', 'aws4_request']) k = createHmac('sha256', k).update(part).digest();
    const sig = createHmac('sha256', k).update(toSign).digest('hex');
    const authorization = `AWS4-HMAC-SHA256 Credential=${AK}/20240601/us-east-1/s3/aws4_request, SignedHeaders=date;host;x-amz-content-sha256, Signature=${sig}`;
    const rawHeaders = ['Host', 'h', 'Date', date, 'X-Amz-Content-Sha256', 'UNSIGNED-PAYLOAD', 'Authorization', authorization];
    const a = await verifyRequest({ method: 'GET', rawPath: '/b', rawQuery: '', rawHeaders }, opts);
    expect(a?.amzDate).to.equal('20240601T120000Z');
    await expectS3Error(verifyRequest({ method: 'GET', rawPath: '/b', rawQuery: '', rawHeaders: rawHeaders.map((h) => (h === date ? new Date(NOW.getTime() + 1000).toUTCString() : h)) }, opts), 'SignatureDoesNotMatch');
  });

  it('requires host to be signed and refuses header and query auth together', async () => {
    const r = await sign({});
    const noHost = auth(r).replace('SignedHeaders=host;', 'SignedHeaders=');
    await expectS3Error(verifyRequest(withHeader(r, 'authorization', noHost), opts), 'AccessDenied');
    await expectS3Error(verifyRequest({ ...r, rawQuery: 'X-Amz-Signature=00' }, opts), 'InvalidArgument');
  });

  it('validates presigned parameters', async () => {
    const base = 'X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKIAERRORS%2F20240601%2Fus-east-1%2Fs3%2Faws4_request&X-Amz-Date=20240601T115900Z&X-Amz-SignedHeaders=host&X-Amz-Signature=' + '0'.repeat(64);
    const req = (q: string): SignedRequest => ({ method: 'GET', rawPath: '/b/k', rawQuery: q, rawHeaders: ['Host', 'h'] });
    await expectS3Error(verifyRequest(req(base), opts), 'AuthorizationQueryParametersError');
    await expectS3Error(verifyRequest(req(base + '&X-Amz-Expires=0'), opts), 'AccessDenied');
    await expectS3Error(verifyRequest(req(base + '&X-Amz-Expires=604801'), opts), 'AccessDenied');
    await expectS3Error(verifyRequest(req(base + '&X-Amz-Expires=-7'), opts), 'AccessDenied');
    await expectS3Error(verifyRequest(req(base + '&X-Amz-Expires=1e3'), opts), 'AuthorizationQueryParametersError');
    await expectS3Error(verifyRequest(req(base + '&X-Amz-Expires=604800'), opts), 'SignatureDoesNotMatch');
    const expired = await expectS3Error(verifyRequest(req(base + '&X-Amz-Expires=30'), opts), 'AccessDenied');
    expect(expired.message).to.equal('Request has expired');
    await expectS3Error(verifyRequest(req(base.replace('us-east-1', 'eu-west-1') + '&X-Amz-Expires=60'), opts), 'AuthorizationQueryParametersError');
  });
});

describe('decodePayload header checks', () => {
  const body = Buffer.from('hello world');
  const sha = createHash('sha256').update(body).digest('hex');
  const md5 = createHash('md5').update(body).digest('base64');
  const decode = (headers: Record<string, string>, data = body): Promise<Buffer> =>
    collect(decodePayload(Readable.from([data]), { headers: { 'content-length': String(data.length), ...headers }, auth: undefined }).body);

  it('verifies a signed SHA-256 while streaming', async () => {
    expect((await decode({ 'x-amz-content-sha256': sha })).equals(body)).to.equal(true);
    await expectS3Error(decode({ 'x-amz-content-sha256': sha }, Buffer.from('hello worle')), 'XAmzContentSHA256Mismatch');
  });

  it('checks Content-MD5 and checksum headers', async () => {
    expect((await decode({ 'content-md5': md5, 'x-amz-checksum-crc32': 'DUoRhQ==' })).equals(body)).to.equal(true);
    await expectS3Error(decode({ 'content-md5': md5 }, Buffer.from('hello worle')), 'BadDigest');
    expect(() => decodePayload(Readable.from([]), { headers: { 'content-md5': 'nope' }, auth: undefined })).to.throw().with.property('code', 'InvalidDigest');
    const badCrc = await expectS3Error(decode({ 'x-amz-checksum-crc32': 'AAAAAA==' }), 'BadDigest');
    expect(badCrc.message).to.equal('The CRC32 you specified did not match the calculated checksum.');
    expect(() => decodePayload(Readable.from([]), { headers: { 'x-amz-checksum-crc32': 'AAAA' }, auth: undefined }))
      .to.throw('Value for x-amz-checksum-crc32 header is invalid.').with.property('code', 'InvalidRequest');
    expect(() => decodePayload(Readable.from([]), { headers: { 'x-amz-checksum-crc32': 'AAAAAA==', 'x-amz-checksum-sha1': 'AAAAAAAAAAAAAAAAAAAAAAAAAAA=' }, auth: undefined }))
      .to.throw().with.property('code', 'InvalidRequest');
  });

  it('enforces the size limit and the declared length', async () => {
    expect(() => decodePayload(Readable.from([]), { headers: { 'content-length': '11' }, auth: undefined, maxSize: 10 })).to.throw().with.property('code', 'EntityTooLarge');
    await expectS3Error(collect(decodePayload(Readable.from([body]), { headers: {}, auth: undefined, maxSize: 10 }).body), 'EntityTooLarge');
    await expectS3Error(decode({ 'content-length': '12' }), 'IncompleteBody');
  });
});
