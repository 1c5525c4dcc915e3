import { expect } from 'chai';
import { arr, errorCode, md5Base64, parseXml, type S3RequestSpec, type S3TestClient, type TestResponse } from './support/s3-client.js';
import { startPolicyServer, type PolicyServer } from './policy-support/policy-server.js';

/**
 * Issue 5, access control as S3 clients expect it, over HTTP: canned ACLs (header and body forms)
 * reported by Get*Acl and enforced for anonymous and authenticated callers, ownership controls that
 * disable ACLs, and Block Public Access against ACLs and bucket policies.
 */
const XMLNS = 'xmlns="http://s3.amazonaws.com/doc/2006-03-01/"';
const XSI = 'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"';
const ALL_USERS = 'http://acs.amazonaws.com/groups/global/AllUsers';
const AUTH_USERS = 'http://acs.amazonaws.com/groups/global/AuthenticatedUsers';

function expectError(res: TestResponse, status: number, code: string): void {
  expect(res.status, res.text).to.equal(status);
  if (res.body.length > 0) expect(errorCode(res)).to.equal(code);
}

/** The grants of an AccessControlPolicy response, as `ID|URI PERMISSION` strings. */
function grantsOf(res: TestResponse): string[] {
  expect(res.status, res.text).to.equal(200);
  const doc = parseXml(res).AccessControlPolicy;
  return arr(doc.AccessControlList.Grant).map((g: any) => `${g.Grantee.URI ?? `owner:${g.Grantee.ID}`} ${g.Permission}`);
}

function policyBody(ownerId: string, groups: [string, string][], extra = ''): string {
  const grant = (grantee: string, perm: string) => `<Grant><Grantee ${XSI} ${grantee}</Grantee><Permission>${perm}</Permission></Grant>`;
  return `<AccessControlPolicy ${XMLNS}><Owner><ID>${ownerId}</ID></Owner><AccessControlList>` +
    grant(`xsi:type="CanonicalUser"><ID>${ownerId}</ID>`, 'FULL_CONTROL') +
    groups.map(([uri, perm]) => grant(`xsi:type="Group"><URI>${uri}</URI>`, perm)).join('') + extra +
    '</AccessControlList></AccessControlPolicy>';
}

describe('S3 HTTP: ACLs, ownership controls and Block Public Access', function () {
  let t: PolicyServer;
  let user: S3TestClient;
  let ownerId: string;
  const root = (spec: S3RequestSpec) => t.root.send(spec);
  const anon = (spec: S3RequestSpec) => t.root.send({ ...spec, unsigned: true });
  const newBucket = async (name: string, headers?: Record<string, string>) => {
    const res = await root({ method: 'PUT', bucket: name, headers });
    expect(res.status, res.text).to.equal(200);
  };
  const putObject = async (bucket: string, key: string, headers?: Record<string, string>) => {
    const res = await root({ method: 'PUT', bucket, key, body: `body of ${key}`, headers });
    expect(res.status, res.text).to.equal(200);
  };
  const setPab = (bucket: string, flags: Record<string, boolean>) => root({
    method: 'PUT', bucket, query: { publicAccessBlock: '' },
    body: `<PublicAccessBlockConfiguration ${XMLNS}>${Object.entries(flags).map(([k, v]) => `<${k}>${v}</${k}>`).join('')}</PublicAccessBlockConfiguration>`,
  });

  before(async () => {
    t = await startPolicyServer();
    const r = await t.cli('user', 'add', 'no-policy-user', 'no-policy-user-secret');
    expect(r.code, r.err.join('\n')).to.equal(0);
    user = t.client('no-policy-user', 'no-policy-user-secret');
    ownerId = parseXml(await root({ method: 'GET' })).ListAllMyBucketsResult.Owner.ID;
  });
  after(async () => {
    await t?.close();
  });

  describe('bucket ACLs', () => {
    it('reports the owner\'s FULL_CONTROL on a new bucket, with typed grantees', async () => {
      await newBucket('acl-new');
      const res = await root({ method: 'GET', bucket: 'acl-new', query: { acl: '' } });
      expect(grantsOf(res)).to.deep.equal([`owner:${ownerId} FULL_CONTROL`]);
      expect(parseXml(res).AccessControlPolicy.Owner.ID).to.equal(ownerId);
      expect(res.text).to.include('xsi:type="CanonicalUser"');
    });

    it('public-read lets anonymous callers list the bucket, but not read private objects nor write', async () => {
      await newBucket('acl-public-read');
      await putObject('acl-public-read', 'private.txt');
      expectError(await anon({ method: 'GET', bucket: 'acl-public-read' }), 403, 'AccessDenied');
      expect((await root({ method: 'PUT', bucket: 'acl-public-read', query: { acl: '' }, headers: { 'x-amz-acl': 'public-read' } })).status).to.equal(200);
      const acl = await root({ method: 'GET', bucket: 'acl-public-read', query: { acl: '' } });
      expect(grantsOf(acl)).to.deep.equal([`${ALL_USERS} READ`, `owner:${ownerId} FULL_CONTROL`]);
      expect(acl.text).to.include('xsi:type="Group"');
      const list = await anon({ method: 'GET', bucket: 'acl-public-read', query: { 'list-type': '2' } });
      expect(list.status, list.text).to.equal(200);
      expect(arr(parseXml(list).ListBucketResult.Contents).map((c: any) => c.Key)).to.deep.equal(['private.txt']);
      expectError(await anon({ method: 'GET', bucket: 'acl-public-read', key: 'private.txt' }), 403, 'AccessDenied');
      expectError(await anon({ method: 'PUT', bucket: 'acl-public-read', key: 'anon.txt', body: 'x' }), 403, 'AccessDenied');
      // Back to private: anonymous listing stops.
      expect((await root({ method: 'PUT', bucket: 'acl-public-read', query: { acl: '' }, headers: { 'x-amz-acl': 'private' } })).status).to.equal(200);
      expectError(await anon({ method: 'GET', bucket: 'acl-public-read' }), 403, 'AccessDenied');
      expect(grantsOf(await root({ method: 'GET', bucket: 'acl-public-read', query: { acl: '' } }))).to.deep.equal([`owner:${ownerId} FULL_CONTROL`]);
    });

    it('public-read-write lets anonymous callers write and delete objects', async () => {
      await newBucket('acl-public-rw', { 'x-amz-acl': 'public-read-write' });
      expect(grantsOf(await root({ method: 'GET', bucket: 'acl-public-rw', query: { acl: '' } }))).to.deep.equal([`${ALL_USERS} READ`, `${ALL_USERS} WRITE`, `owner:${ownerId} FULL_CONTROL`]);
      const put = await anon({ method: 'PUT', bucket: 'acl-public-rw', key: 'anon.txt', body: 'from anonymous' });
      expect(put.status, put.text).to.equal(200);
      expect((await root({ method: 'GET', bucket: 'acl-public-rw', key: 'anon.txt' })).text).to.equal('from anonymous');
      expect((await anon({ method: 'DELETE', bucket: 'acl-public-rw', key: 'anon.txt' })).status).to.equal(204);
      expect((await root({ method: 'HEAD', bucket: 'acl-public-rw', key: 'anon.txt' })).status).to.equal(404);
      // Bucket WRITE is not object READ: an anonymous upload is not readable anonymously.
      await anon({ method: 'PUT', bucket: 'acl-public-rw', key: 'anon2.txt', body: 'x' });
      expectError(await anon({ method: 'GET', bucket: 'acl-public-rw', key: 'anon2.txt' }), 403, 'AccessDenied');
    });

    it('authenticated-read lets any signed caller list, not anonymous ones', async () => {
      await newBucket('acl-auth-read', { 'x-amz-acl': 'authenticated-read' });
      expect(grantsOf(await root({ method: 'GET', bucket: 'acl-auth-read', query: { acl: '' } }))).to.deep.equal([`${AUTH_USERS} READ`, `owner:${ownerId} FULL_CONTROL`]);
      expect((await user.send({ method: 'GET', bucket: 'acl-auth-read' })).status).to.equal(200);
      expectError(await anon({ method: 'GET', bucket: 'acl-auth-read' }), 403, 'AccessDenied');
      // READ on the bucket does not let the user change its ACL.
      expectError(await user.send({ method: 'PUT', bucket: 'acl-auth-read', query: { acl: '' }, headers: { 'x-amz-acl': 'public-read' } }), 403, 'AccessDenied');
    });

    it('accepts an AccessControlPolicy body that expresses a canned ACL', async () => {
      await newBucket('acl-body');
      const put = await root({ method: 'PUT', bucket: 'acl-body', query: { acl: '' }, body: policyBody(ownerId, [[ALL_USERS, 'READ']]) });
      expect(put.status, put.text).to.equal(200);
      expect(grantsOf(await root({ method: 'GET', bucket: 'acl-body', query: { acl: '' } }))).to.deep.equal([`owner:${ownerId} FULL_CONTROL`, `${ALL_USERS} READ`]);
      expect((await anon({ method: 'GET', bucket: 'acl-body' })).status).to.equal(200);
    });

    it('refuses grants to unknown canonical IDs (InvalidArgument) and keeps the ACL unchanged', async () => {
      await newBucket('acl-unsupported');
      // A canonical ID other than the owner's names no account on a single-account server.
      const otherUser = `<Grant><Grantee ${XSI} xsi:type="CanonicalUser"><ID>0123456789abcdef</ID></Grantee><Permission>READ</Permission></Grant>`;
      expectError(await root({ method: 'PUT', bucket: 'acl-unsupported', query: { acl: '' }, body: policyBody(ownerId, [], otherUser) }), 400, 'InvalidArgument');
      expectError(await root({ method: 'PUT', bucket: 'acl-unsupported', query: { acl: '' }, headers: { 'x-amz-grant-read': 'id="0123456789abcdef"' } }), 400, 'InvalidArgument');
      expectError(await root({ method: 'PUT', bucket: 'acl-unsupported', key: 'k', body: 'x', headers: { 'x-amz-grant-read': 'id="0123456789abcdef"' } }), 400, 'InvalidArgument');
      expect((await root({ method: 'HEAD', bucket: 'acl-unsupported', key: 'k' })).status).to.equal(404);
      expect(grantsOf(await root({ method: 'GET', bucket: 'acl-unsupported', query: { acl: '' } }))).to.deep.equal([`owner:${ownerId} FULL_CONTROL`]);
    });

    it('refuses an unknown canned ACL (InvalidArgument), header plus body (UnexpectedContent) and a malformed body', async () => {
      await newBucket('acl-invalid');
      expectError(await root({ method: 'PUT', bucket: 'acl-invalid', query: { acl: '' }, headers: { 'x-amz-acl': 'world-writable' } }), 400, 'InvalidArgument');
      expectError(await root({ method: 'PUT', bucket: 'acl-invalid', key: 'k', body: 'x', headers: { 'x-amz-acl': 'world-writable' } }), 400, 'InvalidArgument');
      expectError(await root({ method: 'PUT', bucket: 'acl-bad-create', headers: { 'x-amz-acl': 'world-writable' } }), 400, 'InvalidArgument');
      expectError(await root({ method: 'PUT', bucket: 'acl-invalid', query: { acl: '' }, headers: { 'x-amz-acl': 'public-read' }, body: policyBody(ownerId, []) }), 400, 'UnexpectedContent');
      expectError(await root({ method: 'PUT', bucket: 'acl-invalid', query: { acl: '' }, body: `<AccessControlPolicy ${XMLNS}><Owner><ID>${ownerId}</ID></Owner></AccessControlPolicy>` }), 400, 'MalformedACLError');
      expect(grantsOf(await root({ method: 'GET', bucket: 'acl-invalid', query: { acl: '' } }))).to.deep.equal([`owner:${ownerId} FULL_CONTROL`]);
    });
  });

  describe('object ACLs', () => {
    const B = 'acl-objects';
    before(async () => {
      await newBucket(B);
    });

    it('x-amz-acl: public-read on PutObject lets anonymous callers GET and HEAD that object only', async () => {
      await putObject(B, 'public.txt', { 'x-amz-acl': 'public-read' });
      await putObject(B, 'private.txt');
      const get = await anon({ method: 'GET', bucket: B, key: 'public.txt' });
      expect(get.status, get.text).to.equal(200);
      expect(get.text).to.equal('body of public.txt');
      expect((await anon({ method: 'HEAD', bucket: B, key: 'public.txt' })).status).to.equal(200);
      expectError(await anon({ method: 'GET', bucket: B, key: 'private.txt' }), 403, 'AccessDenied');
      expectError(await anon({ method: 'GET', bucket: B }), 403, 'AccessDenied');
      expectError(await anon({ method: 'DELETE', bucket: B, key: 'public.txt' }), 403, 'AccessDenied');
      expect(grantsOf(await root({ method: 'GET', bucket: B, key: 'public.txt', query: { acl: '' } }))).to.deep.equal([`${ALL_USERS} READ`, `owner:${ownerId} FULL_CONTROL`]);
      expect(grantsOf(await root({ method: 'GET', bucket: B, key: 'private.txt', query: { acl: '' } }))).to.deep.equal([`owner:${ownerId} FULL_CONTROL`]);
    });

    it('an overwrite without x-amz-acl makes the object private again', async () => {
      await putObject(B, 'overwritten.txt', { 'x-amz-acl': 'public-read' });
      expect((await anon({ method: 'GET', bucket: B, key: 'overwritten.txt' })).status).to.equal(200);
      await putObject(B, 'overwritten.txt');
      expectError(await anon({ method: 'GET', bucket: B, key: 'overwritten.txt' }), 403, 'AccessDenied');
    });

    it('PutObjectAcl (header and body forms) changes an existing object\'s ACL without changing the object', async () => {
      await putObject(B, 'later.txt');
      const etag = (await root({ method: 'HEAD', bucket: B, key: 'later.txt' })).headers.etag;
      expectError(await anon({ method: 'GET', bucket: B, key: 'later.txt' }), 403, 'AccessDenied');
      expect((await root({ method: 'PUT', bucket: B, key: 'later.txt', query: { acl: '' }, headers: { 'x-amz-acl': 'public-read' } })).status).to.equal(200);
      expect((await anon({ method: 'GET', bucket: B, key: 'later.txt' })).status).to.equal(200);
      expect((await root({ method: 'HEAD', bucket: B, key: 'later.txt' })).headers.etag).to.equal(etag);
      const body = policyBody(ownerId, []);
      const put = await root({ method: 'PUT', bucket: B, key: 'later.txt', query: { acl: '' }, body, headers: { 'content-md5': md5Base64(body) } });
      expect(put.status, put.text).to.equal(200);
      expectError(await anon({ method: 'GET', bucket: B, key: 'later.txt' }), 403, 'AccessDenied');
    });

    it('Get/PutObjectAcl on a missing key answer NoSuchKey', async () => {
      expectError(await root({ method: 'GET', bucket: B, key: 'missing.txt', query: { acl: '' } }), 404, 'NoSuchKey');
      expectError(await root({ method: 'PUT', bucket: B, key: 'missing.txt', query: { acl: '' }, headers: { 'x-amz-acl': 'public-read' } }), 404, 'NoSuchKey');
    });

    it('authenticated-read lets a signed user without policies read, not anonymous callers', async () => {
      await putObject(B, 'members.txt', { 'x-amz-acl': 'authenticated-read' });
      const res = await user.send({ method: 'GET', bucket: B, key: 'members.txt' });
      expect(res.status, res.text).to.equal(200);
      expectError(await anon({ method: 'GET', bucket: B, key: 'members.txt' }), 403, 'AccessDenied');
      expectError(await user.send({ method: 'GET', bucket: B, key: 'public-no.txt' }), 403, 'AccessDenied');
    });

    it('CopyObject sets the requested ACL on the copy and never copies the source ACL', async () => {
      await putObject(B, 'copy-src.txt', { 'x-amz-acl': 'public-read' });
      const plain = await root({ method: 'PUT', bucket: B, key: 'copy-plain.txt', headers: { 'x-amz-copy-source': `/${B}/copy-src.txt` } });
      expect(plain.status, plain.text).to.equal(200);
      expectError(await anon({ method: 'GET', bucket: B, key: 'copy-plain.txt' }), 403, 'AccessDenied');
      const pub = await root({ method: 'PUT', bucket: B, key: 'copy-public.txt', headers: { 'x-amz-copy-source': `/${B}/copy-src.txt`, 'x-amz-acl': 'public-read' } });
      expect(pub.status, pub.text).to.equal(200);
      expect((await anon({ method: 'GET', bucket: B, key: 'copy-public.txt' })).text).to.equal('body of copy-src.txt');
    });

    it('CreateMultipartUpload with x-amz-acl makes the completed object public', async () => {
      const init = await root({ method: 'POST', bucket: B, key: 'mpu.txt', query: { uploads: '' }, headers: { 'x-amz-acl': 'public-read' } });
      expect(init.status, init.text).to.equal(200);
      const uploadId = parseXml(init).InitiateMultipartUploadResult.UploadId;
      const part = await root({ method: 'PUT', bucket: B, key: 'mpu.txt', query: { partNumber: '1', uploadId }, body: 'multipart body' });
      expect(part.status).to.equal(200);
      const done = await root({
        method: 'POST', bucket: B, key: 'mpu.txt', query: { uploadId },
        body: `<CompleteMultipartUpload><Part><PartNumber>1</PartNumber><ETag>${part.headers.etag}</ETag></Part></CompleteMultipartUpload>`,
      });
      expect(done.status, done.text).to.equal(200);
      expect((await anon({ method: 'GET', bucket: B, key: 'mpu.txt' })).text).to.equal('multipart body');
    });

    it('an explicit Deny in the bucket policy wins over a public ACL', async () => {
      await newBucket('acl-denied');
      await putObject('acl-denied', 'public.txt', { 'x-amz-acl': 'public-read' });
      expect((await anon({ method: 'GET', bucket: 'acl-denied', key: 'public.txt' })).status).to.equal(200);
      const policy = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Deny', Principal: '*', Action: 's3:GetObject', Resource: 'arn:aws:s3:::acl-denied/*' }] });
      expect((await root({ method: 'PUT', bucket: 'acl-denied', query: { policy: '' }, body: policy })).status).to.equal(204);
      expectError(await anon({ method: 'GET', bucket: 'acl-denied', key: 'public.txt' }), 403, 'AccessDenied');
    });
  });

  describe('ownership controls', () => {
    it('BucketOwnerEnforced refuses ACLs that grant others (400 AccessControlListNotSupported) and accepts owner-only ones', async () => {
      await newBucket('own-enforced', { 'x-amz-object-ownership': 'BucketOwnerEnforced' });
      expectError(await root({ method: 'PUT', bucket: 'own-enforced', query: { acl: '' }, headers: { 'x-amz-acl': 'public-read' } }), 400, 'AccessControlListNotSupported');
      expectError(await root({ method: 'PUT', bucket: 'own-enforced', key: 'k', body: 'x', headers: { 'x-amz-acl': 'public-read' } }), 400, 'AccessControlListNotSupported');
      expectError(await root({ method: 'POST', bucket: 'own-enforced', key: 'k', query: { uploads: '' }, headers: { 'x-amz-acl': 'authenticated-read' } }), 400, 'AccessControlListNotSupported');
      expect((await root({ method: 'PUT', bucket: 'own-enforced', key: 'k', body: 'x', headers: { 'x-amz-acl': 'bucket-owner-full-control' } })).status).to.equal(200);
      expect((await root({ method: 'PUT', bucket: 'own-enforced', query: { acl: '' }, headers: { 'x-amz-acl': 'private' } })).status).to.equal(200);
      expect((await root({ method: 'HEAD', bucket: 'own-enforced', key: 'k' })).status).to.equal(200);
    });

    it('switching to BucketOwnerEnforced disables existing public object ACLs; reads show the owner only', async () => {
      await newBucket('own-switch');
      await putObject('own-switch', 'public.txt', { 'x-amz-acl': 'public-read' });
      expect((await anon({ method: 'GET', bucket: 'own-switch', key: 'public.txt' })).status).to.equal(200);
      const enforce = `<OwnershipControls ${XMLNS}><Rule><ObjectOwnership>BucketOwnerEnforced</ObjectOwnership></Rule></OwnershipControls>`;
      expect((await root({ method: 'PUT', bucket: 'own-switch', query: { ownershipControls: '' }, body: enforce })).status).to.equal(200);
      expectError(await anon({ method: 'GET', bucket: 'own-switch', key: 'public.txt' }), 403, 'AccessDenied');
      expect(grantsOf(await root({ method: 'GET', bucket: 'own-switch', key: 'public.txt', query: { acl: '' } }))).to.deep.equal([`owner:${ownerId} FULL_CONTROL`]);
      // Deleting the ownership controls enables ACLs again (Keyless's default).
      expect((await root({ method: 'DELETE', bucket: 'own-switch', query: { ownershipControls: '' } })).status).to.equal(204);
      expect((await anon({ method: 'GET', bucket: 'own-switch', key: 'public.txt' })).status).to.equal(200);
    });

    it('refuses BucketOwnerEnforced while the bucket ACL is public (InvalidBucketAclWithObjectOwnership)', async () => {
      expectError(await root({ method: 'PUT', bucket: 'own-conflict', headers: { 'x-amz-acl': 'public-read', 'x-amz-object-ownership': 'BucketOwnerEnforced' } }), 400, 'InvalidBucketAclWithObjectOwnership');
      expect((await root({ method: 'HEAD', bucket: 'own-conflict' })).status).to.equal(404);
      await newBucket('own-conflict', { 'x-amz-acl': 'public-read' });
      const enforce = `<OwnershipControls ${XMLNS}><Rule><ObjectOwnership>BucketOwnerEnforced</ObjectOwnership></Rule></OwnershipControls>`;
      expectError(await root({ method: 'PUT', bucket: 'own-conflict', query: { ownershipControls: '' }, body: enforce }), 400, 'InvalidBucketAclWithObjectOwnership');
      expect((await anon({ method: 'GET', bucket: 'own-conflict' })).status).to.equal(200);
    });
  });

  describe('Block Public Access', () => {
    it('BlockPublicAcls refuses public ACLs on PutObject, PutObjectAcl and PutBucketAcl (403), not private ones', async () => {
      await newBucket('bpa-acls');
      await putObject('bpa-acls', 'k');
      expect((await setPab('bpa-acls', { BlockPublicAcls: true })).status).to.equal(200);
      expectError(await root({ method: 'PUT', bucket: 'bpa-acls', key: 'k2', body: 'x', headers: { 'x-amz-acl': 'public-read' } }), 403, 'AccessDenied');
      expect((await root({ method: 'HEAD', bucket: 'bpa-acls', key: 'k2' })).status).to.equal(404);
      expectError(await root({ method: 'PUT', bucket: 'bpa-acls', key: 'k', query: { acl: '' }, headers: { 'x-amz-acl': 'public-read' } }), 403, 'AccessDenied');
      expectError(await root({ method: 'PUT', bucket: 'bpa-acls', query: { acl: '' }, headers: { 'x-amz-acl': 'authenticated-read' } }), 403, 'AccessDenied');
      expect((await root({ method: 'PUT', bucket: 'bpa-acls', key: 'k3', body: 'x', headers: { 'x-amz-acl': 'private' } })).status).to.equal(200);
      expect((await root({ method: 'PUT', bucket: 'bpa-acls', query: { acl: '' }, headers: { 'x-amz-acl': 'private' } })).status).to.equal(200);
    });

    it('IgnorePublicAcls makes public ACLs grant nothing while set', async () => {
      await newBucket('bpa-ignore', { 'x-amz-acl': 'public-read' });
      await putObject('bpa-ignore', 'public.txt', { 'x-amz-acl': 'public-read' });
      expect((await anon({ method: 'GET', bucket: 'bpa-ignore', key: 'public.txt' })).status).to.equal(200);
      expect((await setPab('bpa-ignore', { IgnorePublicAcls: true })).status).to.equal(200);
      expectError(await anon({ method: 'GET', bucket: 'bpa-ignore', key: 'public.txt' }), 403, 'AccessDenied');
      expectError(await anon({ method: 'GET', bucket: 'bpa-ignore' }), 403, 'AccessDenied');
      // The ACL itself is kept and still reported.
      expect(grantsOf(await root({ method: 'GET', bucket: 'bpa-ignore', key: 'public.txt', query: { acl: '' } }))).to.include(`${ALL_USERS} READ`);
      expect((await root({ method: 'DELETE', bucket: 'bpa-ignore', query: { publicAccessBlock: '' } })).status).to.equal(204);
      expect((await anon({ method: 'GET', bucket: 'bpa-ignore', key: 'public.txt' })).status).to.equal(200);
    });

    const publicPolicy = (bucket: string) => JSON.stringify({
      Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: '*', Action: 's3:GetObject', Resource: `arn:aws:s3:::${bucket}/*` }],
    });

    it('BlockPublicPolicy refuses a public bucket policy (403) and accepts a non-public one', async () => {
      await newBucket('bpa-policy');
      expect((await setPab('bpa-policy', { BlockPublicPolicy: true })).status).to.equal(200);
      expectError(await root({ method: 'PUT', bucket: 'bpa-policy', query: { policy: '' }, body: publicPolicy('bpa-policy') }), 403, 'AccessDenied');
      expectError(await root({ method: 'GET', bucket: 'bpa-policy', query: { policy: '' } }), 404, 'NoSuchBucketPolicy');
      const own = JSON.stringify({
        Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { AWS: 'arn:aws:iam::000000000000:user/no-policy-user' }, Action: 's3:GetObject', Resource: 'arn:aws:s3:::bpa-policy/*' }],
      });
      expect((await root({ method: 'PUT', bucket: 'bpa-policy', query: { policy: '' }, body: own })).status).to.equal(204);
    });

    it('RestrictPublicBuckets stops a public bucket policy from granting anonymous callers', async () => {
      await newBucket('bpa-restrict');
      await putObject('bpa-restrict', 'k');
      expect((await root({ method: 'PUT', bucket: 'bpa-restrict', query: { policy: '' }, body: publicPolicy('bpa-restrict') })).status).to.equal(204);
      expect((await anon({ method: 'GET', bucket: 'bpa-restrict', key: 'k' })).status).to.equal(200);
      expect((await setPab('bpa-restrict', { RestrictPublicBuckets: true })).status).to.equal(200);
      expectError(await anon({ method: 'GET', bucket: 'bpa-restrict', key: 'k' }), 403, 'AccessDenied');
      // Signed callers of the account are not affected.
      expect((await root({ method: 'GET', bucket: 'bpa-restrict', key: 'k' })).status).to.equal(200);
      expect((await root({ method: 'DELETE', bucket: 'bpa-restrict', query: { publicAccessBlock: '' } })).status).to.equal(204);
      expect((await anon({ method: 'GET', bucket: 'bpa-restrict', key: 'k' })).status).to.equal(200);
    });
  });
});
