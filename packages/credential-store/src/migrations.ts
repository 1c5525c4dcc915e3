import type { Database } from 'better-sqlite3';

/** One schema step; `version` is the `PRAGMA user_version` the database has after it ran. */
export interface Migration {
  version: number;
  sql: string;
}

/**
 * The schema history, oldest first. Append only: a released step never changes, because databases
 * in the field already ran it. Dates are integer milliseconds since the epoch; policies and tags
 * are JSON text; secrets are AES-GCM blobs (see `SecretBox`); session tokens exist only as hashes.
 */
export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    sql: `
      CREATE TABLE meta (
        key TEXT PRIMARY KEY,
        value
      );
      INSERT INTO meta (key, value) VALUES ('version', 0);

      CREATE TABLE users (
        access_key TEXT PRIMARY KEY,
        secret BLOB NOT NULL,
        policies TEXT NOT NULL,
        is_root INTEGER NOT NULL DEFAULT 0,
        created_at INTEGER NOT NULL
      );

      CREATE TABLE policies (
        name TEXT PRIMARY KEY,
        document TEXT NOT NULL,
        updated_at INTEGER NOT NULL
      );

      CREATE TABLE sessions (
        access_key TEXT PRIMARY KEY,
        secret BLOB NOT NULL,
        session_token_hash TEXT NOT NULL,
        parent TEXT NOT NULL,
        policies TEXT NOT NULL,
        session_policy TEXT,
        tags TEXT NOT NULL,
        cert_serial TEXT,
        cert_fingerprint TEXT,
        cert_issuer TEXT,
        subject TEXT,
        created_at INTEGER NOT NULL,
        expires_at INTEGER NOT NULL
      );
      CREATE INDEX sessions_by_expiry ON sessions (expires_at);
      CREATE INDEX sessions_by_cert_serial ON sessions (cert_serial);
      CREATE INDEX sessions_by_cert_fingerprint ON sessions (cert_fingerprint);
      CREATE INDEX sessions_by_subject ON sessions (subject);
    `,
  },
];

/**
 * Brings `db` up to the newest schema. Each step runs in its own IMMEDIATE transaction and re-reads
 * `user_version` inside it, so the server and the CLI opening the same fresh directory at once
 * cannot both run a step. Running it again on an up-to-date database does nothing.
 *
 * @throws Error when the database was written by a newer Keyless (unknown `user_version`).
 */
export function applyMigrations(db: Database, migrations: readonly Migration[] = MIGRATIONS): void {
  const newest = migrations.length === 0 ? 0 : migrations[migrations.length - 1]!.version;
  for (const migration of migrations) {
    const step = db.transaction(() => {
      const current = db.pragma('user_version', { simple: true }) as number;
      if (current >= migration.version) return;
      db.exec(migration.sql);
      // PRAGMA cannot take a bound parameter; the version is our own integer, never input.
      db.pragma(`user_version = ${Math.trunc(migration.version)}`);
    });
    step.immediate();
  }
  const final = db.pragma('user_version', { simple: true }) as number;
  if (final > newest) {
    throw new Error(
      `credential store: the database has schema version ${final}, newer than this Keyless understands (${newest})`,
    );
  }
}
