import { expect } from 'chai';
import { arr, errorCode, parseXml, type TestResponse } from './support/s3-client.js';
import { startTestServer, type TestServer } from './support/s3-test-server.js';

/**
 * Issue 5, CORS over HTTP: Put/Get/DeleteBucketCors with validation, the browser's preflight
 * `OPTIONS` (unauthenticated) and the CORS headers on actual requests, errors included.
 */
const XMLNS = 'xmlns="http://s3.amazonaws.com/doc/2006-03-01/"';

interface Rule {
  id?: string;
  origins: string[];
  methods: string[];
  headers?: string[];
  expose?: string[];
  maxAge?: number | string;
}

function corsXml(rules: Rule[]): string {
  const el = (name: string, values: (string | number)[] = []) => values.map((v) => `<${name}>${v}</${name}>`).join('');
  return `<CORSConfiguration ${XMLNS}>${rules.map((r) =>
    `<CORSRule>${r.id === undefined ? '' : el('ID', [r.id])}${el('AllowedOrigin', r.origins)}${el('AllowedMethod', r.methods)}${el('AllowedHeader', r.headers)}${el('ExposeHeader', r.expose)}${r.maxAge === undefined ? '' : el('MaxAgeSeconds', [r.maxAge])}</CORSRule>`).join('')}</CORSConfiguration>`;
}

function expectError(res: TestResponse, status: number, code: string): void {
  expect(res.status, res.text).to.equal(status);
  expect(errorCode(res)).to.equal(code);
}

describe('S3 HTTP: CORS', function () {
  let t: TestServer;
  const B = 'cors-bucket';
  const send = (...a: Parameters<TestServer['client']['send']>) => t.client.send(...a);
  /** A browser preflight: unsigned OPTIONS with the CORS request headers. */
  const preflight = (headers: Record<string, string>, key = 'some/object.txt', bucket = B) =>
    t.client.send({ method: 'OPTIONS', bucket, key, headers, unsigned: true });

  const RULES: Rule[] = [
    { id: 'uploads', origins: ['https://app.example.com'], methods: ['PUT', 'POST'], headers: ['Content-Type', 'x-amz-*'], expose: ['ETag', 'x-amz-version-id'], maxAge: 3000 },
    { origins: ['https://*.example.org'], methods: ['GET', 'HEAD'] },
    { origins: ['*'], methods: ['GET'] },
  ];

  before(async () => {
    t = await startTestServer();
    expect((await send({ method: 'PUT', bucket: B })).status).to.equal(200);
    expect((await send({ method: 'PUT', bucket: B, key: 'hello.txt', body: 'hello' })).status).to.equal(200);
  });
  after(async () => {
    await t?.close();
  });

  describe('Put/Get/DeleteBucketCors', () => {
    it('answers NoSuchCORSConfiguration (404) before a configuration is set', async () => {
      expectError(await send({ method: 'GET', bucket: B, query: { cors: '' } }), 404, 'NoSuchCORSConfiguration');
    });

    it('stores the rules and returns them in order with every element', async () => {
      const put = await send({ method: 'PUT', bucket: B, query: { cors: '' }, body: corsXml(RULES) });
      expect(put.status, put.text).to.equal(200);
      const get = await send({ method: 'GET', bucket: B, query: { cors: '' } });
      expect(get.status).to.equal(200);
      const rules = arr(parseXml(get).CORSConfiguration.CORSRule);
      expect(rules).to.have.length(3);
      expect(rules[0].ID).to.equal('uploads');
      expect(arr(rules[0].AllowedOrigin)).to.deep.equal(['https://app.example.com']);
      expect(arr(rules[0].AllowedMethod)).to.deep.equal(['PUT', 'POST']);
      expect(arr(rules[0].AllowedHeader)).to.deep.equal(['Content-Type', 'x-amz-*']);
      expect(arr(rules[0].ExposeHeader)).to.deep.equal(['ETag', 'x-amz-version-id']);
      expect(rules[0].MaxAgeSeconds).to.equal('3000');
      expect(rules[2].ID).to.equal(undefined);
      expect(arr(rules[2].AllowedOrigin)).to.deep.equal(['*']);
    });

    const invalid: [string, string, number, string][] = [
      ['an unsupported method', corsXml([{ origins: ['*'], methods: ['PATCH'] }]), 400, 'InvalidRequest'],
      ['two wildcards in an origin', corsXml([{ origins: ['https://*.*.example.com'], methods: ['GET'] }]), 400, 'InvalidRequest'],
      ['two wildcards in a header', corsXml([{ origins: ['*'], methods: ['GET'], headers: ['x-*-*'] }]), 400, 'InvalidRequest'],
      ['a wildcard ExposeHeader', corsXml([{ origins: ['*'], methods: ['GET'], expose: ['*'] }]), 400, 'InvalidRequest'],
      ['a rule without AllowedOrigin', corsXml([{ origins: [], methods: ['GET'] }]), 400, 'MalformedXML'],
      ['a rule without AllowedMethod', corsXml([{ origins: ['*'], methods: [] }]), 400, 'MalformedXML'],
      ['no rules', corsXml([]), 400, 'MalformedXML'],
      ['101 rules', corsXml(Array.from({ length: 101 }, () => ({ origins: ['*'], methods: ['GET'] }))), 400, 'MalformedXML'],
      ['a non-numeric MaxAgeSeconds', corsXml([{ origins: ['*'], methods: ['GET'], maxAge: 'soon' }]), 400, 'MalformedXML'],
      ['broken XML', '<CORSConfiguration><CORSRule>', 400, 'MalformedXML'],
    ];
    for (const [why, body, status, code] of invalid) {
      it(`refuses ${why} with ${code} and keeps the previous configuration`, async () => {
        expectError(await send({ method: 'PUT', bucket: B, query: { cors: '' }, body }), status, code);
        const rules = arr(parseXml(await send({ method: 'GET', bucket: B, query: { cors: '' } })).CORSConfiguration.CORSRule);
        expect(rules).to.have.length(3);
      });
    }

    it('accepts exactly 100 rules', async () => {
      const other = 'cors-hundred';
      await send({ method: 'PUT', bucket: other });
      const put = await send({ method: 'PUT', bucket: other, query: { cors: '' }, body: corsXml(Array.from({ length: 100 }, (_, i) => ({ origins: [`https://o${i}.example`], methods: ['GET'] }))) });
      expect(put.status, put.text).to.equal(200);
      expect(arr(parseXml(await send({ method: 'GET', bucket: other, query: { cors: '' } })).CORSConfiguration.CORSRule)).to.have.length(100);
    });

    it('deletes the configuration (204); preflights are then refused', async () => {
      const other = 'cors-deleted';
      await send({ method: 'PUT', bucket: other });
      await send({ method: 'PUT', bucket: other, query: { cors: '' }, body: corsXml([{ origins: ['*'], methods: ['GET'] }]) });
      expect((await preflight({ origin: 'https://x.test', 'access-control-request-method': 'GET' }, 'k', other)).status).to.equal(200);
      expect((await send({ method: 'DELETE', bucket: other, query: { cors: '' } })).status).to.equal(204);
      expectError(await send({ method: 'GET', bucket: other, query: { cors: '' } }), 404, 'NoSuchCORSConfiguration');
      expectError(await preflight({ origin: 'https://x.test', 'access-control-request-method': 'GET' }, 'k', other), 403, 'AccessForbidden');
    });

    it('is refused to anonymous callers (configuration needs s3:PutBucketCORS)', async () => {
      expectError(await send({ method: 'PUT', bucket: B, query: { cors: '' }, body: corsXml(RULES), unsigned: true }), 403, 'AccessDenied');
    });
  });

  describe('preflight OPTIONS', () => {
    it('allows a matching origin, method and headers (case-insensitive, wildcard) with every CORS header', async () => {
      const res = await preflight({ origin: 'https://app.example.com', 'access-control-request-method': 'PUT', 'access-control-request-headers': 'Content-Type, X-Amz-Date, x-amz-meta-foo' });
      expect(res.status, res.text).to.equal(200);
      expect(res.body.length).to.equal(0);
      expect(res.headers['access-control-allow-origin']).to.equal('https://app.example.com');
      expect(res.headers['access-control-allow-methods']).to.equal('PUT, POST');
      expect(res.headers['access-control-allow-headers']).to.equal('content-type, x-amz-date, x-amz-meta-foo');
      expect(res.headers['access-control-expose-headers']).to.equal('ETag, x-amz-version-id');
      expect(res.headers['access-control-max-age']).to.equal('3000');
      expect(res.headers['access-control-allow-credentials']).to.equal('true');
      expect(res.headers.vary).to.equal('Origin, Access-Control-Request-Headers, Access-Control-Request-Method');
    });

    it('uses the first matching rule: a wildcard origin pattern', async () => {
      const res = await preflight({ origin: 'https://cdn.example.org', 'access-control-request-method': 'HEAD' });
      expect(res.status, res.text).to.equal(200);
      expect(res.headers['access-control-allow-origin']).to.equal('https://cdn.example.org');
      expect(res.headers['access-control-allow-methods']).to.equal('GET, HEAD');
      expect(res.headers['access-control-max-age']).to.equal(undefined);
    });

    it('answers `*` without credentials when the matching rule allows any origin', async () => {
      const res = await preflight({ origin: 'https://anyone.test', 'access-control-request-method': 'GET' });
      expect(res.status, res.text).to.equal(200);
      expect(res.headers['access-control-allow-origin']).to.equal('*');
      expect(res.headers['access-control-allow-credentials']).to.equal(undefined);
    });

    it('works on the bucket itself as well as on keys', async () => {
      const res = await t.client.send({ method: 'OPTIONS', bucket: B, headers: { origin: 'https://anyone.test', 'access-control-request-method': 'GET' }, unsigned: true });
      expect(res.status, res.text).to.equal(200);
    });

    const refused: [string, Record<string, string>][] = [
      ['an origin no rule allows for the method', { origin: 'https://evil.test', 'access-control-request-method': 'PUT' }],
      ['a method no rule allows', { origin: 'https://app.example.com', 'access-control-request-method': 'DELETE' }],
      ['a header the rule does not allow', { origin: 'https://app.example.com', 'access-control-request-method': 'PUT', 'access-control-request-headers': 'content-type, authorization' }],
      ['a wildcard origin that does not match the scheme', { origin: 'http://cdn.example.org', 'access-control-request-method': 'HEAD' }],
    ];
    for (const [why, headers] of refused) {
      it(`refuses ${why} with 403 AccessForbidden and no CORS headers`, async () => {
        const res = await preflight(headers);
        expectError(res, 403, 'AccessForbidden');
        expect(parseXml(res).Error.Message).to.match(/^CORSResponse: This CORS request is not allowed/);
        expect(res.headers['access-control-allow-origin']).to.equal(undefined);
      });
    }

    it('answers 400 without Origin or without Access-Control-Request-Method', async () => {
      expectError(await preflight({ 'access-control-request-method': 'GET' }), 400, 'BadRequest');
      expectError(await preflight({ origin: 'https://app.example.com' }), 400, 'BadRequest');
    });

    it('answers 403 AccessForbidden on a bucket without CORS and 404 on a missing bucket', async () => {
      await send({ method: 'PUT', bucket: 'cors-none' });
      expectError(await preflight({ origin: 'https://a.test', 'access-control-request-method': 'GET' }, 'k', 'cors-none'), 403, 'AccessForbidden');
      expectError(await preflight({ origin: 'https://a.test', 'access-control-request-method': 'GET' }, 'k', 'cors-missing-bucket'), 404, 'NoSuchBucket');
    });
  });

  describe('actual cross-origin requests', () => {
    it('adds the matching rule\'s headers to a successful GET', async () => {
      const res = await send({ method: 'GET', bucket: B, key: 'hello.txt', headers: { origin: 'https://cdn.example.org' } });
      expect(res.status).to.equal(200);
      expect(res.text).to.equal('hello');
      expect(res.headers['access-control-allow-origin']).to.equal('https://cdn.example.org');
      expect(res.headers['access-control-allow-credentials']).to.equal('true');
      expect(res.headers.vary).to.match(/Origin/);
    });

    it('matches on the actual method: PUT from the uploads origin exposes its headers', async () => {
      const res = await send({ method: 'PUT', bucket: B, key: 'up.txt', body: 'x', headers: { origin: 'https://app.example.com' } });
      expect(res.status).to.equal(200);
      expect(res.headers['access-control-allow-origin']).to.equal('https://app.example.com');
      expect(res.headers['access-control-expose-headers']).to.equal('ETag, x-amz-version-id');
    });

    it('adds no CORS headers when no rule matches the origin and method, or without Origin', async () => {
      const res = await send({ method: 'PUT', bucket: B, key: 'up2.txt', body: 'x', headers: { origin: 'https://evil.test' } });
      expect(res.status).to.equal(200);
      expect(res.headers['access-control-allow-origin']).to.equal(undefined);
      const plain = await send({ method: 'GET', bucket: B, key: 'hello.txt' });
      expect(plain.headers['access-control-allow-origin']).to.equal(undefined);
    });

    it('adds the headers to error responses too (so browser code can read the error)', async () => {
      const missing = await send({ method: 'GET', bucket: B, key: 'no-such-key', headers: { origin: 'https://anyone.test' } });
      expectError(missing, 404, 'NoSuchKey');
      expect(missing.headers['access-control-allow-origin']).to.equal('*');
      const anon = await send({ method: 'GET', bucket: B, key: 'hello.txt', headers: { origin: 'https://anyone.test' }, unsigned: true });
      expectError(anon, 403, 'AccessDenied');
      expect(anon.headers['access-control-allow-origin']).to.equal('*');
    });
  });
});
