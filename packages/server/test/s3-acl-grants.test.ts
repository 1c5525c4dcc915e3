import { Agent } from 'node:https';
import { readFileSync } from 'node:fs';
import { expect } from 'chai';
import * as S3 from '@aws-sdk/client-s3';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import { arr, errorCode, parseXml, type S3RequestSpec, type S3TestClient, type TestResponse } from './support/s3-client.js';
import { POLICY_ROOT, startPolicyServer, type PolicyServer } from './policy-support/policy-server.js';

/**
 * Issue 5, explicit ACL grants over HTTP: any AccessControlPolicy (CanonicalUser and Group
 * grantees, every permission) and the `x-amz-grant-*` headers, stored as grant lists and reported
 * exactly as set; unknown IDs, e-mail grantees and malformed bodies refused as S3 refuses them; group
 * grants enforced for anonymous and signed callers.
 */
const XMLNS = 'xmlns="http://s3.amazonaws.com/doc/2006-03-01/"';
const XSI = 'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"';
const ALL_USERS = 'http://acs.amazonaws.com/groups/global/AllUsers';
const AUTH_USERS = 'http://acs.amazonaws.com/groups/global/AuthenticatedUsers';
const LOG_DELIVERY = 'http://acs.amazonaws.com/groups/s3/LogDelivery';

function expectError(res: TestResponse, status: number, code: string): void {
  expect(res.status, res.text).to.equal(status);
  if (res.body.length > 0) expect(errorCode(res)).to.equal(code);
}

/** A grant of a test ACL: `[id or uri, permission]` (an `http` grantee is a group). */
type G = [string, string];

/** The grants of an AccessControlPolicy response, as `[id or uri, permission]`, in order. */
function grantsOf(res: TestResponse): G[] {
  expect(res.status, res.text).to.equal(200);
  const list = parseXml(res).AccessControlPolicy.AccessControlList;
  return arr(list?.Grant).map((g: any) => [g.Grantee.URI ?? g.Grantee.ID, g.Permission]);
}

function grantXml([who, perm]: G): string {
  const grantee = who.startsWith('http') ? `xsi:type="Group"><URI>${who}</URI>` : `xsi:type="CanonicalUser"><ID>${who}</ID><DisplayName>ignored</DisplayName>`;
  return `<Grant><Grantee ${XSI} ${grantee}</Grantee><Permission>${perm}</Permission></Grant>`;
}

function policy(ownerId: string, grants: G[], raw = ''): string {
  return `<AccessControlPolicy ${XMLNS}><Owner><ID>${ownerId}</ID></Owner><AccessControlList>${grants.map(grantXml).join('')}${raw}</AccessControlList></AccessControlPolicy>`;
}

describe('S3 HTTP: explicit ACL grants', function () {
  let t: PolicyServer;
  let user: S3TestClient;
  let owner: string;
  const root = (spec: S3RequestSpec) => t.root.send(spec);
  const anon = (spec: S3RequestSpec) => t.root.send({ ...spec, unsigned: true });
  const ok = async (p: Promise<TestResponse>, status = 200) => {
    const res = await p;
    expect(res.status, res.text).to.equal(status);
    return res;
  };
  const bucketAcl = (bucket: string) => root({ method: 'GET', bucket, query: { acl: '' } });
  const objectAcl = (bucket: string, key: string) => root({ method: 'GET', bucket, key, query: { acl: '' } });
  const putBucketPolicy = (bucket: string, body: string) => root({ method: 'PUT', bucket, query: { acl: '' }, body });

  before(async () => {
    t = await startPolicyServer();
    const r = await t.cli('user', 'add', 'grants-user', 'grants-user-secret-0123');
    expect(r.code, r.err.join('\n')).to.equal(0);
    user = t.client('grants-user', 'grants-user-secret-0123');
    owner = parseXml(await root({ method: 'GET' })).ListAllMyBucketsResult.Owner.ID;
    await ok(root({ method: 'PUT', bucket: 'grants' }));
  });
  after(async () => {
    await t?.close();
  });

  describe('AccessControlPolicy bodies', () => {
    it('round-trips an arbitrary bucket grant list exactly, order kept, DisplayName filled for the owner only', async () => {
      const grants: G[] = [[ALL_USERS, 'READ_ACP'], [owner, 'READ'], [AUTH_USERS, 'WRITE'], [LOG_DELIVERY, 'WRITE'], [owner, 'FULL_CONTROL'], [owner, 'WRITE_ACP']];
      await ok(putBucketPolicy('grants', policy(owner, grants)));
      const res = await bucketAcl('grants');
      expect(grantsOf(res)).to.deep.equal(grants);
      const xml = arr(parseXml(res).AccessControlPolicy.AccessControlList.Grant);
      expect(xml[1].Grantee.DisplayName).to.equal('keyless');
      expect(xml[0].Grantee.DisplayName).to.equal(undefined);
      expect(res.text).to.include('xsi:type="Group"').and.to.include('xsi:type="CanonicalUser"');
      await ok(root({ method: 'PUT', bucket: 'grants', query: { acl: '' }, headers: { 'x-amz-acl': 'private' } }));
    });

    it('round-trips an object grant list, WRITE included (accepted on objects, as S3 reports it)', async () => {
      await ok(root({ method: 'PUT', bucket: 'grants', key: 'obj', body: 'x' }));
      const grants: G[] = [[owner, 'READ'], [owner, 'WRITE'], [AUTH_USERS, 'READ_ACP'], [owner, 'READ_ACP']];
      await ok(root({ method: 'PUT', bucket: 'grants', key: 'obj', query: { acl: '' }, body: policy(owner, grants) }));
      expect(grantsOf(await objectAcl('grants', 'obj'))).to.deep.equal(grants);
      // Giving the same list back (what boto3 clients do after editing a grant) is accepted.
      await ok(root({ method: 'PUT', bucket: 'grants', key: 'obj', query: { acl: '' }, body: policy(owner, grants) }));
    });

    it('revoke-all: an empty AccessControlList reports no grants, and the owner keeps the owner\'s rights', async () => {
      await newBucketWith('grants-revoke', ['foo']);
      await ok(putBucketPolicy('grants-revoke', policy(owner, [])));
      const res = await bucketAcl('grants-revoke');
      expect(grantsOf(res)).to.deep.equal([]);
      expect(parseXml(res).AccessControlPolicy.Owner.ID).to.equal(owner);
      // Root is the account: it still reads, writes and changes the ACL back.
      expect((await ok(root({ method: 'GET', bucket: 'grants-revoke', key: 'foo' }))).text).to.equal('foo');
      await ok(root({ method: 'PUT', bucket: 'grants-revoke', key: 'bar', body: 'b' }));
      await ok(putBucketPolicy('grants-revoke', policy(owner, [[owner, 'FULL_CONTROL']])));
      expect(grantsOf(await bucketAcl('grants-revoke'))).to.deep.equal([[owner, 'FULL_CONTROL']]);
    });

    it('refuses unknown IDs, e-mail grantees, unknown groups, a missing or foreign Owner and malformed grants', async () => {
      const cases: [string, number, string][] = [
        [policy(owner, [[owner, 'FULL_CONTROL'], ['_foo', 'FULL_CONTROL']]), 400, 'InvalidArgument'],
        [policy(owner, [], `<Grant><Grantee ${XSI} xsi:type="AmazonCustomerByEmail"><EmailAddress>nobody@example.invalid</EmailAddress></Grantee><Permission>READ</Permission></Grant>`), 400, 'UnresolvableGrantByEmailAddress'],
        [policy(owner, [['http://acs.amazonaws.com/groups/global/Nobody', 'READ']]), 400, 'InvalidArgument'],
        [policy(owner, [[owner, 'Read']]), 400, 'MalformedACLError'],
        [policy(owner, [], `<Grant><Grantee ${XSI} xsi:type="Group"></Grantee><Permission>READ</Permission></Grant>`), 400, 'MalformedACLError'],
        [policy(owner, [], `<Grant><Permission>READ</Permission></Grant>`), 400, 'MalformedACLError'],
        [`<AccessControlPolicy ${XMLNS}><AccessControlList>${grantXml([owner, 'FULL_CONTROL'])}</AccessControlList></AccessControlPolicy>`, 400, 'MalformedACLError'],
        [`<AccessControlPolicy ${XMLNS}><Owner></Owner><AccessControlList></AccessControlList></AccessControlPolicy>`, 400, 'MalformedACLError'],
        [policy('0123456789abcdef', [[owner, 'FULL_CONTROL']]), 403, 'AccessDenied'],
      ];
      for (const [body, status, code] of cases) {
        expectError(await putBucketPolicy('grants', body), status, code);
        expectError(await root({ method: 'PUT', bucket: 'grants', key: 'obj', query: { acl: '' }, body }), status, code);
      }
      expect(grantsOf(await bucketAcl('grants'))).to.deep.equal([[owner, 'FULL_CONTROL']]);
      const tooMany = Array.from({ length: 101 }, (): G => [ALL_USERS, 'READ']);
      expectError(await putBucketPolicy('grants', policy(owner, tooMany)), 400, 'MalformedACLError');
    });

    it('answers UnexpectedContent for a body together with grant headers', async () => {
      expectError(await root({ method: 'PUT', bucket: 'grants', query: { acl: '' }, headers: { 'x-amz-grant-read': `uri="${ALL_USERS}"` }, body: policy(owner, []) }), 400, 'UnexpectedContent');
    });
  });

  describe('x-amz-grant-* headers', () => {
    const allFive = (who: string) => ({
      'x-amz-grant-full-control': who, 'x-amz-grant-write-acp': who, 'x-amz-grant-read-acp': who, 'x-amz-grant-write': who, 'x-amz-grant-read': who,
    });
    const fiveGrants = (who: string): G[] => ['READ', 'WRITE', 'READ_ACP', 'WRITE_ACP', 'FULL_CONTROL'].map((p): G => [who, p]);

    it('CreateBucket: each header gives exactly its grant (quoted or bare id), in the order read, write, read-acp, write-acp, full-control', async () => {
      await ok(root({ method: 'PUT', bucket: 'grants-create', headers: allFive(`id=${owner}`) }));
      expect(grantsOf(await bucketAcl('grants-create'))).to.deep.equal(fiveGrants(owner));
      await ok(root({ method: 'PUT', bucket: 'grants-create-2', headers: { 'x-amz-grant-read': `uri="${ALL_USERS}", id="${owner}"` } }));
      expect(grantsOf(await bucketAcl('grants-create-2'))).to.deep.equal([[ALL_USERS, 'READ'], [owner, 'READ']]);
      expect((await ok(anon({ method: 'GET', bucket: 'grants-create-2' }))).status).to.equal(200);
    });

    it('PutBucketAcl and PutObjectAcl by header replace the whole ACL', async () => {
      await ok(root({ method: 'PUT', bucket: 'grants', query: { acl: '' }, headers: { 'x-amz-grant-write': `uri="${LOG_DELIVERY}"`, 'x-amz-grant-read-acp': `uri="${LOG_DELIVERY}"` } }));
      expect(grantsOf(await bucketAcl('grants'))).to.deep.equal([[LOG_DELIVERY, 'WRITE'], [LOG_DELIVERY, 'READ_ACP']]);
      await ok(root({ method: 'PUT', bucket: 'grants', key: 'obj', query: { acl: '' }, headers: allFive(`id="${owner}"`) }));
      expect(grantsOf(await objectAcl('grants', 'obj'))).to.deep.equal(fiveGrants(owner));
      await ok(root({ method: 'PUT', bucket: 'grants', query: { acl: '' }, headers: { 'x-amz-acl': 'private' } }));
    });

    it('PutObject, CopyObject and CreateMultipartUpload store the header grants on the new object', async () => {
      await ok(root({ method: 'PUT', bucket: 'grants', key: 'h-put', body: 'put body', headers: allFive(`id="${owner}"`) }));
      expect(grantsOf(await objectAcl('grants', 'h-put'))).to.deep.equal(fiveGrants(owner));
      await ok(root({ method: 'PUT', bucket: 'grants', key: 'h-copy', headers: { 'x-amz-copy-source': '/grants/h-put', 'x-amz-grant-read': `uri="${ALL_USERS}"` } }));
      expect(grantsOf(await objectAcl('grants', 'h-copy'))).to.deep.equal([[ALL_USERS, 'READ']]);
      expect((await ok(anon({ method: 'GET', bucket: 'grants', key: 'h-copy' }))).text).to.equal('put body');
      const init = await ok(root({ method: 'POST', bucket: 'grants', key: 'h-mpu', query: { uploads: '' }, headers: { 'x-amz-grant-read': `uri="${AUTH_USERS}"` } }));
      const uploadId = parseXml(init).InitiateMultipartUploadResult.UploadId;
      const part = await ok(root({ method: 'PUT', bucket: 'grants', key: 'h-mpu', query: { partNumber: '1', uploadId }, body: 'mpu body' }));
      await ok(root({
        method: 'POST', bucket: 'grants', key: 'h-mpu', query: { uploadId },
        body: `<CompleteMultipartUpload><Part><PartNumber>1</PartNumber><ETag>${part.headers.etag}</ETag></Part></CompleteMultipartUpload>`,
      }));
      expect(grantsOf(await objectAcl('grants', 'h-mpu'))).to.deep.equal([[AUTH_USERS, 'READ']]);
      expect((await ok(user.send({ method: 'GET', bucket: 'grants', key: 'h-mpu' }))).text).to.equal('mpu body');
      expectError(await anon({ method: 'GET', bucket: 'grants', key: 'h-mpu' }), 403, 'AccessDenied');
    });

    it('refuses a canned ACL with grant headers (InvalidRequest), unknown IDs, e-mail grantees and malformed values', async () => {
      const both = { 'x-amz-acl': 'public-read', 'x-amz-grant-read': `id="${owner}"` };
      expectError(await root({ method: 'PUT', bucket: 'grants', key: 'bad', body: 'x', headers: both }), 400, 'InvalidRequest');
      expectError(await root({ method: 'PUT', bucket: 'grants', query: { acl: '' }, headers: both }), 400, 'InvalidRequest');
      expectError(await root({ method: 'PUT', bucket: 'grants-bad-create', headers: both }), 400, 'InvalidRequest');
      expectError(await root({ method: 'PUT', bucket: 'grants', key: 'bad', body: 'x', headers: { 'x-amz-grant-read': 'id="_foo"' } }), 400, 'InvalidArgument');
      expectError(await root({ method: 'PUT', bucket: 'grants', key: 'bad', body: 'x', headers: { 'x-amz-grant-read': 'emailAddress="nobody@example.invalid"' } }), 400, 'UnresolvableGrantByEmailAddress');
      for (const value of ['', 'id=', 'nonsense', `name="${owner}"`, `id="${owner}" x`]) {
        expectError(await root({ method: 'PUT', bucket: 'grants', query: { acl: '' }, headers: { 'x-amz-grant-read': value } }), 400, 'InvalidArgument');
      }
      expect((await root({ method: 'HEAD', bucket: 'grants', key: 'bad' })).status).to.equal(404);
      expect((await root({ method: 'HEAD', bucket: 'grants-bad-create' })).status).to.equal(404);
      expect(grantsOf(await bucketAcl('grants'))).to.deep.equal([[owner, 'FULL_CONTROL']]);
    });
  });

  describe('enforcement of group grants', () => {
    it('bucket WRITE to AllUsers lets anonymous callers write; READ_ACP / WRITE_ACP gate the ACL itself', async () => {
      await ok(root({ method: 'PUT', bucket: 'grants-enf', headers: { 'x-amz-grant-write': `uri="${ALL_USERS}"`, 'x-amz-grant-read-acp': `uri="${ALL_USERS}"`, 'x-amz-grant-full-control': `id="${owner}"` } }));
      await ok(anon({ method: 'PUT', bucket: 'grants-enf', key: 'anon', body: 'anonymous' }));
      expectError(await anon({ method: 'GET', bucket: 'grants-enf' }), 403, 'AccessDenied');
      expect(grantsOf(await ok(anon({ method: 'GET', bucket: 'grants-enf', query: { acl: '' } })))).to.have.length(3);
      expectError(await anon({ method: 'PUT', bucket: 'grants-enf', query: { acl: '' }, headers: { 'x-amz-acl': 'public-read-write' } }), 403, 'AccessDenied');
      await ok(anon({ method: 'DELETE', bucket: 'grants-enf', key: 'anon' }), 204);
    });

    it('bucket READ to AuthenticatedUsers lets a signed user without policies list, not anonymous callers', async () => {
      await ok(root({ method: 'PUT', bucket: 'grants-auth' }));
      await ok(putBucketPolicy('grants-auth', policy(owner, [[owner, 'FULL_CONTROL'], [AUTH_USERS, 'READ']])));
      await ok(user.send({ method: 'GET', bucket: 'grants-auth', query: { 'list-type': '2' } }));
      await ok(user.send({ method: 'GET', bucket: 'grants-auth', query: { versions: '' } }));
      await ok(user.send({ method: 'GET', bucket: 'grants-auth', query: { uploads: '' } }));
      expectError(await anon({ method: 'GET', bucket: 'grants-auth' }), 403, 'AccessDenied');
      expectError(await user.send({ method: 'PUT', bucket: 'grants-auth', key: 'k', body: 'x' }), 403, 'AccessDenied');
    });

    it('grants to the owner\'s ID give a user without policies nothing (single account: policies decide)', async () => {
      await ok(root({ method: 'PUT', bucket: 'grants-owner', headers: { 'x-amz-grant-full-control': `id="${owner}"` } }));
      await ok(root({ method: 'PUT', bucket: 'grants-owner', key: 'k', body: 'x', headers: { 'x-amz-grant-full-control': `id="${owner}"` } }));
      expectError(await user.send({ method: 'GET', bucket: 'grants-owner' }), 403, 'AccessDenied');
      expectError(await user.send({ method: 'GET', bucket: 'grants-owner', key: 'k' }), 403, 'AccessDenied');
    });

    it('object grants: READ / WRITE_ACP / FULL_CONTROL to AllUsers for anonymous callers, READ to AuthenticatedUsers', async () => {
      await ok(root({ method: 'PUT', bucket: 'grants', key: 'o-read', body: 'r', headers: { 'x-amz-grant-read': `uri="${ALL_USERS}"` } }));
      expect((await ok(anon({ method: 'GET', bucket: 'grants', key: 'o-read' }))).text).to.equal('r');
      await ok(anon({ method: 'HEAD', bucket: 'grants', key: 'o-read' }));
      expectError(await anon({ method: 'GET', bucket: 'grants', key: 'o-read', query: { acl: '' } }), 403, 'AccessDenied');

      await ok(root({ method: 'PUT', bucket: 'grants', key: 'o-wacp', body: 'w', headers: { 'x-amz-grant-write-acp': `uri="${ALL_USERS}"` } }));
      expectError(await anon({ method: 'GET', bucket: 'grants', key: 'o-wacp' }), 403, 'AccessDenied');
      await ok(anon({ method: 'PUT', bucket: 'grants', key: 'o-wacp', query: { acl: '' }, headers: { 'x-amz-grant-read': `uri="${ALL_USERS}"` } }));
      expect((await ok(anon({ method: 'GET', bucket: 'grants', key: 'o-wacp' }))).text).to.equal('w');

      await ok(root({ method: 'PUT', bucket: 'grants', key: 'o-full', body: 'f', headers: { 'x-amz-grant-full-control': `uri="${ALL_USERS}"` } }));
      await ok(anon({ method: 'GET', bucket: 'grants', key: 'o-full' }));
      expect(grantsOf(await ok(anon({ method: 'GET', bucket: 'grants', key: 'o-full', query: { acl: '' } })))).to.deep.equal([[ALL_USERS, 'FULL_CONTROL']]);
      // Object grants never reach other objects nor the bucket.
      expectError(await anon({ method: 'PUT', bucket: 'grants', key: 'o-full', body: 'overwrite' }), 403, 'AccessDenied');
      expectError(await anon({ method: 'GET', bucket: 'grants' }), 403, 'AccessDenied');

      await ok(root({ method: 'PUT', bucket: 'grants', key: 'o-auth', body: 'a', query: {}, headers: { 'x-amz-grant-read': `uri="${AUTH_USERS}"` } }));
      await ok(user.send({ method: 'GET', bucket: 'grants', key: 'o-auth' }));
      expectError(await anon({ method: 'GET', bucket: 'grants', key: 'o-auth' }), 403, 'AccessDenied');
    });

    it('Block Public Access and BucketOwnerEnforced judge grant lists: public = a grant to AllUsers or AuthenticatedUsers', async () => {
      await ok(root({ method: 'PUT', bucket: 'grants-bpa' }));
      await ok(root({
        method: 'PUT', bucket: 'grants-bpa', query: { publicAccessBlock: '' },
        body: `<PublicAccessBlockConfiguration ${XMLNS}><BlockPublicAcls>true</BlockPublicAcls></PublicAccessBlockConfiguration>`,
      }));
      expectError(await root({ method: 'PUT', bucket: 'grants-bpa', key: 'k', body: 'x', headers: { 'x-amz-grant-read': `uri="${AUTH_USERS}"` } }), 403, 'AccessDenied');
      expectError(await putBucketPolicy('grants-bpa', policy(owner, [[ALL_USERS, 'READ']])), 403, 'AccessDenied');
      await ok(putBucketPolicy('grants-bpa', policy(owner, [[LOG_DELIVERY, 'WRITE'], [owner, 'FULL_CONTROL']])));
      await ok(root({ method: 'PUT', bucket: 'grants-bpa', key: 'k', body: 'x', headers: { 'x-amz-grant-read': `id="${owner}"` } }));

      await ok(root({ method: 'PUT', bucket: 'grants-own', headers: { 'x-amz-object-ownership': 'BucketOwnerEnforced' } }));
      expectError(await root({ method: 'PUT', bucket: 'grants-own', key: 'k', body: 'x', headers: { 'x-amz-grant-read': `uri="${LOG_DELIVERY}"` } }), 400, 'AccessControlListNotSupported');
      await ok(root({ method: 'PUT', bucket: 'grants-own', key: 'k', body: 'x', headers: { 'x-amz-grant-full-control': `id="${owner}"` } }));
      expectError(await root({ method: 'PUT', bucket: 'grants-own2', headers: { 'x-amz-object-ownership': 'BucketOwnerEnforced', 'x-amz-grant-read': `uri="${ALL_USERS}"` } }), 400, 'InvalidBucketAclWithObjectOwnership');
    });
  });

  it('AWS SDK v3: PutObjectAcl / PutBucketAcl with an AccessControlPolicy round-trip', async () => {
    const ca = readFileSync(t.running.caBundle as string, 'utf8');
    const c = new S3.S3Client({
      region: 'us-east-1', endpoint: `https://127.0.0.1:${t.running.port}`, forcePathStyle: true,
      credentials: POLICY_ROOT,
      requestHandler: new NodeHttpHandler({ httpsAgent: new Agent({ ca, checkServerIdentity: () => undefined }) }),
    });
    try {
      await c.send(new S3.PutObjectCommand({ Bucket: 'grants', Key: 'sdk', Body: 'sdk body' }));
      const before = await c.send(new S3.GetObjectAclCommand({ Bucket: 'grants', Key: 'sdk' }));
      const Grants: S3.Grant[] = [
        { Grantee: { Type: 'Group', URI: ALL_USERS }, Permission: 'READ' },
        { Grantee: { Type: 'CanonicalUser', ID: owner }, Permission: 'READ_ACP' },
        { Grantee: { Type: 'CanonicalUser', ID: owner }, Permission: 'FULL_CONTROL' },
      ];
      await c.send(new S3.PutObjectAclCommand({ Bucket: 'grants', Key: 'sdk', AccessControlPolicy: { Owner: before.Owner, Grants } }));
      const after = await c.send(new S3.GetObjectAclCommand({ Bucket: 'grants', Key: 'sdk' }));
      expect(after.Owner).to.deep.equal({ ID: owner, DisplayName: 'keyless' });
      expect(after.Grants).to.deep.equal([
        { Grantee: { Type: 'Group', URI: ALL_USERS }, Permission: 'READ' },
        { Grantee: { Type: 'CanonicalUser', ID: owner, DisplayName: 'keyless' }, Permission: 'READ_ACP' },
        { Grantee: { Type: 'CanonicalUser', ID: owner, DisplayName: 'keyless' }, Permission: 'FULL_CONTROL' },
      ]);
      expect((await ok(anon({ method: 'GET', bucket: 'grants', key: 'sdk' }))).text).to.equal('sdk body');

      await c.send(new S3.PutBucketAclCommand({ Bucket: 'grants', GrantRead: `uri="${AUTH_USERS}"`, GrantFullControl: `id="${owner}"` }));
      const b = await c.send(new S3.GetBucketAclCommand({ Bucket: 'grants' }));
      expect(b.Grants?.map((g) => `${g.Grantee?.URI ?? g.Grantee?.ID} ${g.Permission}`)).to.deep.equal([`${AUTH_USERS} READ`, `${owner} FULL_CONTROL`]);
      await c.send(new S3.PutBucketAclCommand({ Bucket: 'grants', AccessControlPolicy: { Owner: b.Owner, Grants: [] } }));
      expect((await c.send(new S3.GetBucketAclCommand({ Bucket: 'grants' }))).Grants ?? []).to.deep.equal([]);
      await c.send(new S3.PutBucketAclCommand({ Bucket: 'grants', ACL: 'private' }));
    } finally {
      c.destroy();
    }
  });

  async function newBucketWith(bucket: string, keys: string[]): Promise<void> {
    await ok(root({ method: 'PUT', bucket }));
    for (const key of keys) await ok(root({ method: 'PUT', bucket, key, body: key }));
  }
});
