#!/usr/bin/env node
// S3 throughput over loopback HTTPS with @aws-sdk/client-s3: small-object PUT/GET rate and large
// object MB/s. Bounded in count; prints figures, asserts nothing. Run: npm run bench -- s3
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Agent } from 'node:https';
import { readFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { S3Client, PutObjectCommand, GetObjectCommand, CreateBucketCommand } from '@aws-sdk/client-s3';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import { startServer } from '@keyless/server';

const dir = mkdtempSync(join(tmpdir(), 'keyless-bench-'));
const env = { ...process.env, KEYLESS_ROOT_ACCESS_KEY: 'benchroot', KEYLESS_ROOT_SECRET_KEY: 'benchroot-secret-0123456789', KEYLESS_MASTER_KEY: '00'.repeat(32) };
const running = await startServer({ address: '127.0.0.1:0', dataDir: dir, region: 'us-east-1', stsMaxDuration: 43200 }, () => undefined, env);
const ca = readFileSync(running.caBundle);
const s3 = new S3Client({
  endpoint: running.url, region: 'us-east-1', forcePathStyle: true,
  credentials: { accessKeyId: 'benchroot', secretAccessKey: 'benchroot-secret-0123456789' },
  requestHandler: new NodeHttpHandler({ httpsAgent: new Agent({ ca, keepAlive: true, maxSockets: 16 }) }),
});
const drain = async (body) => { let n = 0; for await (const c of body) n += c.length; return n; };
try {
  await s3.send(new CreateBucketCommand({ Bucket: 'bench' }));
  const small = randomBytes(4096);
  const N = 2000, C = 16;
  let next = 0;
  let t = process.hrtime.bigint();
  await Promise.all(Array.from({ length: C }, async () => { while (next < N) { const i = next++; await s3.send(new PutObjectCommand({ Bucket: 'bench', Key: `small/${i}`, Body: small })); } }));
  let s = Number(process.hrtime.bigint() - t) / 1e9;
  console.log(`PutObject 4 KiB x ${N}, ${C} concurrent: ${(N / s).toFixed(0)} req/s`);
  next = 0; t = process.hrtime.bigint();
  await Promise.all(Array.from({ length: C }, async () => { while (next < N) { const i = next++; const r = await s3.send(new GetObjectCommand({ Bucket: 'bench', Key: `small/${i}` })); await drain(r.Body); } }));
  s = Number(process.hrtime.bigint() - t) / 1e9;
  console.log(`GetObject 4 KiB x ${N}, ${C} concurrent: ${(N / s).toFixed(0)} req/s`);
  const big = randomBytes(64 * 1024 * 1024);
  t = process.hrtime.bigint();
  await s3.send(new PutObjectCommand({ Bucket: 'bench', Key: 'big', Body: big }));
  s = Number(process.hrtime.bigint() - t) / 1e9;
  console.log(`PutObject 64 MiB (CRC32 checksum, SDK defaults): ${(64 / s).toFixed(0)} MiB/s`);
  t = process.hrtime.bigint();
  const r = await s3.send(new GetObjectCommand({ Bucket: 'bench', Key: 'big' }));
  const n = await drain(r.Body);
  s = Number(process.hrtime.bigint() - t) / 1e9;
  console.log(`GetObject 64 MiB: ${(n / 1048576 / s).toFixed(0)} MiB/s`);
  console.log(`RSS at end: ${(process.memoryUsage().rss / 1048576).toFixed(0)} MiB (server and client in one process)`);
} finally {
  s3.destroy();
  await running.close();
  rmSync(dir, { recursive: true, force: true });
}
