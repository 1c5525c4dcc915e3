/**
 * The metadata schema, as an append-only list of migrations: migration `i` brings the database
 * from `PRAGMA user_version = i` to `i + 1`. Never edit a shipped migration; append a new one.
 *
 * `key TEXT` columns use SQLite's default BINARY collation, which compares the UTF-8 bytes: that
 * is S3's listing order. Tables keyed by (bucket, key) are WITHOUT ROWID so the primary key is the
 * clustered index a listing range-scans.
 */
export const SCHEMA_MIGRATIONS: readonly string[] = [
  `
  CREATE TABLE buckets (
    name TEXT PRIMARY KEY,
    created_at INTEGER NOT NULL,
    region TEXT NOT NULL
  ) WITHOUT ROWID;

  CREATE TABLE bucket_configs (
    bucket TEXT NOT NULL,
    kind TEXT NOT NULL,
    value TEXT NOT NULL,
    PRIMARY KEY (bucket, kind)
  ) WITHOUT ROWID;

  CREATE TABLE objects (
    bucket TEXT NOT NULL,
    key TEXT NOT NULL,
    size INTEGER NOT NULL,
    etag TEXT NOT NULL,
    last_modified INTEGER NOT NULL,
    headers TEXT NOT NULL,
    user_metadata TEXT NOT NULL,
    checksums TEXT NOT NULL,
    storage_class TEXT NOT NULL,
    parts_count INTEGER,
    -- exactly one of: a single blob, or a manifest (JSON array of {blobId, size}, in order)
    blob_id TEXT,
    manifest TEXT,
    PRIMARY KEY (bucket, key)
  ) WITHOUT ROWID;

  CREATE TABLE uploads (
    upload_id TEXT PRIMARY KEY,
    bucket TEXT NOT NULL,
    key TEXT NOT NULL,
    initiated INTEGER NOT NULL,
    headers TEXT NOT NULL,
    user_metadata TEXT NOT NULL,
    storage_class TEXT NOT NULL,
    checksum_algorithm TEXT
  ) WITHOUT ROWID;
  CREATE UNIQUE INDEX uploads_by_key ON uploads (bucket, key, upload_id);

  CREATE TABLE parts (
    upload_id TEXT NOT NULL,
    part_number INTEGER NOT NULL,
    size INTEGER NOT NULL,
    etag TEXT NOT NULL,
    last_modified INTEGER NOT NULL,
    checksums TEXT NOT NULL,
    blob_id TEXT NOT NULL,
    PRIMARY KEY (upload_id, part_number)
  ) WITHOUT ROWID;
  `,
];
