import { expect } from 'chai';
import { SignatureV4 } from '@smithy/signature-v4';
import { errorCode, parseXml, S3TestClient, Sha256, type S3RequestSpec } from './support/s3-client.js';
import { startTestServer, TEST_ROOT, type TestServer } from './support/s3-test-server.js';

const B = 'auth-bucket';

describe('S3 HTTP: authentication and protocol errors', function () {
  let t: TestServer;
  const send = (spec: S3RequestSpec) => t.client.send(spec);

  before(async () => {
    t = await startTestServer();
    expect((await send({ method: 'PUT', bucket: B })).status).to.equal(200);
    expect((await send({ method: 'PUT', bucket: B, key: 'secret.txt', body: 'top secret' })).status).to.equal(200);
  });
  after(async () => {
    await t?.close();
  });

  it('an unknown access key answers 403 InvalidAccessKeyId', async () => {
    const res = await send({ method: 'GET', bucket: B, key: 'secret.txt', credentials: { accessKeyId: 'UNKNOWNKEY123', secretAccessKey: 'whatever-secret' } });
    expect(res.status).to.equal(403);
    expect(errorCode(res)).to.equal('InvalidAccessKeyId');
    expect(res.text).not.to.include('top secret');
  });

  it('a wrong secret answers 403 SignatureDoesNotMatch', async () => {
    const res = await send({ method: 'GET', bucket: B, key: 'secret.txt', credentials: { accessKeyId: TEST_ROOT.accessKeyId, secretAccessKey: 'not-the-right-secret' } });
    expect(res.status).to.equal(403);
    expect(errorCode(res)).to.equal('SignatureDoesNotMatch');
    expect(res.text).not.to.include(TEST_ROOT.secretAccessKey);
  });

  it('a request altered after signing answers SignatureDoesNotMatch', async () => {
    const path = S3TestClient.pathOf({ bucket: B, key: 'secret.txt' });
    const signed = await t.client.signer().sign({ method: 'GET', protocol: 'https:', hostname: '127.0.0.1', port: t.running.port, path, query: {}, headers: { host: t.client.hostHeader() } });
    const res = await t.client.raw({ method: 'GET', path: S3TestClient.pathOf({ bucket: B, key: 'other.txt' }), headers: signed.headers });
    expect(res.status).to.equal(403);
    expect(errorCode(res)).to.equal('SignatureDoesNotMatch');
  });

  it('no authentication answers 403 AccessDenied (object, bucket and service)', async () => {
    for (const spec of [
      { method: 'GET', bucket: B, key: 'secret.txt' },
      { method: 'PUT', bucket: B, key: 'anon.txt', body: 'x' },
      { method: 'GET', bucket: B },
      { method: 'GET' },
    ]) {
      const res = await send({ ...spec, unsigned: true });
      expect(res.status, JSON.stringify(spec)).to.equal(403);
      expect(errorCode(res)).to.equal('AccessDenied');
    }
    expect((await send({ method: 'GET', bucket: B, key: 'anon.txt' })).status).to.equal(404);
  });

  it('an unauthenticated HEAD answers 403 with no body', async () => {
    const res = await send({ method: 'HEAD', bucket: B, key: 'secret.txt', unsigned: true });
    expect(res.status).to.equal(403);
    expect(res.body.length).to.equal(0);
  });

  it('a malformed Authorization header answers 400', async () => {
    const cases: [string, string][] = [
      ['AWS4-HMAC-SHA256 Credential=abc', 'AuthorizationHeaderMalformed'],
      ['Bearer token', 'InvalidArgument'],
      [`AWS4-HMAC-SHA256 Credential=${TEST_ROOT.accessKeyId}/20240101/us-east-1/s3/aws4_request, SignedHeaders=host`, 'IncompleteSignature'],
    ];
    for (const [authorization, code] of cases) {
      const res = await t.client.raw({ method: 'GET', path: `/${B}/secret.txt`, headers: { authorization, 'x-amz-date': '20240101T000000Z', 'x-amz-content-sha256': 'UNSIGNED-PAYLOAD' } });
      expect(res.status, authorization).to.equal(400);
      expect(errorCode(res), authorization).to.equal(code);
    }
  });

  it('a credential scope for another region answers AuthorizationHeaderMalformed', async () => {
    const other = new S3TestClient({ port: t.running.port, ca: '', ...TEST_ROOT, region: 'eu-west-3' });
    const path = S3TestClient.pathOf({ bucket: B, key: 'secret.txt' });
    const signed = await other.signer().sign({ method: 'GET', protocol: 'https:', hostname: '127.0.0.1', port: t.running.port, path, query: {}, headers: { host: t.client.hostHeader() } });
    const res = await t.client.raw({ method: 'GET', path, headers: signed.headers });
    expect(res.status).to.equal(400);
    expect(errorCode(res)).to.equal('AuthorizationHeaderMalformed');
  });

  it('a Signature Version 2 request with a wrong signature answers 403 SignatureDoesNotMatch', async () => {
    const res = await t.client.raw({ method: 'GET', path: `/${B}/secret.txt`, headers: { authorization: `AWS ${TEST_ROOT.accessKeyId}:c2lnbmF0dXJl`, date: new Date().toUTCString() } });
    expect(res.status).to.equal(403);
    expect(errorCode(res)).to.equal('SignatureDoesNotMatch');
    expect(res.text).not.to.include('top secret');
  });

  it('a request signed 20 minutes off answers 403 RequestTimeTooSkewed', async () => {
    for (const offset of [-20 * 60_000, 20 * 60_000]) {
      const res = await send({ method: 'GET', bucket: B, key: 'secret.txt', signingDate: new Date(Date.now() + offset) });
      expect(res.status, String(offset)).to.equal(403);
      expect(errorCode(res)).to.equal('RequestTimeTooSkewed');
    }
    // 5 minutes off is within S3's 15-minute window.
    expect((await send({ method: 'GET', bucket: B, key: 'secret.txt', signingDate: new Date(Date.now() - 5 * 60_000) })).status).to.equal(200);
  });

  it('a header-signed request without x-amz-content-sha256 answers 400 InvalidRequest', async () => {
    const path = S3TestClient.pathOf({ bucket: B, key: 'secret.txt' });
    const signer = new SignatureV4({ credentials: t.client.credentials, region: 'us-east-1', service: 's3', sha256: Sha256, uriEscapePath: false, applyChecksum: false });
    const signed = await signer.sign({ method: 'GET', protocol: 'https:', hostname: '127.0.0.1', port: t.running.port, path, query: {}, headers: { host: t.client.hostHeader() } });
    const res = await t.client.raw({ method: 'GET', path, headers: signed.headers });
    expect(res.status).to.equal(400);
    expect(errorCode(res)).to.equal('InvalidRequest');
  });

  describe('presigned URLs', function () {
    it('a presigned GET works without any header', async () => {
      const url = await t.client.presign({ method: 'GET', bucket: B, key: 'secret.txt' }, 300);
      expect(url).to.include('X-Amz-Signature=');
      const res = await t.client.raw({ method: 'GET', path: url });
      expect(res.status, res.text).to.equal(200);
      expect(res.text).to.equal('top secret');
    });

    it('a presigned PUT stores the body', async () => {
      const url = await t.client.presign({ method: 'PUT', bucket: B, key: 'presigned-put.txt' }, 300);
      const res = await t.client.raw({ method: 'PUT', path: url, body: 'uploaded via presigned url', headers: { 'content-length': '26' } });
      expect(res.status, res.text).to.equal(200);
      expect((await send({ method: 'GET', bucket: B, key: 'presigned-put.txt' })).text).to.equal('uploaded via presigned url');
    });

    it('an expired presigned URL answers 403 AccessDenied', async () => {
      const url = await t.client.presign({ method: 'GET', bucket: B, key: 'secret.txt', signingDate: new Date(Date.now() - 2 * 3600_000) }, 60);
      const res = await t.client.raw({ method: 'GET', path: url });
      expect(res.status).to.equal(403);
      expect(errorCode(res)).to.equal('AccessDenied');
      expect(parseXml(res).Error.Message).to.match(/expired/i);
      expect(res.text).not.to.include('top secret');
    });

    it('a presigned URL with a tampered signature or key answers SignatureDoesNotMatch', async () => {
      const url = await t.client.presign({ method: 'GET', bucket: B, key: 'secret.txt' }, 300);
      const tampered = url.replace(/X-Amz-Signature=([0-9a-f])/, (_m, c: string) => `X-Amz-Signature=${c === '0' ? '1' : '0'}`);
      const res = await t.client.raw({ method: 'GET', path: tampered });
      expect(res.status).to.equal(403);
      expect(errorCode(res)).to.equal('SignatureDoesNotMatch');
      const otherKey = url.replace('/secret.txt?', '/other.txt?');
      const res2 = await t.client.raw({ method: 'GET', path: otherKey });
      expect(res2.status).to.equal(403);
      expect(errorCode(res2)).to.equal('SignatureDoesNotMatch');
    });

    it('a presigned URL of an unknown key answers InvalidAccessKeyId', async () => {
      const url = await t.client.presign({ method: 'GET', bucket: B, key: 'secret.txt', credentials: { accessKeyId: 'NOBODY12345', secretAccessKey: 'nobody-secret' } }, 300);
      const res = await t.client.raw({ method: 'GET', path: url });
      expect(res.status).to.equal(403);
      expect(errorCode(res)).to.equal('InvalidAccessKeyId');
    });
  });

  describe('protocol errors', function () {
    it('unimplemented operations answer 501 NotImplemented XML', async () => {
      const specs: S3RequestSpec[] = [
        { method: 'GET', bucket: B, query: { replication: '' } },
        { method: 'POST', bucket: B, key: 'secret.txt', query: { restore: '' }, body: '<RestoreRequest/>' },
        { method: 'GET', bucket: B, query: { website: '' } },
        { method: 'GET', bucket: B, query: { notification: '' } },
      ];
      for (const spec of specs) {
        const res = await send(spec);
        expect(res.status, JSON.stringify(spec.query)).to.equal(501);
        expect(res.headers['content-type']).to.match(/xml/);
        expect(errorCode(res)).to.equal('NotImplemented');
        expect(res.headers['x-amz-request-id']).to.be.a('string');
      }
    });

    it('a method the resource does not support answers 405 MethodNotAllowed', async () => {
      const res = await send({ method: 'POST', bucket: B, key: 'secret.txt' });
      expect(res.status).to.equal(405);
      expect(errorCode(res)).to.equal('MethodNotAllowed');
    });

    it('every response carries a distinct x-amz-request-id, errors echo it as RequestId', async () => {
      const responses = [
        await send({ method: 'GET' }),
        await send({ method: 'GET', bucket: B, key: 'secret.txt' }),
        await send({ method: 'HEAD', bucket: B, key: 'missing' }),
        await send({ method: 'GET', bucket: B, key: 'missing' }),
        await send({ method: 'GET', bucket: B, query: { versioning: '' } }),
        await send({ method: 'GET', unsigned: true }),
        await send({ method: 'DELETE', bucket: B, key: 'missing' }),
        await t.client.raw({ method: 'GET', path: '/health/live' }),
      ];
      const ids = responses.map((r) => r.headers['x-amz-request-id']);
      for (const id of ids) expect(id).to.be.a('string').and.not.equal('');
      expect(new Set(ids).size).to.equal(ids.length);
      for (const r of responses.filter((x) => x.status >= 400 && x.body.length > 0)) {
        expect(parseXml(r).Error.RequestId).to.equal(r.headers['x-amz-request-id']);
      }
    });

    it('a malformed percent-encoding in the path answers 400 InvalidURI', async () => {
      const res = await t.client.raw({ method: 'GET', path: `/${B}/bad%zzkey` });
      expect(res.status).to.equal(400);
      expect(errorCode(res)).to.equal('InvalidURI');
    });

    it('PUT with HTTP chunked transfer and no Content-Length stores the bytes exactly', async () => {
      const { Readable } = await import('node:stream');
      const path = S3TestClient.pathOf({ bucket: B, key: 'no-length' });
      const signed = await t.client.signer().sign({
        method: 'PUT', protocol: 'https:', hostname: '127.0.0.1', port: t.running.port, path, query: {},
        headers: { host: t.client.hostHeader(), 'x-amz-content-sha256': 'UNSIGNED-PAYLOAD', 'transfer-encoding': 'chunked' },
      });
      const res = await t.client.raw({ method: 'PUT', path, headers: signed.headers, body: Readable.from([Buffer.from('abc'), Buffer.from('def')]) });
      // Keyless accepts HTTP chunked transfer (the length is known once the body ends) and stores the bytes exactly.
      expect(res.status, res.text).to.equal(200);
      expect((await send({ method: 'GET', bucket: B, key: 'no-length' })).text).to.equal('abcdef');
    });
  });
});
