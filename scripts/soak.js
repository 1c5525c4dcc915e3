#!/usr/bin/env node
// Soak test (issue 6): the real server as a child process on loopback, 200 concurrent keep-alive
// connections of mixed S3 operations (AWS SDK v3) for a bounded time and request count.
//
//   npm run soak                        # 180 s, 20 s warm-up
//   SOAK_SECONDS=60 npm run soak        # shorter
//   SOAK_CONNECTIONS, SOAK_WARMUP_SECONDS, SOAK_MAX_REQUESTS override the other bounds.
//
// Every virtual user owns its keys, so each operation's outcome is known exactly: every GET, HEAD
// and LIST is checked against what that user wrote (bytes, ETag, key set). Any failed request,
// wrong byte or inconsistent listing is an error. The server's RSS (VmRSS of the child, from
// /proc) is sampled every 5 s; the run fails when any error occurred or when RSS at the end is
// more than 20 % above RSS right after warm-up.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { Agent } from 'node:https';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  S3Client, CreateBucketCommand, PutObjectCommand, GetObjectCommand, HeadObjectCommand, ListObjectsV2Command,
  DeleteObjectCommand, DeleteObjectsCommand, CopyObjectCommand, CreateMultipartUploadCommand, UploadPartCommand,
  CompleteMultipartUploadCommand,
} from '@aws-sdk/client-s3';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import { envNumber as num, spawnKeyless, stopKeyless, waitHealthy } from './lib/keyless-process.js';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const BIN = join(ROOT, 'packages', 'server', 'bin', 'keyless.js');
const SECONDS = num('SOAK_SECONDS', 180);
const WARMUP = Math.min(num('SOAK_WARMUP_SECONDS', 20), SECONDS / 2);
const CONNECTIONS = num('SOAK_CONNECTIONS', 200);
const MAX_REQUESTS = num('SOAK_MAX_REQUESTS', 2_000_000);
const SAMPLE_MS = 5000;
const MAX_GROWTH = 0.2;
const SLOTS = 6; // keys per virtual user
const BUCKET = 'soak';
const ACCESS = 'soakroot';
const SECRET = 'soakroot-secret-0123456789abcdef';
const MiB = 1024 * 1024;

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const md5 = (b) => createHash('md5').update(b).digest('hex');

// A pool of random bytes; every body is a slice of it, so content can be rebuilt for checking.
const POOL = Buffer.alloc(16 * MiB);
{
  let x = 0x9e3779b9;
  for (let i = 0; i < POOL.length; i += 4) {
    x ^= x << 13; x ^= x >>> 17; x ^= x << 5; // xorshift32: fast, deterministic, incompressible enough
    POOL.writeUInt32LE(x >>> 0, i);
  }
}
const rnd = (n) => Math.floor(Math.random() * n);
/** A body description: pool segments [offset, size][]. */
const segment = (size) => [rnd(POOL.length - size), size];
const bytesOf = (segs) => (segs.length === 1 ? POOL.subarray(segs[0][0], segs[0][0] + segs[0][1]) : Buffer.concat(segs.map(([o, s]) => POOL.subarray(o, o + s))));

function rssKiB(pid) {
  const m = /VmRSS:\s+(\d+)\s+kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  if (!m) throw new Error('no VmRSS');
  return Number(m[1]);
}

const stats = new Map(); // op -> number[] of ms
const errors = new Map(); // code -> count
let requests = 0;
let measuring = false;
let stopping = false;
let firstError;

function recordError(op, err) {
  const code = `${op}: ${err?.name ?? 'Error'}${err?.$metadata?.httpStatusCode ? ` ${err.$metadata.httpStatusCode}` : ''}`;
  errors.set(code, (errors.get(code) ?? 0) + 1);
  firstError ??= `${code}: ${err?.message ?? err}`;
}

async function timed(op, fn) {
  requests++;
  const t = process.hrtime.bigint();
  const out = await fn();
  const ms = Number(process.hrtime.bigint() - t) / 1e6;
  if (measuring) {
    let a = stats.get(op);
    if (!a) stats.set(op, (a = []));
    a.push(ms);
  }
  return out;
}

class Mismatch extends Error {
  name = 'Mismatch';
}
const check = (cond, what) => {
  if (!cond) throw new Mismatch(what);
};
async function drain(body) {
  const chunks = [];
  for await (const c of body) chunks.push(c);
  return Buffer.concat(chunks);
}

/** One virtual user: a sequential loop of weighted random operations on its own keys. */
async function virtualUser(s3, id) {
  const keys = new Map(); // key -> segments
  const prefix = `u${id}/`;
  const keyOf = (slot) => `${prefix}k${slot}`;
  const someKey = () => [...keys.keys()][rnd(keys.size)];
  const put = async (op, size) => {
    const key = keyOf(rnd(SLOTS));
    const segs = [segment(size)];
    const body = bytesOf(segs);
    const r = await timed(op, () => s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: key, Body: body })));
    check(r.ETag === `"${md5(body)}"`, `${op} ETag`);
    keys.set(key, segs);
  };
  while (!stopping && requests < MAX_REQUESTS) {
    const p = Math.random() * 100;
    const op = keys.size === 0 ? 'PutObject(small)' : p < 24 ? 'PutObject(small)' : p < 28 ? 'PutObject(medium)' : p < 56 ? 'GetObject' : p < 66 ? 'HeadObject' : p < 76 ? 'ListObjectsV2' : p < 84 ? 'DeleteObject' : p < 91 ? 'CopyObject' : p < 95 ? 'GetObject(range)' : p < 98.5 ? 'DeleteObjects' : 'MultipartUpload';
    try {
      switch (op) {
        case 'PutObject(small)':
          await put(op, 1 + rnd(16 * 1024));
          break;
        case 'PutObject(medium)':
          await put(op, 256 * 1024 + rnd(768 * 1024));
          break;
        case 'GetObject': {
          const key = someKey();
          const want = bytesOf(keys.get(key));
          const r = await timed(op, async () => {
            const res = await s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: key }));
            return { etag: res.ETag, body: await drain(res.Body) };
          });
          check(r.body.equals(want), 'GetObject bytes');
          break;
        }
        case 'GetObject(range)': {
          const key = someKey();
          const want = bytesOf(keys.get(key));
          const start = rnd(want.length);
          const end = Math.min(want.length - 1, start + rnd(64 * 1024));
          const r = await timed(op, async () => {
            const res = await s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: key, Range: `bytes=${start}-${end}` }));
            return drain(res.Body);
          });
          check(r.equals(want.subarray(start, end + 1)), 'ranged GetObject bytes');
          break;
        }
        case 'HeadObject': {
          const key = someKey();
          const segs = keys.get(key);
          const r = await timed(op, () => s3.send(new HeadObjectCommand({ Bucket: BUCKET, Key: key })));
          check(r.ContentLength === segs.reduce((n, [, s]) => n + s, 0), 'HeadObject Content-Length');
          break;
        }
        case 'ListObjectsV2': {
          const r = await timed(op, () => s3.send(new ListObjectsV2Command({ Bucket: BUCKET, Prefix: prefix })));
          const listed = (r.Contents ?? []).map((c) => c.Key).sort().join(',');
          check(listed === [...keys.keys()].sort().join(','), 'ListObjectsV2 key set');
          break;
        }
        case 'DeleteObject': {
          const key = someKey();
          await timed(op, () => s3.send(new DeleteObjectCommand({ Bucket: BUCKET, Key: key })));
          keys.delete(key);
          break;
        }
        case 'DeleteObjects': {
          // Two slots, present or not: S3 reports both as deleted either way.
          const a = keyOf(rnd(SLOTS));
          const b = keyOf(rnd(SLOTS));
          const list = a === b ? [a] : [a, b];
          const r = await timed(op, () => s3.send(new DeleteObjectsCommand({ Bucket: BUCKET, Delete: { Objects: list.map((Key) => ({ Key })) } })));
          check((r.Errors ?? []).length === 0 && (r.Deleted ?? []).length === list.length, 'DeleteObjects result');
          for (const k of list) keys.delete(k);
          break;
        }
        case 'CopyObject': {
          const src = someKey();
          // Copying an object onto itself without a metadata change is refused by S3 (InvalidRequest).
          let dst = keyOf(rnd(SLOTS));
          while (dst === src) dst = keyOf(rnd(SLOTS));
          const segs = keys.get(src);
          const r = await timed(op, () => s3.send(new CopyObjectCommand({ Bucket: BUCKET, Key: dst, CopySource: `${BUCKET}/${src}` })));
          if (segs.length === 1) check(r.CopyObjectResult?.ETag === `"${md5(bytesOf(segs))}"`, 'CopyObject ETag');
          keys.set(dst, segs);
          break;
        }
        case 'MultipartUpload': {
          const key = keyOf(rnd(SLOTS));
          const segs = [segment(5 * MiB), segment(1 + rnd(256 * 1024))];
          await timed(op, async () => {
            const { UploadId } = await s3.send(new CreateMultipartUploadCommand({ Bucket: BUCKET, Key: key }));
            const parts = [];
            for (let i = 0; i < segs.length; i++) {
              const body = bytesOf([segs[i]]);
              const up = await s3.send(new UploadPartCommand({ Bucket: BUCKET, Key: key, UploadId, PartNumber: i + 1, Body: body }));
              parts.push({ PartNumber: i + 1, ETag: up.ETag });
            }
            await s3.send(new CompleteMultipartUploadCommand({ Bucket: BUCKET, Key: key, UploadId, MultipartUpload: { Parts: parts } }));
          });
          keys.set(key, segs);
          break;
        }
      }
    } catch (err) {
      recordError(op, err);
      // Our model of this user's keys may be wrong now; re-learn it from the server.
      try {
        const r = await s3.send(new ListObjectsV2Command({ Bucket: BUCKET, Prefix: prefix }));
        const present = new Set((r.Contents ?? []).map((c) => c.Key));
        for (const k of [...keys.keys()]) if (!present.has(k)) keys.delete(k);
        for (const k of present) if (!keys.has(k)) await s3.send(new DeleteObjectCommand({ Bucket: BUCKET, Key: k }));
      } catch {
        await sleep(100);
      }
    }
  }
}

function percentile(sorted, p) {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

async function main() {
  // The server logs every request (JSON lines) to a file, as in production; it is scanned at the end.
  const { child, port, dataDir, logPath, caPath } = await spawnKeyless({ bin: BIN, prefix: 'keyless-soak-', access: ACCESS, secret: SECRET });
  let s3;
  let agent;
  let exitCode = 1;
  try {
    await waitHealthy(port, caPath, child);
    agent = new Agent({ ca: readFileSync(caPath), keepAlive: true, maxSockets: CONNECTIONS, maxFreeSockets: CONNECTIONS, scheduling: 'fifo' });
    s3 = new S3Client({
      endpoint: `https://127.0.0.1:${port}`, region: 'us-east-1', forcePathStyle: true, maxAttempts: 1,
      credentials: { accessKeyId: ACCESS, secretAccessKey: SECRET },
      requestHandler: new NodeHttpHandler({ httpsAgent: agent, connectionTimeout: 10_000, requestTimeout: 120_000 }),
    });
    await s3.send(new CreateBucketCommand({ Bucket: BUCKET }));
    console.log(`soak: ${CONNECTIONS} connections, ${SECONDS} s (warm-up ${WARMUP} s), at most ${MAX_REQUESTS} requests; server pid ${child.pid} on 127.0.0.1:${port}`);

    const started = Date.now();
    const samples = [];
    let rssWarm;
    let measureStart = 0;
    let measureRequests = 0;
    const sampler = setInterval(() => {
      const t = (Date.now() - started) / 1000;
      const rss = rssKiB(child.pid);
      samples.push({ t, rss });
      const errs = [...errors.values()].reduce((a, b) => a + b, 0);
      console.log(`  t=${t.toFixed(0).padStart(4)} s  requests=${String(requests).padStart(8)}  errors=${errs}  RSS=${(rss / 1024).toFixed(1)} MiB  sockets=${Object.values(agent.sockets).reduce((n, a) => n + a.length, 0)}`);
    }, SAMPLE_MS);
    const warm = setTimeout(() => {
      rssWarm = rssKiB(child.pid);
      measuring = true;
      measureStart = Date.now();
      measureRequests = requests;
      console.log(`  warm-up done: RSS ${(rssWarm / 1024).toFixed(1)} MiB`);
    }, WARMUP * 1000);
    const stop = setTimeout(() => (stopping = true), SECONDS * 1000);
    const users = Array.from({ length: CONNECTIONS }, (_, i) => virtualUser(s3, i));
    // RSS at the end is read while the load still runs, the same condition as after warm-up.
    while (!stopping && requests < MAX_REQUESTS) await sleep(200);
    const rssEnd = rssKiB(child.pid);
    const measureSeconds = (Date.now() - measureStart) / 1000;
    const measuredRequests = requests - measureRequests;
    stopping = true;
    await Promise.all(users);
    clearInterval(sampler);
    clearTimeout(warm);
    clearTimeout(stop);
    if (rssWarm === undefined) throw new Error('the run ended before the warm-up did (raise SOAK_SECONDS or SOAK_MAX_REQUESTS)');

    // The server's own view: 5xx in the access log, internal errors.
    const log = readFileSync(logPath, 'utf8').split('\n').filter(Boolean);
    let serverErrors = 0;
    let logged = 0;
    for (const line of log) {
      let e;
      try {
        e = JSON.parse(line);
      } catch {
        continue;
      }
      if (e.msg === 'request') logged++;
      if (e.msg === 'internal error' || (e.msg === 'request' && e.status >= 500)) serverErrors++;
    }
    if (serverErrors) errors.set('server log: 5xx or internal error', serverErrors);

    const growth = (rssEnd - rssWarm) / rssWarm;
    const totalErrors = [...errors.values()].reduce((a, b) => a + b, 0);
    console.log('\nsummary');
    console.log(`  requests: ${requests} total (${logged} in the server's access log; multipart uploads count once), ${measuredRequests} after warm-up in ${measureSeconds.toFixed(0)} s = ${(measuredRequests / measureSeconds).toFixed(0)} ops/s`);
    console.log('  latency after warm-up (ms):');
    console.log(`    ${'operation'.padEnd(20)} ${'count'.padStart(8)} ${'p50'.padStart(8)} ${'p99'.padStart(8)} ${'max'.padStart(8)}`);
    for (const [op, a] of [...stats.entries()].sort()) {
      a.sort((x, y) => x - y);
      console.log(`    ${op.padEnd(20)} ${String(a.length).padStart(8)} ${percentile(a, 50).toFixed(1).padStart(8)} ${percentile(a, 99).toFixed(1).padStart(8)} ${a[a.length - 1].toFixed(1).padStart(8)}`);
    }
    console.log(`  errors: ${totalErrors}${totalErrors ? '' : ' (none)'}`);
    for (const [code, n] of errors) console.log(`    ${code}: ${n}`);
    if (firstError) console.log(`    first: ${firstError}`);
    console.log(`  server RSS: after warm-up ${(rssWarm / 1024).toFixed(1)} MiB, at end ${(rssEnd / 1024).toFixed(1)} MiB, growth ${(growth * 100).toFixed(1)} % (limit ${MAX_GROWTH * 100} %)`);
    console.log(`  RSS samples (MiB): ${samples.map((s) => (s.rss / 1024).toFixed(0)).join(' ')}`);
    const ok = totalErrors === 0 && growth <= MAX_GROWTH;
    console.log(ok ? 'soak: PASS' : 'soak: FAIL');
    exitCode = ok ? 0 : 1;
  } finally {
    s3?.destroy();
    agent?.destroy();
    await stopKeyless(child, dataDir);
  }
  process.exitCode = exitCode;
}

main().catch((err) => {
  console.error(`soak: ${err?.stack ?? err}`);
  process.exitCode = 1;
});
