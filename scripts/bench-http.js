#!/usr/bin/env node
// HTTP benchmark of the real server: `keyless serve` as a SEPARATE process on loopback, driven by a
// lightweight client (raw https.request over a keep-alive Agent, a minimal SigV4 signer below), so
// the figures measure the server, not the AWS SDK. Bounded in request count and time per workload;
// prints req/s or MiB/s with p50/p99 latency, asserts nothing (a non-2xx answer aborts the run).
//
//   npm run bench -- bench-http
//   BENCH_ONLY=put-4k,get-4k node scripts/bench-http.js   # a subset
//   BENCH_CONCURRENCY=16 BENCH_SMALL_N=3000 BENCH_BIG_N=3 BENCH_SECONDS=20
//   BENCH_CPU_PROF=/tmp/prof node scripts/bench-http.js   # server runs with --cpu-prof into that dir
//   BENCH_CHUNK=65536   aws-chunked chunk size for the trailer upload (64 KiB: the JS SDK's; boto3 uses 1 MiB)
import { createHash, createHmac, randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { Agent, request } from 'node:https';
import { cpus } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import zlib from 'node:zlib';
import { envNumber as num, spawnKeyless, stopKeyless, waitHealthy } from './lib/keyless-process.js';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
// BENCH_SERVER_ROOT=/path/to/other/checkout benchmarks another build of the server (A/B runs).
const BIN = join(process.env.BENCH_SERVER_ROOT ?? ROOT, 'packages', 'server', 'bin', 'keyless.js');
const CONCURRENCY = num('BENCH_CONCURRENCY', 16);
const SMALL_N = Math.max(1000, num('BENCH_SMALL_N', 3000)); // LIST needs 1000 keys
const LIST_N = num('BENCH_LIST_N', 200);
const BIG_N = num('BENCH_BIG_N', 3);
const SECONDS = num('BENCH_SECONDS', 20); // per workload
const CHUNK = num('BENCH_CHUNK', 64 * 1024);
const ONLY = process.env.BENCH_ONLY ? new Set(process.env.BENCH_ONLY.split(',')) : undefined;
const PROF_DIR = process.env.BENCH_CPU_PROF;
const REGION = 'us-east-1';
const BUCKET = 'bench';
const ACCESS = 'benchroot';
const SECRET = 'benchroot-secret-0123456789abcdef';
const MiB = 1024 * 1024;
const BIG = 64 * MiB;

const sha256hex = (b) => createHash('sha256').update(b).digest('hex');
const hmac = (k, s) => createHmac('sha256', k).update(s).digest();
const EMPTY_SHA256 = sha256hex('');

// ---- minimal SigV4 (header auth); keys are [A-Za-z0-9/_.-] so the canonical URI is the path itself.
const keyCache = new Map();
function signingKey(date) {
  let k = keyCache.get(date);
  if (!k) keyCache.set(date, (k = hmac(hmac(hmac(hmac(`AWS4${SECRET}`, date), REGION), 's3'), 'aws4_request')));
  return k;
}
const rfc3986 = (s) => encodeURIComponent(s).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
/** Signs and returns the headers for `method path?query`; `extra` headers are signed too. */
function sign(method, path, query, host, payloadHash, extra = {}) {
  const amzDate = new Date().toISOString().replace(/[-:]/g, '').replace(/\.\d{3}/, '');
  const date = amzDate.slice(0, 8);
  const headers = { host, 'x-amz-content-sha256': payloadHash, 'x-amz-date': amzDate, ...extra };
  const names = Object.keys(headers).map((n) => n.toLowerCase()).sort();
  const lower = Object.fromEntries(Object.entries(headers).map(([n, v]) => [n.toLowerCase(), String(v).trim()]));
  const canonicalQuery = Object.entries(query).map(([k, v]) => [rfc3986(k), rfc3986(v)]).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([k, v]) => `${k}=${v}`).join('&');
  const creq = [method, path, canonicalQuery, names.map((n) => `${n}:${lower[n]}\n`).join(''), names.join(';'), payloadHash].join('\n');
  const scope = `${date}/${REGION}/s3/aws4_request`;
  const toSign = `AWS4-HMAC-SHA256\n${amzDate}\n${scope}\n${sha256hex(creq)}`;
  const signature = createHmac('sha256', signingKey(date)).update(toSign).digest('hex');
  headers.authorization = `AWS4-HMAC-SHA256 Credential=${ACCESS}/${scope}, SignedHeaders=${names.join(';')}, Signature=${signature}`;
  return { headers, canonicalQuery };
}

// ---- HTTP
let agent;
let port;
let ca;
/** One signed request; resolves { status, headers, bytes } after the body was read (or counted). */
function s3(method, path, { query = {}, body, payloadHash = EMPTY_SHA256, headers: extra = {}, keepBody = false } = {}) {
  const host = `127.0.0.1:${port}`;
  const { headers, canonicalQuery } = sign(method, path, query, host, payloadHash, extra);
  if (body !== undefined && headers['content-length'] === undefined) headers['content-length'] = String(body.length);
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, method, path: canonicalQuery ? `${path}?${canonicalQuery}` : path, headers, agent, ca }, (res) => {
      let bytes = 0;
      const chunks = [];
      res.on('data', (c) => {
        bytes += c.length;
        if (keepBody || res.statusCode >= 300) chunks.push(c);
      });
      res.on('end', () => {
        const text = Buffer.concat(chunks);
        if (res.statusCode >= 300) reject(new Error(`${method} ${path}: HTTP ${res.statusCode} ${text.toString().slice(0, 300)}`));
        else resolve({ status: res.statusCode, headers: res.headers, bytes, body: text });
      });
      res.on('error', reject);
    });
    req.on('error', reject);
    if (body === undefined) req.end();
    else if (typeof body.pipe === 'function') body.pipe(req);
    else req.end(body);
  });
}

// ---- workloads
const pct = (a, p) => a[Math.min(a.length - 1, Math.floor((p / 100) * a.length))];
const results = [];
/** Runs `fn(i)` n times with `c` in flight (bounded by SECONDS), records latency. */
async function run(name, n, c, fn, bytesPer) {
  if (ONLY && !ONLY.has(name)) return;
  const lat = [];
  const deadline = Date.now() + SECONDS * 1000;
  let next = 0;
  const cpu0 = serverCpuMs();
  const t0 = process.hrtime.bigint();
  await Promise.all(
    Array.from({ length: Math.min(c, n) }, async () => {
      while (next < n && Date.now() < deadline) {
        const i = next++;
        const t = process.hrtime.bigint();
        await fn(i);
        lat.push(Number(process.hrtime.bigint() - t) / 1e6);
      }
    }),
  );
  const s = Number(process.hrtime.bigint() - t0) / 1e9;
  const cpu = serverCpuMs();
  lat.sort((a, b) => a - b);
  const rate = bytesPer ? `${((lat.length * bytesPer) / MiB / s).toFixed(0).padStart(6)} MiB/s` : `${(lat.length / s).toFixed(0).padStart(6)} req/s `;
  const line = `${name.padEnd(34)} ${String(lat.length).padStart(6)} x c=${String(Math.min(c, n)).padEnd(3)} ${rate}  p50 ${pct(lat, 50).toFixed(1).padStart(7)} ms  p99 ${pct(lat, 99).toFixed(1).padStart(7)} ms  server CPU ${cpuPer(cpu, cpu0, lat.length, bytesPer)}`;
  console.log(line);
  results.push(line);
}

/** aws-chunked body, STREAMING-UNSIGNED-PAYLOAD-TRAILER, CRC32 trailer (what the aws CLI sends). */
function awsChunkedTrailer(data, chunk) {
  const parts = [];
  for (let o = 0; o < data.length; o += chunk) {
    const piece = data.subarray(o, Math.min(data.length, o + chunk));
    parts.push(Buffer.from(`${piece.length.toString(16)}\r\n`), piece, Buffer.from('\r\n'));
  }
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(zlib.crc32(data) >>> 0);
  parts.push(Buffer.from(`0\r\nx-amz-checksum-crc32:${crc.toString('base64')}\r\n\r\n`));
  return parts;
}

async function main() {
  const nodeArgs = PROF_DIR ? ['--cpu-prof', '--cpu-prof-dir', PROF_DIR] : [];
  // The server logs every request (JSON lines) to a file, as in production.
  const server = await spawnKeyless({ bin: BIN, prefix: 'keyless-bench-http-', access: ACCESS, secret: SECRET, nodeArgs });
  const { child, dataDir, caPath } = server;
  port = server.port;
  serverPid = child.pid;
  try {
    await waitHealthy(port, caPath, child);
    ca = readFileSync(caPath);
    agent = new Agent({ ca, keepAlive: true, maxSockets: CONNECTIONS_MAX(), maxFreeSockets: CONNECTIONS_MAX(), scheduling: 'fifo' });
    console.log(`bench-http: server pid ${child.pid} (separate process), ${cpus().length} CPUs, loopback TLS, keep-alive; node ${process.version}`);
    await s3('PUT', `/${BUCKET}`);

    const small = randomBytes(4096);
    const smallHash = sha256hex(small);
    await run('PUT 4 KiB (signed SHA-256)', SMALL_N, CONCURRENCY, (i) => s3('PUT', `/${BUCKET}/small/${i}`, { body: small, payloadHash: smallHash }));
    if (ONLY && !ONLY.has('PUT 4 KiB (signed SHA-256)') && ['GET 4 KiB', 'HEAD', 'LIST 1000 keys'].some((w) => ONLY.has(w))) {
      // The read workloads need the keys the (skipped) PUT workload would have written.
      const n = Math.max(SMALL_N, 1000);
      for (let i = 0; i < n; i += CONCURRENCY) {
        await Promise.all(Array.from({ length: Math.min(CONCURRENCY, n - i) }, (_, j) => s3('PUT', `/${BUCKET}/small/${i + j}`, { body: small, payloadHash: smallHash })));
      }
    }
    await run('GET 4 KiB', SMALL_N, CONCURRENCY, (i) => s3('GET', `/${BUCKET}/small/${i % SMALL_N}`).then((r) => { if (r.bytes !== 4096) throw new Error('short GET'); }));
    await run('HEAD', SMALL_N, CONCURRENCY, (i) => s3('HEAD', `/${BUCKET}/small/${i % SMALL_N}`));
    await run('LIST 1000 keys', LIST_N, 4, () =>
      s3('GET', `/${BUCKET}`, { query: { 'list-type': '2', prefix: 'small/', 'max-keys': '1000' }, keepBody: true }).then((r) => {
        const n = (r.body.toString().match(/<Key>/g) ?? []).length;
        if (n !== 1000) throw new Error(`LIST returned ${n} keys`);
      }),
    );

    const big = randomBytes(BIG);
    const bigHash = sha256hex(big);
    const trailerBody = awsChunkedTrailer(big, CHUNK);
    const trailerLength = trailerBody.reduce((n, b) => n + b.length, 0);
    await run('PUT 64 MiB UNSIGNED-PAYLOAD', BIG_N, 1, (i) => s3('PUT', `/${BUCKET}/big/u${i}`, { body: big, payloadHash: 'UNSIGNED-PAYLOAD' }), BIG);
    await run(`PUT 64 MiB aws-chunked CRC32 trailer`, BIG_N, 1, (i) => {
      const headers = {
        'content-encoding': 'aws-chunked', 'x-amz-decoded-content-length': String(BIG), 'x-amz-trailer': 'x-amz-checksum-crc32',
        'x-amz-sdk-checksum-algorithm': 'CRC32', 'content-length': String(trailerLength),
      };
      return new Promise((resolve, reject) => {
        const host = `127.0.0.1:${port}`;
        const path = `/${BUCKET}/big/t${i}`;
        const { headers: h } = sign('PUT', path, {}, host, 'STREAMING-UNSIGNED-PAYLOAD-TRAILER', headers);
        const req = request({ host: '127.0.0.1', port, method: 'PUT', path, headers: h, agent, ca }, (res) => {
          const c = [];
          res.on('data', (d) => c.push(d));
          res.on('end', () => (res.statusCode === 200 ? resolve() : reject(new Error(`trailer PUT: HTTP ${res.statusCode} ${Buffer.concat(c)}`))));
        });
        req.on('error', reject);
        // Written as a stream of chunk frames, the way an SDK writes them.
        let k = 0;
        const pump = () => {
          while (k < trailerBody.length) if (!req.write(trailerBody[k++])) return void req.once('drain', pump);
          req.end();
        };
        pump();
      });
    }, BIG);
    await run('PUT 64 MiB signed SHA-256', BIG_N, 1, (i) => s3('PUT', `/${BUCKET}/big/s${i}`, { body: big, payloadHash: bigHash }), BIG);
    if (!ONLY || ONLY.has('GET 64 MiB')) {
      if (ONLY && !ONLY.has('PUT 64 MiB UNSIGNED-PAYLOAD')) for (let i = 0; i < BIG_N; i++) await s3('PUT', `/${BUCKET}/big/u${i}`, { body: big, payloadHash: 'UNSIGNED-PAYLOAD' });
    }
    await run('GET 64 MiB', BIG_N, 1, (i) => s3('GET', `/${BUCKET}/big/u${i}`).then((r) => { if (r.bytes !== BIG) throw new Error('short GET'); }), BIG);
    console.log(`server RSS at end: ${(rssKiB(child.pid) / 1024).toFixed(0)} MiB`);
  } finally {
    agent?.destroy();
    await stopKeyless(child, dataDir);
  }
}
function CONNECTIONS_MAX() {
  return Math.max(CONCURRENCY, 4);
}
// Server CPU time (all threads; main thread separately), from /proc: under a noisy machine this
// is steadier than throughput, and it is what a faster implementation reduces.
let serverPid;
function serverCpuMs() {
  const ticks = (path) => {
    const f = readFileSync(path, 'utf8');
    const fields = f.slice(f.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) * (1000 / 100); // utime + stime, USER_HZ=100
  };
  return { all: ticks(`/proc/${serverPid}/stat`), main: ticks(`/proc/${serverPid}/task/${serverPid}/stat`) };
}
function cpuPer(b, a, n, bytesPer) {
  if (bytesPer) {
    const mib = (n * bytesPer) / MiB;
    return `${((b.all - a.all) / mib).toFixed(2)} ms/MiB (main ${((b.main - a.main) / mib).toFixed(2)})`;
  }
  return `${((1000 * (b.all - a.all)) / n).toFixed(0)} µs/req (main ${((1000 * (b.main - a.main)) / n).toFixed(0)})`;
}
function rssKiB(pid) {
  const m = /VmRSS:\s+(\d+)\s+kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) : NaN;
}

main().catch((err) => {
  console.error(`bench-http: ${err?.stack ?? err}`);
  process.exitCode = 1;
});
