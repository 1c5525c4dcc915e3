import { expect } from 'chai';
import { errorCode, parseXml, type S3RequestSpec } from './support/s3-client.js';
import { startTestServer, type TestServer } from './support/s3-test-server.js';

const LB = 'locked-bucket';
const future = (ms: number) => new Date(Date.now() + ms).toISOString();
const retention = (mode: string, until: string) => `<Retention><Mode>${mode}</Mode><RetainUntilDate>${until}</RetainUntilDate></Retention>`;

describe('S3 HTTP: object lock', function () {
  let t: TestServer;
  const send = (spec: S3RequestSpec) => t.client.send(spec);

  before(async () => {
    t = await startTestServer();
    expect((await send({ method: 'PUT', bucket: LB, headers: { 'x-amz-bucket-object-lock-enabled': 'true' } })).status).to.equal(200);
    expect((await send({ method: 'PUT', bucket: 'plain-bucket' })).status).to.equal(200);
  });
  after(async () => {
    await t?.close();
  });

  it('a bucket created with object lock is versioned and cannot be suspended', async () => {
    expect(parseXml(await send({ method: 'GET', bucket: LB, query: { versioning: '' } })).VersioningConfiguration.Status).to.equal('Enabled');
    const res = await send({ method: 'PUT', bucket: LB, query: { versioning: '' }, body: '<VersioningConfiguration><Status>Suspended</Status></VersioningConfiguration>' });
    expect(res.status).to.equal(409);
    expect(errorCode(res)).to.equal('InvalidBucketState');
  });

  it('Put/GetObjectLockConfiguration with a default retention; not found on a bucket without lock', async () => {
    const missing = await send({ method: 'GET', bucket: 'plain-bucket', query: { 'object-lock': '' } });
    expect(missing.status).to.equal(404);
    expect(errorCode(missing)).to.equal('ObjectLockConfigurationNotFoundError');
    const noVersioning = await send({ method: 'PUT', bucket: 'plain-bucket', query: { 'object-lock': '' }, body: '<ObjectLockConfiguration><ObjectLockEnabled>Enabled</ObjectLockEnabled></ObjectLockConfiguration>' });
    expect(errorCode(noVersioning)).to.equal('InvalidBucketState');
    const conf = '<ObjectLockConfiguration><ObjectLockEnabled>Enabled</ObjectLockEnabled><Rule><DefaultRetention><Mode>GOVERNANCE</Mode><Days>1</Days></DefaultRetention></Rule></ObjectLockConfiguration>';
    expect((await send({ method: 'PUT', bucket: LB, query: { 'object-lock': '' }, body: conf })).status).to.equal(200);
    const got = parseXml(await send({ method: 'GET', bucket: LB, query: { 'object-lock': '' } })).ObjectLockConfiguration;
    expect(got.ObjectLockEnabled).to.equal('Enabled');
    expect(got.Rule.DefaultRetention).to.deep.equal({ Mode: 'GOVERNANCE', Days: '1' });
    // New objects get the default retention.
    await send({ method: 'PUT', bucket: LB, key: 'defaulted', body: 'x' });
    const head = await send({ method: 'HEAD', bucket: LB, key: 'defaulted' });
    expect(head.headers['x-amz-object-lock-mode']).to.equal('GOVERNANCE');
    const until = new Date(head.headers['x-amz-object-lock-retain-until-date'] as string).getTime();
    expect(until).to.be.greaterThan(Date.now() + 23 * 3600_000);
    const both = '<ObjectLockConfiguration><ObjectLockEnabled>Enabled</ObjectLockEnabled><Rule><DefaultRetention><Mode>GOVERNANCE</Mode><Days>1</Days><Years>1</Years></DefaultRetention></Rule></ObjectLockConfiguration>';
    expect(errorCode(await send({ method: 'PUT', bucket: LB, query: { 'object-lock': '' }, body: both }))).to.equal('MalformedXML');
    // A zero period is InvalidRetentionPeriod; a mode outside the schema's enumeration is MalformedXML.
    const rule = (inner: string) => `<ObjectLockConfiguration><ObjectLockEnabled>Enabled</ObjectLockEnabled><Rule><DefaultRetention>${inner}</DefaultRetention></Rule></ObjectLockConfiguration>`;
    expect(errorCode(await send({ method: 'PUT', bucket: LB, query: { 'object-lock': '' }, body: rule('<Mode>GOVERNANCE</Mode><Days>0</Days>') }))).to.equal('InvalidRetentionPeriod');
    expect(errorCode(await send({ method: 'PUT', bucket: LB, query: { 'object-lock': '' }, body: rule('<Mode>governance</Mode><Days>1</Days>') }))).to.equal('MalformedXML');
    // Back to no default for the other tests.
    await send({ method: 'PUT', bucket: LB, query: { 'object-lock': '' }, body: '<ObjectLockConfiguration><ObjectLockEnabled>Enabled</ObjectLockEnabled></ObjectLockConfiguration>' });
  });

  it('lock headers on PUT; a locked version cannot be deleted, a delete without versionId adds a marker', async () => {
    const put = await send({
      method: 'PUT', bucket: LB, key: 'c', body: 'x',
      headers: { 'x-amz-object-lock-mode': 'COMPLIANCE', 'x-amz-object-lock-retain-until-date': future(3600_000) },
    });
    expect(put.status).to.equal(200);
    const id = put.headers['x-amz-version-id'] as string;
    const del = await send({ method: 'DELETE', bucket: LB, key: 'c', query: { versionId: id }, headers: { 'x-amz-bypass-governance-retention': 'true' } });
    expect(del.status).to.equal(403);
    expect(errorCode(del)).to.equal('AccessDenied');
    const marker = await send({ method: 'DELETE', bucket: LB, key: 'c' });
    expect(marker.status).to.equal(204);
    expect(marker.headers['x-amz-delete-marker']).to.equal('true');
    const r = parseXml(await send({ method: 'GET', bucket: LB, key: 'c', query: { retention: '', versionId: id } })).Retention;
    expect(r.Mode).to.equal('COMPLIANCE');
    // COMPLIANCE can be extended, never shortened.
    expect((await send({ method: 'PUT', bucket: LB, key: 'c', query: { retention: '', versionId: id }, body: retention('COMPLIANCE', future(7200_000)) })).status).to.equal(200);
    const shorten = await send({ method: 'PUT', bucket: LB, key: 'c', query: { retention: '', versionId: id }, body: retention('COMPLIANCE', future(60_000)), headers: { 'x-amz-bypass-governance-retention': 'true' } });
    expect(errorCode(shorten)).to.equal('AccessDenied');
  });

  it('GOVERNANCE yields only to x-amz-bypass-governance-retention', async () => {
    const put = await send({ method: 'PUT', bucket: LB, key: 'g', body: 'x', headers: { 'x-amz-object-lock-mode': 'GOVERNANCE', 'x-amz-object-lock-retain-until-date': future(3600_000) } });
    const id = put.headers['x-amz-version-id'] as string;
    expect(errorCode(await send({ method: 'PUT', bucket: LB, key: 'g', query: { retention: '' }, body: retention('GOVERNANCE', future(60_000)) }))).to.equal('AccessDenied');
    expect(errorCode(await send({ method: 'DELETE', bucket: LB, key: 'g', query: { versionId: id } }))).to.equal('AccessDenied');
    const shortened = await send({ method: 'PUT', bucket: LB, key: 'g', query: { retention: '' }, body: retention('GOVERNANCE', future(60_000)), headers: { 'x-amz-bypass-governance-retention': 'true' } });
    expect(shortened.status).to.equal(200);
    const del = await send({ method: 'DELETE', bucket: LB, key: 'g', query: { versionId: id }, headers: { 'x-amz-bypass-governance-retention': 'true' } });
    expect(del.status).to.equal(204);
  });

  it('legal hold: Put/GetObjectLegalHold and the x-amz-object-lock-legal-hold header block deletion', async () => {
    const put = await send({ method: 'PUT', bucket: LB, key: 'h', body: 'x', headers: { 'x-amz-object-lock-legal-hold': 'ON' } });
    const id = put.headers['x-amz-version-id'] as string;
    expect(parseXml(await send({ method: 'GET', bucket: LB, key: 'h', query: { 'legal-hold': '' } })).LegalHold.Status).to.equal('ON');
    expect((await send({ method: 'HEAD', bucket: LB, key: 'h' })).headers['x-amz-object-lock-legal-hold']).to.equal('ON');
    expect(errorCode(await send({ method: 'DELETE', bucket: LB, key: 'h', query: { versionId: id } }))).to.equal('AccessDenied');
    expect((await send({ method: 'PUT', bucket: LB, key: 'h', query: { 'legal-hold': '' }, body: '<LegalHold><Status>OFF</Status></LegalHold>' })).status).to.equal(200);
    expect((await send({ method: 'DELETE', bucket: LB, key: 'h', query: { versionId: id } })).status).to.equal(204);
  });

  it('lock settings are refused on a bucket without object lock; bad values are InvalidArgument', async () => {
    const plain = await send({ method: 'PUT', bucket: 'plain-bucket', key: 'x', body: 'x', headers: { 'x-amz-object-lock-legal-hold': 'ON' } });
    expect(errorCode(plain)).to.equal('InvalidRequest');
    await send({ method: 'PUT', bucket: 'plain-bucket', key: 'y', body: 'y' });
    expect(errorCode(await send({ method: 'GET', bucket: 'plain-bucket', key: 'y', query: { retention: '' } }))).to.equal('InvalidRequest');
    const past = await send({ method: 'PUT', bucket: LB, key: 'p', body: 'x', headers: { 'x-amz-object-lock-mode': 'GOVERNANCE', 'x-amz-object-lock-retain-until-date': new Date(Date.now() - 1000).toISOString() } });
    expect(errorCode(past)).to.equal('InvalidArgument');
    const onlyMode = await send({ method: 'PUT', bucket: LB, key: 'p', body: 'x', headers: { 'x-amz-object-lock-mode': 'GOVERNANCE' } });
    expect(errorCode(onlyMode)).to.equal('InvalidArgument');
    await send({ method: 'PUT', bucket: LB, key: 'none', body: 'x' });
    expect(errorCode(await send({ method: 'GET', bucket: LB, key: 'none', query: { retention: '' } }))).to.equal('NoSuchObjectLockConfiguration');
  });
});
