import { expect } from 'chai';
import fc from 'fast-check';
import { md5Base64, parseXml, type TestResponse } from './support/s3-client.js';
import { startTestServer, type TestServer } from './support/s3-test-server.js';

/**
 * HTTP-level fuzzing of the live server: random methods, paths, sub-resources, query values,
 * headers and bodies, half of them signed by the root (so they reach the handlers), half
 * anonymous or with raw paths. Invariants: never a 5xx (501 NotImplemented aside), every error
 * with a body is S3 XML, no "internal error" is logged, and the server still answers
 * /health/live at the end. A few hundred requests in `npm test`; `FUZZ_RUNS` raises it.
 */
const RUNS = Number(process.env.FUZZ_RUNS) || 0;

const B = 'fuzz-http';
const subresources = [
  'uploads', 'uploadId', 'partNumber', 'delete', 'tagging', 'versioning', 'versions', 'versionId', 'acl', 'cors', 'lifecycle', 'policy', 'policyStatus',
  'list-type', 'max-keys', 'prefix', 'delimiter', 'marker', 'continuation-token', 'start-after', 'fetch-owner', 'encoding-type', 'key-marker',
  'version-id-marker', 'upload-id-marker', 'max-uploads', 'max-parts', 'part-number-marker', 'response-content-type', 'response-expires',
  'location', 'encryption', 'object-lock', 'retention', 'legal-hold', 'attributes', 'ownershipControls', 'publicAccessBlock', 'select',
  'select-type', 'torrent', 'website', 'replication', 'notification', 'logging', 'accelerate', 'requestPayment', 'analytics', 'inventory',
  'metrics', 'intelligent-tiering', 'restore', 'x-id', 'X-Amz-Expires', 'X-Amz-Date', 'AWSAccessKeyId',
];
const value = fc.oneof(
  fc.constantFrom('', '0', '1', '-1', '10000', '10001', '1000000', '99999999999999999999', 'url', 'true', 'x', 'null', '2', '/', '..', '%', 'NaN', 'Enabled'),
  fc.string({ maxLength: 12 }),
);
const headerPool: [string, fc.Arbitrary<string>][] = [
  ['range', fc.constantFrom('bytes=0-0', 'bytes=-1', 'bytes=5-1', 'bytes=0-99999999999999999999', 'bytes=', 'items=0-1', 'bytes=0-1,2-3')],
  ['if-match', fc.constantFrom('*', '"x"', '', 'W/"x"')],
  ['if-none-match', fc.constantFrom('*', '"x"', '')],
  ['if-modified-since', fc.constantFrom('Wed, 21 Oct 2015 07:28:00 GMT', 'garbage', '')],
  ['if-unmodified-since', fc.constantFrom('Wed, 21 Oct 2015 07:28:00 GMT', 'garbage')],
  ['x-amz-copy-source', fc.constantFrom(`/${B}/obj`, `${B}/obj`, `/${B}`, '/', '%', `/${B}/obj?versionId=x`, '/nosuch/obj', `/${B}/%C3%28`)],
  ['x-amz-copy-source-range', fc.constantFrom('bytes=0-0', 'bytes=9-1', 'garbage')],
  ['x-amz-metadata-directive', fc.constantFrom('COPY', 'REPLACE', 'EVIL')],
  ['x-amz-tagging-directive', fc.constantFrom('COPY', 'REPLACE', 'EVIL')],
  ['x-amz-tagging', fc.constantFrom('a=b', 'a', '=', '%', 'a=b&a=c', 'k'.repeat(200) + '=v')],
  ['x-amz-acl', fc.constantFrom('private', 'public-read', 'public-read-write', 'authenticated-read', 'bucket-owner-full-control', 'evil')],
  ['x-amz-storage-class', fc.constantFrom('STANDARD', 'GLACIER', 'EVIL', '')],
  ['x-amz-server-side-encryption', fc.constantFrom('AES256', 'aws:kms', 'evil')],
  ['x-amz-server-side-encryption-customer-algorithm', fc.constantFrom('AES256', 'evil')],
  ['x-amz-server-side-encryption-customer-key', fc.constantFrom('AAAA', Buffer.alloc(32, 1).toString('base64'))],
  ['x-amz-server-side-encryption-customer-key-md5', fc.constantFrom('AAAA', 'garbage')],
  ['x-amz-object-lock-mode', fc.constantFrom('GOVERNANCE', 'COMPLIANCE', 'EVIL')],
  ['x-amz-object-lock-retain-until-date', fc.constantFrom('2030-01-01T00:00:00Z', 'garbage', '1970-01-01T00:00:00Z')],
  ['x-amz-object-lock-legal-hold', fc.constantFrom('ON', 'OFF', 'EVIL')],
  ['x-amz-bypass-governance-retention', fc.constantFrom('true', 'false', 'x')],
  ['x-amz-bucket-object-lock-enabled', fc.constantFrom('true', 'false', 'x')],
  ['x-amz-checksum-crc32', fc.constantFrom('AAAAAA==', 'garbage', '')],
  ['x-amz-checksum-sha256', fc.constantFrom('garbage', Buffer.alloc(32).toString('base64'))],
  ['x-amz-checksum-algorithm', fc.constantFrom('CRC32', 'SHA256', 'CRC64NVME', 'MD5', '')],
  ['x-amz-checksum-type', fc.constantFrom('FULL_OBJECT', 'COMPOSITE', 'EVIL')],
  ['x-amz-sdk-checksum-algorithm', fc.constantFrom('CRC32', 'EVIL')],
  ['x-amz-checksum-mode', fc.constantFrom('ENABLED', 'x')],
  ['x-amz-trailer', fc.constantFrom('x-amz-checksum-crc32', 'x-amz-evil')],
  ['content-encoding', fc.constantFrom('aws-chunked', 'gzip', 'aws-chunked,gzip', '')],
  ['x-amz-decoded-content-length', fc.constantFrom('0', '5', '-1', 'x', '99999999999')],
  ['content-md5', fc.constantFrom('garbage', '1B2M2Y8AsgTpgAmY7PhCfg==')],
  ['content-type', fc.constantFrom('text/plain', 'multipart/form-data; boundary=x', 'application/xml', '')],
  ['x-amz-meta-a', fc.string({ maxLength: 20 })],
  ['x-amz-object-attributes', fc.constantFrom('ETag', 'ObjectSize,Checksum', 'Evil', '')],
  ['x-amz-max-parts', fc.constantFrom('1', '-1', 'x')],
  ['x-amz-expected-bucket-owner', fc.constantFrom('123456789012', 'x')],
  ['x-amz-write-offset-bytes', fc.constantFrom('0', '5')],
  ['origin', fc.constantFrom('https://a.example', 'null')],
  ['access-control-request-method', fc.constantFrom('GET', 'PUT', 'EVIL')],
  ['x-amz-mfa', fc.constantFrom('123 456')],
];
const headers = fc.subarray(headerPool, { maxLength: 6 }).chain((picked) =>
  picked.length === 0 ? fc.constant({} as Record<string, string>) : fc.tuple(...picked.map(([, arb]) => arb)).map((vals) => Object.fromEntries(picked.map(([k], i) => [k, vals[i]!]))),
);
const query = fc.subarray(subresources, { maxLength: 4 }).chain((names) =>
  names.length === 0 ? fc.constant({} as Record<string, string>) : fc.tuple(...names.map(() => value)).map((vals) => Object.fromEntries(names.map((n, i) => [n, vals[i]!]))),
);
const bodyArb = fc.oneof(
  fc.constant(''),
  fc.constantFrom('<Delete><Object><Key>obj</Key></Object></Delete>', '<Tagging><TagSet><Tag><Key>a</Key><Value>b</Value></Tag></TagSet></Tagging>',
    '<VersioningConfiguration><Status>Enabled</Status></VersioningConfiguration>', '{"Version":"2012-10-17","Statement":[]}', '5\r\nhello\r\n0\r\n\r\n', '<a>'),
  fc.uint8Array({ maxLength: 64 }).map((u) => Buffer.from(u).toString('latin1')),
);
const keyArb = fc.oneof(fc.constantFrom(undefined, 'obj', 'a/b', 'dir/', '../x', ' ', '%', '€', 'k'.repeat(1025)), fc.string({ minLength: 1, maxLength: 10 }));
const bucketArb = fc.constantFrom(B, B, B, undefined, 'no-such-bucket', 'Bad_Name', 'ab');
const methodArb = fc.constantFrom('GET', 'PUT', 'POST', 'DELETE', 'HEAD', 'GET', 'PUT', 'OPTIONS', 'PATCH');

describe('fuzz: HTTP requests against the live server', function () {
  this.timeout(0);
  let t: TestServer;

  before(async () => {
    t = await startTestServer();
    expect((await t.client.send({ method: 'PUT', bucket: B })).status).to.equal(200);
    expect((await t.client.send({ method: 'PUT', bucket: B, key: 'obj', body: 'object data' })).status).to.equal(200);
  });
  after(async () => {
    await t?.close();
  });

  function check(res: TestResponse, what: string): void {
    expect(res.status === 501 || res.status < 500, `${what} -> ${res.status} ${res.text}`).to.equal(true);
    if (res.status >= 300 && res.body.length > 0 && res.status !== 304) {
      const doc = parseXml(res);
      expect(doc.Error?.Code ?? doc.ErrorResponse?.Error?.Code, `${what}: an XML error body, got ${res.text.slice(0, 200)}`).to.be.a('string');
    }
  }

  it('signed random requests: never a 5xx, errors in S3 XML', async () => {
    await fc.assert(
      fc.asyncProperty(methodArb, bucketArb, keyArb, query, headers, bodyArb, fc.boolean(), async (method, bucket, key, q, h, body, withMd5) => {
        const hdrs = { ...h, ...(withMd5 && body !== '' ? { 'content-md5': md5Base64(Buffer.from(body, 'latin1')) } : {}) };
        const res = await t.client.send({ method, bucket, key: bucket === undefined ? undefined : key, query: q, headers: hdrs, body: body === '' && method === 'GET' ? undefined : Buffer.from(body, 'latin1') });
        check(res, `${method} ${bucket}/${key} ${JSON.stringify(q)} ${JSON.stringify(hdrs)}`);
      }),
      { numRuns: RUNS ? Math.ceil(RUNS / 20) : 250 },
    );
  });

  it('anonymous raw requests with odd paths and queries: never a 5xx, errors in S3 XML', async () => {
    const segment = fc.oneof(fc.constantFrom('', '.', '..', '%2e%2e', '%00', '%C3%28', '%ZZ', '%', '~', '+', '%2F', 'a;b', B, 'obj'), fc.stringMatching(/^[A-Za-z0-9._~%-]{0,12}$/));
    const rawQuery = fc.array(fc.oneof(fc.constantFrom(...subresources), fc.stringMatching(/^[A-Za-z0-9=&%._-]{0,16}$/)), { maxLength: 5 }).map((p) => p.join('&'));
    await fc.assert(
      fc.asyncProperty(methodArb, fc.array(segment, { minLength: 1, maxLength: 4 }), rawQuery, headers, bodyArb, async (method, segments, q, h, body) => {
        const path = '/' + segments.join('/') + (q ? `?${q}` : '');
        const res = await t.client.raw({ method, path, headers: { ...h, 'content-length': String(Buffer.byteLength(body, 'latin1')) }, body: Buffer.from(body, 'latin1') });
        check(res, `${method} ${path} ${JSON.stringify(h)}`);
      }),
      { numRuns: RUNS ? Math.ceil(RUNS / 20) : 150 },
    );
  });

  it('afterwards the server is live, logged no internal error, and the seed object is intact or properly deleted', async () => {
    expect((await t.client.raw({ method: 'GET', path: '/health/live' })).status).to.equal(200);
    const internal = t.logs.filter((l) => l.msg === 'internal error');
    expect(internal, JSON.stringify(internal.slice(0, 3))).to.deep.equal([]);
    const head = await t.client.send({ method: 'HEAD', bucket: B, key: 'obj' });
    expect([200, 404]).to.include(head.status);
  });
});
