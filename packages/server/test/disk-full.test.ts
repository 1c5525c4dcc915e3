import { expect } from 'chai';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, readFileSync } from 'node:fs';
import { Agent } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { S3Client, PutObjectCommand, GetObjectCommand, HeadObjectCommand, DeleteObjectCommand, CreateBucketCommand } from '@aws-sdk/client-s3';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import { startServer, type RunningServer } from '../src/start-server.js';

/**
 * Disk full (issue 6), on a real full filesystem: the data directory is a 24 MiB tmpfs. A write
 * that does not fit answers 507 XMinioStorageFull, leaves nothing partial, the server keeps
 * serving reads, and writes succeed again once space is freed.
 */
describe('disk full: a small real filesystem under the data directory', function () {
  this.timeout(60_000);
  let mountPoint: string;
  let running: RunningServer;
  let s3: S3Client;
  const env = { ...process.env, KEYLESS_ROOT_ACCESS_KEY: 'fullroot', KEYLESS_ROOT_SECRET_KEY: 'fullroot-secret-0123456789', KEYLESS_MASTER_KEY: 'cd'.repeat(32) };

  before(async function () {
    mountPoint = mkdtempSync(join(tmpdir(), 'keyless-full-'));
    try {
      execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=24m', 'tmpfs', mountPoint], { stdio: 'ignore' });
    } catch {
      // Mounting needs root (CI and developer machines here run as root). Elsewhere the
      // BlobStore fault-injection test in packages/object-storage covers the same path.
      rmSync(mountPoint, { recursive: true, force: true });
      this.skip();
    }
    running = await startServer({ address: '127.0.0.1:0', dataDir: join(mountPoint, 'data'), region: 'us-east-1', stsMaxDuration: 43200 }, () => undefined, env);
    s3 = new S3Client({
      endpoint: running.url, region: 'us-east-1', forcePathStyle: true, maxAttempts: 1,
      credentials: { accessKeyId: 'fullroot', secretAccessKey: 'fullroot-secret-0123456789' },
      requestHandler: new NodeHttpHandler({ httpsAgent: new Agent({ ca: readFileSync(running.caBundle as string) }) }),
    });
    await s3.send(new CreateBucketCommand({ Bucket: 'full' }));
  });

  after(async () => {
    s3?.destroy();
    await running?.close();
    try {
      execFileSync('umount', [mountPoint], { stdio: 'ignore' });
    } catch {
      /* not mounted */
    }
    rmSync(mountPoint, { recursive: true, force: true });
  });

  it('refuses a write that does not fit with 507 XMinioStorageFull, keeps reads, recovers when space returns', async () => {
    const small = randomBytes(4 * 1024 * 1024);
    await s3.send(new PutObjectCommand({ Bucket: 'full', Key: 'keep', Body: small }));
    await s3.send(new PutObjectCommand({ Bucket: 'full', Key: 'filler', Body: randomBytes(8 * 1024 * 1024) }));

    const err = await s3.send(new PutObjectCommand({ Bucket: 'full', Key: 'too-big', Body: randomBytes(16 * 1024 * 1024) })).then(() => undefined, (e) => e);
    expect(err, 'the oversized PUT must fail').to.be.an('error');
    expect(err.name).to.equal('XMinioStorageFull');
    expect(err.$metadata.httpStatusCode).to.equal(507);

    // Nothing partial: the key does not exist and no temp file is left behind.
    const head = await s3.send(new HeadObjectCommand({ Bucket: 'full', Key: 'too-big' })).then(() => 200, (e) => e.$metadata.httpStatusCode);
    expect(head).to.equal(404);
    expect(readdirSync(join(mountPoint, 'data', 'tmp'))).to.deep.equal([]);

    // Reads still work, byte for byte.
    const got = await s3.send(new GetObjectCommand({ Bucket: 'full', Key: 'keep' }));
    expect(Buffer.from(await got.Body!.transformToByteArray()).equals(small)).to.equal(true);

    // Space returns: the same write now succeeds.
    await s3.send(new DeleteObjectCommand({ Bucket: 'full', Key: 'filler' }));
    const again = randomBytes(10 * 1024 * 1024);
    await s3.send(new PutObjectCommand({ Bucket: 'full', Key: 'too-big', Body: again }));
    const back = await s3.send(new GetObjectCommand({ Bucket: 'full', Key: 'too-big' }));
    expect(Buffer.from(await back.Body!.transformToByteArray()).equals(again)).to.equal(true);
  });
});
