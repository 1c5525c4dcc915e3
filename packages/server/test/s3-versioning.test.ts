import { expect } from 'chai';
import { arr, errorCode, md5Base64, parseXml, type S3RequestSpec } from './support/s3-client.js';
import { startTestServer, type TestServer } from './support/s3-test-server.js';

const VERSIONING_ON = '<VersioningConfiguration><Status>Enabled</Status></VersioningConfiguration>';
const VERSIONING_SUSPENDED = '<VersioningConfiguration><Status>Suspended</Status></VersioningConfiguration>';

describe('S3 HTTP: versioning', function () {
  let t: TestServer;
  let n = 0;
  let B: string;
  const send = (spec: S3RequestSpec) => t.client.send(spec);
  const put = (key: string, body: string) => send({ method: 'PUT', bucket: B, key, body });
  const setVersioning = (body: string) => send({ method: 'PUT', bucket: B, query: { versioning: '' }, body });

  before(async () => {
    t = await startTestServer();
  });
  after(async () => {
    await t?.close();
  });
  beforeEach(async () => {
    B = `versioned-${++n}`;
    expect((await send({ method: 'PUT', bucket: B })).status).to.equal(200);
  });

  it('GetBucketVersioning has no Status until enabled; Put Enabled / Suspended round-trip', async () => {
    let res = await send({ method: 'GET', bucket: B, query: { versioning: '' } });
    expect(res.status).to.equal(200);
    expect(parseXml(res).VersioningConfiguration.Status).to.equal(undefined);
    expect((await setVersioning(VERSIONING_ON)).status).to.equal(200);
    res = await send({ method: 'GET', bucket: B, query: { versioning: '' } });
    expect(parseXml(res).VersioningConfiguration.Status).to.equal('Enabled');
    expect((await setVersioning(VERSIONING_SUSPENDED)).status).to.equal(200);
    expect(parseXml(await send({ method: 'GET', bucket: B, query: { versioning: '' } })).VersioningConfiguration.Status).to.equal('Suspended');
  });

  it('PutBucketVersioning refuses other states (MalformedXML) and MFA Delete (501)', async () => {
    const bad = await setVersioning('<VersioningConfiguration><Status>Disabled</Status></VersioningConfiguration>');
    expect(bad.status).to.equal(400);
    expect(errorCode(bad)).to.equal('MalformedXML');
    const mfa = await setVersioning('<VersioningConfiguration><Status>Enabled</Status><MfaDelete>Enabled</MfaDelete></VersioningConfiguration>');
    expect(mfa.status).to.equal(501);
    expect(errorCode(mfa)).to.equal('NotImplemented');
  });

  it('PUT in an Enabled bucket returns a new x-amz-version-id; GET/HEAD by versionId read old versions', async () => {
    const unversioned = await put('k', 'zero');
    expect(unversioned.headers['x-amz-version-id']).to.equal(undefined);
    await setVersioning(VERSIONING_ON);
    const v1 = (await put('k', 'one')).headers['x-amz-version-id'] as string;
    const v2 = (await put('k', 'two')).headers['x-amz-version-id'] as string;
    expect(v1).to.be.a('string').and.not.equal('null');
    expect(v2).to.not.equal(v1);
    const latest = await send({ method: 'GET', bucket: B, key: 'k' });
    expect(latest.text).to.equal('two');
    expect(latest.headers['x-amz-version-id']).to.equal(v2);
    const old = await send({ method: 'GET', bucket: B, key: 'k', query: { versionId: v1 } });
    expect(old.status).to.equal(200);
    expect(old.text).to.equal('one');
    expect(old.headers['x-amz-version-id']).to.equal(v1);
    const nul = await send({ method: 'HEAD', bucket: B, key: 'k', query: { versionId: 'null' } });
    expect(nul.status).to.equal(200);
    expect(nul.headers['content-length']).to.equal('4');
    expect(nul.headers['x-amz-version-id']).to.equal('null');
  });

  it('unknown version id is 404 NoSuchVersion, a malformed one 400 InvalidArgument', async () => {
    await setVersioning(VERSIONING_ON);
    await put('k', 'one');
    const unknown = await send({ method: 'GET', bucket: B, key: 'k', query: { versionId: 'A'.repeat(32) } });
    expect(unknown.status).to.equal(404);
    expect(errorCode(unknown)).to.equal('NoSuchVersion');
    const malformed = await send({ method: 'GET', bucket: B, key: 'k', query: { versionId: 'bad id' } });
    expect(malformed.status).to.equal(400);
    expect(errorCode(malformed)).to.equal('InvalidArgument');
  });

  it('DELETE adds a delete marker: GET 404 with x-amz-delete-marker; GET of the marker 405; DELETE by id restores', async () => {
    await setVersioning(VERSIONING_ON);
    const v1 = (await put('k', 'one')).headers['x-amz-version-id'] as string;
    const del = await send({ method: 'DELETE', bucket: B, key: 'k' });
    expect(del.status).to.equal(204);
    expect(del.headers['x-amz-delete-marker']).to.equal('true');
    const marker = del.headers['x-amz-version-id'] as string;
    expect(marker).to.be.a('string').and.not.equal(v1);
    const gone = await send({ method: 'GET', bucket: B, key: 'k' });
    expect(gone.status).to.equal(404);
    expect(errorCode(gone)).to.equal('NoSuchKey');
    expect(gone.headers['x-amz-delete-marker']).to.equal('true');
    expect(gone.headers['x-amz-version-id']).to.equal(marker);
    const onMarker = await send({ method: 'GET', bucket: B, key: 'k', query: { versionId: marker } });
    expect(onMarker.status).to.equal(405);
    expect(errorCode(onMarker)).to.equal('MethodNotAllowed');
    expect(onMarker.headers['x-amz-delete-marker']).to.equal('true');
    // Not listed any more, but its versions are.
    const listed = parseXml(await send({ method: 'GET', bucket: B, query: { 'list-type': '2' } })).ListBucketResult;
    expect(arr(listed.Contents)).to.have.length(0);
    const removeMarker = await send({ method: 'DELETE', bucket: B, key: 'k', query: { versionId: marker } });
    expect(removeMarker.status).to.equal(204);
    expect(removeMarker.headers['x-amz-delete-marker']).to.equal('true');
    expect(removeMarker.headers['x-amz-version-id']).to.equal(marker);
    expect((await send({ method: 'GET', bucket: B, key: 'k' })).text).to.equal('one');
    // Permanent delete of the last version.
    const perm = await send({ method: 'DELETE', bucket: B, key: 'k', query: { versionId: v1 } });
    expect(perm.status).to.equal(204);
    expect(perm.headers['x-amz-delete-marker']).to.equal(undefined);
    expect((await send({ method: 'GET', bucket: B, key: 'k' })).status).to.equal(404);
    expect((await send({ method: 'DELETE', bucket: B })).status).to.equal(204);
  });

  it('Suspended: PUT replaces the null version, DELETE adds a null delete marker', async () => {
    await setVersioning(VERSIONING_ON);
    const v1 = (await put('k', 'one')).headers['x-amz-version-id'] as string;
    await setVersioning(VERSIONING_SUSPENDED);
    expect((await put('k', 'null-a')).headers['x-amz-version-id']).to.equal('null');
    await put('k', 'null-b');
    const del = await send({ method: 'DELETE', bucket: B, key: 'k' });
    expect(del.headers['x-amz-delete-marker']).to.equal('true');
    expect(del.headers['x-amz-version-id']).to.equal('null');
    const doc = parseXml(await send({ method: 'GET', bucket: B, query: { versions: '' } })).ListVersionsResult;
    expect(arr(doc.Version).map((v) => v.VersionId)).to.deep.equal([v1]);
    expect(arr(doc.DeleteMarker).map((m) => [m.VersionId, m.IsLatest])).to.deep.equal([['null', 'true']]);
  });

  it('ListObjectVersions: Version / DeleteMarker, IsLatest, markers, delimiter and encoding-type', async () => {
    await setVersioning(VERSIONING_ON);
    const a1 = (await put('a', '1')).headers['x-amz-version-id'];
    const a2 = (await put('a', '22')).headers['x-amz-version-id'];
    await put('dir/x', 'x');
    await put('dir/y', 'y');
    await put('k+ey', 'k');
    await send({ method: 'DELETE', bucket: B, key: 'k+ey' });
    const all = parseXml(await send({ method: 'GET', bucket: B, query: { versions: '' } })).ListVersionsResult;
    expect(all.Name).to.equal(B);
    expect(all.IsTruncated).to.equal('false');
    const versions = arr(all.Version);
    expect(versions.map((v) => [v.Key, v.VersionId, v.IsLatest])).to.deep.equal([
      ['a', a2, 'true'], ['a', a1, 'false'], ['dir/x', versions[2].VersionId, 'true'], ['dir/y', versions[3].VersionId, 'true'], ['k+ey', versions[4].VersionId, 'false'],
    ]);
    expect(versions[0].Size).to.equal('2');
    expect(versions[0].ETag).to.match(/^"[0-9a-f]{32}"$/);
    expect(arr(all.DeleteMarker).map((m) => [m.Key, m.IsLatest])).to.deep.equal([['k+ey', 'true']]);
    // Pages of two with the markers S3 returns.
    const page1 = parseXml(await send({ method: 'GET', bucket: B, query: { versions: '', 'max-keys': '2' } })).ListVersionsResult;
    expect(page1.IsTruncated).to.equal('true');
    expect(page1.NextKeyMarker).to.equal('a');
    expect(page1.NextVersionIdMarker).to.equal(a1);
    const page2 = parseXml(await send({
      method: 'GET', bucket: B, query: { versions: '', 'max-keys': '2', 'key-marker': 'a', 'version-id-marker': a1 as string },
    })).ListVersionsResult;
    expect(arr(page2.Version).map((v) => v.Key)).to.deep.equal(['dir/x', 'dir/y']);
    const folded = parseXml(await send({ method: 'GET', bucket: B, query: { versions: '', delimiter: '/', 'encoding-type': 'url' } })).ListVersionsResult;
    expect(arr(folded.CommonPrefixes).map((p) => p.Prefix)).to.deep.equal(['dir/']);
    expect(arr(folded.Version).map((v) => v.Key)).to.deep.equal(['a', 'a', 'k%2Bey']);
    expect(folded.EncodingType).to.equal('url');
    const noKeyMarker = await send({ method: 'GET', bucket: B, query: { versions: '', 'version-id-marker': a1 as string } });
    expect(noKeyMarker.status).to.equal(400);
    expect(errorCode(noKeyMarker)).to.equal('InvalidArgument');
  });

  it('CopyObject from a source versionId reports x-amz-copy-source-version-id', async () => {
    await setVersioning(VERSIONING_ON);
    const v1 = (await put('src', 'first')).headers['x-amz-version-id'] as string;
    await put('src', 'second');
    const res = await send({ method: 'PUT', bucket: B, key: 'dst', headers: { 'x-amz-copy-source': `/${B}/src?versionId=${v1}` } });
    expect(res.status).to.equal(200);
    expect(res.headers['x-amz-copy-source-version-id']).to.equal(v1);
    expect(res.headers['x-amz-version-id']).to.be.a('string');
    expect((await send({ method: 'GET', bucket: B, key: 'dst' })).text).to.equal('first');
  });

  it('DeleteObjects with VersionId removes versions; without adds markers (DeleteMarker, DeleteMarkerVersionId)', async () => {
    await setVersioning(VERSIONING_ON);
    const v1 = (await put('a', '1')).headers['x-amz-version-id'] as string;
    await put('b', '2');
    const body = `<Delete><Object><Key>a</Key><VersionId>${v1}</VersionId></Object><Object><Key>b</Key></Object></Delete>`;
    const res = await send({ method: 'POST', bucket: B, query: { delete: '' }, body, headers: { 'content-md5': md5Base64(body) } });
    expect(res.status).to.equal(200);
    const deleted = arr(parseXml(res).DeleteResult.Deleted);
    const a = deleted.find((d) => d.Key === 'a');
    const b = deleted.find((d) => d.Key === 'b');
    expect(a.VersionId).to.equal(v1);
    expect(a.DeleteMarker).to.equal(undefined);
    expect(b.DeleteMarker).to.equal('true');
    expect(b.DeleteMarkerVersionId).to.be.a('string');
    const versions = parseXml(await send({ method: 'GET', bucket: B, query: { versions: '' } })).ListVersionsResult;
    expect(arr(versions.Version).map((v) => v.Key)).to.deep.equal(['b']);
    expect(arr(versions.DeleteMarker).map((m) => m.VersionId)).to.deep.equal([b.DeleteMarkerVersionId]);
  });

  it('CompleteMultipartUpload in an Enabled bucket returns x-amz-version-id', async () => {
    await setVersioning(VERSIONING_ON);
    const created = parseXml(await send({ method: 'POST', bucket: B, key: 'mp', query: { uploads: '' } })).InitiateMultipartUploadResult;
    const part = await send({ method: 'PUT', bucket: B, key: 'mp', query: { uploadId: created.UploadId, partNumber: '1' }, body: 'only part' });
    const complete = `<CompleteMultipartUpload><Part><PartNumber>1</PartNumber><ETag>${part.headers.etag}</ETag></Part></CompleteMultipartUpload>`;
    const res = await send({ method: 'POST', bucket: B, key: 'mp', query: { uploadId: created.UploadId }, body: complete });
    expect(res.status).to.equal(200);
    const id = res.headers['x-amz-version-id'] as string;
    expect(id).to.be.a('string').and.not.equal('null');
    expect((await send({ method: 'GET', bucket: B, key: 'mp', query: { versionId: id } })).text).to.equal('only part');
  });

  it('a bucket policy granting s3:GetObject does not grant reads by versionId (s3:GetObjectVersion)', async () => {
    await setVersioning(VERSIONING_ON);
    const v1 = (await put('pub', 'public')).headers['x-amz-version-id'] as string;
    const policy = JSON.stringify({
      Version: '2012-10-17',
      Statement: [{ Effect: 'Allow', Principal: '*', Action: 's3:GetObject', Resource: `arn:aws:s3:::${B}/*` }],
    });
    expect((await send({ method: 'PUT', bucket: B, query: { policy: '' }, body: policy })).status).to.equal(204);
    expect((await send({ method: 'GET', bucket: B, key: 'pub', unsigned: true })).status).to.equal(200);
    const byVersion = await send({ method: 'GET', bucket: B, key: 'pub', unsigned: true, query: { versionId: v1 } });
    expect(byVersion.status).to.equal(403);
    expect(errorCode(byVersion)).to.equal('AccessDenied');
  });
});
