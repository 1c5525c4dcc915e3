import { join } from 'node:path';
import Database from 'better-sqlite3';
import { expect } from 'chai';
import { CREDENTIALS_DB_FILE } from '../src/index.js';
import { applyMigrations, MIGRATIONS } from '../src/migrations.js';
import { expectRejection, openStore, useScratchStores } from './store-fixture.js';

describe('credential store migrations', function () {
  const scratchStores = useScratchStores();
  const open = scratchStores.open;
  let dir: { dataDir: string };
  beforeEach(function () {
    dir = { dataDir: scratchStores.dataDir() };
  });

  it('are idempotent', async function () {
    const store = await open();
    await store.putUser({ accessKey: 'AKIAMIGRATE', secretKey: 'm', policies: [] });
    const version = await store.changeVersion();
    await store.close();
    const raw = new Database(join(dir.dataDir, CREDENTIALS_DB_FILE));
    const schema = () => raw.prepare('SELECT type, name, sql FROM sqlite_master ORDER BY name').all();
    try {
      const newest = MIGRATIONS[MIGRATIONS.length - 1]!.version;
      expect(raw.pragma('user_version', { simple: true })).to.equal(newest);
      const before = schema();
      applyMigrations(raw);
      applyMigrations(raw);
      expect(raw.pragma('user_version', { simple: true })).to.equal(newest);
      expect(schema()).to.deep.equal(before);
    } finally {
      raw.close();
    }
    const again = await open();
    expect((await again.getUser('AKIAMIGRATE'))!.secretKey).to.equal('m');
    expect(await again.changeVersion()).to.equal(version);
  });

  it('build the newest schema on an empty database, step by step', function () {
    const raw = new Database(':memory:');
    try {
      applyMigrations(raw, MIGRATIONS.slice(0, 1));
      expect(raw.pragma('user_version', { simple: true })).to.equal(MIGRATIONS[0]!.version);
      applyMigrations(raw);
      expect(raw.pragma('user_version', { simple: true })).to.equal(MIGRATIONS[MIGRATIONS.length - 1]!.version);
      const tables = (raw.prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").all() as { name: string }[]).map(
        (row) => row.name,
      );
      expect(tables).to.include.members(['meta', 'policies', 'sessions', 'users']);
    } finally {
      raw.close();
    }
  });

  it('refuse a database from a newer Keyless', async function () {
    await (await open()).close();
    const raw = new Database(join(dir.dataDir, CREDENTIALS_DB_FILE));
    raw.pragma('user_version = 999');
    raw.close();
    const error = await expectRejection(openStore(dir.dataDir));
    expect(error.message).to.match(/newer/);
  });
});
