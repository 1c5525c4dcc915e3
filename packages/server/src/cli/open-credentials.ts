import { resolve } from 'node:path';
import { SqliteCredentialStore } from '@keyless/credential-store';
import type { CredentialStore } from '@keyless/core';
import { SERVE_DEFAULTS } from '../serve-options.js';

/**
 * Opens the data directory's credential store for a CLI command, runs `fn`, and closes it. The
 * server may be running: the store is safe for concurrent processes, and the server notices
 * changes on its next request.
 */
export async function withCredentials<T>(dataDir: string | undefined, env: NodeJS.ProcessEnv, fn: (store: CredentialStore) => Promise<T>): Promise<T> {
  const store = await SqliteCredentialStore.open({ dataDir: resolve(dataDir ?? SERVE_DEFAULTS.dataDir), env });
  try {
    return await fn(store);
  } finally {
    await store.close();
  }
}
