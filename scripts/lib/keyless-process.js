// The server as a child process for the load scripts (bench-http.js, soak.js): a fresh data
// directory, a free loopback port, the request log in a file, and a health wait.
import { spawn } from 'node:child_process';
import { closeSync, existsSync, mkdtempSync, openSync, readFileSync, rmSync } from 'node:fs';
import { request } from 'node:https';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** The positive number in environment variable `name`, or `dflt` when unset or empty. */
export function envNumber(name, dflt) {
  const v = process.env[name];
  if (v === undefined || v === '') return dflt;
  const n = Number(v);
  if (!Number.isFinite(n) || n <= 0) throw new Error(`${name} must be a positive number`);
  return n;
}

/** A TCP port free on 127.0.0.1 right now. */
export async function freePort() {
  return new Promise((resolve) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

/**
 * Starts `node BIN serve` on a free loopback port with a fresh data directory (named with
 * `prefix`) and the given root keys; the server logs every request (JSON lines) to `logPath`, as
 * in production. Returns at once: call {@link waitHealthy} before sending requests.
 */
export async function spawnKeyless({ bin, prefix, access, secret, nodeArgs = [] }) {
  const dataDir = mkdtempSync(join(tmpdir(), prefix));
  const port = await freePort();
  const logPath = join(dataDir, 'server.log');
  const logFd = openSync(logPath, 'w');
  const env = { ...process.env, KEYLESS_ROOT_ACCESS_KEY: access, KEYLESS_ROOT_SECRET_KEY: secret, KEYLESS_MASTER_KEY: '5a'.repeat(32) };
  const child = spawn(process.execPath, [...nodeArgs, bin, 'serve', '--address', `127.0.0.1:${port}`, '--data', join(dataDir, 'data')], { env, stdio: ['ignore', logFd, logFd] });
  closeSync(logFd);
  return { child, port, dataDir, logPath, caPath: join(dataDir, 'data', 'certs', 'ca.pem') };
}

/** Waits (up to 30 s) until GET /health/live answers 200 over TLS with the server's dev CA. */
export async function waitHealthy(port, caPath, child) {
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`keyless exited with ${child.exitCode}`);
    if (existsSync(caPath)) {
      const ok = await new Promise((resolve) => {
        const req = request({ host: '127.0.0.1', port, path: '/health/live', ca: readFileSync(caPath) }, (res) => {
          res.resume();
          resolve(res.statusCode === 200);
        });
        req.on('error', () => resolve(false));
        req.end();
      });
      if (ok) return;
    }
    await sleep(100);
  }
  throw new Error('keyless did not become healthy');
}

/** Stops the server (SIGTERM, waiting for its exit) and removes its data directory. */
export async function stopKeyless(child, dataDir) {
  child.kill('SIGTERM');
  await new Promise((r) => (child.exitCode !== null ? r() : child.once('exit', r)));
  rmSync(dataDir, { recursive: true, force: true });
}
