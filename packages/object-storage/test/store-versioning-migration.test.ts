import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import Database from 'better-sqlite3';
import { expect } from 'chai';
import { FsObjectStore } from '../src/store/index.js';
import { SCHEMA_MIGRATIONS } from '../src/store/schema-migrations.js';

async function read(store: FsObjectStore, bucket: string, key: string, versionId?: string): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of (await store.openObject(bucket, key, undefined, { versionId })).body) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString();
}

describe('FsObjectStore schema migration to versions', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'keyless-migrate-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('upgrades a version-1 data directory in place: objects become latest null versions', async () => {
    // A data directory as the first schema left it: one bucket, one object with its blob.
    const db = new Database(join(dir, 'meta.db'));
    db.exec(SCHEMA_MIGRATIONS[0]!);
    db.pragma('user_version = 1');
    const blobId = 'ab'.padEnd(32, '0');
    db.prepare('INSERT INTO buckets (name, created_at, region) VALUES (?, ?, ?)').run('old', Date.now(), 'us-east-1');
    db.prepare(
      `INSERT INTO objects (bucket, key, size, etag, last_modified, headers, user_metadata, checksums, storage_class, parts_count, blob_id, manifest)
       VALUES ('old', 'dir/file', 5, '5d41402abc4b2a76b9719d911017c592', ?, '{"contentType":"text/plain"}', '{"a":"1"}', '{"CRC32":"NhCmhg=="}', 'STANDARD', NULL, ?, NULL)`,
    ).run(Date.now(), blobId);
    db.close();
    await mkdir(join(dir, 'blobs', 'ab'), { recursive: true });
    await writeFile(join(dir, 'blobs', 'ab', blobId), 'hello');

    const store = await FsObjectStore.open(dir);
    try {
      const info = await store.getObjectInfo('old', 'dir/file');
      expect(info).to.deep.include({ versionId: 'null', isLatest: true, size: 5, checksumType: 'FULL_OBJECT' });
      expect(info.userMetadata).to.deep.equal({ a: '1' });
      expect(await read(store, 'old', 'dir/file')).to.equal('hello');
      expect(await read(store, 'old', 'dir/file', 'null')).to.equal('hello');
      expect((await store.listObjects('old', { maxKeys: 10, delimiter: '/' })).commonPrefixes).to.deep.equal(['dir/']);
      expect((await store.getBucket('old'))?.versioning).to.equal(undefined);
      // Versioning now works on the migrated bucket; the old null version is kept.
      await store.setBucketVersioning('old', 'Enabled');
      const v = await store.putObject({ bucket: 'old', key: 'dir/file', body: Readable.from([Buffer.from('new')]), headers: {}, userMetadata: {} });
      expect(await read(store, 'old', 'dir/file')).to.equal('new');
      expect(await read(store, 'old', 'dir/file', 'null')).to.equal('hello');
      const versions = await store.listObjectVersions('old', { maxKeys: 10 });
      expect(versions.versions.map((e) => (e.kind === 'version' ? e.info.versionId : '?'))).to.deep.equal([v.versionId, 'null']);
      expect(store.integrityCheck()).to.deep.equal(['ok']);
    } finally {
      await store.close();
    }
    const after = new Database(join(dir, 'meta.db'), { readonly: true });
    expect(after.pragma('user_version', { simple: true })).to.equal(SCHEMA_MIGRATIONS.length);
    after.close();
  });

  it('listing stays an index range scan over the current versions', async () => {
    const store = await FsObjectStore.open(dir);
    await store.createBucket('b', { region: 'us-east-1' });
    await store.close();
    const db = new Database(join(dir, 'meta.db'), { readonly: true });
    const plan = db
      .prepare(
        `EXPLAIN QUERY PLAN SELECT * FROM object_versions INDEXED BY object_versions_current
         WHERE bucket = ? AND is_latest = 1 AND delete_marker = 0 AND key > ? AND key < ? ORDER BY key LIMIT ?`,
      )
      .all('b', 'a', 'b', 10) as { detail: string }[];
    db.close();
    const details = plan.map((r) => r.detail).join('\n');
    expect(details).to.match(/SEARCH object_versions USING INDEX object_versions_current \(bucket=\? AND key>\? AND key<\?\)/);
    expect(details).to.not.match(/TEMP B-TREE/);
  });
});
