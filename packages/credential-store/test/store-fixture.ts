import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { SqliteCredentialStore } from '../src/index.js';

/** One hour in milliseconds. */
export const HOUR = 3_600_000;

/** A scratch directory; the data directory inside it does not exist yet, so open() must create it. */
export function scratch(): { root: string; dataDir: string; remove(): void } {
  const root = mkdtempSync(join(tmpdir(), 'keyless-credential-store-'));
  return { root, dataDir: join(root, 'data'), remove: () => rmSync(root, { recursive: true, force: true }) };
}

/** Opens with the key file only, whatever KEYLESS_MASTER_KEY the test runner's shell may carry. */
export function openStore(dataDir: string, extra: { masterKey?: Buffer } = {}): Promise<SqliteCredentialStore> {
  return SqliteCredentialStore.open({ dataDir, env: {}, ...extra });
}

/** Awaits `promise`, asserts that it rejected with an Error and returns the error. */
export async function expectRejection(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (error) {
    expect(error).to.be.instanceOf(Error);
    return error as Error;
  }
  throw new Error('expected a rejection');
}

/**
 * Registers hooks giving each test a fresh scratch directory; stores opened through `open` are
 * closed and the directory removed after each test.
 */
export function useScratchStores(): { dataDir(): string; open(extra?: { masterKey?: Buffer }): Promise<SqliteCredentialStore> } {
  let dir: ReturnType<typeof scratch>;
  const stores: SqliteCredentialStore[] = [];
  beforeEach(function () {
    dir = scratch();
  });
  afterEach(async function () {
    for (const store of stores.splice(0)) await store.close();
    dir.remove();
  });
  return {
    dataDir: () => dir.dataDir,
    open: async (extra = {}) => {
      const store = await openStore(dir.dataDir, extra);
      stores.push(store);
      return store;
    },
  };
}
