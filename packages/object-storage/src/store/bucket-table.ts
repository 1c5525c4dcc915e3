import { S3Error } from '@keyless/core';
import type { BucketInfo, VersioningStatus } from '@keyless/core';
import type { StatementCache } from './statement-cache.js';

/** A row of `buckets`, as SQLite returns it. */
interface BucketRow {
  name: string;
  created_at: number;
  region: string;
  versioning: string | null;
  object_lock: number;
}

/** The SQL of the `buckets` and `bucket_configs` tables (part of {@link MetadataIndex}). */
export class BucketTable {
  readonly #sql: StatementCache;

  constructor(sql: StatementCache) {
    this.#sql = sql;
  }

  get(name: string): BucketInfo | undefined {
    const row = this.#sql.prepare('SELECT * FROM buckets WHERE name = ?').get(name) as BucketRow | undefined;
    return row && toBucket(row);
  }

  /** The bucket, or NoSuchBucket. */
  require(name: string): BucketInfo {
    const bucket = this.get(name);
    if (!bucket) throw new S3Error('NoSuchBucket', undefined, { BucketName: name });
    return bucket;
  }

  insert(bucket: BucketInfo): void {
    this.#sql.prepare('INSERT INTO buckets (name, created_at, region, versioning, object_lock) VALUES (?, ?, ?, ?, ?)').run(
      bucket.name,
      bucket.createdAt.getTime(),
      bucket.region,
      bucket.versioning ?? null,
      bucket.objectLockEnabled ? 1 : 0,
    );
  }

  setVersioning(name: string, status: VersioningStatus): void {
    this.#sql.prepare('UPDATE buckets SET versioning = ? WHERE name = ?').run(status, name);
  }

  setObjectLock(name: string): void {
    this.#sql.prepare('UPDATE buckets SET object_lock = 1 WHERE name = ?').run(name);
  }

  list(): BucketInfo[] {
    return (this.#sql.prepare('SELECT * FROM buckets ORDER BY name').all() as BucketRow[]).map(toBucket);
  }

  /** Removes the bucket row and its configurations (callers check emptiness first). */
  deleteRow(name: string): void {
    this.#sql.prepare('DELETE FROM bucket_configs WHERE bucket = ?').run(name);
    this.#sql.prepare('DELETE FROM buckets WHERE name = ?').run(name);
  }

  getConfig(bucket: string, kind: string): string | undefined {
    const row = this.#sql.prepare('SELECT value FROM bucket_configs WHERE bucket = ? AND kind = ?').get(bucket, kind) as { value: string } | undefined;
    return row?.value;
  }

  setConfig(bucket: string, kind: string, value: string | undefined): void {
    if (value === undefined) this.#sql.prepare('DELETE FROM bucket_configs WHERE bucket = ? AND kind = ?').run(bucket, kind);
    else this.#sql.prepare('INSERT OR REPLACE INTO bucket_configs (bucket, kind, value) VALUES (?, ?, ?)').run(bucket, kind, value);
  }
}

function toBucket(row: BucketRow): BucketInfo {
  const bucket: BucketInfo = { name: row.name, createdAt: new Date(row.created_at), region: row.region };
  if (row.versioning !== null) bucket.versioning = row.versioning as VersioningStatus;
  if (row.object_lock === 1) bucket.objectLockEnabled = true;
  return bucket;
}
