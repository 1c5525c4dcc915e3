import { expect } from 'chai';
import { arr, errorCode, md5Base64 as md5, parseXml, type TestResponse } from './support/s3-client.js';
import type { PolicyServer } from './policy-support/policy-server.js';
import { denied, policySuiteHelpers, startPolicySuiteServer } from './policy-support/policy-suite.js';
import { withCredentials } from '../src/cli/open-credentials.js';

/**
 * Issue 3 end to end: users and policies managed with the CLI while the real server runs, and every
 * rule checked over HTTPS with requests signed by the independent @smithy/signature-v4 signer.
 */

const B = 'policy-bucket';
const ARN = `arn:aws:s3:::${B}`;
const ACCOUNT = '000000000000';
const doc = (...statements: unknown[]) => ({ Version: '2012-10-17', Statement: statements });

/** Repeats `probe` until `ok` holds or one second has passed (the issue's bound for CLI changes); returns the last answer. */
async function within1s<T>(probe: () => Promise<T>, ok: (v: T) => boolean): Promise<T> {
  const deadline = Date.now() + 1000;
  for (;;) {
    const v = await probe();
    if (ok(v) || Date.now() > deadline) return v;
    await new Promise((r) => setTimeout(r, 50));
  }
}

function keysOf(res: TestResponse): string[] {
  return arr(parseXml(res).ListBucketResult?.Contents).map((c: { Key: string }) => c.Key);
}

describe('policies and users over HTTP (issue 3)', function () {
  let t: PolicyServer;
  const { as, root, get, head, put, del, list, cliOk, putPolicy, addUser } = policySuiteHelpers(B, () => t);

  before(async () => {
    t = await startPolicySuiteServer(B);
  });
  after(async () => {
    await t?.close();
  });

  describe('built-in policies', function () {
    before(async () => {
      await addUser('ro-user', 'readonly');
      await addUser('wo-user', 'writeonly');
      await addUser('rw-user', 'readwrite');
    });

    it('readonly is MinIO\'s: s3:GetBucketLocation and s3:GetObject on every resource', async () => {
      const out = await cliOk('policy', 'get', 'readonly');
      const policy = JSON.parse(out.join('\n'));
      expect(policy.Statement).to.have.length(1);
      expect(policy.Statement[0].Effect).to.equal('Allow');
      expect(policy.Statement[0].Action).to.have.members(['s3:GetBucketLocation', 's3:GetObject']);
    });

    it('readonly may GET, HEAD and GetBucketLocation but not list, PUT or DELETE', async () => {
      const c = as('ro-user');
      const g = await get(c, 'a.txt');
      expect(g.status).to.equal(200);
      expect(g.text).to.equal('content of a.txt');
      expect((await head(c, 'a.txt')).status).to.equal(200);
      expect((await c.send({ method: 'GET', bucket: B, query: { location: '' } })).status).to.equal(200);
      denied(await list(c));
      denied(await c.send({ method: 'GET', bucket: B }));
      expect((await c.send({ method: 'HEAD', bucket: B })).status).to.equal(403);
      denied(await c.send({ method: 'GET' })); // ListBuckets needs s3:ListAllMyBuckets
      denied(await put(c, 'ro-new'));
      denied(await del(c, 'a.txt'));
      expect((await root({ method: 'HEAD', bucket: B, key: 'a.txt' })).status).to.equal(200);
      expect((await root({ method: 'HEAD', bucket: B, key: 'ro-new' })).status).to.equal(404);
    });

    it('writeonly may PUT but not GET, HEAD, list or DELETE', async () => {
      const c = as('wo-user');
      expect((await put(c, 'wo/new', 'written')).status).to.equal(200);
      expect((await root({ method: 'GET', bucket: B, key: 'wo/new' })).text).to.equal('written');
      denied(await get(c, 'wo/new'));
      expect((await head(c, 'wo/new')).status).to.equal(403);
      denied(await list(c));
      denied(await del(c, 'wo/new'));
    });

    it('readwrite may do everything: buckets, objects, lists, multipart', async () => {
      const c = as('rw-user');
      expect((await put(c, 'rw/obj', 'rw')).status).to.equal(200);
      expect((await get(c, 'rw/obj')).text).to.equal('rw');
      expect((await head(c, 'rw/obj')).status).to.equal(200);
      expect(keysOf(await list(c, { prefix: 'rw/' }))).to.deep.equal(['rw/obj']);
      expect((await c.send({ method: 'HEAD', bucket: B })).status).to.equal(200);
      const buckets = await c.send({ method: 'GET' });
      expect(buckets.status).to.equal(200);
      expect(arr(parseXml(buckets).ListAllMyBucketsResult?.Buckets?.Bucket).map((b: { Name: string }) => b.Name)).to.include(B);
      const created = await c.send({ method: 'POST', bucket: B, key: 'rw/mp', query: { uploads: '' } });
      expect(created.status).to.equal(200);
      const uploadId = parseXml(created).InitiateMultipartUploadResult.UploadId as string;
      expect((await c.send({ method: 'GET', bucket: B, query: { uploads: '' } })).status).to.equal(200);
      expect((await c.send({ method: 'GET', bucket: B, key: 'rw/mp', query: { uploadId } })).status).to.equal(200);
      expect((await c.send({ method: 'DELETE', bucket: B, key: 'rw/mp', query: { uploadId } })).status).to.equal(204);
      expect((await del(c, 'rw/obj')).status).to.equal(204);
      expect((await root({ method: 'HEAD', bucket: B, key: 'rw/obj' })).status).to.equal(404);
      expect((await c.send({ method: 'PUT', bucket: 'rw-created-bucket' })).status).to.equal(200);
    });

    it('multipart actions are their own: s3:PutObject alone cannot list uploads, list parts or abort', async () => {
      const c = await addUser('mp-user', 'writeonly');
      const created = await c.send({ method: 'POST', bucket: B, key: 'mp/x', query: { uploads: '' } });
      expect(created.status).to.equal(200);
      const uploadId = parseXml(created).InitiateMultipartUploadResult.UploadId as string;
      denied(await c.send({ method: 'GET', bucket: B, query: { uploads: '' } }));
      denied(await c.send({ method: 'GET', bucket: B, key: 'mp/x', query: { uploadId } }));
      denied(await c.send({ method: 'DELETE', bucket: B, key: 'mp/x', query: { uploadId } }));
      await putPolicy('mp-admin', doc({ Effect: 'Allow', Action: ['s3:ListBucketMultipartUploads'], Resource: ARN },
        { Effect: 'Allow', Action: ['s3:ListMultipartUploadParts', 's3:AbortMultipartUpload'], Resource: `${ARN}/mp/*` }));
      await cliOk('user', 'set-policy', 'mp-user', 'writeonly,mp-admin');
      expect((await c.send({ method: 'GET', bucket: B, query: { uploads: '' } })).status).to.equal(200);
      expect((await c.send({ method: 'GET', bucket: B, key: 'mp/x', query: { uploadId } })).status).to.equal(200);
      expect((await c.send({ method: 'DELETE', bucket: B, key: 'mp/x', query: { uploadId } })).status).to.equal(204);
    });
  });

  describe('a missing key', function () {
    it('is 403 AccessDenied without s3:ListBucket (GET and HEAD)', async () => {
      denied(await get(as('ro-user'), 'no/such/key'));
      expect((await head(as('ro-user'), 'no/such/key')).status).to.equal(403);
    });

    it('is 404 NoSuchKey with s3:ListBucket', async () => {
      const res = await get(as('rw-user'), 'no/such/key');
      expect(res.status).to.equal(404);
      expect(errorCode(res)).to.equal('NoSuchKey');
      await putPolicy('get-and-list', doc({ Effect: 'Allow', Action: 's3:GetObject', Resource: `${ARN}/*` }, { Effect: 'Allow', Action: 's3:ListBucket', Resource: ARN }));
      const c = await addUser('getlist-user', 'get-and-list');
      expect((await get(c, 'no/such/key')).status).to.equal(404);
      expect((await head(c, 'no/such/key')).status).to.equal(404);
    });
  });

  describe('the non-obvious actions', function () {
    it('HeadBucket and ListObjects(V2) need s3:ListBucket; ListBuckets needs s3:ListAllMyBuckets', async () => {
      await putPolicy('list-only', doc({ Effect: 'Allow', Action: 's3:ListBucket', Resource: ARN }));
      await putPolicy('buckets-only', doc({ Effect: 'Allow', Action: 's3:ListAllMyBuckets', Resource: '*' }));
      const lister = await addUser('list-only-user', 'list-only');
      expect((await lister.send({ method: 'HEAD', bucket: B })).status).to.equal(200);
      expect((await lister.send({ method: 'GET', bucket: B })).status).to.equal(200);
      expect(keysOf(await list(lister, { prefix: 'home/' }))).to.deep.equal(['home/alice/a1', 'home/bob/b1']);
      denied(await lister.send({ method: 'GET' }));
      denied(await get(lister, 'a.txt'));
      expect((await get(lister, 'no/such/key')).status).to.equal(403); // may list, but not read
      const bucketsOnly = await addUser('buckets-only-user', 'buckets-only');
      const all = await bucketsOnly.send({ method: 'GET' });
      expect(all.status).to.equal(200);
      expect(arr(parseXml(all).ListAllMyBucketsResult?.Buckets?.Bucket).map((b: { Name: string }) => b.Name)).to.include(B);
      expect((await bucketsOnly.send({ method: 'HEAD', bucket: B })).status).to.equal(403);
      denied(await list(bucketsOnly));
    });
  });

  describe('custom policies', function () {
    it('a policy with ${aws:username} confines each user to their own prefix', async () => {
      await putPolicy('home-dirs', doc(
        { Sid: 'OwnObjects', Effect: 'Allow', Action: ['s3:GetObject', 's3:PutObject'], Resource: `${ARN}/home/\${aws:username}/*` },
        { Sid: 'ListOwnPrefix', Effect: 'Allow', Action: 's3:ListBucket', Resource: ARN, Condition: { StringLike: { 's3:prefix': ['home/${aws:username}/*'] } } },
      ));
      const alice = await addUser('alice', 'home-dirs');
      const bob = await addUser('bob', 'home-dirs');
      expect((await put(alice, 'home/alice/new', 'mine')).status).to.equal(200);
      expect((await get(alice, 'home/alice/a1')).status).to.equal(200);
      denied(await put(alice, 'home/bob/intruder'));
      denied(await get(alice, 'home/bob/b1'));
      expect((await get(bob, 'home/bob/b1')).status).to.equal(200);
      denied(await get(bob, 'home/alice/a1'));
      denied(await get(alice, 'a.txt'));
      // s3:prefix on ListObjects(V2): own prefix listed, another's or none denied.
      const mine = await list(alice, { prefix: 'home/alice/' });
      expect(mine.status).to.equal(200);
      expect(keysOf(mine)).to.deep.equal(['home/alice/a1', 'home/alice/new']);
      expect((await alice.send({ method: 'GET', bucket: B, query: { prefix: 'home/alice/' } })).status).to.equal(200);
      denied(await list(alice, { prefix: 'home/bob/' }));
      denied(await list(alice));
      denied(await list(alice, { prefix: 'home/' }));
    });

    it('an explicit Deny beats any Allow, and the reason is logged but never sent to the client', async () => {
      await putPolicy('deny-secret', doc({ Sid: 'NoSecrets', Effect: 'Deny', Action: 's3:GetObject', Resource: `${ARN}/secret/*` }));
      const c = await addUser('rwdeny-user', 'readwrite,deny-secret');
      expect((await get(c, 'a.txt')).status).to.equal(200);
      const before = t.logs.length;
      const res = await get(c, 'secret/s.txt');
      denied(res);
      for (const word of ['deny-secret', 'NoSecrets', 'readwrite', 'explicit']) expect(res.text).to.not.include(word);
      const requestId = res.headers['x-amz-request-id'];
      const event = t.logs.slice(before).find((e) => e.msg === 'access denied');
      expect(event, JSON.stringify(t.logs.slice(before))).to.not.equal(undefined);
      expect(event).to.deep.include({
        requestId,
        principal: `arn:aws:iam::${ACCOUNT}:user/rwdeny-user`,
        action: 's3:GetObject',
        resource: `${ARN}/secret/s.txt`,
        reason: 'explicit-deny',
      });
      expect(event!.policies).to.deep.equal(['readwrite', 'deny-secret']);
      expect(event!.statement).to.deep.include({ policy: 'deny-secret', sid: 'NoSecrets' });
      // An implicit deny is logged too, with the policies that were considered.
      const before2 = t.logs.length;
      const res2 = await put(as('ro-user'), 'nope');
      denied(res2);
      expect(res2.text).to.not.include('readonly');
      const event2 = t.logs.slice(before2).find((e) => e.msg === 'access denied');
      expect(event2).to.deep.include({ action: 's3:PutObject', reason: 'implicit-deny' });
      expect(event2!.policies).to.deep.equal(['readonly']);
    });

    it('CopyObject needs s3:GetObject on the source as well as s3:PutObject on the destination', async () => {
      await putPolicy('copy-public', doc(
        { Effect: 'Allow', Action: 's3:PutObject', Resource: `${ARN}/dst/*` },
        { Effect: 'Allow', Action: 's3:GetObject', Resource: `${ARN}/public/*` },
      ));
      const c = await addUser('copier', 'copy-public');
      const copy = (src: string, dst: string) => c.send({ method: 'PUT', bucket: B, key: dst, headers: { 'x-amz-copy-source': `/${B}/${src}` } });
      denied(await copy('secret/s.txt', 'dst/from-secret'));
      expect((await root({ method: 'HEAD', bucket: B, key: 'dst/from-secret' })).status).to.equal(404);
      const ok = await copy('public/p.txt', 'dst/from-public');
      expect(ok.status, ok.text).to.equal(200);
      expect((await root({ method: 'GET', bucket: B, key: 'dst/from-public' })).text).to.equal('content of public/p.txt');
      denied(await copy('public/p.txt', 'elsewhere/x')); // no s3:PutObject there
      // An explicit Deny on the source wins over an Allow for it.
      await putPolicy('deny-public-read', doc({ Effect: 'Deny', Action: 's3:GetObject', Resource: `${ARN}/public/*` }));
      await cliOk('user', 'set-policy', 'copier', 'copy-public,deny-public-read');
      denied(await copy('public/p.txt', 'dst/again'));
      await cliOk('user', 'set-policy', 'copier', 'copy-public');
    });

    it('UploadPartCopy needs s3:GetObject on the source', async () => {
      const c = as('copier');
      const created = await c.send({ method: 'POST', bucket: B, key: 'dst/mp', query: { uploads: '' } });
      expect(created.status).to.equal(200);
      const uploadId = parseXml(created).InitiateMultipartUploadResult.UploadId as string;
      const partCopy = (src: string) => c.send({ method: 'PUT', bucket: B, key: 'dst/mp', query: { uploadId, partNumber: '1' }, headers: { 'x-amz-copy-source': `/${B}/${src}` } });
      denied(await partCopy('secret/s.txt'));
      const ok = await partCopy('public/p.txt');
      expect(ok.status, ok.text).to.equal(200);
      expect(parseXml(ok).CopyPartResult?.ETag).to.be.a('string');
    });

    it('DeleteObjects checks s3:DeleteObject per key and reports AccessDenied entries', async () => {
      for (const k of ['del/1', 'del/2', 'keep/1']) expect((await root({ method: 'PUT', bucket: B, key: k, body: k })).status).to.equal(200);
      await putPolicy('deny-keep', doc({ Effect: 'Deny', Action: 's3:DeleteObject', Resource: `${ARN}/keep/*` }));
      const c = await addUser('deleter', 'readwrite,deny-keep');
      const body = '<Delete><Object><Key>del/1</Key></Object><Object><Key>keep/1</Key></Object><Object><Key>del/2</Key></Object></Delete>';
      const res = await c.send({ method: 'POST', bucket: B, query: { delete: '' }, body, headers: { 'content-md5': md5(body) } });
      expect(res.status, res.text).to.equal(200);
      const result = parseXml(res).DeleteResult;
      expect(arr(result.Deleted).map((d: { Key: string }) => d.Key)).to.have.members(['del/1', 'del/2']);
      const errors = arr(result.Error);
      expect(errors).to.have.length(1);
      expect(errors[0]).to.include({ Key: 'keep/1', Code: 'AccessDenied' });
      expect((await root({ method: 'HEAD', bucket: B, key: 'del/1' })).status).to.equal(404);
      expect((await root({ method: 'HEAD', bucket: B, key: 'keep/1' })).status).to.equal(200);
    });

    it('DeleteObjects works with s3:DeleteObject granted only on a key prefix', async () => {
      for (const k of ['del/3', 'keep/2']) expect((await root({ method: 'PUT', bucket: B, key: k, body: k })).status).to.equal(200);
      await putPolicy('delete-del', doc({ Effect: 'Allow', Action: 's3:DeleteObject', Resource: `${ARN}/del/*` }));
      const c = await addUser('prefix-deleter', 'delete-del');
      const body = '<Delete><Quiet>true</Quiet><Object><Key>del/3</Key></Object><Object><Key>keep/2</Key></Object></Delete>';
      const res = await c.send({ method: 'POST', bucket: B, query: { delete: '' }, body, headers: { 'content-md5': md5(body) } });
      expect(res.status, res.text).to.equal(200);
      const result = parseXml(res).DeleteResult;
      expect(arr(result.Deleted)).to.deep.equal([]); // quiet
      expect(arr(result.Error).map((e: { Key: string; Code: string }) => [e.Key, e.Code])).to.deep.equal([['keep/2', 'AccessDenied']]);
      expect((await root({ method: 'HEAD', bucket: B, key: 'del/3' })).status).to.equal(404);
      expect((await root({ method: 'HEAD', bucket: B, key: 'keep/2' })).status).to.equal(200);
    });
  });

  describe('changes made with the CLI while the server runs', function () {
    it('user set-policy takes effect on the next requests', async () => {
      const c = await addUser('changer', 'readonly');
      denied(await put(c, 'changer/x'));
      await cliOk('user', 'set-policy', 'changer', 'readwrite');
      expect((await within1s(() => put(c, 'changer/x'), (r) => r.status === 200)).status).to.equal(200);
      await cliOk('user', 'set-policy', 'changer', 'readonly');
      expect((await within1s(() => put(c, 'changer/y'), (r) => r.status === 403)).status).to.equal(403);
      expect((await get(c, 'changer/x')).status).to.equal(200);
    });

    it('policy put replaces a policy in use, and detaching it withdraws it', async () => {
      await putPolicy('flip', doc({ Effect: 'Allow', Action: 's3:GetObject', Resource: `${ARN}/*` }));
      const c = await addUser('flipper', 'flip');
      expect((await get(c, 'a.txt')).status).to.equal(200);
      denied(await put(c, 'flip/x'));
      await putPolicy('flip', doc({ Effect: 'Allow', Action: 's3:PutObject', Resource: `${ARN}/*` }));
      denied(await within1s(() => get(c, 'a.txt'), (r) => r.status === 403));
      expect((await put(c, 'flip/x')).status).to.equal(200);
      await cliOk('user', 'set-policy', 'flipper', '');
      denied(await within1s(() => put(c, 'flip/y'), (r) => r.status === 403));
      await cliOk('policy', 'remove', 'flip');
    });

    it('user remove makes the key unknown: InvalidAccessKeyId', async () => {
      const c = await addUser('doomed', 'readwrite');
      expect((await get(c, 'a.txt')).status).to.equal(200);
      await cliOk('user', 'remove', 'doomed');
      denied(await within1s(() => get(c, 'a.txt'), (r) => r.status === 403), 'InvalidAccessKeyId');
    });

    it('a live STS session sees policy changes and is bounded by its session policy and principal tags', async () => {
      await putPolicy('team-dev', doc({ Effect: 'Allow', Action: ['s3:GetObject', 's3:PutObject'], Resource: `${ARN}/*`, Condition: { StringEquals: { 'aws:PrincipalTag/team': 'dev' } } }));
      const sessionPolicy = JSON.stringify(doc({ Effect: 'Allow', Action: 's3:GetObject', Resource: `${ARN}/*` }));
      const issue = (tags: Record<string, string>) => withCredentials(t.dataDir, t.env, (store) =>
        store.issueTemporary({ parent: 'sess-parent', policies: ['team-dev'], sessionPolicy, tags, expiresAt: new Date(Date.now() + 3600_000) }));
      const dev = await issue({ team: 'dev' });
      const ops = await issue({ team: 'ops' });
      const creds = (s: typeof dev) => ({ accessKeyId: s.accessKeyId, secretAccessKey: s.secretAccessKey, sessionToken: s.sessionToken });
      const sget = (s: typeof dev, key: string) => t.root.send({ method: 'GET', bucket: B, key, credentials: creds(s) });
      expect((await sget(dev, 'a.txt')).status).to.equal(200);
      denied(await sget(ops, 'a.txt')); // aws:PrincipalTag/team is ops
      // The session policy is a ceiling: the identity policy's s3:PutObject does not get through.
      denied(await t.root.send({ method: 'PUT', bucket: B, key: 'sess/x', body: 'x', credentials: creds(dev) }));
      await putPolicy('team-dev', doc({ Effect: 'Allow', Action: 's3:PutObject', Resource: `${ARN}/*` }));
      denied(await within1s(() => sget(dev, 'a.txt'), (r) => r.status === 403));
      await cliOk('session', 'revoke', '--access-key', dev.accessKeyId);
      denied(await within1s(() => sget(dev, 'a.txt'), (r) => errorCode(r) === 'InvalidAccessKeyId'), 'InvalidAccessKeyId');
    });
  });
});
