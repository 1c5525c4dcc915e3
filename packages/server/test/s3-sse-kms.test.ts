import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { Agent } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { expectRangesServed } from './support/range-checks.js';
import * as S3 from '@aws-sdk/client-s3';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import { arr, errorCode, md5Hex, parseXml, S3TestClient, type S3RequestSpec, type TestResponse } from './support/s3-client.js';
import { startTestServer, TEST_ROOT, type TestServer } from './support/s3-test-server.js';
import { startServer, type RunningServer } from '../src/start-server.js';
import { SERVE_DEFAULTS } from '../src/serve-options.js';

/** Issue 5, SSE-KMS against the local KMS: headers, bucket default, ranges, multipart, copies, ciphertext on disk. */

const B = 'kms-bucket';
const DEFAULT_B = 'kms-default-bucket';
const ARN_PREFIX = 'arn:aws:kms:us-east-1:000000000000:';
const KMS = { 'x-amz-server-side-encryption': 'aws:kms' };
const XMLNS = 'xmlns="http://s3.amazonaws.com/doc/2006-03-01/"';

/** Recognisable, incompressible plaintext: a random block repeated, so any 64-byte window can be searched for. */
function plaintext(size: number): Buffer {
  const block = randomBytes(4096);
  const out = Buffer.alloc(size);
  for (let i = 0; i < size; i += block.length) block.copy(out, i, 0, Math.min(block.length, size - i));
  return out;
}

function blobFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    return statSync(p).isDirectory() ? blobFiles(p) : [p];
  });
}

/** True when some blob file under `dataDir` holds a 64-byte window of `plain`. */
function plaintextOnDisk(dataDir: string, plain: Buffer): boolean {
  const probes = [0, Math.floor(plain.length / 2), plain.length - 64].map((o) => plain.subarray(o, o + 64));
  return blobFiles(join(dataDir, 'blobs')).some((f) => {
    const data = readFileSync(f);
    return probes.some((p) => data.includes(p));
  });
}

function kmsKey(id: string): Record<string, string> {
  return { ...KMS, 'x-amz-server-side-encryption-aws-kms-key-id': id };
}

function context(value: unknown): string {
  return Buffer.from(JSON.stringify(value)).toString('base64');
}

function expectError(res: TestResponse, status: number, code: string): void {
  expect(res.status, res.text).to.equal(status);
  expect(errorCode(res)).to.equal(code);
}

function encryptionConfig(algorithm: string, extra = ''): string {
  return `<ServerSideEncryptionConfiguration ${XMLNS}><Rule><ApplyServerSideEncryptionByDefault><SSEAlgorithm>${algorithm}</SSEAlgorithm>${extra}</ApplyServerSideEncryptionByDefault><BucketKeyEnabled>true</BucketKeyEnabled></Rule></ServerSideEncryptionConfiguration>`;
}

describe('S3 HTTP: SSE-KMS (local KMS)', function () {
  let t: TestServer;
  const send = (spec: S3RequestSpec) => t.client.send(spec);
  const put = (bucket: string, key: string, body: string | Buffer, headers: Record<string, string> = {}) => send({ method: 'PUT', bucket, key, body, headers });
  const get = (bucket: string, key: string, headers: Record<string, string> = {}, query: Record<string, string> = {}) => send({ method: 'GET', bucket, key, headers, query });
  const head = (bucket: string, key: string) => send({ method: 'HEAD', bucket, key });

  before(async () => {
    t = await startTestServer();
    expect((await send({ method: 'PUT', bucket: B })).status).to.equal(200);
    expect((await send({ method: 'PUT', bucket: DEFAULT_B })).status).to.equal(200);
  });
  after(async () => {
    await t?.close();
  });

  describe('x-amz-server-side-encryption: aws:kms', function () {
    const body = plaintext(300_000);

    it('encrypts under the named key, reports its ARN on PUT, GET, HEAD; the ETag is not the plaintext MD5', async () => {
      const res = await put(B, 'k.bin', body, kmsKey('testkey-1'));
      expect(res.status, res.text).to.equal(200);
      expect(res.headers['x-amz-server-side-encryption']).to.equal('aws:kms');
      expect(res.headers['x-amz-server-side-encryption-aws-kms-key-id']).to.equal(`${ARN_PREFIX}key/testkey-1`);
      expect(res.headers.etag).to.match(/^"[0-9a-f]{32}"$/);
      expect(res.headers.etag).to.not.equal(`"${md5Hex(body)}"`);
      expect(plaintextOnDisk(t.dataDir, body)).to.equal(false);
      const g = await get(B, 'k.bin');
      expect(g.status).to.equal(200);
      expect(g.body.equals(body)).to.equal(true);
      expect(g.headers['content-length']).to.equal(String(body.length));
      expect(g.headers['x-amz-server-side-encryption']).to.equal('aws:kms');
      expect(g.headers['x-amz-server-side-encryption-aws-kms-key-id']).to.equal(`${ARN_PREFIX}key/testkey-1`);
      expect(g.headers.etag).to.equal(res.headers.etag);
      const h = await head(B, 'k.bin');
      expect(h.headers['content-length']).to.equal(String(body.length));
      expect(h.headers['x-amz-server-side-encryption']).to.equal('aws:kms');
      expect(h.headers['x-amz-server-side-encryption-aws-kms-key-id']).to.equal(`${ARN_PREFIX}key/testkey-1`);
      const c = arr(parseXml(await send({ method: 'GET', bucket: B, query: { 'list-type': '2', prefix: 'k.bin' } })).ListBucketResult.Contents)[0];
      expect(c.Size).to.equal(String(body.length));
      expect(c.ETag).to.equal(res.headers.etag);
    });

    it('serves ranges (inside, across 64 KiB packages, suffix, open)', async () => {
      await expectRangesServed((range) => get(B, 'k.bin', { range }), body, [
        ['bytes=0-0', 0, 0], ['bytes=65530-65545', 65530, 65545], ['bytes=100-299999', 100, 299_999],
        ['bytes=-10', 299_990, 299_999], ['bytes=250000-', 250_000, 299_999],
      ]);
    });

    it('uses the default key (alias/aws/s3) without a key id, and accepts key ARNs, aliases and alias ARNs', async () => {
      const d = await put(B, 'default-key', 'x', KMS);
      expect(d.status, d.text).to.equal(200);
      expect(d.headers['x-amz-server-side-encryption-aws-kms-key-id']).to.equal(`${ARN_PREFIX}alias/aws/s3`);
      for (const [id, arn] of [
        ['arn:aws:kms:eu-west-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab', `${ARN_PREFIX}key/1234abcd-12ab-34cd-56ef-1234567890ab`],
        ['alias/my-key', `${ARN_PREFIX}alias/my-key`],
        ['arn:aws:kms:us-east-1:111122223333:alias/other', `${ARN_PREFIX}alias/other`],
      ]) {
        const data = plaintext(2000);
        const res = await put(B, 'forms', data, kmsKey(id as string));
        expect(res.status, res.text).to.equal(200);
        expect(res.headers['x-amz-server-side-encryption-aws-kms-key-id'], id).to.equal(arn);
        const g = await get(B, 'forms');
        expect(g.body.equals(data), id).to.equal(true);
        expect(g.headers['x-amz-server-side-encryption-aws-kms-key-id']).to.equal(arn);
      }
    });

    it('binds an encryption context (echoed on PUT) and validates it', async () => {
      const ctx = context({ project: 'keyless', stage: 'test' });
      const res = await put(B, 'ctx', 'with context', { ...kmsKey('ctx-key'), 'x-amz-server-side-encryption-context': ctx });
      expect(res.status, res.text).to.equal(200);
      expect(res.headers['x-amz-server-side-encryption-context']).to.equal(ctx);
      expect((await get(B, 'ctx')).text).to.equal('with context');
      for (const bad of ['not base64!', Buffer.from('not json').toString('base64'), context(['a']), context({ n: 1 }), context('s')]) {
        expectError(await put(B, 'bad-ctx', 'x', { ...KMS, 'x-amz-server-side-encryption-context': bad }), 400, 'InvalidArgument');
      }
      expect((await head(B, 'bad-ctx')).status).to.equal(404);
      // KMS headers without aws:kms.
      expectError(await put(B, 'bad-ctx', 'x', { 'x-amz-server-side-encryption-context': ctx }), 400, 'InvalidArgument');
      expectError(await put(B, 'bad-ctx', 'x', { 'x-amz-server-side-encryption': 'AES256', 'x-amz-server-side-encryption-aws-kms-key-id': 'k' }), 400, 'InvalidArgument');
    });

    it('records and reports x-amz-server-side-encryption-bucket-key-enabled', async () => {
      const res = await put(B, 'bk', 'bucket key', { ...kmsKey('bk'), 'x-amz-server-side-encryption-bucket-key-enabled': 'true' });
      expect(res.headers['x-amz-server-side-encryption-bucket-key-enabled']).to.equal('true');
      expect((await head(B, 'bk')).headers['x-amz-server-side-encryption-bucket-key-enabled']).to.equal('true');
      expect((await head(B, 'k.bin')).headers['x-amz-server-side-encryption-bucket-key-enabled']).to.equal(undefined);
      expectError(await put(B, 'bk2', 'x', { ...KMS, 'x-amz-server-side-encryption-bucket-key-enabled': 'maybe' }), 400, 'InvalidArgument');
    });

    it('refuses SSE headers on GET and HEAD (400), and SSE-C together with aws:kms', async () => {
      expectError(await get(B, 'k.bin', kmsKey('testkey-1')), 400, 'InvalidArgument');
      expect((await send({ method: 'HEAD', bucket: B, key: 'k.bin', headers: KMS })).status).to.equal(400);
      const key = randomBytes(32);
      const withC = await put(B, 'both', 'x', {
        ...KMS,
        'x-amz-server-side-encryption-customer-algorithm': 'AES256',
        'x-amz-server-side-encryption-customer-key': key.toString('base64'),
        'x-amz-server-side-encryption-customer-key-MD5': createHash('md5').update(key).digest('base64'),
      });
      expectError(withC, 400, 'InvalidArgument');
    });

    it('encrypts every part of a multipart upload; every response reports the key', async () => {
      const p1 = plaintext(5 * 1024 * 1024);
      const p2 = plaintext(70_000);
      const create = await send({ method: 'POST', bucket: B, key: 'mp', query: { uploads: '' }, headers: kmsKey('mp-key') });
      expect(create.status, create.text).to.equal(200);
      expect(create.headers['x-amz-server-side-encryption']).to.equal('aws:kms');
      expect(create.headers['x-amz-server-side-encryption-aws-kms-key-id']).to.equal(`${ARN_PREFIX}key/mp-key`);
      const uploadId = parseXml(create).InitiateMultipartUploadResult.UploadId as string;
      const etags: string[] = [];
      for (const [i, part] of [p1, p2].entries()) {
        const r = await send({ method: 'PUT', bucket: B, key: 'mp', query: { partNumber: String(i + 1), uploadId }, body: part });
        expect(r.status).to.equal(200);
        expect(r.headers['x-amz-server-side-encryption']).to.equal('aws:kms');
        expect(r.headers['x-amz-server-side-encryption-aws-kms-key-id']).to.equal(`${ARN_PREFIX}key/mp-key`);
        etags.push(r.headers.etag as string);
      }
      const xml = `<CompleteMultipartUpload>${etags.map((e, i) => `<Part><PartNumber>${i + 1}</PartNumber><ETag>${e}</ETag></Part>`).join('')}</CompleteMultipartUpload>`;
      const done = await send({ method: 'POST', bucket: B, key: 'mp', query: { uploadId }, body: xml });
      expect(done.status, done.text).to.equal(200);
      expect(done.headers['x-amz-server-side-encryption']).to.equal('aws:kms');
      expect(done.headers['x-amz-server-side-encryption-aws-kms-key-id']).to.equal(`${ARN_PREFIX}key/mp-key`);
      const whole = Buffer.concat([p1, p2]);
      expect(plaintextOnDisk(t.dataDir, p2)).to.equal(false);
      const g = await get(B, 'mp');
      expect(g.headers['content-length']).to.equal(String(whole.length));
      expect(g.body.equals(whole)).to.equal(true);
      expect(g.headers['x-amz-server-side-encryption-aws-kms-key-id']).to.equal(`${ARN_PREFIX}key/mp-key`);
      const across = await get(B, 'mp', { range: `bytes=${p1.length - 100}-${p1.length + 99}` });
      expect(across.body.equals(whole.subarray(p1.length - 100, p1.length + 100))).to.equal(true);
      const second = await get(B, 'mp', {}, { partNumber: '2' });
      expect(second.status).to.equal(206);
      expect(second.body.equals(p2)).to.equal(true);
    });

    it('copies into and out of SSE-KMS, and re-encrypts an object onto itself under another key', async () => {
      const data = plaintext(100_000);
      await put(B, 'clear', data);
      const intoKms = await send({ method: 'PUT', bucket: B, key: 'clear-to-kms', headers: { 'x-amz-copy-source': `${B}/clear`, ...kmsKey('copy-key') } });
      expect(intoKms.status, intoKms.text).to.equal(200);
      expect(intoKms.headers['x-amz-server-side-encryption']).to.equal('aws:kms');
      expect(intoKms.headers['x-amz-server-side-encryption-aws-kms-key-id']).to.equal(`${ARN_PREFIX}key/copy-key`);
      const copied = await get(B, 'clear-to-kms');
      expect(copied.body.equals(data)).to.equal(true);
      expect(copied.headers['x-amz-server-side-encryption-aws-kms-key-id']).to.equal(`${ARN_PREFIX}key/copy-key`);
      const outOfKms = await send({ method: 'PUT', bucket: B, key: 'kms-to-clear', headers: { 'x-amz-copy-source': `${B}/clear-to-kms` } });
      expect(outOfKms.status).to.equal(200);
      const clear = await get(B, 'kms-to-clear');
      expect(clear.headers['x-amz-server-side-encryption']).to.equal(undefined);
      expect(clear.body.equals(data)).to.equal(true);
      expect(parseXml(outOfKms).CopyObjectResult.ETag).to.equal(`"${md5Hex(data)}"`);
      const toS3 = await send({ method: 'PUT', bucket: B, key: 'kms-to-s3', headers: { 'x-amz-copy-source': `${B}/clear-to-kms`, 'x-amz-server-side-encryption': 'AES256' } });
      expect(toS3.headers['x-amz-server-side-encryption']).to.equal('AES256');
      expect((await get(B, 'kms-to-s3')).body.equals(data)).to.equal(true);
      const rekey = await send({ method: 'PUT', bucket: B, key: 'clear-to-kms', headers: { 'x-amz-copy-source': `${B}/clear-to-kms`, ...kmsKey('rotated') } });
      expect(rekey.status, rekey.text).to.equal(200);
      const after = await get(B, 'clear-to-kms');
      expect(after.headers['x-amz-server-side-encryption-aws-kms-key-id']).to.equal(`${ARN_PREFIX}key/rotated`);
      expect(after.body.equals(data)).to.equal(true);
    });
  });

  describe('bucket default encryption with aws:kms', function () {
    it('stores SSEAlgorithm aws:kms with its KMSMasterKeyID and reports them', async () => {
      const res = await send({ method: 'PUT', bucket: DEFAULT_B, query: { encryption: '' }, body: encryptionConfig('aws:kms', '<KMSMasterKeyID>bucket-key</KMSMasterKeyID>') });
      expect(res.status, res.text).to.equal(200);
      const rule = parseXml(await send({ method: 'GET', bucket: DEFAULT_B, query: { encryption: '' } })).ServerSideEncryptionConfiguration.Rule;
      expect(rule.ApplyServerSideEncryptionByDefault).to.deep.equal({ SSEAlgorithm: 'aws:kms', KMSMasterKeyID: 'bucket-key' });
      expect(rule.BucketKeyEnabled).to.equal('true');
    });

    it('encrypts writes without headers under the bucket key; request headers override it', async () => {
      const data = plaintext(20_000);
      const res = await put(DEFAULT_B, 'by-default', data);
      expect(res.headers['x-amz-server-side-encryption']).to.equal('aws:kms');
      expect(res.headers['x-amz-server-side-encryption-aws-kms-key-id']).to.equal(`${ARN_PREFIX}key/bucket-key`);
      expect(res.headers['x-amz-server-side-encryption-bucket-key-enabled']).to.equal('true');
      expect(plaintextOnDisk(t.dataDir, data)).to.equal(false);
      const g = await get(DEFAULT_B, 'by-default');
      expect(g.body.equals(data)).to.equal(true);
      expect(g.headers['x-amz-server-side-encryption-aws-kms-key-id']).to.equal(`${ARN_PREFIX}key/bucket-key`);
      // aws:kms without a key id: the default key, as S3 does (not the bucket's).
      expect((await put(DEFAULT_B, 'own', 'x', KMS)).headers['x-amz-server-side-encryption-aws-kms-key-id']).to.equal(`${ARN_PREFIX}alias/aws/s3`);
      const s3 = await put(DEFAULT_B, 's3', 'x', { 'x-amz-server-side-encryption': 'AES256' });
      expect(s3.headers['x-amz-server-side-encryption']).to.equal('AES256');
      expect(s3.headers['x-amz-server-side-encryption-aws-kms-key-id']).to.equal(undefined);
      // A copy into the bucket and a multipart upload get the default too.
      const copy = await send({ method: 'PUT', bucket: DEFAULT_B, key: 'copied', headers: { 'x-amz-copy-source': `${B}/clear` } });
      expect(copy.headers['x-amz-server-side-encryption-aws-kms-key-id']).to.equal(`${ARN_PREFIX}key/bucket-key`);
      const create = await send({ method: 'POST', bucket: DEFAULT_B, key: 'mp', query: { uploads: '' } });
      expect(create.headers['x-amz-server-side-encryption-aws-kms-key-id']).to.equal(`${ARN_PREFIX}key/bucket-key`);
    });

    it('without KMSMasterKeyID uses the default key; a KMSMasterKeyID needs aws:kms', async () => {
      expect((await send({ method: 'PUT', bucket: DEFAULT_B, query: { encryption: '' }, body: encryptionConfig('aws:kms') })).status).to.equal(200);
      const rule = parseXml(await send({ method: 'GET', bucket: DEFAULT_B, query: { encryption: '' } })).ServerSideEncryptionConfiguration.Rule;
      expect(rule.ApplyServerSideEncryptionByDefault).to.deep.equal({ SSEAlgorithm: 'aws:kms' });
      expect((await put(DEFAULT_B, 'alias', 'x')).headers['x-amz-server-side-encryption-aws-kms-key-id']).to.equal(`${ARN_PREFIX}alias/aws/s3`);
      expectError(await send({ method: 'PUT', bucket: DEFAULT_B, query: { encryption: '' }, body: encryptionConfig('AES256', '<KMSMasterKeyID>k</KMSMasterKeyID>') }), 400, 'InvalidArgument');
    });
  });

  it('works with the AWS SDK v3 (ServerSideEncryption aws:kms, SSEKMSKeyId, context, bucket key)', async () => {
    const ca = readFileSync(t.running.caBundle as string, 'utf8');
    const c = new S3.S3Client({
      region: 'us-east-1', endpoint: `https://127.0.0.1:${t.running.port}`, forcePathStyle: true,
      credentials: { accessKeyId: TEST_ROOT.accessKeyId, secretAccessKey: TEST_ROOT.secretAccessKey },
      requestHandler: new NodeHttpHandler({ httpsAgent: new Agent({ ca, checkServerIdentity: () => undefined }) }),
    });
    try {
      const data = plaintext(80_000);
      const ctx = context({ app: 'sdk' });
      const p = await c.send(new S3.PutObjectCommand({
        Bucket: B, Key: 'sdk', Body: data, ServerSideEncryption: 'aws:kms', SSEKMSKeyId: 'sdk-key', SSEKMSEncryptionContext: ctx, BucketKeyEnabled: true,
      }));
      expect(p.ServerSideEncryption).to.equal('aws:kms');
      expect(p.SSEKMSKeyId).to.equal(`${ARN_PREFIX}key/sdk-key`);
      expect(p.SSEKMSEncryptionContext).to.equal(ctx);
      expect(p.BucketKeyEnabled).to.equal(true);
      const g = await c.send(new S3.GetObjectCommand({ Bucket: B, Key: 'sdk', Range: 'bytes=70000-79999' }));
      expect(Buffer.from(await g.Body!.transformToByteArray()).equals(data.subarray(70_000))).to.equal(true);
      expect(g.ServerSideEncryption).to.equal('aws:kms');
      expect(g.SSEKMSKeyId).to.equal(`${ARN_PREFIX}key/sdk-key`);
      const h = await c.send(new S3.HeadObjectCommand({ Bucket: B, Key: 'sdk' }));
      expect(h.ContentLength).to.equal(data.length);
      expect(h.SSEKMSKeyId).to.equal(`${ARN_PREFIX}key/sdk-key`);
      expect(h.BucketKeyEnabled).to.equal(true);
      const copy = await c.send(new S3.CopyObjectCommand({ Bucket: B, Key: 'sdk-copy', CopySource: `${B}/sdk`, ServerSideEncryption: 'aws:kms', SSEKMSKeyId: 'alias/sdk-copy' }));
      expect(copy.SSEKMSKeyId).to.equal(`${ARN_PREFIX}alias/sdk-copy`);
      const mp = await c.send(new S3.CreateMultipartUploadCommand({ Bucket: B, Key: 'sdk-mp', ServerSideEncryption: 'aws:kms', SSEKMSKeyId: 'sdk-mp-key' }));
      expect(mp.SSEKMSKeyId).to.equal(`${ARN_PREFIX}key/sdk-mp-key`);
      await c.send(new S3.AbortMultipartUploadCommand({ Bucket: B, Key: 'sdk-mp', UploadId: mp.UploadId }));
      await c.send(new S3.PutBucketEncryptionCommand({
        Bucket: DEFAULT_B,
        ServerSideEncryptionConfiguration: { Rules: [{ ApplyServerSideEncryptionByDefault: { SSEAlgorithm: 'aws:kms', KMSMasterKeyID: 'sdk-default' }, BucketKeyEnabled: false }] },
      }));
      const enc = await c.send(new S3.GetBucketEncryptionCommand({ Bucket: DEFAULT_B }));
      expect(enc.ServerSideEncryptionConfiguration?.Rules?.[0]?.ApplyServerSideEncryptionByDefault).to.deep.equal({ SSEAlgorithm: 'aws:kms', KMSMasterKeyID: 'sdk-default' });
      const byDefault = await c.send(new S3.PutObjectCommand({ Bucket: DEFAULT_B, Key: 'sdk', Body: 'x' }));
      expect(byDefault.SSEKMSKeyId).to.equal(`${ARN_PREFIX}key/sdk-default`);
    } finally {
      c.destroy();
    }
  });
});

describe('S3 HTTP: SSE-KMS with KEYLESS_KMS_KEYS, across restarts', function () {
  const dataDir = mkdtempSync(join(tmpdir(), 'keyless-kms-test-'));
  const env: NodeJS.ProcessEnv = {
    KEYLESS_ROOT_ACCESS_KEY: TEST_ROOT.accessKeyId,
    KEYLESS_ROOT_SECRET_KEY: TEST_ROOT.secretAccessKey,
    KEYLESS_MASTER_KEY: randomBytes(32).toString('hex'),
    KEYLESS_KMS_KEYS: 'allowed-1, arn:aws:kms:us-east-1:111122223333:key/allowed-2',
  };
  let running: RunningServer | undefined;
  let client: S3TestClient;

  async function start(): Promise<void> {
    running = await startServer({ ...SERVE_DEFAULTS, address: '127.0.0.1:0', dataDir }, () => undefined, env);
    client = new S3TestClient({ port: running.port, ca: readFileSync(running.caBundle as string, 'utf8'), ...TEST_ROOT });
  }

  before(start);
  after(async () => {
    await running?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('accepts the listed keys (any form) and the default key; others are 400 KMS.NotFoundException', async () => {
    expect((await client.send({ method: 'PUT', bucket: 'limited' })).status).to.equal(200);
    const put = (key: string, headers: Record<string, string>) => client.send({ method: 'PUT', bucket: 'limited', key, body: `body of ${key}`, headers });
    expect((await put('a', kmsKey('allowed-1'))).status).to.equal(200);
    expect((await put('b', kmsKey('allowed-2'))).headers['x-amz-server-side-encryption-aws-kms-key-id']).to.equal(`${ARN_PREFIX}key/allowed-2`);
    expect((await put('c', kmsKey(`${ARN_PREFIX}key/allowed-1`))).status).to.equal(200);
    expect((await put('d', KMS)).status).to.equal(200);
    const unknown = await put('e', kmsKey('not-listed'));
    expectError(unknown, 400, 'KMS.NotFoundException');
    expect((await client.send({ method: 'HEAD', bucket: 'limited', key: 'e' })).status).to.equal(404);
    const config = await client.send({ method: 'PUT', bucket: 'limited', query: { encryption: '' }, body: encryptionConfig('aws:kms', '<KMSMasterKeyID>not-listed</KMSMasterKeyID>') });
    expectError(config, 400, 'KMS.NotFoundException');
  });

  it('reads objects back after a restart with the same master key (keys are derived, not stored)', async () => {
    await running?.close();
    running = undefined;
    await start();
    for (const key of ['a', 'b', 'c', 'd']) {
      const g = await client.send({ method: 'GET', bucket: 'limited', key });
      expect(g.status, key).to.equal(200);
      expect(g.text).to.equal(`body of ${key}`);
    }
  });
});
