import { expect } from 'chai';
import { createHash, randomBytes, randomInt } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { request } from 'node:https';
import { join } from 'node:path';
import { checkServerIdentity, type PeerCertificate } from 'node:tls';
import { arr, errorCode, md5Base64, md5Hex, parseXml, sha256Hex, type S3RequestSpec, type TestResponse } from './support/s3-client.js';
import { startTestServer, type TestServer } from './support/s3-test-server.js';

/**
 * Concurrency over HTTP (issue 6), against the real server in-process: racing writers to one key,
 * racing completions of one multipart upload, a read stream that outlives a delete and an
 * overwrite, and racing DeleteObjects/PutObject on overlapping keys. (Eight equal-sized
 * overwrites and an overwrite-then-delete under a plain GET are in `s3-objects.test.ts`.)
 */

const B = 'race-bucket';
const MiB = 1024 * 1024;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The multipart ETag: MD5 of the concatenated binary part MD5s, "-N". */
function multipartEtag(parts: Buffer[]): string {
  const h = createHash('md5');
  for (const p of parts) h.update(createHash('md5').update(p).digest());
  return `"${h.digest('hex')}-${parts.length}"`;
}

/** Total bytes of the blob files in a data directory (object bytes at rest, pinned ones included). */
function blobBytes(dataDir: string): number {
  let total = 0;
  const walk = (dir: string): void => {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      const p = join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else total += statSync(p).size;
    }
  };
  walk(join(dataDir, 'blobs'));
  return total;
}

async function until(what: string, cond: () => boolean, limitMs = 10_000): Promise<void> {
  const deadline = Date.now() + limitMs;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for: ${what}`);
    await sleep(50);
  }
}

describe('Concurrency over HTTP', function () {
  this.timeout(120_000);
  let t: TestServer;
  const send = (spec: S3RequestSpec) => t.client.send(spec);
  const put = (key: string, body: Buffer | string, bucket = B) => send({ method: 'PUT', bucket, key, body });
  const get = (key: string, bucket = B) => send({ method: 'GET', bucket, key });

  async function multipart(bucket: string, key: string, parts: Buffer[], server = t): Promise<{ uploadId: string; xml: string }> {
    const send = (spec: S3RequestSpec) => server.client.send(spec);
    const created = await send({ method: 'POST', bucket, key, query: { uploads: '' } });
    expect(created.status, created.text).to.equal(200);
    const uploadId = parseXml(created).InitiateMultipartUploadResult.UploadId as string;
    const etags: string[] = [];
    for (const [i, body] of parts.entries()) {
      const r = await send({ method: 'PUT', bucket, key, query: { partNumber: String(i + 1), uploadId }, body });
      expect(r.status, r.text).to.equal(200);
      etags.push(r.headers.etag as string);
    }
    const xml = `<CompleteMultipartUpload>${etags.map((e, i) => `<Part><PartNumber>${i + 1}</PartNumber><ETag>${e}</ETag></Part>`).join('')}</CompleteMultipartUpload>`;
    return { uploadId, xml };
  }
  const complete = (bucket: string, key: string, uploadId: string, xml: string) =>
    send({ method: 'POST', bucket, key, query: { uploadId }, body: xml, headers: { 'content-type': 'application/xml' } });

  before(async () => {
    t = await startTestServer();
    expect((await send({ method: 'PUT', bucket: B })).status).to.equal(200);
  });
  after(async () => {
    await t?.close();
  });

  it('20 concurrent PutObject of distinct random bodies to one key: the object is exactly one writer\'s bytes, with that body\'s ETag', async () => {
    const bodies = Array.from({ length: 20 }, () => randomBytes(64 * 1024 + randomInt(512 * 1024)));
    const results = await Promise.all(bodies.map((b) => put('contended', b)));
    results.forEach((r, i) => {
      expect(r.status, r.text).to.equal(200);
      expect(r.headers.etag, `writer ${i}`).to.equal(`"${md5Hex(bodies[i]!)}"`);
    });
    const g = await get('contended');
    expect(g.status).to.equal(200);
    const winners = bodies.filter((b) => sha256Hex(b) === sha256Hex(g.body));
    expect(winners, 'writers whose bytes are stored').to.have.length(1);
    expect(g.headers.etag).to.equal(`"${md5Hex(winners[0]!)}"`);
    expect(g.headers['content-length']).to.equal(String(winners[0]!.length));
    const head = await send({ method: 'HEAD', bucket: B, key: 'contended' });
    expect(head.headers.etag).to.equal(g.headers.etag);
    const list = parseXml(await send({ method: 'GET', bucket: B, query: { 'list-type': '2', prefix: 'contended' } })).ListBucketResult;
    const contents = arr(list.Contents);
    expect(contents).to.have.length(1);
    expect(contents[0].ETag).to.equal(g.headers.etag);
    expect(contents[0].Size).to.equal(String(winners[0]!.length));
  });

  it('5 concurrent CompleteMultipartUpload of one upload: exactly one 200, the others NoSuchUpload, and the object is the parts\' concatenation', async () => {
    const parts = [randomBytes(5 * MiB), randomBytes(5 * MiB), randomBytes(123_457)];
    const { uploadId, xml } = await multipart(B, 'completed-once', parts);
    const results = await Promise.all(Array.from({ length: 5 }, () => complete(B, 'completed-once', uploadId, xml)));
    const ok = results.filter((r) => r.status === 200);
    expect(ok, results.map((r) => `${r.status} ${errorCode(r) ?? ''}`).join(', ')).to.have.length(1);
    // A 200 may carry an error document (S3 does that for failures detected late): this one must be a result.
    expect(parseXml(ok[0]!).CompleteMultipartUploadResult?.ETag).to.equal(multipartEtag(parts));
    for (const r of results.filter((x) => x.status !== 200)) {
      expect(r.status).to.equal(404);
      expect(errorCode(r)).to.equal('NoSuchUpload');
    }
    const g = await get('completed-once');
    expect(g.status).to.equal(200);
    expect(sha256Hex(g.body)).to.equal(sha256Hex(Buffer.concat(parts)));
    expect(g.headers.etag).to.equal(multipartEtag(parts));
    const uploads = parseXml(await send({ method: 'GET', bucket: B, query: { uploads: '', prefix: 'completed-once' } })).ListMultipartUploadsResult;
    expect(arr(uploads.Upload)).to.have.length(0);
  });

  it('CompleteMultipartUpload racing AbortMultipartUpload: exactly one wins and the key reflects the winner', async () => {
    for (let round = 0; round < 4; round++) {
      const key = `complete-or-abort-${round}`;
      const parts = [randomBytes(5 * MiB), randomBytes(1000)];
      const { uploadId, xml } = await multipart(B, key, parts);
      const [c, a] = await Promise.all([complete(B, key, uploadId, xml), send({ method: 'DELETE', bucket: B, key, query: { uploadId } })]);
      const g = await get(key);
      if (c.status === 200) {
        expect(a.status, `abort after complete: ${a.text}`).to.equal(404);
        expect(errorCode(a)).to.equal('NoSuchUpload');
        expect(g.status).to.equal(200);
        expect(sha256Hex(g.body)).to.equal(sha256Hex(Buffer.concat(parts)));
      } else {
        expect(a.status, a.text).to.equal(204);
        expect(c.status, c.text).to.equal(404);
        expect(errorCode(c)).to.equal('NoSuchUpload');
        expect(g.status).to.equal(404);
      }
    }
  });

  describe('a read stream outlives a delete and an overwrite', function () {
    // A server of its own, so the blob directory holds only this test's bytes.
    let own: TestServer;
    before(async () => {
      own = await startTestServer();
      expect((await own.client.send({ method: 'PUT', bucket: B })).status).to.equal(200);
    });
    after(async () => {
      await own?.close();
    });

    /** Opens a signed GET and pauses it at its first chunk; `resume()` reads the rest. */
    async function pausedGet(key: string, headers: Record<string, string> = {}): Promise<{ status: number; resume(): Promise<Buffer> }> {
      const path = `/${B}/${key}`;
      const signed = await own.client.signer().sign({
        method: 'GET', protocol: 'https:', hostname: '127.0.0.1', port: own.running.port, path, query: {},
        headers: { host: own.client.hostHeader(), ...headers },
      });
      return new Promise((resolve, reject) => {
        const req = request(
          { host: '127.0.0.1', port: own.running.port, path, method: 'GET', headers: signed.headers, agent: false, ...tlsOf(own) },
          (res) => {
            const chunks: Buffer[] = [];
            const done = new Promise<Buffer>((ok, fail) => {
              res.on('end', () => ok(Buffer.concat(chunks)));
              res.on('error', fail);
            });
            res.once('data', (first: Buffer) => {
              chunks.push(first);
              res.pause();
              res.on('data', (c: Buffer) => chunks.push(c));
              resolve({ status: res.statusCode ?? 0, resume: () => (res.resume(), done) });
            });
          },
        );
        req.on('error', reject);
        req.end();
      });
    }

    it('GETs opened on a multipart object (one whole, one ranged) deliver the original bytes after DeleteObject and a new PutObject; the old blobs are freed when they finish', async () => {
      const parts = [randomBytes(5 * MiB), randomBytes(3 * MiB)];
      const original = Buffer.concat(parts);
      const { uploadId, xml } = await multipart(B, 'pinned', parts, own);
      const res = await own.client.send({ method: 'POST', bucket: B, key: 'pinned', query: { uploadId }, body: xml });
      expect(res.status, res.text).to.equal(200);

      const whole = await pausedGet('pinned');
      const start = 5 * MiB - 1000;
      const ranged = await pausedGet('pinned', { range: `bytes=${start}-` });
      expect(whole.status).to.equal(200);
      expect(ranged.status).to.equal(206);

      expect((await own.client.send({ method: 'DELETE', bucket: B, key: 'pinned' })).status).to.equal(204);
      expect((await own.client.send({ method: 'GET', bucket: B, key: 'pinned' })).status).to.equal(404);
      const replacement = randomBytes(1000);
      expect((await own.client.send({ method: 'PUT', bucket: B, key: 'pinned', body: replacement })).status).to.equal(200);
      // Both parts of the deleted object are still on disk: the readers hold them.
      expect(blobBytes(own.dataDir)).to.be.at.least(original.length);

      const [a, b] = await Promise.all([whole.resume(), ranged.resume()]);
      expect(sha256Hex(a)).to.equal(sha256Hex(original));
      expect(sha256Hex(b)).to.equal(sha256Hex(original.subarray(start)));
      const now = await own.client.send({ method: 'GET', bucket: B, key: 'pinned' });
      expect(now.body.equals(replacement)).to.equal(true);
      // Once the last reader lets go, the old parts are unlinked (only the replacement remains).
      await until('old blobs unlinked', () => blobBytes(own.dataDir) < MiB);
    });
  });

  it('concurrent DeleteObjects and PutObject on overlapping keys end consistent: listing = readable keys, each with one writer\'s bytes', async () => {
    const keys = Array.from({ length: 24 }, (_, i) => `overlap/k${String(i).padStart(2, '0')}`);
    const written = new Map<string, Set<string>>(keys.map((k) => [k, new Set<string>()]));
    for (let round = 0; round < 5; round++) {
      const ops: Promise<TestResponse>[] = [];
      for (let i = 0; i < 16; i++) {
        const key = keys[randomInt(keys.length)]!;
        const body = randomBytes(1 + randomInt(200_000));
        written.get(key)!.add(sha256Hex(body));
        ops.push(put(key, body));
      }
      for (let i = 0; i < 4; i++) {
        const batch = keys.filter(() => Math.random() < 0.4);
        const xml = `<Delete>${batch.map((k) => `<Object><Key>${k}</Key></Object>`).join('')}</Delete>`;
        ops.push(send({ method: 'POST', bucket: B, query: { delete: '' }, body: xml, headers: { 'content-md5': md5Base64(xml) } }).then((r) => {
          const doc = parseXml(r).DeleteResult;
          expect(r.status, r.text).to.equal(200);
          expect(arr(doc.Error)).to.have.length(0);
          expect(arr(doc.Deleted)).to.have.length(batch.length);
          return r;
        }));
      }
      for (const r of await Promise.all(ops)) expect(r.status, r.text).to.equal(200);
    }
    const list = parseXml(await send({ method: 'GET', bucket: B, query: { 'list-type': '2', prefix: 'overlap/' } })).ListBucketResult;
    const listed = new Map<string, { etag: string; size: string }>(arr(list.Contents).map((c) => [c.Key as string, { etag: c.ETag as string, size: c.Size as string }]));
    for (const key of keys) {
      const g = await get(key);
      if (!listed.has(key)) {
        expect(g.status, `${key} is not listed`).to.equal(404);
        continue;
      }
      expect(g.status, `${key} is listed`).to.equal(200);
      expect(written.get(key)!.has(sha256Hex(g.body)), `${key} holds one writer's bytes`).to.equal(true);
      expect(g.headers.etag).to.equal(listed.get(key)!.etag);
      expect(g.headers['content-length']).to.equal(listed.get(key)!.size);
    }
    for (const key of listed.keys()) expect(keys).to.include(key);
  });
});

/** TLS options trusting the test server's CA for a raw `https.request`. */
function tlsOf(server: TestServer): { ca: Buffer; checkServerIdentity: (host: string, cert: PeerCertificate) => Error | undefined } {
  return { ca: readFileSync(server.running.caBundle!), checkServerIdentity: (_host, cert) => checkServerIdentity('127.0.0.1', cert) };
}
