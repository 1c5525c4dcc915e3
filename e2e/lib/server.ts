import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createWriteStream, mkdtempSync, readFileSync, rmSync, type WriteStream } from 'node:fs';
import https from 'node:https';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Project root: this file compiles to `e2e/dist/lib/server.js`, three levels below it. */
export const PROJECT_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');

/** A running `keyless serve` child process and what clients need to reach it. */
export interface E2eServer {
  /** `https://127.0.0.1:PORT` */
  url: string;
  port: number;
  /** Temporary directory holding `data/` and `server.log`; removed by {@link E2eServer.stop}. */
  workDir: string;
  dataDir: string;
  /** PEM bundle clients must trust (the generated development CA). */
  caPath: string;
  ca: Buffer;
  accessKey: string;
  secretKey: string;
  region: string;
  logPath: string;
  /** Last lines of the server log, for failure messages. */
  logTail(lines?: number): string;
  /**
   * SIGTERM, then SIGKILL after a 5 s grace period; removes the work directory unless `KEEP_E2E_DIR` is
   * set. Resolves to how the process ended (`killed` when SIGKILL was needed).
   */
  stop(): Promise<{ code: number | null; signal: NodeJS.Signals | null; killed: boolean }>;
}

/** Asks the kernel for a free TCP port on 127.0.0.1. */
export async function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => resolvePort(port));
    });
  });
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** One GET with the given CA; resolves to the status code, or 0 on a connection/TLS error. */
export function httpsStatus(url: string, ca: Buffer | undefined): Promise<number> {
  return new Promise((resolveStatus) => {
    const req = https.get(url, { ca, timeout: 2000 }, (res) => {
      res.resume();
      res.on('end', () => resolveStatus(res.statusCode ?? 0));
    });
    req.on('timeout', () => req.destroy());
    req.on('error', () => resolveStatus(0));
  });
}

function readIfExists(path: string): Buffer | undefined {
  try {
    return readFileSync(path);
  } catch {
    return undefined;
  }
}

/**
 * Spawns `node packages/server/bin/keyless.js serve` on a free port with a temporary data directory,
 * fixed root credentials and master key, logs to `WORKDIR/server.log`, and waits (bounded: 30 s) until
 * `GET /health/live` answers 200 over TLS verified against the generated `data/certs/ca.pem`.
 */
export async function startServer(): Promise<E2eServer> {
  const workDir = mkdtempSync(join(tmpdir(), 'keyless-e2e-'));
  const dataDir = join(workDir, 'data');
  const logPath = join(workDir, 'server.log');
  const caPath = join(dataDir, 'certs', 'ca.pem');
  const accessKey = 'e2eroot' + randomBytes(4).toString('hex');
  const secretKey = 'e2e-secret-' + randomBytes(16).toString('hex');
  const region = 'us-east-1';
  const log: WriteStream = createWriteStream(logPath);
  const masterKey = randomBytes(32).toString('hex');

  let child: ChildProcess | undefined;
  let port = 0;
  let exited: { code: number | null; signal: NodeJS.Signals | null } | undefined;
  // A port picked free can be taken before the child binds it: retry a couple of times.
  for (let attempt = 0; attempt < 3 && !child; attempt++) {
    port = await freePort();
    exited = undefined;
    const c = spawn(process.execPath, [join(PROJECT_ROOT, 'packages/server/bin/keyless.js'), 'serve', '--address', `127.0.0.1:${port}`, '--data', dataDir], {
      cwd: PROJECT_ROOT,
      env: {
        ...process.env,
        KEYLESS_ROOT_ACCESS_KEY: accessKey,
        KEYLESS_ROOT_SECRET_KEY: secretKey,
        KEYLESS_MASTER_KEY: masterKey,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    c.stdout?.pipe(log, { end: false });
    c.stderr?.pipe(log, { end: false });
    c.on('exit', (code, signal) => {
      exited = { code, signal };
    });
    const deadline = Date.now() + 30_000;
    let ok = false;
    for (let i = 0; i < 300 && Date.now() < deadline && !exited; i++) {
      const ca = readIfExists(caPath);
      if (ca && (await httpsStatus(`https://127.0.0.1:${port}/health/live`, ca)) === 200) {
        ok = true;
        break;
      }
      await sleep(100);
    }
    if (ok) child = c;
    else if (!exited) {
      c.kill('SIGKILL');
      throw new Error(`keyless serve did not become live within 30 s; log:\n${tail(logPath, 30)}`);
    } else {
      await sleep(50);
      if (!/already in use/.test(tail(logPath, 5))) throw new Error(`keyless serve exited (${JSON.stringify(exited)}); log:\n${tail(logPath, 30)}`);
    }
  }
  if (!child) throw new Error(`keyless serve could not bind a port; log:\n${tail(logPath, 30)}`);
  const proc = child;
  const url = `https://127.0.0.1:${port}`;
  return {
    url,
    port,
    workDir,
    dataDir,
    caPath,
    ca: readFileSync(caPath),
    accessKey,
    secretKey,
    region,
    logPath,
    logTail: (lines = 30) => tail(logPath, lines),
    async stop() {
      let killed = false;
      if (proc.exitCode === null && proc.signalCode === null) {
        const done = new Promise<void>((r) => proc.once('exit', () => r()));
        proc.kill('SIGTERM');
        const timedOut = await Promise.race([done.then(() => false), sleep(5000).then(() => true)]);
        if (timedOut) {
          killed = true;
          proc.kill('SIGKILL');
          await Promise.race([done, sleep(2000)]);
        }
      }
      await new Promise<void>((r) => log.end(r));
      // Issue 6: no secret, token, signature or key material in the logs of a full e2e run. Every
      // e2e file stops its server in an after hook, so every run's whole log is audited here.
      const leaks = logLeaks(readFileSync(logPath, 'utf8'), [secretKey, masterKey]);
      if (!process.env['KEEP_E2E_DIR']) rmSync(workDir, { recursive: true, force: true });
      if (leaks.length) throw new Error(`the server log leaks secrets: ${leaks.join('; ')}`);
      return { code: proc.exitCode, signal: proc.signalCode, killed };
    },
  };
}

function tail(path: string, lines: number): string {
  const text = readIfExists(path)?.toString('utf8') ?? '';
  return text.split('\n').slice(-lines).join('\n');
}

/** What must never appear in a server log: the given secrets, signatures, tokens, private keys. */
export function logLeaks(text: string, secrets: string[]): string[] {
  const leaks: string[] = [];
  for (const secret of secrets) if (secret && text.includes(secret)) leaks.push(`a secret (${secret.slice(0, 4)}...)`);
  if (/X-Amz-Signature=(?!REDACTED)[0-9a-fA-F]{16}/i.test(text)) leaks.push('an X-Amz-Signature value');
  if (/X-Amz-Security-Token=(?!REDACTED)[^&\s"]{8}/i.test(text)) leaks.push('an X-Amz-Security-Token value');
  if (/[?&]Signature=(?!REDACTED)[^&\s"]{8}/.test(text)) leaks.push('a SigV2 Signature value');
  if (/Signature=[0-9a-f]{64}/.test(text)) leaks.push('an Authorization header signature');
  if (/PRIVATE KEY-----/.test(text)) leaks.push('PEM private key material');
  return leaks;
}
