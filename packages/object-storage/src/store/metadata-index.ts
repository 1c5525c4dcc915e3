import Database from 'better-sqlite3';
import { S3Error } from '@keyless/core';
import type {
  BucketInfo,
  ChecksumAlgorithm,
  ChecksumMap,
  MultipartUploadInfo,
  ObjectHeaders,
  ObjectInfo,
  PartInfo,
} from '@keyless/core';
import { foldListing, type FoldOptions, type FoldResult, type RangeStart } from './fold-listing.js';
import { SCHEMA_MIGRATIONS } from './schema-migrations.js';

/** One blob of an object, in order; a multipart object lists its part blobs. */
export interface BlobRef {
  blobId: string;
  size: number;
}

/** An object row: its metadata and where its bytes are. */
export interface StoredObject {
  info: ObjectInfo;
  blobs: BlobRef[];
}

/** A part row: its metadata and its blob. */
export interface StoredPart {
  info: PartInfo;
  blobId: string;
}

interface ObjectRow {
  bucket: string;
  key: string;
  size: number;
  etag: string;
  last_modified: number;
  headers: string;
  user_metadata: string;
  checksums: string;
  storage_class: string;
  parts_count: number | null;
  blob_id: string | null;
  manifest: string | null;
}

interface UploadRow {
  upload_id: string;
  bucket: string;
  key: string;
  initiated: number;
  headers: string;
  user_metadata: string;
  storage_class: string;
  checksum_algorithm: string | null;
}

interface PartRow {
  upload_id: string;
  part_number: number;
  size: number;
  etag: string;
  last_modified: number;
  checksums: string;
  blob_id: string;
}

/**
 * The SQLite half of `FsObjectStore`: buckets, bucket configurations, objects, multipart uploads
 * and parts in one database (`meta.db`, WAL, `synchronous=FULL` so a commit survives power loss).
 * Every method is synchronous; {@link transact} groups calls atomically, and since better-sqlite3
 * runs on the event loop thread no other JavaScript interleaves with a transaction.
 */
export class MetadataIndex {
  readonly #db: Database.Database;
  readonly #statements = new Map<string, Database.Statement>();

  private constructor(db: Database.Database) {
    this.#db = db;
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

  // ---- buckets -------------------------------------------------------------------------------

  getBucket(name: string): BucketInfo | undefined {
    const row = this.#sql('SELECT name, created_at, region FROM buckets WHERE name = ?').get(name) as
      | { name: string; created_at: number; region: string }
      | undefined;
    return row && { name: row.name, createdAt: new Date(row.created_at), region: row.region };
  }

  /** The bucket, or NoSuchBucket. */
  requireBucket(name: string): BucketInfo {
    const bucket = this.getBucket(name);
    if (!bucket) throw new S3Error('NoSuchBucket', undefined, { BucketName: name });
    return bucket;
  }

  insertBucket(bucket: BucketInfo): void {
    this.#sql('INSERT INTO buckets (name, created_at, region) VALUES (?, ?, ?)').run(bucket.name, bucket.createdAt.getTime(), bucket.region);
  }

  listBuckets(): BucketInfo[] {
    const rows = this.#sql('SELECT name, created_at, region FROM buckets ORDER BY name').all() as { name: string; created_at: number; region: string }[];
    return rows.map((row) => ({ name: row.name, createdAt: new Date(row.created_at), region: row.region }));
  }

  hasObjects(bucket: string): boolean {
    return this.#sql('SELECT 1 FROM objects WHERE bucket = ? LIMIT 1').get(bucket) !== undefined;
  }

  /** Removes the bucket row and its configurations (callers check emptiness first). */
  deleteBucketRow(name: string): void {
    this.#sql('DELETE FROM bucket_configs WHERE bucket = ?').run(name);
    this.#sql('DELETE FROM buckets WHERE name = ?').run(name);
  }

  getBucketConfig(bucket: string, kind: string): string | undefined {
    const row = this.#sql('SELECT value FROM bucket_configs WHERE bucket = ? AND kind = ?').get(bucket, kind) as { value: string } | undefined;
    return row?.value;
  }

  setBucketConfig(bucket: string, kind: string, value: string | undefined): void {
    if (value === undefined) this.#sql('DELETE FROM bucket_configs WHERE bucket = ? AND kind = ?').run(bucket, kind);
    else this.#sql('INSERT OR REPLACE INTO bucket_configs (bucket, kind, value) VALUES (?, ?, ?)').run(bucket, kind, value);
  }

  // ---- objects -------------------------------------------------------------------------------

  getObject(bucket: string, key: string): StoredObject | undefined {
    const row = this.#sql('SELECT * FROM objects WHERE bucket = ? AND key = ?').get(bucket, key) as ObjectRow | undefined;
    return row && toStoredObject(row);
  }

  /** Inserts or replaces the object at (bucket, key). */
  putObjectRow(obj: StoredObject): void {
    const { info, blobs } = obj;
    const single = info.partsCount === undefined && blobs.length === 1;
    this.#sql(
      `INSERT OR REPLACE INTO objects (bucket, key, size, etag, last_modified, headers, user_metadata, checksums,
         storage_class, parts_count, blob_id, manifest) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    ).run(
      info.bucket,
      info.key,
      info.size,
      info.etag,
      info.lastModified.getTime(),
      JSON.stringify(info.headers),
      JSON.stringify(info.userMetadata),
      JSON.stringify(info.checksums),
      info.storageClass,
      info.partsCount ?? null,
      single ? blobs[0]!.blobId : null,
      single ? null : JSON.stringify(blobs),
    );
  }

  deleteObjectRow(bucket: string, key: string): void {
    this.#sql('DELETE FROM objects WHERE bucket = ? AND key = ?').run(bucket, key);
  }

  /** A page of objects and common prefixes (see {@link foldListing}). */
  listObjects(bucket: string, opts: FoldOptions): FoldResult<StoredObject> {
    const page = foldListing<ObjectRow>(
      {
        fetch: (start, below, limit) => this.#rangeStatement('objects', 'key', start, below).iterate(bucket, ...rangeArgs(start, below), limit) as Iterable<ObjectRow>,
        keyOf: (row) => row.key,
      },
      opts,
    );
    const rows = page.rows.map(toStoredObject);
    const lastRow = page.last?.row;
    return { ...page, rows, last: page.last && { key: page.last.key, row: lastRow && toStoredObject(lastRow) } };
  }

  // ---- multipart -----------------------------------------------------------------------------

  insertUpload(upload: MultipartUploadInfo): void {
    this.#sql(
      `INSERT INTO uploads (upload_id, bucket, key, initiated, headers, user_metadata, storage_class, checksum_algorithm)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
    ).run(
      upload.uploadId,
      upload.bucket,
      upload.key,
      upload.initiated.getTime(),
      JSON.stringify(upload.headers),
      JSON.stringify(upload.userMetadata),
      upload.storageClass,
      upload.checksumAlgorithm ?? null,
    );
  }

  /** The upload with that id, only if it belongs to (bucket, key). */
  getUpload(bucket: string, key: string, uploadId: string): MultipartUploadInfo | undefined {
    const row = this.#sql('SELECT * FROM uploads WHERE upload_id = ?').get(uploadId) as UploadRow | undefined;
    return row && row.bucket === bucket && row.key === key ? toUpload(row) : undefined;
  }

  /** The upload, or NoSuchUpload. */
  requireUpload(bucket: string, key: string, uploadId: string): MultipartUploadInfo {
    const upload = this.getUpload(bucket, key, uploadId);
    if (!upload) throw new S3Error('NoSuchUpload', undefined, { UploadId: uploadId });
    return upload;
  }

  /** Ids of the bucket's uploads in progress. */
  uploadIdsOfBucket(bucket: string): string[] {
    return (this.#sql('SELECT upload_id FROM uploads WHERE bucket = ?').all(bucket) as { upload_id: string }[]).map((r) => r.upload_id);
  }

  /** Deletes the upload and its part rows; returns the part blobs, now unreferenced. */
  deleteUpload(uploadId: string): string[] {
    const blobs = (this.#sql('SELECT blob_id FROM parts WHERE upload_id = ?').all(uploadId) as { blob_id: string }[]).map((r) => r.blob_id);
    this.#sql('DELETE FROM parts WHERE upload_id = ?').run(uploadId);
    this.#sql('DELETE FROM uploads WHERE upload_id = ?').run(uploadId);
    return blobs;
  }

  getPart(uploadId: string, partNumber: number): StoredPart | undefined {
    const row = this.#sql('SELECT * FROM parts WHERE upload_id = ? AND part_number = ?').get(uploadId, partNumber) as PartRow | undefined;
    return row && toStoredPart(row);
  }

  /** Inserts or replaces a part. */
  putPart(uploadId: string, part: StoredPart): void {
    const { info } = part;
    this.#sql(
      `INSERT OR REPLACE INTO parts (upload_id, part_number, size, etag, last_modified, checksums, blob_id)
       VALUES (?, ?, ?, ?, ?, ?, ?)`,
    ).run(uploadId, info.partNumber, info.size, info.etag, info.lastModified.getTime(), JSON.stringify(info.checksums), part.blobId);
  }

  /** Parts numbered above `after`, ascending, at most `limit`. */
  listParts(uploadId: string, after: number, limit: number): StoredPart[] {
    const rows = this.#sql('SELECT * FROM parts WHERE upload_id = ? AND part_number > ? ORDER BY part_number LIMIT ?').all(uploadId, after, limit) as PartRow[];
    return rows.map(toStoredPart);
  }

  /** A page of uploads (ordered by key, then upload id) and common prefixes. */
  listUploads(bucket: string, opts: FoldOptions): FoldResult<MultipartUploadInfo> {
    const page = foldListing<UploadRow>(
      {
        fetch: (start, below, limit) =>
          this.#rangeStatement('uploads', 'key, upload_id', start, below).iterate(bucket, ...rangeArgs(start, below), limit) as Iterable<UploadRow>,
        keyOf: (row) => row.key,
        tiebreakOf: (row) => row.upload_id,
      },
      opts,
    );
    const lastRow = page.last?.row;
    return { ...page, rows: page.rows.map(toUpload), last: page.last && { key: page.last.key, row: lastRow && toUpload(lastRow) } };
  }

  /** Every blob id referenced by an object or a part (for the start-up orphan sweep). */
  referencedBlobIds(): Set<string> {
    const ids = new Set<string>();
    for (const row of this.#sql('SELECT blob_id FROM objects WHERE blob_id IS NOT NULL UNION ALL SELECT blob_id FROM parts').iterate() as Iterable<{ blob_id: string }>) {
      ids.add(row.blob_id);
    }
    for (const row of this.#sql('SELECT manifest FROM objects WHERE manifest IS NOT NULL').iterate() as Iterable<{ manifest: string }>) {
      for (const blob of JSON.parse(row.manifest) as BlobRef[]) ids.add(blob.blobId);
    }
    return ids;
  }

  // ---- helpers -------------------------------------------------------------------------------

  #sql(source: string): Database.Statement {
    let statement = this.#statements.get(source);
    if (!statement) {
      statement = this.#db.prepare(source);
      this.#statements.set(source, statement);
    }
    return statement;
  }

  /** An index range scan over `table` for one bucket, from `start`, below `below`. */
  #rangeStatement(table: 'objects' | 'uploads', order: string, start: RangeStart, below: string | undefined): Database.Statement {
    const lower = start.mode === 'from' ? 'key >= ?' : start.tiebreak !== undefined ? '(key, upload_id) > (?, ?)' : 'key > ?';
    const upper = below === undefined ? '' : ' AND key < ?';
    return this.#sql(`SELECT * FROM ${table} WHERE bucket = ? AND ${lower}${upper} ORDER BY ${order} LIMIT ?`);
  }
}

function rangeArgs(start: RangeStart, below: string | undefined): string[] {
  const args = [start.key];
  if (start.mode === 'after' && start.tiebreak !== undefined) args.push(start.tiebreak);
  if (below !== undefined) args.push(below);
  return args;
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

function toStoredObject(row: ObjectRow): StoredObject {
  const info: ObjectInfo = {
    bucket: row.bucket,
    key: row.key,
    size: row.size,
    etag: row.etag,
    lastModified: new Date(row.last_modified),
    headers: JSON.parse(row.headers) as ObjectHeaders,
    userMetadata: JSON.parse(row.user_metadata) as Record<string, string>,
    checksums: JSON.parse(row.checksums) as ChecksumMap,
    storageClass: row.storage_class,
  };
  if (row.parts_count !== null) info.partsCount = row.parts_count;
  const blobs: BlobRef[] = row.blob_id !== null ? [{ blobId: row.blob_id, size: row.size }] : (JSON.parse(row.manifest ?? '[]') as BlobRef[]);
  return { info, blobs };
}

function toUpload(row: UploadRow): MultipartUploadInfo {
  const upload: MultipartUploadInfo = {
    bucket: row.bucket,
    key: row.key,
    uploadId: row.upload_id,
    initiated: new Date(row.initiated),
    headers: JSON.parse(row.headers) as ObjectHeaders,
    userMetadata: JSON.parse(row.user_metadata) as Record<string, string>,
    storageClass: row.storage_class,
  };
  if (row.checksum_algorithm !== null) upload.checksumAlgorithm = row.checksum_algorithm as ChecksumAlgorithm;
  return upload;
}

function toStoredPart(row: PartRow): StoredPart {
  return {
    info: {
      partNumber: row.part_number,
      size: row.size,
      etag: row.etag,
      lastModified: new Date(row.last_modified),
      checksums: JSON.parse(row.checksums) as ChecksumMap,
    },
    blobId: row.blob_id,
  };
}
