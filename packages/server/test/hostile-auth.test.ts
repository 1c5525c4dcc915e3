import { SignatureV4 } from '@smithy/signature-v4';
import { expect } from 'chai';
import { parseXml, Sha256 } from './support/s3-client.js';
import { TEST_ROOT, type TestServer } from './support/s3-test-server.js';
import { expectXmlError } from './support/hostile-checks.js';
import { useHostileServer } from './support/hostile-server.js';

/**
 * Hostile credentials: malformed Authorization headers and presigned queries, presigned URLs with
 * any field changed, forged and other sessions' tokens, deeply nested policies. Each is a 4xx S3
 * (or STS) XML error, never a success; nothing is written and the server keeps serving.
 */
describe('Hostile input: signatures, presigned URLs, session tokens and policies', function () {
  const B = 'hostile-auth';
  let t: TestServer;
  useHostileServer(B, (server) => {
    t = server;
  });

  const amzDate = () => new Date().toISOString().replace(/[-:]/g, '').replace(/\.\d{3}/, '');
  const today = () => amzDate().slice(0, 8);
  const cred = (date = today()) => `${TEST_ROOT.accessKeyId}/${date}/us-east-1/s3/aws4_request`;
  const sig = 'a'.repeat(64);

  describe('malformed Authorization headers', function () {
    const cases: [string, () => string][] = [
      ['the algorithm alone', () => 'AWS4-HMAC-SHA256'],
      ['an unknown scheme', () => 'Bearer eyJhbGciOiJub25lIn0.e30.'],
      ['an empty value', () => ''],
      ['a credential without a scope', () => `AWS4-HMAC-SHA256 Credential=${TEST_ROOT.accessKeyId}, SignedHeaders=host, Signature=${sig}`],
      ['a credential with a non-date', () => `AWS4-HMAC-SHA256 Credential=${TEST_ROOT.accessKeyId}/2025-01-01/us-east-1/s3/aws4_request, SignedHeaders=host, Signature=${sig}`],
      ['a credential for another service', () => `AWS4-HMAC-SHA256 Credential=${TEST_ROOT.accessKeyId}/${today()}/us-east-1/iam/aws4_request, SignedHeaders=host, Signature=${sig}`],
      ['a wrong terminator', () => `AWS4-HMAC-SHA256 Credential=${TEST_ROOT.accessKeyId}/${today()}/us-east-1/s3/aws5_request, SignedHeaders=host, Signature=${sig}`],
      ['a credential date other than x-amz-date', () => `AWS4-HMAC-SHA256 Credential=${cred('20000101')}, SignedHeaders=host;x-amz-date, Signature=${sig}`],
      ['a repeated component', () => `AWS4-HMAC-SHA256 Credential=${cred()}, Credential=${cred()}, SignedHeaders=host, Signature=${sig}`],
      ['an unknown component', () => `AWS4-HMAC-SHA256 Credential=${cred()}, SignedHeaders=host, Signature=${sig}, Evil=1`],
      ['no Signature', () => `AWS4-HMAC-SHA256 Credential=${cred()}, SignedHeaders=host`],
      ['an empty Signature', () => `AWS4-HMAC-SHA256 Credential=${cred()}, SignedHeaders=host, Signature=`],
      ['a non-hex signature', () => `AWS4-HMAC-SHA256 Credential=${cred()}, SignedHeaders=host;x-amz-date, Signature=${'z'.repeat(64)}`],
      ['a 63-digit signature', () => `AWS4-HMAC-SHA256 Credential=${cred()}, SignedHeaders=host;x-amz-date, Signature=${'a'.repeat(63)}`],
      ['host not signed', () => `AWS4-HMAC-SHA256 Credential=${cred()}, SignedHeaders=x-amz-date, Signature=${sig}`],
      ['empty SignedHeaders', () => `AWS4-HMAC-SHA256 Credential=${cred()}, SignedHeaders=;;;, Signature=${sig}`],
      ['a 10 KiB access key', () => `AWS4-HMAC-SHA256 Credential=${'K'.repeat(10_240)}/${today()}/us-east-1/s3/aws4_request, SignedHeaders=host, Signature=${sig}`],
      ['500 path segments in the credential', () => `AWS4-HMAC-SHA256 Credential=${'a/'.repeat(500)}${today()}/us-east-1/s3/aws4_request, SignedHeaders=host;x-amz-date, Signature=${sig}`],
      ['SigV2 without a colon', () => `AWS ${TEST_ROOT.accessKeyId}`],
      ['SigV2 with an empty signature', () => `AWS ${TEST_ROOT.accessKeyId}:`],
      ['SigV2 for an unknown key', () => 'AWS NOSUCHKEY:c2lnbmF0dXJl'],
      ['latin-1 bytes', () => Buffer.from([0x41, 0x57, 0x53, 0x34, 0x20, 0xff, 0xfe, 0xe9]).toString('latin1')],
    ];
    for (const [why, header] of cases) {
      it(`${why}: 4xx XML error`, async () => {
        const headers: Record<string, string> = { 'x-amz-date': amzDate(), 'x-amz-content-sha256': 'UNSIGNED-PAYLOAD', authorization: header() };
        for (const method of ['GET', 'PUT']) {
          const res = await t.client.raw({ method, path: `/${B}/keep`, headers: { ...headers, 'content-length': '8' }, body: 'replaced' });
          expectXmlError(res);
        }
      });
    }

    it('SigV4A is 501 NotImplemented XML (as issue 5 specifies), never a pass', async () => {
      const res = await t.client.raw({ method: 'GET', path: `/${B}/keep`, headers: { 'x-amz-date': amzDate(), authorization: `AWS4-ECDSA-P256-SHA256 Credential=${cred()}, SignedHeaders=host, Signature=${sig}` } });
      expect(expectXmlError(res, 501)).to.equal('NotImplemented');
    });

    it('a malformed or missing x-amz-date is 403 AccessDenied, never a pass', async () => {
      for (const date of ['2025', '20250101T000000', '99999999T999999Z', '']) {
        const res = await t.client.raw({ method: 'GET', path: `/${B}/keep`, headers: { 'x-amz-date': date, 'x-amz-content-sha256': 'UNSIGNED-PAYLOAD', authorization: `AWS4-HMAC-SHA256 Credential=${cred()}, SignedHeaders=host;x-amz-date, Signature=${sig}` } });
        expectXmlError(res, 403);
      }
    });

    it('a valid signature with an unknown x-amz-content-sha256 mode answers 400, and two Authorization mechanisms answer 400', async () => {
      const weird = await t.client.send({ method: 'GET', bucket: B, key: 'keep', headers: { 'x-amz-content-sha256': 'STREAMING-EVIL' } });
      expectXmlError(weird, 400);
      const url = await t.client.presign({ method: 'GET', bucket: B, key: 'keep' }, 60);
      const both = await t.client.raw({ method: 'GET', path: url, headers: { authorization: `AWS4-HMAC-SHA256 Credential=${cred()}, SignedHeaders=host, Signature=${sig}` } });
      expectXmlError(both, 400);
    });
  });

  describe('presigned URLs', function () {
    /** Replaces one query parameter's value in a presigned path+query. */
    function setParam(url: string, name: string, value: string): string {
      const [path, query] = url.split('?') as [string, string];
      const params = query.split('&').map((p) => (p.startsWith(`${name}=`) ? `${name}=${value}` : p));
      return `${path}?${params.join('&')}`;
    }
    function getParam(url: string, name: string): string {
      return decodeURIComponent(new URLSearchParams(url.split('?')[1]).get(name) ?? '');
    }

    it('the unmodified URL works (control)', async () => {
      const url = await t.client.presign({ method: 'GET', bucket: B, key: 'keep' }, 300);
      expect((await t.client.raw({ method: 'GET', path: url })).text).to.equal('kept');
    });

    const mutations: [string, (url: string) => string][] = [
      ['X-Amz-Date one second later', (u) => {
        const d = getParam(u, 'X-Amz-Date');
        const next = new Date(Date.UTC(+d.slice(0, 4), +d.slice(4, 6) - 1, +d.slice(6, 8), +d.slice(9, 11), +d.slice(11, 13), +d.slice(13, 15) + 1));
        return setParam(u, 'X-Amz-Date', next.toISOString().replace(/[-:]/g, '').replace(/\.\d{3}/, ''));
      }],
      ['X-Amz-Expires raised', (u) => setParam(u, 'X-Amz-Expires', '604800')],
      ['X-Amz-Expires zero', (u) => setParam(u, 'X-Amz-Expires', '0')],
      ['X-Amz-Expires negative', (u) => setParam(u, 'X-Amz-Expires', '-1')],
      ['X-Amz-Expires over a week', (u) => setParam(u, 'X-Amz-Expires', '604801')],
      ['X-Amz-Expires non-numeric', (u) => setParam(u, 'X-Amz-Expires', '1e3')],
      ['X-Amz-Credential region', (u) => setParam(u, 'X-Amz-Credential', encodeURIComponent(getParam(u, 'X-Amz-Credential').replace('us-east-1', 'eu-west-1')))],
      ['X-Amz-Credential date', (u) => setParam(u, 'X-Amz-Credential', encodeURIComponent(getParam(u, 'X-Amz-Credential').replace(/\/\d{8}\//, '/20000101/')))],
      ['X-Amz-SignedHeaders', (u) => setParam(u, 'X-Amz-SignedHeaders', 'host%3Brange')],
      ['X-Amz-Algorithm', (u) => setParam(u, 'X-Amz-Algorithm', 'AWS4-HMAC-SHA512')],
      ['X-Amz-Signature last digit', (u) => {
        const s = getParam(u, 'X-Amz-Signature');
        return setParam(u, 'X-Amz-Signature', s.slice(0, -1) + (s.endsWith('0') ? '1' : '0'));
      }],
      ['X-Amz-Signature upper-cased', (u) => setParam(u, 'X-Amz-Signature', getParam(u, 'X-Amz-Signature').toUpperCase() + 'A')],
      ['an added response-content-type', (u) => `${u}&response-content-type=text%2Fhtml`],
      ['a repeated X-Amz-Signature', (u) => `${u}&X-Amz-Signature=${getParam(u, 'X-Amz-Signature')}`],
      ['a removed X-Amz-Date', (u) => u.split('&').filter((p) => !p.startsWith('X-Amz-Date=')).join('&')],
      ['another key', (u) => u.replace(`/${B}/keep?`, `/${B}/kee?`)],
      ['another bucket', (u) => u.replace(`/${B}/keep?`, `/${B}x/keep?`)],
      ['a forged X-Amz-Security-Token', (u) => `${u}&X-Amz-Security-Token=forged`],
    ];
    for (const [why, mutate] of mutations) {
      it(`with ${why} changed: 4xx, never the object`, async () => {
        const url = mutate(await t.client.presign({ method: 'GET', bucket: B, key: 'keep' }, 300));
        const res = await t.client.raw({ method: 'GET', path: url });
        expectXmlError(res);
        expect(res.text).not.to.equal('kept');
      });
    }

    it('a presigned GET used as PUT or DELETE is refused and writes nothing', async () => {
      const url = await t.client.presign({ method: 'GET', bucket: B, key: 'keep' }, 300);
      expectXmlError(await t.client.raw({ method: 'PUT', path: url, headers: { 'content-length': '4' }, body: 'evil' }), 403);
      expectXmlError(await t.client.raw({ method: 'DELETE', path: url }), 403);
    });

    it('a presigned URL past its expiry by one second is refused', async () => {
      const signingDate = new Date(Date.now() - 2000);
      const url = await t.client.presign({ method: 'GET', bucket: B, key: 'keep', signingDate }, 1);
      expect(expectXmlError(await t.client.raw({ method: 'GET', path: url }), 403)).to.equal('AccessDenied');
    });
  });

  describe('session tokens', function () {
    interface Creds { accessKeyId: string; secretAccessKey: string; sessionToken: string }

    async function assumeRole(): Promise<Creds> {
      const form = 'Action=AssumeRole&Version=2011-06-15&DurationSeconds=900';
      const signer = new SignatureV4({ credentials: TEST_ROOT, region: 'us-east-1', service: 'sts', sha256: Sha256 });
      const signed = await signer.sign({
        method: 'POST', protocol: 'https:', hostname: '127.0.0.1', port: t.running.port, path: '/', query: {},
        headers: { host: t.client.hostHeader(), 'content-type': 'application/x-www-form-urlencoded' }, body: form,
      });
      const res = await t.client.raw({ method: 'POST', path: '/', headers: signed.headers, body: form });
      expect(res.status, res.text).to.equal(200);
      const c = parseXml(res).AssumeRoleResponse.AssumeRoleResult.Credentials;
      return { accessKeyId: c.AccessKeyId, secretAccessKey: c.SecretAccessKey, sessionToken: c.SessionToken };
    }

    let a: Creds;
    let b: Creds;
    before(async () => {
      a = await assumeRole();
      b = await assumeRole();
    });

    it('each session works with its own token (control)', async () => {
      expect((await t.client.send({ method: 'GET', bucket: B, key: 'keep', credentials: a })).status).to.equal(200);
      expect((await t.client.send({ method: 'GET', bucket: B, key: 'keep', credentials: b })).status).to.equal(200);
    });

    it("another session's token is InvalidToken (signed, presigned) and writes nothing", async () => {
      const swapped = { ...a, sessionToken: b.sessionToken };
      expect(expectXmlError(await t.client.send({ method: 'GET', bucket: B, key: 'keep', credentials: swapped }))).to.equal('InvalidToken');
      expect(expectXmlError(await t.client.send({ method: 'PUT', bucket: B, key: 'evil', body: 'x', credentials: swapped }))).to.equal('InvalidToken');
      const url = await t.client.presign({ method: 'GET', bucket: B, key: 'keep', credentials: swapped }, 60);
      expect(expectXmlError(await t.client.raw({ method: 'GET', path: url }))).to.equal('InvalidToken');
    });

    it('forged tokens (random, empty-looking, 64 KiB-ish, non-ASCII) are refused', async () => {
      for (const token of ['forged', 'A'.repeat(8000), `${a.sessionToken}x`, a.sessionToken.slice(1), 'é'.repeat(10)]) {
        const res = await t.client.send({ method: 'GET', bucket: B, key: 'keep', credentials: { ...a, sessionToken: token } });
        expectXmlError(res);
      }
    });

    it('a session token sent with a static key, or a session key signed with another secret, is refused', async () => {
      const res = await t.client.send({ method: 'GET', bucket: B, key: 'keep', credentials: { ...TEST_ROOT, sessionToken: a.sessionToken } });
      expectXmlError(res);
      const wrongSecret = await t.client.send({ method: 'GET', bucket: B, key: 'keep', credentials: { ...a, secretAccessKey: b.secretAccessKey } });
      expect(expectXmlError(wrongSecret, 403)).to.equal('SignatureDoesNotMatch');
    });
  });

  describe('STS and policy documents', function () {
    it('STS: malformed Authorization, unknown Action, an oversized form and a repeated Action answer 4xx STS XML', async () => {
      const post = (form: string, headers: Record<string, string> = {}) =>
        t.client.raw({ method: 'POST', path: '/', headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers }, body: form });
      expectXmlError(await post('Action=AssumeRole&Version=2011-06-15', { authorization: 'AWS4-HMAC-SHA256 Credential=x' }));
      expectXmlError(await post('Action=DropTables&Version=2011-06-15'));
      expectXmlError(await post(`Action=AssumeRole&Version=2011-06-15&Policy=${'x'.repeat(100 * 1024)}`));
      expectXmlError(await post('Action=AssumeRole&Action=GetCallerIdentity&Version=2011-06-15'));
    });

    it('PutBucketPolicy with a 5,000-deep nested condition value answers MalformedPolicy and stores no policy', async () => {
      const deep = '['.repeat(5000) + '"x"' + ']'.repeat(5000);
      const policy = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::${B}/*","Condition":{"StringEquals":{"aws:Referer":${deep}}}}]}`;
      const res = await t.client.send({ method: 'PUT', bucket: B, query: { policy: '' }, body: policy });
      expect(expectXmlError(res, 400)).to.equal('MalformedPolicy');
      const got = await t.client.send({ method: 'GET', bucket: B, query: { policy: '' } });
      expect(expectXmlError(got, 404)).to.equal('NoSuchBucketPolicy');
    });

    it('PutBucketPolicy with deeply nested objects, and an STS session policy nested deeply, are refused', async () => {
      const deepObj = '{"a":'.repeat(3000) + '1' + '}'.repeat(3000);
      const policy = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::${B}/*","Condition":${deepObj}}]}`;
      expect(expectXmlError(await t.client.send({ method: 'PUT', bucket: B, query: { policy: '' }, body: policy }), 400)).to.equal('MalformedPolicy');
      const session = encodeURIComponent('{"Version":"2012-10-17","Statement":' + '['.repeat(900) + ']'.repeat(900) + '}');
      const form = `Action=AssumeRole&Version=2011-06-15&Policy=${session}`;
      const signer = new SignatureV4({ credentials: TEST_ROOT, region: 'us-east-1', service: 'sts', sha256: Sha256 });
      const signed = await signer.sign({
        method: 'POST', protocol: 'https:', hostname: '127.0.0.1', port: t.running.port, path: '/', query: {},
        headers: { host: t.client.hostHeader(), 'content-type': 'application/x-www-form-urlencoded' }, body: form,
      });
      expectXmlError(await t.client.raw({ method: 'POST', path: '/', headers: signed.headers, body: form }), 400);
    });
  });
});
