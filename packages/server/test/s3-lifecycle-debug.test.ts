import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { expect } from 'chai';
import { arr, md5Base64, parseXml, S3TestClient } from './support/s3-client.js';
import { TEST_ROOT } from './support/s3-test-server.js';
import { startServer, type RunningServer } from '../src/start-server.js';
import { SERVE_DEFAULTS } from '../src/serve-options.js';

/**
 * The lifecycle debug day (`KEYLESS_LIFECYCLE_DAY_SECONDS`, for test suites): with a 2 s day and a
 * 1 s worker interval, a 1-day expiration happens within seconds, as ceph/s3-tests expects of RGW's
 * `rgw_lc_debug_interval`.
 */

const B = 'lc-debug';

function serverEnv(extra: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  return {
    KEYLESS_ROOT_ACCESS_KEY: TEST_ROOT.accessKeyId,
    KEYLESS_ROOT_SECRET_KEY: TEST_ROOT.secretAccessKey,
    KEYLESS_MASTER_KEY: randomBytes(32).toString('hex'),
    ...extra,
  };
}

describe('S3 HTTP: lifecycle debug day (KEYLESS_LIFECYCLE_DAY_SECONDS)', function () {
  const dataDir = mkdtempSync(join(tmpdir(), 'keyless-lc-debug-'));
  let running: RunningServer | undefined;
  let client: S3TestClient;

  before(async () => {
    running = await startServer(
      { ...SERVE_DEFAULTS, address: '127.0.0.1:0', dataDir },
      () => undefined,
      serverEnv({ KEYLESS_LIFECYCLE_DAY_SECONDS: '2', KEYLESS_LIFECYCLE_INTERVAL: '1' }),
    );
    client = new S3TestClient({ port: running.port, ca: readFileSync(running.caBundle as string, 'utf8'), ...TEST_ROOT });
  });
  after(async () => {
    await running?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  const keys = async (): Promise<string[]> =>
    arr(parseXml(await client.send({ method: 'GET', bucket: B, query: { 'list-type': '2' } })).ListBucketResult?.Contents).map((c: { Key: string }) => c.Key);

  it('expires a 1-day prefix within a bounded wait while other objects stay', async () => {
    expect((await client.send({ method: 'PUT', bucket: B })).status).to.equal(200);
    for (const key of ['expire1/foo', 'expire1/bar', 'keep2/foo', 'keep2/bar', 'expire3/foo']) {
      expect((await client.send({ method: 'PUT', bucket: B, key, body: key })).status).to.equal(200);
    }
    // Days 1 = 2 s; Days 100 = 200 s, far beyond this test.
    const body = '<LifecycleConfiguration xmlns="http://s3.amazonaws.com/doc/2006-03-01/">'
      + '<Rule><ID>rule1</ID><Filter><Prefix>expire1/</Prefix></Filter><Status>Enabled</Status><Expiration><Days>1</Days></Expiration></Rule>'
      + '<Rule><ID>rule2</ID><Filter><Prefix>expire3/</Prefix></Filter><Status>Enabled</Status><Expiration><Days>100</Days></Expiration></Rule>'
      + '</LifecycleConfiguration>';
    const put = await client.send({ method: 'PUT', bucket: B, query: { lifecycle: '' }, body, headers: { 'content-md5': md5Base64(body) } });
    expect(put.status, put.text).to.equal(200);
    expect(await keys()).to.have.length(5);

    const deadline = Date.now() + 10_000;
    let left = await keys();
    while (left.some((k) => k.startsWith('expire1/')) && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 200));
      left = await keys();
    }
    expect(left).to.deep.equal(['expire3/foo', 'keep2/bar', 'keep2/foo']);
  });

  it('aborts an incomplete multipart upload after DaysAfterInitiation debug days', async () => {
    const bucket = 'lc-debug-mpu';
    expect((await client.send({ method: 'PUT', bucket })).status).to.equal(200);
    const create = await client.send({ method: 'POST', bucket, key: 'tmp/upload', query: { uploads: '' } });
    const uploadId = parseXml(create).InitiateMultipartUploadResult.UploadId as string;
    const body = '<LifecycleConfiguration xmlns="http://s3.amazonaws.com/doc/2006-03-01/">'
      + '<Rule><ID>abort</ID><Filter><Prefix>tmp/</Prefix></Filter><Status>Enabled</Status>'
      + '<AbortIncompleteMultipartUpload><DaysAfterInitiation>1</DaysAfterInitiation></AbortIncompleteMultipartUpload></Rule>'
      + '</LifecycleConfiguration>';
    expect((await client.send({ method: 'PUT', bucket, query: { lifecycle: '' }, body, headers: { 'content-md5': md5Base64(body) } })).status).to.equal(200);
    const listParts = () => client.send({ method: 'GET', bucket, key: 'tmp/upload', query: { uploadId } });
    expect((await listParts()).status).to.equal(200);
    const deadline = Date.now() + 10_000;
    let status = 200;
    while (status === 200 && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 200));
      status = (await listParts()).status;
    }
    expect(status).to.equal(404);
  });
});

describe('S3 HTTP: KEYLESS_LIFECYCLE_DAY_SECONDS validation', function () {
  it('refuses a value that is not a positive number of seconds', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'keyless-lc-debug-bad-'));
    try {
      let message = '';
      try {
        const r = await startServer({ ...SERVE_DEFAULTS, address: '127.0.0.1:0', dataDir }, () => undefined, serverEnv({ KEYLESS_LIFECYCLE_DAY_SECONDS: '0' }));
        await r.close();
      } catch (err) {
        message = (err as Error).message;
      }
      expect(message).to.contain('KEYLESS_LIFECYCLE_DAY_SECONDS');
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
