import Database from 'better-sqlite3';
import { BucketTable } from './bucket-table.js';
import { SCHEMA_MIGRATIONS } from './schema-migrations.js';
import { StatementCache } from './statement-cache.js';
import { UploadTable } from './upload-table.js';
import { VersionTable } from './version-table.js';
import type { BlobRef } from './version-rows.js';

/**
 * The SQLite half of `FsObjectStore`: buckets, bucket configurations, objects, multipart uploads
 * and parts in one database (`meta.db`, WAL, `synchronous=FULL` so a commit survives power loss).
 * The SQL is grouped by table ({@link buckets}, {@link versions}, {@link uploads}) over one
 * connection. Every method is synchronous; {@link transact} groups calls atomically, and since
 * better-sqlite3 runs on the event loop thread no other JavaScript interleaves with a transaction.
 */
export class MetadataIndex {
  readonly #db: Database.Database;
  readonly #sql: StatementCache;
  /** Buckets and their configurations. */
  readonly buckets: BucketTable;
  /** Object versions and delete markers. */
  readonly versions: VersionTable;
  /** Multipart uploads in progress and their parts. */
  readonly uploads: UploadTable;

  private constructor(db: Database.Database) {
    this.#db = db;
    this.#sql = new StatementCache(db);
    this.buckets = new BucketTable(this.#sql);
    this.versions = new VersionTable(this.#sql);
    this.uploads = new UploadTable(this.#sql);
  }

  /** Opens (creating and migrating as needed) the database at `path`. */
  static open(path: string): MetadataIndex {
    const db = new Database(path);
    try {
      db.pragma('journal_mode = WAL');
      db.pragma('synchronous = FULL');
      db.pragma('busy_timeout = 5000');
      migrate(db);
    } catch (err) {
      db.close();
      throw err;
    }
    return new MetadataIndex(db);
  }

  /**
   * Opens an existing database read-only, without migrating: for inspecting a data directory that
   * a running server owns (tests, diagnostics).
   */
  static openReadOnly(path: string): MetadataIndex {
    return new MetadataIndex(new Database(path, { readonly: true, fileMustExist: true }));
  }

  close(): void {
    if (this.#db.open) this.#db.close();
  }

  /** `PRAGMA integrity_check` rows: `['ok']` for a healthy database. */
  integrityCheck(): string[] {
    return (this.#db.pragma('integrity_check') as { integrity_check: string }[]).map((r) => r.integrity_check);
  }

  /** `PRAGMA quick_check` rows (the O(N) subset of integrity_check run at start-up). */
  quickCheck(): string[] {
    return (this.#db.pragma('quick_check') as { quick_check: string }[]).map((r) => r.quick_check);
  }

  /** Runs `work` in one transaction (nested calls become savepoints); a throw rolls it back. */
  transact<T>(work: () => T): T {
    return this.#db.transaction(work)();
  }

  /** Every blob id referenced by an object or a part (for the start-up orphan sweep). */
  referencedBlobIds(): Set<string> {
    const ids = new Set<string>();
    for (const row of this.#sql.prepare('SELECT blob_id FROM object_versions WHERE blob_id IS NOT NULL UNION ALL SELECT blob_id FROM parts').iterate() as Iterable<{ blob_id: string }>) {
      ids.add(row.blob_id);
    }
    for (const row of this.#sql.prepare('SELECT manifest FROM object_versions WHERE manifest IS NOT NULL').iterate() as Iterable<{ manifest: string }>) {
      for (const blob of JSON.parse(row.manifest) as BlobRef[]) ids.add(blob.blobId);
    }
    return ids;
  }
}

function migrate(db: Database.Database): void {
  const version = db.pragma('user_version', { simple: true }) as number;
  if (version > SCHEMA_MIGRATIONS.length) {
    throw new Error(`meta.db schema version ${version} is newer than this Keyless (${SCHEMA_MIGRATIONS.length})`);
  }
  db.transaction(() => {
    for (let v = version; v < SCHEMA_MIGRATIONS.length; v++) db.exec(SCHEMA_MIGRATIONS[v]!);
    db.pragma(`user_version = ${SCHEMA_MIGRATIONS.length}`);
  })();
}
