import { expect } from 'chai';
import { errorCode, parseXml, type S3TestClient } from './support/s3-client.js';
import type { PolicyServer } from './policy-support/policy-server.js';
import { denied, policySuiteHelpers, startPolicySuiteServer } from './policy-support/policy-suite.js';

/**
 * Issue 3 end to end, part 2: bucket policies (anonymous access, MalformedPolicy, status) and the
 * condition keys filled for every request, over HTTPS with independently signed requests.
 */

const B = 'bucket-policy-bucket';
const ARN = `arn:aws:s3:::${B}`;
const ACCOUNT = '000000000000';
const doc = (...statements: unknown[]) => ({ Version: '2012-10-17', Statement: statements });

describe('bucket policies and condition keys over HTTP (issue 3)', function () {
  let t: PolicyServer;
  const { as, root, get, put, list, anon, cliOk, putPolicy, addUser } = policySuiteHelpers(B, () => t);

  before(async () => {
    t = await startPolicySuiteServer(B);
    await addUser('ro-user', 'readonly');
    await addUser('wo-user', 'writeonly');
    await addUser('rw-user', 'readwrite');
  });
  after(async () => {
    await t?.close();
  });

  describe('bucket policies', function () {
    const publicRead = doc({ Sid: 'PublicRead', Effect: 'Allow', Principal: '*', Action: 's3:GetObject', Resource: `${ARN}/public/*` });
    const putBucketPolicy = (body: string, c: S3TestClient = t.root) => c.send({ method: 'PUT', bucket: B, query: { policy: '' }, body });

    it('PutBucketPolicy refuses invalid JSON, unknown elements, bad effects and operators, and over 20 KiB with MalformedPolicy', async () => {
      const valid = publicRead.Statement[0] as Record<string, unknown>;
      const bad: [string, string][] = [
        ['not json', '{"Version": "2012-10-17", "Statement": ['],
        ['unknown top-level element', JSON.stringify({ ...publicRead, Extra: 1 })],
        ['unknown statement element', JSON.stringify(doc({ ...valid, Actions: 's3:GetObject' }))],
        ['bad effect', JSON.stringify(doc({ ...valid, Effect: 'Permit' }))],
        ['bad operator', JSON.stringify(doc({ ...valid, Condition: { StringEqualz: { 'aws:SourceIp': 'x' } } }))],
        ['no Principal', JSON.stringify(doc({ Effect: 'Allow', Action: 's3:GetObject', Resource: `${ARN}/*` }))],
        ['over 20 KiB', JSON.stringify(doc(...Array.from({ length: 200 }, (_, i) => ({ ...valid, Sid: `S${i}`, Resource: `${ARN}/${'p'.repeat(100)}${i}/*` }))))],
      ];
      expect(bad[bad.length - 1][1].length).to.be.greaterThan(20 * 1024);
      for (const [what, body] of bad) {
        const res = await putBucketPolicy(body);
        expect(res.status, `${what}: ${res.text}`).to.equal(400);
        expect(errorCode(res), what).to.equal('MalformedPolicy');
      }
      const missing = await root({ method: 'GET', bucket: B, query: { policy: '' } });
      expect(missing.status).to.equal(404);
      expect(errorCode(missing)).to.equal('NoSuchBucketPolicy');
    });

    it('a public-read policy lets anonymous callers GET what it names, nothing else', async () => {
      denied(await anon({ method: 'GET', bucket: B, key: 'public/p.txt' }));
      denied(await putBucketPolicy(JSON.stringify(publicRead), as('ro-user'))); // no s3:PutBucketPolicy
      const text = JSON.stringify(publicRead, null, 2);
      expect((await putBucketPolicy(text)).status).to.equal(204);
      const g = await anon({ method: 'GET', bucket: B, key: 'public/p.txt' });
      expect(g.status).to.equal(200);
      expect(g.text).to.equal('content of public/p.txt');
      expect((await anon({ method: 'HEAD', bucket: B, key: 'public/p.txt' })).status).to.equal(200);
      denied(await anon({ method: 'GET', bucket: B, key: 'a.txt' }));
      denied(await anon({ method: 'PUT', bucket: B, key: 'public/anon-upload', body: 'x' }));
      denied(await anon({ method: 'DELETE', bucket: B, key: 'public/p.txt' }));
      denied(await anon({ method: 'GET', bucket: B, query: { 'list-type': '2' } }));
      denied(await anon({ method: 'GET', bucket: B, key: 'public/missing' })); // 403, not 404: no s3:ListBucket
      const back = await root({ method: 'GET', bucket: B, query: { policy: '' } });
      expect(back.status).to.equal(200);
      expect(JSON.parse(back.text)).to.deep.equal(publicRead);
      const status = await root({ method: 'GET', bucket: B, query: { policyStatus: '' } });
      expect(status.status).to.equal(200);
      expect(String(parseXml(status).PolicyStatus?.IsPublic)).to.equal('true');
    });

    it('a bucket policy naming a user grants without an identity policy; status is not public', async () => {
      const c = await addUser('bp-user');
      denied(await get(c, 'a.txt'));
      const named = doc({ Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${ACCOUNT}:user/bp-user` }, Action: ['s3:GetObject', 's3:ListBucket'], Resource: [ARN, `${ARN}/*`] });
      expect((await putBucketPolicy(JSON.stringify(named))).status).to.equal(204);
      expect((await get(c, 'a.txt')).status).to.equal(200);
      expect((await get(c, 'no/such')).status).to.equal(404); // may list: the truth
      denied(await put(c, 'bp/x'));
      denied(await anon({ method: 'GET', bucket: B, key: 'a.txt' }));
      denied(await get(as('wo-user'), 'a.txt'));
      const status = await root({ method: 'GET', bucket: B, query: { policyStatus: '' } });
      expect(String(parseXml(status).PolicyStatus?.IsPublic)).to.equal('false');
      // A Deny in the bucket policy beats the user's identity Allow.
      const denyRw = doc({ Effect: 'Deny', Principal: { AWS: `arn:aws:iam::${ACCOUNT}:user/rw-user` }, Action: 's3:GetObject', Resource: `${ARN}/a.txt` });
      expect((await putBucketPolicy(JSON.stringify(denyRw))).status).to.equal(204);
      denied(await get(as('rw-user'), 'a.txt'));
      expect((await get(as('rw-user'), 'public/p.txt')).status).to.equal(200);
    });

    it('DeleteBucketPolicy removes it: anonymous GET denied again', async () => {
      expect((await putBucketPolicy(JSON.stringify(publicRead))).status).to.equal(204);
      expect((await anon({ method: 'GET', bucket: B, key: 'public/p.txt' })).status).to.equal(200);
      expect((await root({ method: 'DELETE', bucket: B, query: { policy: '' } })).status).to.equal(204);
      denied(await anon({ method: 'GET', bucket: B, key: 'public/p.txt' }));
      expect(errorCode(await root({ method: 'GET', bucket: B, query: { policy: '' } }))).to.equal('NoSuchBucketPolicy');
      expect(errorCode(await root({ method: 'GET', bucket: B, query: { policyStatus: '' } }))).to.equal('NoSuchBucketPolicy');
      expect((await get(as('rw-user'), 'a.txt')).status).to.equal(200);
    });

    it('s3:ExistingObjectTag conditions see the tags of the object the request names', async () => {
      const tagged = 'tagged/open.txt';
      const untagged = 'tagged/closed.txt';
      expect((await root({ method: 'PUT', bucket: B, key: tagged, body: 'open', headers: { 'x-amz-tagging': 'security=public' } })).status).to.equal(200);
      expect((await root({ method: 'PUT', bucket: B, key: untagged, body: 'closed', headers: { 'x-amz-tagging': 'security=private' } })).status).to.equal(200);
      const policy = doc({ Effect: 'Allow', Principal: '*', Action: 's3:GetObject', Resource: `${ARN}/tagged/*`, Condition: { StringEquals: { 's3:ExistingObjectTag/security': 'public' } } });
      expect((await putBucketPolicy(JSON.stringify(policy))).status).to.equal(204);
      try {
        const ok = await anon({ method: 'GET', bucket: B, key: tagged });
        expect(ok.status, ok.text).to.equal(200);
        expect(ok.text).to.equal('open');
        denied(await anon({ method: 'GET', bucket: B, key: untagged }));
      } finally {
        expect((await root({ method: 'DELETE', bucket: B, query: { policy: '' } })).status).to.equal(204);
      }
    });
  });

  describe('condition keys', function () {
    it('aws:SecureTransport is true over HTTPS', async () => {
      await putPolicy('tls-only', doc({ Effect: 'Allow', Action: 's3:GetObject', Resource: `${ARN}/*`, Condition: { Bool: { 'aws:SecureTransport': 'true' } } }));
      await putPolicy('plain-only', doc({ Effect: 'Allow', Action: 's3:GetObject', Resource: `${ARN}/*`, Condition: { Bool: { 'aws:SecureTransport': 'false' } } }));
      expect((await get(await addUser('tls-user', 'tls-only'), 'a.txt')).status).to.equal(200);
      denied(await get(await addUser('plain-user', 'plain-only'), 'a.txt'));
    });

    it('aws:SourceIp is the client address: 127.0.0.1/32 allows, 10.0.0.0/8 does not', async () => {
      await putPolicy('from-localhost', doc({ Effect: 'Allow', Action: 's3:GetObject', Resource: `${ARN}/*`, Condition: { IpAddress: { 'aws:SourceIp': '127.0.0.1/32' } } }));
      await putPolicy('from-ten', doc({ Effect: 'Allow', Action: 's3:GetObject', Resource: `${ARN}/*`, Condition: { IpAddress: { 'aws:SourceIp': '10.0.0.0/8' } } }));
      expect((await get(await addUser('local-user', 'from-localhost'), 'a.txt')).status).to.equal(200);
      denied(await get(await addUser('ten-user', 'from-ten'), 'a.txt'));
      // Also in a bucket policy, for anonymous callers.
      const bp = doc({ Effect: 'Allow', Principal: '*', Action: 's3:GetObject', Resource: `${ARN}/public/*`, Condition: { NotIpAddress: { 'aws:SourceIp': '127.0.0.0/8' } } });
      expect((await t.root.send({ method: 'PUT', bucket: B, query: { policy: '' }, body: JSON.stringify(bp) })).status).to.equal(204);
      denied(await anon({ method: 'GET', bucket: B, key: 'public/p.txt' }));
      const status = await root({ method: 'GET', bucket: B, query: { policyStatus: '' } });
      expect(String(parseXml(status).PolicyStatus?.IsPublic)).to.equal('false');
      expect((await root({ method: 'DELETE', bucket: B, query: { policy: '' } })).status).to.equal(204);
    });

    it('s3:max-keys and s3:delimiter are filled for ListObjects', async () => {
      await putPolicy('small-lists', doc({ Effect: 'Allow', Action: 's3:ListBucket', Resource: ARN,
        Condition: { NumericLessThanEquals: { 's3:max-keys': '10' }, StringEquals: { 's3:delimiter': '/' } } }));
      const c = await addUser('lister', 'small-lists');
      expect((await list(c, { 'max-keys': '5', delimiter: '/' })).status).to.equal(200);
      denied(await list(c, { 'max-keys': '50', delimiter: '/' }));
      denied(await list(c, { delimiter: '/' }));
      denied(await list(c, { 'max-keys': '5' }));
    });

    it('aws:username, aws:userid, aws:PrincipalType and s3:authType/s3:signatureversion are filled', async () => {
      await putPolicy('who-am-i', doc({ Effect: 'Allow', Action: 's3:GetObject', Resource: `${ARN}/*`, Condition: {
        StringEquals: { 'aws:username': 'whoami', 'aws:userid': 'whoami', 'aws:PrincipalType': 'User', 's3:authType': 'REST-HEADER', 's3:signatureversion': 'AWS4-HMAC-SHA256' },
        StringLike: { 's3:x-amz-content-sha256': '*', 'aws:UserAgent': '*' },
        DateGreaterThan: { 'aws:CurrentTime': '2020-01-01T00:00:00Z' },
        NumericGreaterThan: { 'aws:EpochTime': '1577836800' },
      } }));
      const c = await addUser('whoami', 'who-am-i');
      const res = await c.send({ method: 'GET', bucket: B, key: 'a.txt', headers: { 'user-agent': 'policy-test' } });
      expect(res.status, res.text).to.equal(200);
      await cliOk('user', 'add', 'whoami2', 'whoami2-secret', '--policy', 'who-am-i');
      denied(await t.client('whoami2', 'whoami2-secret').send({ method: 'GET', bucket: B, key: 'a.txt', headers: { 'user-agent': 'policy-test' } }));
    });
  });
});
