import { expect } from 'chai';
import { arr, errorCode, parseXml } from './support/s3-client.js';
import { startTestServer, type TestServer } from './support/s3-test-server.js';

describe('S3 HTTP: buckets', function () {
  let t: TestServer;
  before(async () => {
    t = await startTestServer();
  });
  after(async () => {
    await t?.close();
  });

  const send = (...a: Parameters<TestServer['client']['send']>) => t.client.send(...a);

  it('creates a bucket (200, Location) and lists it in ListBuckets with an owner', async () => {
    const res = await send({ method: 'PUT', bucket: 'bucket-one' });
    expect(res.status).to.equal(200);
    expect(res.headers.location).to.equal('/bucket-one');
    expect(res.headers['x-amz-request-id']).to.be.a('string').and.not.equal('');
    const list = await send({ method: 'GET' });
    expect(list.status).to.equal(200);
    expect(list.headers['content-type']).to.match(/xml/);
    const doc = parseXml(list).ListAllMyBucketsResult;
    expect(doc.Owner.ID).to.be.a('string').and.not.equal('');
    const names = arr(doc.Buckets.Bucket).map((b: any) => b.Name);
    expect(names).to.include('bucket-one');
    const b = arr(doc.Buckets.Bucket).find((x: any) => x.Name === 'bucket-one');
    expect(new Date(b.CreationDate).getTime()).to.be.greaterThan(Date.now() - 60_000);
  });

  it('lists buckets sorted by name', async () => {
    await send({ method: 'PUT', bucket: 'zz-bucket' });
    await send({ method: 'PUT', bucket: 'aa-bucket' });
    const names = arr(parseXml(await send({ method: 'GET' })).ListAllMyBucketsResult.Buckets.Bucket).map((b: any) => b.Name);
    expect(names).to.deep.equal([...names].sort());
    expect(names).to.include.members(['aa-bucket', 'zz-bucket']);
  });

  const invalidNames: [string, string][] = [
    ['IP-like', '192.168.5.4'],
    ['uppercase', 'MyBucket'],
    ['too short', 'ab'],
    ['too long', 'a'.repeat(64)],
    ['underscore', 'my_bucket'],
    ['adjacent dots', 'my..bucket'],
    ['leading hyphen', '-bucket'],
    ['trailing hyphen', 'bucket-'],
    ['xn-- prefix', 'xn--bucket'],
    ['-s3alias suffix', 'bucket-s3alias'],
  ];
  for (const [why, name] of invalidNames) {
    it(`refuses an invalid bucket name (${why}) with 400 InvalidBucketName`, async () => {
      const res = await send({ method: 'PUT', bucket: name });
      expect(res.status).to.equal(400);
      expect(errorCode(res)).to.equal('InvalidBucketName');
      const list = await send({ method: 'GET' });
      expect(list.text).not.to.include(`<Name>${name}</Name>`);
    });
  }

  it('accepts names at the length limits (3 and 63) and with dots', async () => {
    for (const name of ['abc', 'a'.repeat(63), 'my.dotted.bucket', '1-2-3']) {
      const res = await send({ method: 'PUT', bucket: name });
      expect(res.status, name).to.equal(200);
    }
  });

  it('answers BucketAlreadyOwnedByYou (409) when the bucket exists', async () => {
    await send({ method: 'PUT', bucket: 'dup-bucket' });
    const res = await send({ method: 'PUT', bucket: 'dup-bucket' });
    expect(res.status).to.equal(409);
    const doc = parseXml(res).Error;
    expect(doc.Code).to.equal('BucketAlreadyOwnedByYou');
    expect(doc.RequestId).to.equal(res.headers['x-amz-request-id']);
    expect(doc.Message).to.be.a('string').and.not.equal('');
  });

  it('accepts a LocationConstraint naming the server region', async () => {
    const body = '<CreateBucketConfiguration xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><LocationConstraint>us-east-1</LocationConstraint></CreateBucketConfiguration>';
    const res = await send({ method: 'PUT', bucket: 'located-bucket', body });
    expect(res.status).to.equal(200);
    expect((await send({ method: 'HEAD', bucket: 'located-bucket' })).status).to.equal(200);
  });

  it('refuses a LocationConstraint for another region and creates nothing', async () => {
    const body = '<CreateBucketConfiguration xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><LocationConstraint>eu-west-1</LocationConstraint></CreateBucketConfiguration>';
    const res = await send({ method: 'PUT', bucket: 'elsewhere-bucket', body });
    expect(res.status).to.equal(400);
    expect(errorCode(res)).to.equal('IllegalLocationConstraintException');
    expect((await send({ method: 'HEAD', bucket: 'elsewhere-bucket' })).status).to.equal(404);
  });

  it('refuses a malformed CreateBucketConfiguration with MalformedXML', async () => {
    const res = await send({ method: 'PUT', bucket: 'badxml-bucket', body: '<CreateBucketConfiguration><LocationConstraint>' });
    expect(res.status).to.equal(400);
    expect(errorCode(res)).to.equal('MalformedXML');
  });

  it('HeadBucket: 200 with the region header and no body; 404 with no body', async () => {
    await send({ method: 'PUT', bucket: 'head-bucket' });
    const ok = await send({ method: 'HEAD', bucket: 'head-bucket' });
    expect(ok.status).to.equal(200);
    expect(ok.body.length).to.equal(0);
    expect(ok.headers['x-amz-bucket-region']).to.equal('us-east-1');
    const missing = await send({ method: 'HEAD', bucket: 'no-such-bucket-here' });
    expect(missing.status).to.equal(404);
    expect(missing.body.length).to.equal(0);
    expect(missing.headers['x-amz-request-id']).to.be.a('string');
  });

  it('GetBucketLocation: empty LocationConstraint for us-east-1; NoSuchBucket for a missing bucket', async () => {
    await send({ method: 'PUT', bucket: 'loc-bucket' });
    const res = await send({ method: 'GET', bucket: 'loc-bucket', query: { location: '' } });
    expect(res.status).to.equal(200);
    expect(res.text).to.match(/<LocationConstraint xmlns="http:\/\/s3\.amazonaws\.com\/doc\/2006-03-01\/">\s*<\/LocationConstraint>|<LocationConstraint xmlns="http:\/\/s3\.amazonaws\.com\/doc\/2006-03-01\/"\/>/);
    const missing = await send({ method: 'GET', bucket: 'loc-missing', query: { location: '' } });
    expect(missing.status).to.equal(404);
    expect(errorCode(missing)).to.equal('NoSuchBucket');
  });

  it('DeleteBucket: BucketNotEmpty (409) while objects remain, then 204, then NoSuchBucket', async () => {
    await send({ method: 'PUT', bucket: 'del-bucket' });
    expect((await send({ method: 'PUT', bucket: 'del-bucket', key: 'obj', body: 'x' })).status).to.equal(200);
    const notEmpty = await send({ method: 'DELETE', bucket: 'del-bucket' });
    expect(notEmpty.status).to.equal(409);
    expect(errorCode(notEmpty)).to.equal('BucketNotEmpty');
    expect((await send({ method: 'DELETE', bucket: 'del-bucket', key: 'obj' })).status).to.equal(204);
    const ok = await send({ method: 'DELETE', bucket: 'del-bucket' });
    expect(ok.status).to.equal(204);
    expect(ok.body.length).to.equal(0);
    expect((await send({ method: 'HEAD', bucket: 'del-bucket' })).status).to.equal(404);
    const again = await send({ method: 'DELETE', bucket: 'del-bucket' });
    expect(again.status).to.equal(404);
    expect(errorCode(again)).to.equal('NoSuchBucket');
  });

  it('operations on a missing bucket answer NoSuchBucket with BucketName', async () => {
    const res = await send({ method: 'GET', bucket: 'missing-bucket-x' });
    expect(res.status).to.equal(404);
    const err = parseXml(res).Error;
    expect(err.Code).to.equal('NoSuchBucket');
    expect(err.BucketName).to.equal('missing-bucket-x');
    expect(err.Resource).to.equal('/missing-bucket-x');
  });

  it('an invalid bucket name on other operations answers InvalidBucketName', async () => {
    const res = await send({ method: 'GET', bucket: 'Bad_Bucket', key: 'k' });
    expect(res.status).to.equal(400);
    expect(errorCode(res)).to.equal('InvalidBucketName');
  });

  describe('virtual-hosted-style addressing', function () {
    let v: TestServer;
    before(async () => {
      v = await startTestServer({ domain: 'localhost' });
    });
    after(async () => {
      await v?.close();
    });

    it('creates, writes, reads and lists through bucket.localhost:PORT as well as path-style', async () => {
      const vh = { virtualHostDomain: 'localhost' };
      expect((await v.client.send({ method: 'PUT', bucket: 'vhost-bucket', ...vh })).status).to.equal(200);
      const put = await v.client.send({ method: 'PUT', bucket: 'vhost-bucket', key: 'dir/hello.txt', body: 'hello vhost', ...vh });
      expect(put.status).to.equal(200);
      const get = await v.client.send({ method: 'GET', bucket: 'vhost-bucket', key: 'dir/hello.txt', ...vh });
      expect(get.status).to.equal(200);
      expect(get.text).to.equal('hello vhost');
      const pathStyle = await v.client.send({ method: 'GET', bucket: 'vhost-bucket', key: 'dir/hello.txt' });
      expect(pathStyle.status).to.equal(200);
      expect(pathStyle.text).to.equal('hello vhost');
      const list = await v.client.send({ method: 'GET', bucket: 'vhost-bucket', query: { 'list-type': '2' }, ...vh });
      expect(list.status).to.equal(200);
      const doc = parseXml(list).ListBucketResult;
      expect(doc.Name).to.equal('vhost-bucket');
      expect(arr(doc.Contents).map((c: any) => c.Key)).to.deep.equal(['dir/hello.txt']);
      const head = await v.client.send({ method: 'HEAD', bucket: 'vhost-bucket', ...vh });
      expect(head.status).to.equal(200);
    });

    it('a presigned URL works with virtual-hosted-style addressing', async () => {
      const url = await v.client.presign({ method: 'GET', bucket: 'vhost-bucket', key: 'dir/hello.txt', virtualHostDomain: 'localhost' }, 300);
      const res = await v.client.raw({ method: 'GET', path: url, headers: { host: v.client.hostHeader({ bucket: 'vhost-bucket', virtualHostDomain: 'localhost' }) } });
      expect(res.status, res.text).to.equal(200);
      expect(res.text).to.equal('hello vhost');
    });

    it('a bare domain Host is the service endpoint (ListBuckets)', async () => {
      const res = await v.client.raw({ method: 'GET', path: '/', headers: { host: `localhost:${v.running.port}` } });
      // Unsigned: the service endpoint answers AccessDenied, not a bucket error.
      expect(res.status).to.equal(403);
      expect(errorCode(res)).to.equal('AccessDenied');
    });
  });
});
