import { expect } from 'chai';
import { arr, errorCode, parseXml, type S3RequestSpec, type TestResponse } from './support/s3-client.js';
import { startTestServer, type TestServer } from './support/s3-test-server.js';

/**
 * Behaviours the public S3 conformance suite (ceph/s3-tests) checks and Keyless got wrong, found by
 * `e2e/py/conformance_probe.py`; each test names the suite test it mirrors.
 */
const XMLNS = 'xmlns="http://s3.amazonaws.com/doc/2006-03-01/"';
const XSI = 'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"';

function expectError(res: TestResponse, status: number, code: string): void {
  expect(res.status, res.text).to.equal(status);
  expect(errorCode(res), res.text).to.equal(code);
}

describe('S3 HTTP: conformance fixes (ceph/s3-tests expectations)', function () {
  let t: TestServer;
  let ownerId: string;
  const send = (spec: S3RequestSpec) => t.client.send(spec);
  const anon = (spec: S3RequestSpec) => t.client.send({ ...spec, unsigned: true });
  const ok = async (spec: S3RequestSpec) => {
    const res = await send(spec);
    expect(res.status, `${spec.method} ${spec.bucket}/${spec.key ?? ''}: ${res.text}`).to.be.oneOf([200, 204]);
    return res;
  };

  before(async () => {
    t = await startTestServer();
    ownerId = parseXml(await send({ method: 'GET' })).ListAllMyBucketsResult.Owner.ID;
  });
  after(async () => t?.close());

  describe('listing', () => {
    before(async () => {
      await ok({ method: 'PUT', bucket: 'conf-list' });
      for (const key of ['bar', 'baz', 'a b/c', 'a+b']) await ok({ method: 'PUT', bucket: 'conf-list', key, body: key });
    });

    it('an empty continuation-token lists from the start and is echoed (test_bucket_listv2_continuationtoken_empty)', async () => {
      const res = await ok({ method: 'GET', bucket: 'conf-list', query: { 'list-type': '2', 'continuation-token': '' } });
      const doc = parseXml(res).ListBucketResult;
      expect(doc.ContinuationToken).to.equal('');
      expect(doc.IsTruncated).to.equal('false');
      expect(arr(doc.Contents).map((c: any) => c.Key)).to.deep.equal(['a b/c', 'a+b', 'bar', 'baz']);
    });

  });

  describe('Content-Encoding', () => {
    it('is stored as sent unless aws-chunked is among its tokens (test_object_content_encoding_aws_chunked)', async () => {
      await ok({ method: 'PUT', bucket: 'conf-enc' });
      const cases: [string, string | undefined][] = [['deflate, gzip', 'deflate, gzip'], ['gzip', 'gzip'], ['gzip, aws-chunked', 'gzip'], ['aws-chunked, gzip', 'gzip'], ['aws-chunked', undefined]];
      for (const [sent, want] of cases) {
        await ok({ method: 'PUT', bucket: 'conf-enc', key: 'k', body: 'x', headers: { 'content-encoding': sent } });
        const head = await ok({ method: 'HEAD', bucket: 'conf-enc', key: 'k' });
        expect(head.headers['content-encoding'], sent).to.equal(want);
      }
    });
  });

  describe('anonymous callers and missing resources', () => {
    it('a deleted bucket is NoSuchBucket even for anonymous callers (test_object_raw_get_bucket_gone, test_object_delete_key_bucket_gone)', async () => {
      await ok({ method: 'PUT', bucket: 'conf-gone', headers: { 'x-amz-acl': 'public-read' } });
      await ok({ method: 'DELETE', bucket: 'conf-gone' });
      expectError(await anon({ method: 'GET', bucket: 'conf-gone', key: 'foo' }), 404, 'NoSuchBucket');
      expectError(await anon({ method: 'DELETE', bucket: 'conf-gone', key: 'foo' }), 404, 'NoSuchBucket');
      // Creating a bucket is still refused to anonymous callers, not answered with NoSuchBucket.
      expectError(await anon({ method: 'PUT', bucket: 'conf-gone' }), 403, 'AccessDenied');
    });

    it('a missing key is NoSuchKey when the caller may list the bucket, AccessDenied otherwise (test_object_raw_get_object_gone)', async () => {
      await ok({ method: 'PUT', bucket: 'conf-pub', headers: { 'x-amz-acl': 'public-read' } });
      await ok({ method: 'PUT', bucket: 'conf-priv' });
      expectError(await anon({ method: 'GET', bucket: 'conf-pub', key: 'missing' }), 404, 'NoSuchKey');
      expectError(await anon({ method: 'GET', bucket: 'conf-priv', key: 'missing' }), 403, 'AccessDenied');
      // An existing private object in a public-read bucket stays AccessDenied.
      await ok({ method: 'PUT', bucket: 'conf-pub', key: 'private', body: 'x' });
      expectError(await anon({ method: 'GET', bucket: 'conf-pub', key: 'private' }), 403, 'AccessDenied');
    });
  });

  describe('ACL grantees that name no account', () => {
    const body = (grantee: string) => `<AccessControlPolicy ${XMLNS}><Owner><ID>${ownerId}</ID></Owner><AccessControlList>` +
      `<Grant><Grantee ${XSI} xsi:type="CanonicalUser"><ID>${ownerId}</ID></Grantee><Permission>FULL_CONTROL</Permission></Grant>` +
      `<Grant><Grantee ${XSI} ${grantee}</Grantee><Permission>FULL_CONTROL</Permission></Grant></AccessControlList></AccessControlPolicy>`;

    it('an unknown canonical ID is InvalidArgument (test_bucket_acl_grant_nonexist_user)', async () => {
      await ok({ method: 'PUT', bucket: 'conf-acl' });
      expectError(await send({ method: 'PUT', bucket: 'conf-acl', query: { acl: '' }, body: body('xsi:type="CanonicalUser"><ID>_foo</ID>') }), 400, 'InvalidArgument');
    });

    it('an e-mail grantee is UnresolvableGrantByEmailAddress (test_bucket_acl_grant_email_not_exist)', async () => {
      await ok({ method: 'PUT', bucket: 'conf-acl2' });
      const res = await send({ method: 'PUT', bucket: 'conf-acl2', query: { acl: '' }, body: body('xsi:type="AmazonCustomerByEmail"><EmailAddress>doesnotexist@example.invalid</EmailAddress>') });
      expectError(res, 400, 'UnresolvableGrantByEmailAddress');
    });
  });
});
