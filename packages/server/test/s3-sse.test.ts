import { createHash, randomBytes } from 'node:crypto';
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { Agent } from 'node:https';
import { join } from 'node:path';
import { expect } from 'chai';
import { expectRangesServed } from './support/range-checks.js';
import * as S3 from '@aws-sdk/client-s3';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import { arr, errorCode, md5Hex, parseXml, type S3RequestSpec } from './support/s3-client.js';
import { startTestServer, TEST_ROOT, type TestServer } from './support/s3-test-server.js';

/** Issue 5, encryption at rest over HTTP: SSE-S3, bucket default encryption, SSE-C; ciphertext on disk. */

const B = 'sse-bucket';
const DEFAULT_B = 'sse-default-bucket';

/** Recognisable, incompressible plaintext: a random block repeated, so any 64-byte window can be searched for. */
function plaintext(size: number): Buffer {
  const block = randomBytes(4096);
  const out = Buffer.alloc(size);
  for (let i = 0; i < size; i += block.length) block.copy(out, i, 0, Math.min(block.length, size - i));
  return out;
}

function customerKey(key = randomBytes(32)): Record<string, string> {
  return {
    'x-amz-server-side-encryption-customer-algorithm': 'AES256',
    'x-amz-server-side-encryption-customer-key': key.toString('base64'),
    'x-amz-server-side-encryption-customer-key-MD5': createHash('md5').update(key).digest('base64'),
  };
}

function copySourceKey(headers: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(headers).map(([k, v]) => [k.replace('x-amz-', 'x-amz-copy-source-'), v]));
}

function blobFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    return statSync(p).isDirectory() ? blobFiles(p) : [p];
  });
}

describe('S3 HTTP: server-side encryption', function () {
  let t: TestServer;
  const send = (spec: S3RequestSpec) => t.client.send(spec);
  const put = (bucket: string, key: string, body: string | Buffer, headers: Record<string, string> = {}) => send({ method: 'PUT', bucket, key, body, headers });
  const get = (bucket: string, key: string, headers: Record<string, string> = {}, query: Record<string, string> = {}) => send({ method: 'GET', bucket, key, headers, query });
  const head = (bucket: string, key: string, headers: Record<string, string> = {}) => send({ method: 'HEAD', bucket, key, headers });

  /** True when some blob file on disk holds a 64-byte window of `plain`. */
  function plaintextOnDisk(plain: Buffer): boolean {
    const probes = [0, Math.floor(plain.length / 2), plain.length - 64].map((o) => plain.subarray(o, o + 64));
    return blobFiles(join(t.dataDir, 'blobs')).some((f) => {
      const data = readFileSync(f);
      return probes.some((p) => data.includes(p));
    });
  }

  before(async () => {
    t = await startTestServer();
    expect((await send({ method: 'PUT', bucket: B })).status).to.equal(200);
    expect((await send({ method: 'PUT', bucket: DEFAULT_B })).status).to.equal(200);
    const config = '<ServerSideEncryptionConfiguration><Rule><ApplyServerSideEncryptionByDefault><SSEAlgorithm>AES256</SSEAlgorithm></ApplyServerSideEncryptionByDefault></Rule></ServerSideEncryptionConfiguration>';
    expect((await send({ method: 'PUT', bucket: DEFAULT_B, query: { encryption: '' }, body: config })).status).to.equal(200);
  });
  after(async () => {
    await t?.close();
  });

  it('sanity: an object without encryption is stored in the clear (so the disk probe works)', async () => {
    const body = plaintext(10_000);
    expect((await put(B, 'clear', body)).status).to.equal(200);
    expect(plaintextOnDisk(body)).to.equal(true);
    expect((await get(B, 'clear')).headers['x-amz-server-side-encryption']).to.equal(undefined);
  });

  describe('SSE-S3', function () {
    const body = plaintext(300_000);

    it('encrypts with x-amz-server-side-encryption: AES256; ETag is the plaintext MD5; sizes are plaintext sizes', async () => {
      const res = await put(B, 's3.bin', body, { 'x-amz-server-side-encryption': 'AES256' });
      expect(res.status).to.equal(200);
      expect(res.headers['x-amz-server-side-encryption']).to.equal('AES256');
      expect(res.headers.etag).to.equal(`"${md5Hex(body)}"`);
      expect(plaintextOnDisk(body)).to.equal(false);
      const g = await get(B, 's3.bin');
      expect(g.status).to.equal(200);
      expect(g.body.equals(body)).to.equal(true);
      expect(g.headers['content-length']).to.equal(String(body.length));
      expect(g.headers['x-amz-server-side-encryption']).to.equal('AES256');
      expect(g.headers.etag).to.equal(`"${md5Hex(body)}"`);
      const h = await head(B, 's3.bin');
      expect(h.headers['content-length']).to.equal(String(body.length));
      expect(h.headers['x-amz-server-side-encryption']).to.equal('AES256');
      const list = parseXml(await send({ method: 'GET', bucket: B, query: { 'list-type': '2', prefix: 's3.bin' } }));
      const c = arr(list.ListBucketResult.Contents)[0];
      expect(c.Size).to.equal(String(body.length));
      expect(c.ETag).to.equal(`"${md5Hex(body)}"`);
      // Conditional reads compare the plaintext ETag.
      expect((await get(B, 's3.bin', { 'if-none-match': `"${md5Hex(body)}"` })).status).to.equal(304);
    });

    it('serves ranges (inside, across and at the edges of 64 KiB packages, suffix, open)', async () => {
      await expectRangesServed((range) => get(B, 's3.bin', { range }), body, [
        ['bytes=0-0', 0, 0], ['bytes=65530-65545', 65530, 65545], ['bytes=65536-131071', 65536, 131071],
        ['bytes=100-299999', 100, 299_999], ['bytes=-10', 299_990, 299_999], ['bytes=250000-', 250_000, 299_999],
      ]);
    });

    it('encrypts by the bucket default, including empty objects and POST-less copies into the bucket', async () => {
      const small = plaintext(1000);
      const res = await put(DEFAULT_B, 'by-default', small);
      expect(res.headers['x-amz-server-side-encryption']).to.equal('AES256');
      expect(plaintextOnDisk(small)).to.equal(false);
      expect((await get(DEFAULT_B, 'by-default')).body.equals(small)).to.equal(true);
      const empty = await put(DEFAULT_B, 'empty', '');
      expect(empty.headers.etag).to.equal(`"${md5Hex('')}"`);
      const g = await get(DEFAULT_B, 'empty');
      expect(g.status).to.equal(200);
      expect(g.body.length).to.equal(0);
      expect(g.headers['x-amz-server-side-encryption']).to.equal('AES256');
      // A clear object copied into the default-encrypted bucket is encrypted.
      const clear = plaintext(5000);
      await put(B, 'to-copy', clear);
      const copy = await send({ method: 'PUT', bucket: DEFAULT_B, key: 'copied', headers: { 'x-amz-copy-source': `${B}/to-copy` } });
      expect(copy.status).to.equal(200);
      expect(copy.headers['x-amz-server-side-encryption']).to.equal('AES256');
      expect(parseXml(copy).CopyObjectResult.ETag).to.equal(`"${md5Hex(clear)}"`);
      const c = await get(DEFAULT_B, 'copied');
      expect(c.body.equals(clear)).to.equal(true);
      expect(c.headers['x-amz-server-side-encryption']).to.equal('AES256');
    });

    it('fails a read whose stored bytes were changed on disk instead of returning them', async () => {
      const before = new Set(blobFiles(join(t.dataDir, 'blobs')));
      const data = plaintext(200_000);
      expect((await put(B, 'tampered', data, { 'x-amz-server-side-encryption': 'AES256' })).status).to.equal(200);
      const created = blobFiles(join(t.dataDir, 'blobs')).filter((f) => !before.has(f));
      expect(created).to.have.length(1);
      const stored = readFileSync(created[0]!);
      stored[100_000] = stored[100_000]! ^ 0xff;
      writeFileSync(created[0]!, stored);
      // The first package still authenticates; the changed one does not.
      expect((await get(B, 'tampered', { range: 'bytes=0-99' })).body.equals(data.subarray(0, 100))).to.equal(true);
      let delivered: Buffer | undefined;
      try {
        delivered = (await get(B, 'tampered')).body;
      } catch {
        delivered = undefined; // the connection was cut mid-body
      }
      expect(delivered === undefined || delivered.length < data.length).to.equal(true);
    });

    it('refuses aws:kms:dsse (not implemented) and unknown algorithms (aws:kms: s3-sse-kms.test.ts)', async () => {
      const dsse = await put(B, 'kms', 'x', { 'x-amz-server-side-encryption': 'aws:kms:dsse' });
      expect(dsse.status).to.equal(501);
      const bad = await put(B, 'bad', 'x', { 'x-amz-server-side-encryption': 'AES128' });
      expect(bad.status).to.equal(400);
      expect(errorCode(bad)).to.equal('InvalidArgument');
      expect((await head(B, 'bad')).status).to.equal(404);
    });

    it('encrypts every part of a multipart upload; ranges and partNumber cross parts; ListParts shows plaintext sizes', async () => {
      const p1 = plaintext(5 * 1024 * 1024);
      const p2 = plaintext(70_000);
      const create = await send({ method: 'POST', bucket: B, key: 'mp', query: { uploads: '' }, headers: { 'x-amz-server-side-encryption': 'AES256' } });
      expect(create.headers['x-amz-server-side-encryption']).to.equal('AES256');
      const uploadId = parseXml(create).InitiateMultipartUploadResult.UploadId as string;
      const etags: string[] = [];
      for (const [i, part] of [p1, p2].entries()) {
        const r = await send({ method: 'PUT', bucket: B, key: 'mp', query: { partNumber: String(i + 1), uploadId }, body: part });
        expect(r.status).to.equal(200);
        expect(r.headers['x-amz-server-side-encryption']).to.equal('AES256');
        etags.push(r.headers.etag as string);
      }
      const parts = parseXml(await send({ method: 'GET', bucket: B, key: 'mp', query: { uploadId } }));
      expect(arr(parts.ListPartsResult.Part).map((p) => Number(p.Size))).to.deep.equal([p1.length, p2.length]);
      const xml = `<CompleteMultipartUpload>${etags.map((e, i) => `<Part><PartNumber>${i + 1}</PartNumber><ETag>${e}</ETag></Part>`).join('')}</CompleteMultipartUpload>`;
      const done = await send({ method: 'POST', bucket: B, key: 'mp', query: { uploadId }, body: xml });
      expect(done.status).to.equal(200);
      expect(done.headers['x-amz-server-side-encryption']).to.equal('AES256');
      const whole = Buffer.concat([p1, p2]);
      expect(plaintextOnDisk(p2)).to.equal(false);
      const g = await get(B, 'mp');
      expect(g.headers['content-length']).to.equal(String(whole.length));
      expect(g.body.equals(whole)).to.equal(true);
      const across = await get(B, 'mp', { range: `bytes=${p1.length - 100}-${p1.length + 99}` });
      expect(across.body.equals(whole.subarray(p1.length - 100, p1.length + 100))).to.equal(true);
      const second = await get(B, 'mp', {}, { partNumber: '2' });
      expect(second.status).to.equal(206);
      expect(second.body.equals(p2)).to.equal(true);
      expect(second.headers['content-range']).to.equal(`bytes ${p1.length}-${whole.length - 1}/${whole.length}`);
      const attrs = parseXml(await send({ method: 'GET', bucket: B, key: 'mp', query: { attributes: '' }, headers: { 'x-amz-object-attributes': 'ObjectSize,ObjectParts' } }));
      expect(attrs.GetObjectAttributesResponse.ObjectSize).to.equal(String(whole.length));
      expect(arr(attrs.GetObjectAttributesResponse.ObjectParts.Part).map((p) => Number(p.Size))).to.deep.equal([p1.length, p2.length]);
    });
  });

  describe('SSE-C', function () {
    const key = customerKey();
    const body = plaintext(150_000);

    it('encrypts with the customer key and echoes the algorithm and key MD5', async () => {
      const res = await put(B, 'c.bin', body, key);
      expect(res.status).to.equal(200);
      expect(res.headers['x-amz-server-side-encryption-customer-algorithm']).to.equal('AES256');
      expect(res.headers['x-amz-server-side-encryption-customer-key-md5']).to.equal(key['x-amz-server-side-encryption-customer-key-MD5']);
      // S3's SSE-C ETag is not the MD5 of the object data.
      expect(res.headers.etag).to.not.equal(`"${md5Hex(body)}"`);
      expect(plaintextOnDisk(body)).to.equal(false);
      const g = await get(B, 'c.bin', key);
      expect(g.status).to.equal(200);
      expect(g.body.equals(body)).to.equal(true);
      expect(g.headers.etag).to.equal(res.headers.etag);
      expect(g.headers['x-amz-server-side-encryption-customer-key-md5']).to.equal(key['x-amz-server-side-encryption-customer-key-MD5']);
      const r = await get(B, 'c.bin', { ...key, range: 'bytes=65000-70000' });
      expect(r.status).to.equal(206);
      expect(r.body.equals(body.subarray(65_000, 70_001))).to.equal(true);
      const h = await head(B, 'c.bin', key);
      expect(h.status).to.equal(200);
      expect(h.headers['content-length']).to.equal(String(body.length));
      const list = parseXml(await send({ method: 'GET', bucket: B, query: { prefix: 'c.bin' } }));
      expect(arr(list.ListBucketResult.Contents)[0].Size).to.equal(String(body.length));
    });

    it('refuses reads without the key (400), with another key (403), and key headers on a clear object (400)', async () => {
      const none = await get(B, 'c.bin');
      expect(none.status).to.equal(400);
      expect(errorCode(none)).to.equal('InvalidRequest');
      expect((await head(B, 'c.bin')).status).to.equal(400);
      const wrong = await get(B, 'c.bin', customerKey());
      expect(wrong.status).to.equal(403);
      expect(errorCode(wrong)).to.equal('AccessDenied');
      expect((await head(B, 'c.bin', customerKey())).status).to.equal(403);
      const onClear = await get(B, 'clear', key);
      expect(onClear.status).to.equal(400);
      expect(errorCode(onClear)).to.equal('InvalidRequest');
      // The customer key is never logged.
      expect(JSON.stringify(t.logs)).to.not.include(key['x-amz-server-side-encryption-customer-key']);
    });

    it('validates the key headers as S3 does', async () => {
      const badMd5 = await put(B, 'v', 'x', { ...key, 'x-amz-server-side-encryption-customer-key-MD5': createHash('md5').update('other').digest('base64') });
      expect(badMd5.status).to.equal(400);
      expect(errorCode(badMd5)).to.equal('InvalidArgument');
      expect(badMd5.text).to.include('The calculated MD5 hash of the key did not match the hash that was provided.');
      const short = randomBytes(16);
      const badLength = await put(B, 'v', 'x', {
        ...key, 'x-amz-server-side-encryption-customer-key': short.toString('base64'), 'x-amz-server-side-encryption-customer-key-MD5': createHash('md5').update(short).digest('base64'),
      });
      expect(errorCode(badLength)).to.equal('InvalidArgument');
      expect(badLength.text).to.include('The secret key was invalid for the specified algorithm.');
      const badAlg = await put(B, 'v', 'x', { ...key, 'x-amz-server-side-encryption-customer-algorithm': 'AES128' });
      expect(errorCode(badAlg)).to.equal('InvalidArgument');
      const noMd5: Record<string, string> = { ...key };
      delete noMd5['x-amz-server-side-encryption-customer-key-MD5'];
      expect(errorCode(await put(B, 'v', 'x', noMd5))).to.equal('InvalidArgument');
      const both = await put(B, 'v', 'x', { ...key, 'x-amz-server-side-encryption': 'AES256' });
      expect(errorCode(both)).to.equal('InvalidArgument');
      expect((await head(B, 'v')).status).to.equal(404);
    });

    it('multipart: every part needs the same key', async () => {
      const create = await send({ method: 'POST', bucket: B, key: 'cmp', query: { uploads: '' }, headers: key });
      expect(create.headers['x-amz-server-side-encryption-customer-algorithm']).to.equal('AES256');
      const uploadId = parseXml(create).InitiateMultipartUploadResult.UploadId as string;
      const part = plaintext(100_000);
      const missing = await send({ method: 'PUT', bucket: B, key: 'cmp', query: { partNumber: '1', uploadId }, body: part });
      expect(missing.status).to.equal(400);
      expect(errorCode(missing)).to.equal('InvalidRequest');
      const wrong = await send({ method: 'PUT', bucket: B, key: 'cmp', query: { partNumber: '1', uploadId }, body: part, headers: customerKey() });
      expect(wrong.status).to.equal(403);
      const ok = await send({ method: 'PUT', bucket: B, key: 'cmp', query: { partNumber: '1', uploadId }, body: part, headers: key });
      expect(ok.status).to.equal(200);
      const xml = `<CompleteMultipartUpload><Part><PartNumber>1</PartNumber><ETag>${ok.headers.etag}</ETag></Part></CompleteMultipartUpload>`;
      expect((await send({ method: 'POST', bucket: B, key: 'cmp', query: { uploadId }, body: xml })).status).to.equal(200);
      expect((await get(B, 'cmp')).status).to.equal(400);
      const g = await get(B, 'cmp', { ...key, range: 'bytes=99990-' });
      expect(g.body.equals(part.subarray(99_990))).to.equal(true);
      expect(plaintextOnDisk(part)).to.equal(false);
    });

    it('copies between encryption modes (the source key in x-amz-copy-source-server-side-encryption-customer-*)', async () => {
      const noSourceKey = await send({ method: 'PUT', bucket: B, key: 'c-copy', headers: { 'x-amz-copy-source': `${B}/c.bin` } });
      expect(noSourceKey.status).to.equal(400);
      // SSE-C -> SSE-S3
      const toS3 = await send({ method: 'PUT', bucket: B, key: 'c-to-s3', headers: { 'x-amz-copy-source': `${B}/c.bin`, ...copySourceKey(key), 'x-amz-server-side-encryption': 'AES256' } });
      expect(toS3.status).to.equal(200);
      expect(toS3.headers['x-amz-server-side-encryption']).to.equal('AES256');
      expect((await get(B, 'c-to-s3')).body.equals(body)).to.equal(true);
      // SSE-S3 -> SSE-C under another key
      const other = customerKey();
      const toC = await send({ method: 'PUT', bucket: B, key: 's3-to-c', headers: { 'x-amz-copy-source': `${B}/c-to-s3`, ...other } });
      expect(toC.status).to.equal(200);
      expect((await get(B, 's3-to-c', other)).body.equals(body)).to.equal(true);
      expect((await get(B, 's3-to-c', key)).status).to.equal(403);
      // SSE-C -> clear (bucket without default encryption)
      const toClear = await send({ method: 'PUT', bucket: B, key: 'c-to-clear', headers: { 'x-amz-copy-source': `${B}/s3-to-c`, ...copySourceKey(other) } });
      expect(toClear.status).to.equal(200);
      const clear = await get(B, 'c-to-clear');
      expect(clear.headers['x-amz-server-side-encryption']).to.equal(undefined);
      expect(clear.body.equals(body)).to.equal(true);
      // Re-encrypting an object onto itself is a legal copy (it changes the encryption).
      const self = await send({ method: 'PUT', bucket: B, key: 'c-to-clear', headers: { 'x-amz-copy-source': `${B}/c-to-clear`, 'x-amz-server-side-encryption': 'AES256' } });
      expect(self.status).to.equal(200);
      expect((await head(B, 'c-to-clear')).headers['x-amz-server-side-encryption']).to.equal('AES256');
    });

    it('works with the AWS SDK v3 (SSECustomerKey)', async () => {
      const ca = readFileSync(t.running.caBundle as string, 'utf8');
      const c = new S3.S3Client({
        region: 'us-east-1', endpoint: `https://127.0.0.1:${t.running.port}`, forcePathStyle: true,
        credentials: { accessKeyId: TEST_ROOT.accessKeyId, secretAccessKey: TEST_ROOT.secretAccessKey },
        requestHandler: new NodeHttpHandler({ httpsAgent: new Agent({ ca, checkServerIdentity: () => undefined }) }),
      });
      try {
        const sdkKey = randomBytes(32);
        const data = plaintext(80_000);
        const p = await c.send(new S3.PutObjectCommand({ Bucket: B, Key: 'sdk', Body: data, SSECustomerAlgorithm: 'AES256', SSECustomerKey: sdkKey as unknown as string }));
        expect(p.SSECustomerAlgorithm).to.equal('AES256');
        const g = await c.send(new S3.GetObjectCommand({ Bucket: B, Key: 'sdk', SSECustomerAlgorithm: 'AES256', SSECustomerKey: sdkKey as unknown as string, Range: 'bytes=70000-79999' }));
        expect(Buffer.from(await g.Body!.transformToByteArray()).equals(data.subarray(70_000))).to.equal(true);
        const h = await c.send(new S3.HeadObjectCommand({ Bucket: B, Key: 'sdk', SSECustomerAlgorithm: 'AES256', SSECustomerKey: sdkKey as unknown as string }));
        expect(h.ContentLength).to.equal(data.length);
        let status = 0;
        try {
          await c.send(new S3.HeadObjectCommand({ Bucket: B, Key: 'sdk', SSECustomerAlgorithm: 'AES256', SSECustomerKey: randomBytes(32) as unknown as string }));
        } catch (err) {
          status = (err as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode ?? -1;
        }
        expect(status).to.equal(403);
        const s3 = await c.send(new S3.PutObjectCommand({ Bucket: B, Key: 'sdk-s3', Body: data, ServerSideEncryption: 'AES256' }));
        expect(s3.ServerSideEncryption).to.equal('AES256');
        const h2 = await c.send(new S3.HeadObjectCommand({ Bucket: B, Key: 'sdk-s3' }));
        expect(h2.ServerSideEncryption).to.equal('AES256');
        expect(h2.ContentLength).to.equal(data.length);
      } finally {
        c.destroy();
      }
    });
  });
});
