import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { startServer, type RunningServer } from '../../src/start-server.js';
import { SERVE_DEFAULTS } from '../../src/serve-options.js';
import { main } from '../../src/cli/main.js';
import { S3TestClient } from '../support/s3-client.js';

/** Root credentials of the policy test servers. */
export const POLICY_ROOT = { accessKeyId: 'POLICYROOTKEY', secretAccessKey: 'policy-root-secret-0123456789' };

/** What one in-process CLI run printed and returned. */
export interface CliRun {
  code: number;
  out: string[];
  err: string[];
}

/**
 * Runs `keyless ARGV` in-process with captured output and the given environment (the master key
 * must match the data directory's).
 */
export async function runCli(argv: string[], env: NodeJS.ProcessEnv): Promise<CliRun> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await main(argv, { out: (l) => out.push(l), err: (l) => err.push(l), env });
  return { code, out, err };
}

/** A fresh temp directory and an environment with a master key, for CLI-only tests. */
export function tempDataDir(prefix = 'keyless-cli-test-'): { dir: string; env: NodeJS.ProcessEnv; remove(): void } {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  return { dir, env: { KEYLESS_MASTER_KEY: randomBytes(32).toString('hex') }, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

/** Writes `doc` (JSON-encoded unless a string) to `dir/name` and returns the path. */
export function writeJson(dir: string, name: string, doc: unknown): string {
  const path = join(dir, name);
  writeFileSync(path, typeof doc === 'string' ? doc : JSON.stringify(doc));
  return path;
}

/** The real server on 127.0.0.1:0 plus the CLI on its data directory. */
export interface PolicyServer {
  running: RunningServer;
  dataDir: string;
  /** Where tests put policy files (outside the data directory). */
  fileDir: string;
  env: NodeJS.ProcessEnv;
  /** A client signing as root. */
  root: S3TestClient;
  /** Every structured event the server logged. */
  logs: Record<string, unknown>[];
  /** A client signing with other credentials. */
  client(accessKeyId: string, secretAccessKey: string): S3TestClient;
  /** `keyless ARGV --data DIR` in-process. */
  cli(...argv: string[]): Promise<CliRun>;
  close(): Promise<void>;
}

/** Starts the server with fixed root keys and master key, in a fresh temp data directory. */
export async function startPolicyServer(): Promise<PolicyServer> {
  const dataDir = mkdtempSync(join(tmpdir(), 'keyless-policy-test-'));
  const fileDir = mkdtempSync(join(tmpdir(), 'keyless-policy-files-'));
  const logs: Record<string, unknown>[] = [];
  const env: NodeJS.ProcessEnv = {
    KEYLESS_ROOT_ACCESS_KEY: POLICY_ROOT.accessKeyId,
    KEYLESS_ROOT_SECRET_KEY: POLICY_ROOT.secretAccessKey,
    KEYLESS_MASTER_KEY: randomBytes(32).toString('hex'),
  };
  const running = await startServer({ ...SERVE_DEFAULTS, address: '127.0.0.1:0', dataDir }, (e) => logs.push(e), env);
  if (!running.caBundle) throw new Error('expected dev certificates');
  const ca = readFileSync(running.caBundle, 'utf8');
  const client = (accessKeyId: string, secretAccessKey: string) => new S3TestClient({ port: running.port, ca, accessKeyId, secretAccessKey });
  return {
    running,
    dataDir,
    fileDir,
    env,
    root: client(POLICY_ROOT.accessKeyId, POLICY_ROOT.secretAccessKey),
    logs,
    client,
    cli: (...argv) => runCli([...argv, '--data', dataDir], env),
    async close() {
      await running.close();
      rmSync(dataDir, { recursive: true, force: true });
      rmSync(fileDir, { recursive: true, force: true });
    },
  };
}
