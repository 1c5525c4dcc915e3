import { expect } from 'chai';
import { isS3Error } from '@keyless/core';
import { verifyRequest, sigV2StringToSign, type SignedRequest } from '../src/index.js';

/**
 * Signature Version 2, against the worked examples of the S3 developer guide ("Signing and
 * authenticating REST requests"): credentials AKIAIOSFODNN7EXAMPLE / wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY,
 * bucket johnsmith addressed virtual-hosted-style.
 * @see https://docs.aws.amazon.com/AmazonS3/latest/userguide/RESTAuthentication.html
 */
const AK = 'AKIAIOSFODNN7EXAMPLE';
const SECRET = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY';
const lookupSecret = async (ak: string) => (ak === AK ? SECRET : undefined);

function req(method: string, rawPath: string, headers: Record<string, string>, rawQuery = ''): SignedRequest {
  return { method, rawPath, rawQuery, rawHeaders: Object.entries(headers).flat() };
}

async function code(p: Promise<unknown>): Promise<string> {
  try {
    await p;
    return 'none';
  } catch (err) {
    if (isS3Error(err)) return err.code;
    throw err;
  }
}

const CASES = [
  {
    name: 'Object GET',
    request: req('GET', '/photos/puppy.jpg', { Host: 'johnsmith.s3.amazonaws.com', Date: 'Tue, 27 Mar 2007 19:36:42 +0000', Authorization: `AWS ${AK}:bWq2s1WEIj+Ydj0vQ697zp+IXMU=` }),
    toSign: 'GET\n\n\nTue, 27 Mar 2007 19:36:42 +0000\n/johnsmith/photos/puppy.jpg',
    now: 'Tue, 27 Mar 2007 19:36:42 +0000',
  },
  {
    name: 'Object PUT',
    request: req('PUT', '/photos/puppy.jpg', { 'Content-Type': 'image/jpeg', 'Content-Length': '94328', Host: 'johnsmith.s3.amazonaws.com', Date: 'Tue, 27 Mar 2007 21:15:45 +0000', Authorization: `AWS ${AK}:MyyxeRY7whkBe+bq8fHCL/2kKUg=` }),
    toSign: 'PUT\n\nimage/jpeg\nTue, 27 Mar 2007 21:15:45 +0000\n/johnsmith/photos/puppy.jpg',
    now: 'Tue, 27 Mar 2007 21:15:45 +0000',
  },
  {
    name: 'List (sub-resource-free query parameters are not signed)',
    request: req('GET', '/', { 'User-Agent': 'Mozilla/5.0', Host: 'johnsmith.s3.amazonaws.com', Date: 'Tue, 27 Mar 2007 19:42:41 +0000', Authorization: `AWS ${AK}:htDYFYduRNen8P9ZfE/s9SuKy0U=` }, 'prefix=photos&max-keys=50&marker=puppy'),
    toSign: 'GET\n\n\nTue, 27 Mar 2007 19:42:41 +0000\n/johnsmith/',
    now: 'Tue, 27 Mar 2007 19:42:41 +0000',
  },
  {
    name: 'Query string authentication (presigned)',
    request: req('GET', '/photos/puppy.jpg', { Host: 'johnsmith.s3.amazonaws.com' }, `AWSAccessKeyId=${AK}&Signature=NpgCjnDzrM%2BWFzoENXmpNDUsSn8%3D&Expires=1175139620`),
    toSign: 'GET\n\n\n1175139620\n/johnsmith/photos/puppy.jpg',
    now: 'Tue, 27 Mar 2007 19:36:42 +0000',
  },
];

describe('SigV2 (legacy S3 signatures, used by aws CLI v1 presign)', () => {
  for (const c of CASES) {
    it(`${c.name}: the string to sign and the signature match the AWS example`, async () => {
      const dateLine = c.toSign.split('\n')[3];
      expect(sigV2StringToSign(c.request, dateLine, 'johnsmith')).to.equal(c.toSign);
      const auth = await verifyRequest(c.request, { service: 's3', now: new Date(c.now), lookupSecret, virtualHostBucket: 'johnsmith' });
      expect(auth?.accessKeyId).to.equal(AK);
      expect(auth?.version).to.equal(2);
      expect(auth?.payloadHash).to.equal('UNSIGNED-PAYLOAD');
    });

    it(`${c.name}: one changed field fails with SignatureDoesNotMatch`, async () => {
      const mutated = { ...c.request, rawPath: c.request.rawPath + 'x' };
      expect(await code(verifyRequest(mutated, { service: 's3', now: new Date(c.now), lookupSecret, virtualHostBucket: 'johnsmith' }))).to.equal('SignatureDoesNotMatch');
    });
  }

  it('accepts the path-style bucket-only form botocore signs as /bucket/', async () => {
    const { createHmac } = await import('node:crypto');
    const sig = createHmac('sha1', SECRET).update('GET\n\n\nTue, 27 Mar 2007 19:42:41 +0000\n/johnsmith/').digest('base64');
    const r = req('GET', '/johnsmith', { Host: 'localhost', Date: 'Tue, 27 Mar 2007 19:42:41 +0000', Authorization: `AWS ${AK}:${sig}` }, 'prefix=a');
    expect((await verifyRequest(r, { service: 's3', now: new Date('Tue, 27 Mar 2007 19:42:41 +0000'), lookupSecret }))?.accessKeyId).to.equal(AK);
  });

  it('refuses an expired presigned URL, an unknown key, clock skew, and V2 for other services', async () => {
    const presigned = CASES[3].request;
    expect(await code(verifyRequest(presigned, { service: 's3', now: new Date(1175139621_000), lookupSecret, virtualHostBucket: 'johnsmith' }))).to.equal('AccessDenied');
    const unknown = req('GET', '/photos/puppy.jpg', { Date: 'Tue, 27 Mar 2007 19:36:42 +0000', Authorization: 'AWS NOPE:bWq2s1WEIj+Ydj0vQ697zp+IXMU=' });
    expect(await code(verifyRequest(unknown, { service: 's3', now: new Date('Tue, 27 Mar 2007 19:36:42 +0000'), lookupSecret }))).to.equal('InvalidAccessKeyId');
    expect(await code(verifyRequest(CASES[0].request, { service: 's3', now: new Date('Tue, 27 Mar 2007 20:36:42 +0000'), lookupSecret, virtualHostBucket: 'johnsmith' }))).to.equal('RequestTimeTooSkewed');
    expect(await code(verifyRequest(CASES[0].request, { service: 'sts', now: new Date('Tue, 27 Mar 2007 19:36:42 +0000'), lookupSecret }))).to.equal('NotImplemented');
    const malformed = req('GET', '/', { Date: 'Tue, 27 Mar 2007 19:36:42 +0000', Authorization: 'AWS justonefield' });
    expect(await code(verifyRequest(malformed, { service: 's3', now: new Date('Tue, 27 Mar 2007 19:36:42 +0000'), lookupSecret }))).to.equal('AuthorizationHeaderMalformed');
  });
});
