/**
 * The metadata schema, as an append-only list of migrations: migration `i` brings the database
 * from `PRAGMA user_version = i` to `i + 1`. Never edit a shipped migration; append a new one.
 *
 * Migration 1 (versioning): `objects` becomes `object_versions`, every version and delete marker
 * of a key, `seq` ascending = newest first (a new version takes the key's smallest seq minus one),
 * `is_latest` maintained on writes; existing objects become the latest `null` versions. Listing
 * range-scans the partial index `object_versions_current` (latest, not a delete marker) exactly
 * as it scanned `objects`.
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
  `
  CREATE TABLE object_versions (
    bucket TEXT NOT NULL,
    key TEXT NOT NULL,
    seq INTEGER NOT NULL,
    version_id TEXT NOT NULL,
    is_latest INTEGER NOT NULL,
    delete_marker INTEGER NOT NULL,
    size INTEGER NOT NULL,
    etag TEXT NOT NULL,
    last_modified INTEGER NOT NULL,
    headers TEXT NOT NULL,
    user_metadata TEXT NOT NULL,
    checksums TEXT NOT NULL,
    checksum_type TEXT,
    storage_class TEXT NOT NULL,
    parts_count INTEGER,
    -- exactly one of: a single blob, or a manifest (JSON array of {blobId, size, partNumber?, checksums?});
    -- neither for a delete marker
    blob_id TEXT,
    manifest TEXT,
    tags TEXT,
    retention TEXT,
    legal_hold INTEGER NOT NULL DEFAULT 0,
    attributes TEXT NOT NULL DEFAULT '{}',
    PRIMARY KEY (bucket, key, seq)
  ) WITHOUT ROWID;
  CREATE UNIQUE INDEX object_versions_by_id ON object_versions (bucket, key, version_id);
  CREATE INDEX object_versions_current ON object_versions (bucket, key) WHERE is_latest = 1 AND delete_marker = 0;

  INSERT INTO object_versions (bucket, key, seq, version_id, is_latest, delete_marker, size, etag, last_modified, headers,
      user_metadata, checksums, checksum_type, storage_class, parts_count, blob_id, manifest)
    SELECT bucket, key, 0, 'null', 1, 0, size, etag, last_modified, headers, user_metadata, checksums,
      CASE WHEN parts_count IS NULL AND checksums <> '{}' THEN 'FULL_OBJECT' END, storage_class, parts_count, blob_id, manifest
    FROM objects;
  DROP TABLE objects;

  ALTER TABLE buckets ADD COLUMN versioning TEXT;
  ALTER TABLE buckets ADD COLUMN object_lock INTEGER NOT NULL DEFAULT 0;
  ALTER TABLE uploads ADD COLUMN checksum_type TEXT;
  ALTER TABLE uploads ADD COLUMN extras TEXT;
  `,
];
