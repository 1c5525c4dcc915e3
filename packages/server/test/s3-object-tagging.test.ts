import { expect } from 'chai';
import { arr, errorCode, parseXml, type S3RequestSpec } from './support/s3-client.js';
import { startTestServer, type TestServer } from './support/s3-test-server.js';

const B = 'tagging-bucket';
const tagging = (tags: [string, string][]) =>
  `<Tagging><TagSet>${tags.map(([k, v]) => `<Tag><Key>${k}</Key><Value>${v}</Value></Tag>`).join('')}</TagSet></Tagging>`;

describe('S3 HTTP: object tagging', function () {
  let t: TestServer;
  const send = (spec: S3RequestSpec) => t.client.send(spec);
  const getTags = async (key: string, query: Record<string, string> = {}) =>
    arr(parseXml(await send({ method: 'GET', bucket: B, key, query: { tagging: '', ...query } })).Tagging.TagSet?.Tag).map((x) => [x.Key, x.Value]);

  before(async () => {
    t = await startTestServer();
    expect((await send({ method: 'PUT', bucket: B })).status).to.equal(200);
  });
  after(async () => {
    await t?.close();
  });

  it('PutObject with x-amz-tagging stores the tags; GET/HEAD report x-amz-tagging-count', async () => {
    const put = await send({ method: 'PUT', bucket: B, key: 'k', body: 'x', headers: { 'x-amz-tagging': 'project=alpha&team=a%20b' } });
    expect(put.status).to.equal(200);
    expect(await getTags('k')).to.deep.equal([['project', 'alpha'], ['team', 'a b']]);
    for (const method of ['GET', 'HEAD']) expect((await send({ method, bucket: B, key: 'k' })).headers['x-amz-tagging-count']).to.equal('2');
  });

  it('Put/Get/DeleteObjectTagging replace, read and remove the tag set', async () => {
    await send({ method: 'PUT', bucket: B, key: 'p', body: 'x' });
    expect(await getTags('p')).to.deep.equal([]);
    expect((await send({ method: 'PUT', bucket: B, key: 'p', query: { tagging: '' }, body: tagging([['a', '1'], ['b', '']]) })).status).to.equal(200);
    expect(await getTags('p')).to.deep.equal([['a', '1'], ['b', '']]);
    const etag = (await send({ method: 'HEAD', bucket: B, key: 'p' })).headers.etag;
    expect((await send({ method: 'DELETE', bucket: B, key: 'p', query: { tagging: '' } })).status).to.equal(204);
    expect(await getTags('p')).to.deep.equal([]);
    expect((await send({ method: 'HEAD', bucket: B, key: 'p' })).headers.etag).to.equal(etag);
    const missing = await send({ method: 'GET', bucket: B, key: 'nope', query: { tagging: '' } });
    expect(missing.status).to.equal(404);
    expect(errorCode(missing)).to.equal('NoSuchKey');
  });

  it('tags are per version (versionId)', async () => {
    const vb = 'tagging-versions';
    await send({ method: 'PUT', bucket: vb });
    await send({ method: 'PUT', bucket: vb, query: { versioning: '' }, body: '<VersioningConfiguration><Status>Enabled</Status></VersioningConfiguration>' });
    const v1 = (await send({ method: 'PUT', bucket: vb, key: 'k', body: '1', headers: { 'x-amz-tagging': 'v=1' } })).headers['x-amz-version-id'] as string;
    await send({ method: 'PUT', bucket: vb, key: 'k', body: '2', headers: { 'x-amz-tagging': 'v=2' } });
    const res = await send({ method: 'PUT', bucket: vb, key: 'k', query: { tagging: '', versionId: v1 }, body: tagging([['v', 'one']]) });
    expect(res.headers['x-amz-version-id']).to.equal(v1);
    const old = parseXml(await send({ method: 'GET', bucket: vb, key: 'k', query: { tagging: '', versionId: v1 } })).Tagging.TagSet.Tag;
    expect([old.Key, old.Value]).to.deep.equal(['v', 'one']);
    const latest = parseXml(await send({ method: 'GET', bucket: vb, key: 'k', query: { tagging: '' } })).Tagging.TagSet.Tag;
    expect(latest.Value).to.equal('2');
  });

  it('limits: more than 10 tags BadRequest; long keys/values, duplicates, aws: prefix, bad characters InvalidTag', async () => {
    await send({ method: 'PUT', bucket: B, key: 'lim', body: 'x' });
    const eleven = Array.from({ length: 11 }, (_, i): [string, string] => [`k${i}`, 'v']);
    const cases: [string, string][] = [
      [tagging(eleven), 'BadRequest'],
      [tagging([['k'.repeat(129), 'v']]), 'InvalidTag'],
      [tagging([['k', 'v'.repeat(257)]]), 'InvalidTag'],
      [tagging([['dup', '1'], ['dup', '2']]), 'InvalidTag'],
      [tagging([['aws:reserved', '1']]), 'InvalidTag'],
      [tagging([['bad*char', '1']]), 'InvalidTag'],
    ];
    for (const [body, code] of cases) {
      const res = await send({ method: 'PUT', bucket: B, key: 'lim', query: { tagging: '' }, body });
      expect(res.status, code).to.equal(400);
      expect(errorCode(res)).to.equal(code);
    }
    expect((await send({ method: 'PUT', bucket: B, key: 'lim', query: { tagging: '' }, body: tagging([['k'.repeat(128), 'v'.repeat(256)]]) })).status).to.equal(200);
    const header = await send({ method: 'PUT', bucket: B, key: 'lim2', body: 'x', headers: { 'x-amz-tagging': 'a=1&a=2' } });
    expect(errorCode(header)).to.equal('InvalidTag');
  });

  it('CopyObject copies tags by default and replaces them with x-amz-tagging-directive: REPLACE', async () => {
    await send({ method: 'PUT', bucket: B, key: 'src', body: 'x', headers: { 'x-amz-tagging': 'from=src' } });
    await send({ method: 'PUT', bucket: B, key: 'c1', headers: { 'x-amz-copy-source': `/${B}/src` } });
    expect(await getTags('c1')).to.deep.equal([['from', 'src']]);
    await send({ method: 'PUT', bucket: B, key: 'c2', headers: { 'x-amz-copy-source': `/${B}/src`, 'x-amz-tagging-directive': 'REPLACE', 'x-amz-tagging': 'new=1' } });
    expect(await getTags('c2')).to.deep.equal([['new', '1']]);
    const bad = await send({ method: 'PUT', bucket: B, key: 'c3', headers: { 'x-amz-copy-source': `/${B}/src`, 'x-amz-tagging-directive': 'MERGE' } });
    expect(errorCode(bad)).to.equal('InvalidArgument');
  });

  it('CreateMultipartUpload with x-amz-tagging tags the completed object', async () => {
    const created = parseXml(await send({ method: 'POST', bucket: B, key: 'mp', query: { uploads: '' }, headers: { 'x-amz-tagging': 'mp=yes' } })).InitiateMultipartUploadResult;
    const part = await send({ method: 'PUT', bucket: B, key: 'mp', query: { uploadId: created.UploadId, partNumber: '1' }, body: 'abc' });
    await send({ method: 'POST', bucket: B, key: 'mp', query: { uploadId: created.UploadId }, body: `<CompleteMultipartUpload><Part><PartNumber>1</PartNumber><ETag>${part.headers.etag}</ETag></Part></CompleteMultipartUpload>` });
    expect(await getTags('mp')).to.deep.equal([['mp', 'yes']]);
  });
});
