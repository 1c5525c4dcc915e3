import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { expect } from 'chai';
import { arr, errorCode, md5Base64, parseXml, S3TestClient, type S3RequestSpec, type TestResponse } from './support/s3-client.js';
import { startTestServer, TEST_ROOT, type TestServer } from './support/s3-test-server.js';
import { startServer } from '../src/start-server.js';
import { SERVE_DEFAULTS } from '../src/serve-options.js';

const B = 'lifecycle-bucket';
const DAY = 86_400_000;

/** A LifecycleConfiguration document with the given rules. */
function lifecycle(rules: string): string {
  return `<LifecycleConfiguration xmlns="http://s3.amazonaws.com/doc/2006-03-01/">${rules}</LifecycleConfiguration>`;
}

function putLifecycleSpec(bucket: string, body: string, withMd5 = true): S3RequestSpec {
  return { method: 'PUT', bucket, query: { lifecycle: '' }, body, headers: withMd5 ? { 'content-md5': md5Base64(body) } : {} };
}

describe('S3 HTTP: bucket lifecycle', function () {
  let t: TestServer;
  const send = (spec: S3RequestSpec) => t.client.send(spec);
  const getLifecycle = (bucket = B) => send({ method: 'GET', bucket, query: { lifecycle: '' } });
  const keys = async (bucket = B): Promise<string[]> =>
    arr(parseXml(await send({ method: 'GET', bucket, query: { 'list-type': '2' } })).ListBucketResult?.Contents).map((c: { Key: string }) => c.Key);

  function expectError(res: TestResponse, status: number, code: string): void {
    expect(res.status, res.text).to.equal(status);
    expect(errorCode(res)).to.equal(code);
  }

  before(async () => {
    t = await startTestServer();
    expect((await send({ method: 'PUT', bucket: B })).status).to.equal(200);
  });
  after(async () => {
    await t?.close();
  });

  describe('Put/Get/DeleteBucketLifecycleConfiguration', function () {
    it('GetBucketLifecycleConfiguration without one: 404 NoSuchLifecycleConfiguration', async () => {
      const res = await getLifecycle();
      expectError(res, 404, 'NoSuchLifecycleConfiguration');
      expect(parseXml(res).Error.BucketName).to.equal(B);
    });

    it('stores the rules and returns them', async () => {
      const body = lifecycle(`
        <Rule><ID>logs</ID><Filter><Prefix>logs/</Prefix></Filter><Status>Enabled</Status><Expiration><Days>30</Days></Expiration>
          <AbortIncompleteMultipartUpload><DaysAfterInitiation>7</DaysAfterInitiation></AbortIncompleteMultipartUpload></Rule>
        <Rule><ID>tagged</ID><Filter><And><Prefix>tmp/</Prefix><Tag><Key>class</Key><Value>scratch</Value></Tag></And></Filter><Status>Disabled</Status>
          <NoncurrentVersionExpiration><NoncurrentDays>5</NoncurrentDays><NewerNoncurrentVersions>3</NewerNoncurrentVersions></NoncurrentVersionExpiration></Rule>
        <Rule><ID>legacy</ID><Prefix>old/</Prefix><Status>Enabled</Status><Expiration><Date>2100-01-01T00:00:00.000Z</Date></Expiration></Rule>`);
      const put = await send(putLifecycleSpec(B, body));
      expect(put.status, put.text).to.equal(200);
      const res = await getLifecycle();
      expect(res.status).to.equal(200);
      const rules = arr(parseXml(res).LifecycleConfiguration.Rule);
      expect(rules.map((r) => r.ID)).to.deep.equal(['logs', 'tagged', 'legacy']);
      expect(rules[0]).to.deep.include({ Status: 'Enabled', Filter: { Prefix: 'logs/' }, Expiration: { Days: '30' }, AbortIncompleteMultipartUpload: { DaysAfterInitiation: '7' } });
      expect(rules[1].Filter.And).to.deep.equal({ Prefix: 'tmp/', Tag: { Key: 'class', Value: 'scratch' } });
      expect(rules[1].NoncurrentVersionExpiration).to.deep.equal({ NoncurrentDays: '5', NewerNoncurrentVersions: '3' });
      expect(rules[2]).to.deep.include({ Prefix: 'old/', Expiration: { Date: '2100-01-01T00:00:00.000Z' } });
    });

    it('DeleteBucketLifecycle removes it (204), then Get is 404', async () => {
      expect((await send(putLifecycleSpec(B, lifecycle('<Rule><ID>x</ID><Filter/><Status>Enabled</Status><Expiration><Days>1</Days></Expiration></Rule>')))).status).to.equal(200);
      expect((await send({ method: 'DELETE', bucket: B, query: { lifecycle: '' } })).status).to.equal(204);
      expectError(await getLifecycle(), 404, 'NoSuchLifecycleConfiguration');
    });

    it('requires Content-MD5 (or a checksum), as S3', async () => {
      const body = lifecycle('<Rule><ID>x</ID><Filter/><Status>Enabled</Status><Expiration><Days>1</Days></Expiration></Rule>');
      expectError(await send(putLifecycleSpec(B, body, false)), 400, 'InvalidRequest');
    });

    const rule = (inner: string) => `<Rule>${inner}</Rule>`;
    for (const [name, body, status, code] of [
      ['not XML', 'nope', 400, 'MalformedXML'],
      ['no rules', lifecycle(''), 400, 'MalformedXML'],
      ['duplicate rule IDs', lifecycle(rule('<ID>a</ID><Filter/><Status>Enabled</Status><Expiration><Days>1</Days></Expiration>').repeat(2)), 400, 'InvalidArgument'],
      ['Days 0', lifecycle(rule('<ID>a</ID><Filter/><Status>Enabled</Status><Expiration><Days>0</Days></Expiration>')), 400, 'InvalidArgument'],
      ['a Date not at midnight UTC', lifecycle(rule('<ID>a</ID><Filter/><Status>Enabled</Status><Expiration><Date>2100-01-01T10:00:00Z</Date></Expiration>')), 400, 'InvalidArgument'],
      ['a bad Status', lifecycle(rule('<ID>a</ID><Filter/><Status>enabled</Status><Expiration><Days>1</Days></Expiration>')), 400, 'MalformedXML'],
      ['a Transition (storage classes are not implemented)', lifecycle(rule('<ID>a</ID><Filter/><Status>Enabled</Status><Transition><Days>30</Days><StorageClass>GLACIER</StorageClass></Transition>')), 501, 'NotImplemented'],
    ] as const) {
      it(`refuses ${name}: ${code}`, async () => {
        expectError(await send(putLifecycleSpec(B, body)), status, code);
      });
    }

    it('on a missing bucket: NoSuchBucket', async () => {
      expectError(await getLifecycle('no-such-lifecycle-bucket'), 404, 'NoSuchBucket');
    });

    it('PUT, GET and HEAD of an object an expiration rule selects carry x-amz-expiration (next midnight UTC after N days)', async () => {
      const bucket = 'lifecycle-header-bucket';
      expect((await send({ method: 'PUT', bucket })).status).to.equal(200);
      const rules = lifecycle('<Rule><ID>expire-logs</ID><Filter><Prefix>logs/</Prefix></Filter><Status>Enabled</Status><Expiration><Days>3</Days></Expiration></Rule>');
      expect((await send(putLifecycleSpec(bucket, rules))).status).to.equal(200);
      const put = await send({ method: 'PUT', bucket, key: 'logs/a.log', body: 'x' });
      const head = await send({ method: 'HEAD', bucket, key: 'logs/a.log' });
      const get = await send({ method: 'GET', bucket, key: 'logs/a.log' });
      const modified = new Date(head.headers['last-modified'] as string).getTime();
      const expected = `expiry-date="${new Date(Math.ceil((modified + 3 * DAY) / DAY) * DAY).toUTCString()}", rule-id="expire-logs"`;
      for (const res of [put, head, get]) expect(res.headers['x-amz-expiration']).to.equal(expected);
      // Outside the rule's prefix: no header.
      expect((await send({ method: 'PUT', bucket, key: 'data/a', body: 'x' })).headers['x-amz-expiration']).to.equal(undefined);
    });
  });

  describe('the worker', function () {
    it('expires objects by prefix and aborts incomplete uploads when run two days later', async () => {
      const bucket = 'lifecycle-worker';
      expect((await send({ method: 'PUT', bucket })).status).to.equal(200);
      for (const key of ['tmp/a', 'tmp/b', 'data/a']) expect((await send({ method: 'PUT', bucket, key, body: key })).status).to.equal(200);
      const created = await send({ method: 'POST', bucket, key: 'tmp/upload', query: { uploads: '' } });
      const uploadId = parseXml(created).InitiateMultipartUploadResult.UploadId as string;
      const body = lifecycle(`<Rule><ID>tmp</ID><Filter><Prefix>tmp/</Prefix></Filter><Status>Enabled</Status><Expiration><Days>1</Days></Expiration>
        <AbortIncompleteMultipartUpload><DaysAfterInitiation>1</DaysAfterInitiation></AbortIncompleteMultipartUpload></Rule>`);
      expect((await send(putLifecycleSpec(bucket, body))).status).to.equal(200);

      const today = await t.running.lifecycle.runOnce(new Date());
      expect(today).to.deep.include({ expired: 0, uploadsAborted: 0 });
      const later = await t.running.lifecycle.runOnce(new Date(Date.now() + 2 * DAY));
      expect(later).to.deep.include({ expired: 2, uploadsAborted: 1, failures: 0 });
      expect(await keys(bucket)).to.deep.equal(['data/a']);
      expectError(await send({ method: 'GET', bucket, key: 'tmp/upload', query: { uploadId } }), 404, 'NoSuchUpload');
      expect(t.logs.some((e) => e.msg === 'lifecycle applied' && e.bucket === bucket)).to.equal(true);
    });

    it('in a versioned bucket: expires noncurrent versions and, by tag, current versions behind a delete marker', async () => {
      const bucket = 'lifecycle-versioned';
      expect((await send({ method: 'PUT', bucket })).status).to.equal(200);
      const versioning = '<VersioningConfiguration xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><Status>Enabled</Status></VersioningConfiguration>';
      const v = await send({ method: 'PUT', bucket, query: { versioning: '' }, body: versioning, headers: { 'content-md5': md5Base64(versioning) } });
      expect(v.status, v.text).to.equal(200);
      for (const body of ['one', 'two']) expect((await send({ method: 'PUT', bucket, key: 'doc', body })).status).to.equal(200);
      expect((await send({ method: 'PUT', bucket, key: 'tmp/t', body: 't', headers: { 'x-amz-tagging': 'class=tmp' } })).status).to.equal(200);
      expect((await send({ method: 'PUT', bucket, key: 'tmp/u', body: 'u' })).status).to.equal(200);
      const body = lifecycle(`
        <Rule><ID>nc</ID><Filter/><Status>Enabled</Status><NoncurrentVersionExpiration><NoncurrentDays>1</NoncurrentDays></NoncurrentVersionExpiration></Rule>
        <Rule><ID>tagged</ID><Filter><Tag><Key>class</Key><Value>tmp</Value></Tag></Filter><Status>Enabled</Status><Expiration><Days>1</Days></Expiration></Rule>`);
      expect((await send(putLifecycleSpec(bucket, body))).status).to.equal(200);

      const report = await t.running.lifecycle.runOnce(new Date(Date.now() + 2 * DAY));
      expect(report).to.deep.include({ noncurrentExpired: 1, expired: 1, failures: 0 });
      const listing = parseXml(await send({ method: 'GET', bucket, query: { versions: '' } })).ListVersionsResult;
      expect(arr(listing.Version).map((x: { Key: string }) => x.Key)).to.deep.equal(['doc', 'tmp/t', 'tmp/u']);
      expect(arr(listing.DeleteMarker).map((x: { Key: string; IsLatest: string }) => [x.Key, x.IsLatest])).to.deep.equal([['tmp/t', 'true']]);
      expect((await send({ method: 'GET', bucket, key: 'doc' })).text).to.equal('two');
      expect(await keys(bucket)).to.deep.equal(['doc', 'tmp/u']);
    });
  });
});

describe('S3 HTTP: lifecycle worker interval (KEYLESS_LIFECYCLE_INTERVAL)', function () {
  it('runs by itself at the configured interval', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'keyless-lifecycle-interval-'));
    const env: NodeJS.ProcessEnv = {
      KEYLESS_ROOT_ACCESS_KEY: TEST_ROOT.accessKeyId,
      KEYLESS_ROOT_SECRET_KEY: TEST_ROOT.secretAccessKey,
      KEYLESS_MASTER_KEY: randomBytes(32).toString('hex'),
      KEYLESS_LIFECYCLE_INTERVAL: '0.2',
    };
    const running = await startServer({ ...SERVE_DEFAULTS, address: '127.0.0.1:0', dataDir }, () => undefined, env);
    try {
      const client = new S3TestClient({ port: running.port, ca: readFileSync(running.caBundle as string, 'utf8'), ...TEST_ROOT });
      expect((await client.send({ method: 'PUT', bucket: 'timed' })).status).to.equal(200);
      expect((await client.send({ method: 'PUT', bucket: 'timed', key: 'old', body: 'x' })).status).to.equal(200);
      // A date in the past: everything the rule selects is due on the next run.
      const body = lifecycle('<Rule><ID>past</ID><Filter/><Status>Enabled</Status><Expiration><Date>2000-01-01T00:00:00Z</Date></Expiration></Rule>');
      expect((await client.send(putLifecycleSpec('timed', body))).status).to.equal(200);
      const deadline = Date.now() + 10_000;
      let status = 200;
      while (status === 200 && Date.now() < deadline) {
        await new Promise((r) => setTimeout(r, 100));
        status = (await client.send({ method: 'HEAD', bucket: 'timed', key: 'old' })).status;
      }
      expect(status).to.equal(404);
    } finally {
      await running.close();
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
