import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { startServer, type RunningServer } from '../../src/start-server.js';
import { SERVE_DEFAULTS, type ServeOptions } from '../../src/serve-options.js';
import { S3TestClient } from './s3-client.js';

/** Root credentials every test server is started with. */
export const TEST_ROOT = { accessKeyId: 'TESTROOTACCESSKEY', secretAccessKey: 'test-root-secret-key-0123456789' };

/** A Keyless server running in-process on an ephemeral port, with a signed client for it. */
export interface TestServer {
  running: RunningServer;
  client: S3TestClient;
  dataDir: string;
  /** Every structured log event the server wrote. */
  logs: Record<string, unknown>[];
  close(): Promise<void>;
}

/**
 * Starts the real server (`startServer`, dev certificates generated into a fresh temp data dir) on
 * 127.0.0.1:0 with fixed root credentials and master key from an explicit env (not process.env).
 */
export async function startTestServer(opts: Partial<ServeOptions> = {}): Promise<TestServer> {
  const dataDir = mkdtempSync(join(tmpdir(), 'keyless-s3-test-'));
  const logs: Record<string, unknown>[] = [];
  const env: NodeJS.ProcessEnv = {
    KEYLESS_ROOT_ACCESS_KEY: TEST_ROOT.accessKeyId,
    KEYLESS_ROOT_SECRET_KEY: TEST_ROOT.secretAccessKey,
    KEYLESS_MASTER_KEY: randomBytes(32).toString('hex'),
  };
  const running = await startServer(
    { ...SERVE_DEFAULTS, address: '127.0.0.1:0', dataDir, ...opts },
    (event) => logs.push(event),
    env,
  );
  if (!running.caBundle) throw new Error('expected dev certificates');
  const client = new S3TestClient({ port: running.port, ca: readFileSync(running.caBundle, 'utf8'), ...TEST_ROOT });
  return {
    running,
    client,
    dataDir,
    logs,
    async close() {
      await running.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
