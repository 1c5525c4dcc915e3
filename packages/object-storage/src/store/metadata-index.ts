import Database from 'better-sqlite3';
import { S3Error } from '@keyless/core';
import type {
  BucketInfo,
  ChecksumAlgorithm,
  ChecksumMap,
  ChecksumType,
  MultipartUploadInfo,
  ObjectExtras,
  ObjectHeaders,
  ObjectInfo,
  PartInfo,
  VersioningStatus,
} from '@keyless/core';
import { foldListing, type FoldOptions, type FoldResult, type RangeStart } from './fold-listing.js';
import { SCHEMA_MIGRATIONS } from './schema-migrations.js';
import { toStoredVersion, VERSION_COLUMNS, versionColumns, type BlobRef, type StoredVersion, type VersionRow } from './version-rows.js';

export type { BlobRef, StoredVersion } from './version-rows.js';

interface BucketRow {
  name: string;
  created_at: number;
  region: string;
  versioning: string | null;
  object_lock: number;
}

/** A part row: its metadata and its blob. */
export interface StoredPart {
  info: PartInfo;
  blobId: string;
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
  checksum_type: string | null;
  extras: string | null;
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

  // ---- buckets -------------------------------------------------------------------------------

  getBucket(name: string): BucketInfo | undefined {
    const row = this.#sql('SELECT * FROM buckets WHERE name = ?').get(name) as BucketRow | undefined;
    return row && toBucket(row);
  }

  /** The bucket, or NoSuchBucket. */
  requireBucket(name: string): BucketInfo {
    const bucket = this.getBucket(name);
    if (!bucket) throw new S3Error('NoSuchBucket', undefined, { BucketName: name });
    return bucket;
  }

  insertBucket(bucket: BucketInfo): void {
    this.#sql('INSERT INTO buckets (name, created_at, region, versioning, object_lock) VALUES (?, ?, ?, ?, ?)').run(
      bucket.name,
      bucket.createdAt.getTime(),
      bucket.region,
      bucket.versioning ?? null,
      bucket.objectLockEnabled ? 1 : 0,
    );
  }

  setBucketVersioning(name: string, status: VersioningStatus): void {
    this.#sql('UPDATE buckets SET versioning = ? WHERE name = ?').run(status, name);
  }

  setBucketObjectLock(name: string): void {
    this.#sql('UPDATE buckets SET object_lock = 1 WHERE name = ?').run(name);
  }

  listBuckets(): BucketInfo[] {
    return (this.#sql('SELECT * FROM buckets ORDER BY name').all() as BucketRow[]).map(toBucket);
  }

  /** True while any version or delete marker remains (S3 refuses to delete such a bucket). */
  hasObjects(bucket: string): boolean {
    return this.#sql('SELECT 1 FROM object_versions WHERE bucket = ? LIMIT 1').get(bucket) !== undefined;
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

  // ---- object versions -----------------------------------------------------------------------

  /** The key's newest version or delete marker. */
  latestVersion(bucket: string, key: string): StoredVersion | undefined {
    const row = this.#sql('SELECT * FROM object_versions WHERE bucket = ? AND key = ? ORDER BY seq LIMIT 1').get(bucket, key) as VersionRow | undefined;
    return row && toStoredVersion(row);
  }

  versionById(bucket: string, key: string, versionId: string): StoredVersion | undefined {
    const row = this.#sql('SELECT * FROM object_versions WHERE bucket = ? AND key = ? AND version_id = ?').get(bucket, key, versionId) as VersionRow | undefined;
    return row && toStoredVersion(row);
  }

  /**
   * Adds a version (or delete marker) as the key's newest: it takes the smallest seq minus one and
   * the latest flag. The caller removed any version with the same id first (the null version).
   */
  insertVersion(v: { info: ObjectInfo; blobs: BlobRef[]; deleteMarker: boolean }): void {
    const { bucket, key } = v.info;
    const min = (this.#sql('SELECT MIN(seq) AS m FROM object_versions WHERE bucket = ? AND key = ?').get(bucket, key) as { m: number | null }).m;
    this.#sql('UPDATE object_versions SET is_latest = 0 WHERE bucket = ? AND key = ? AND is_latest = 1').run(bucket, key);
    this.#sql(`INSERT INTO object_versions (seq, is_latest, ${VERSION_COLUMNS}) VALUES (?, 1, ${VERSION_COLUMNS.split(',').map(() => '?').join(', ')})`).run(
      min === null ? 0 : min - 1,
      ...versionColumns(v),
    );
  }

  /** Removes one version; when it was the latest, the next newest becomes latest. */
  deleteVersion(version: StoredVersion): void {
    const { bucket, key } = version.info;
    this.#sql('DELETE FROM object_versions WHERE bucket = ? AND key = ? AND seq = ?').run(bucket, key, version.seq);
    if (version.info.isLatest) {
      this.#sql(
        'UPDATE object_versions SET is_latest = 1 WHERE bucket = ? AND key = ? AND seq = (SELECT MIN(seq) FROM object_versions WHERE bucket = ? AND key = ?)',
      ).run(bucket, key, bucket, key);
    }
  }

  /** Rewrites the extras (tags, retention, legal hold, attributes) of one version. */
  updateVersionExtras(version: StoredVersion, info: ObjectInfo): void {
    const { bucket, key } = version.info;
    this.#sql('UPDATE object_versions SET tags = ?, retention = ?, legal_hold = ?, attributes = ? WHERE bucket = ? AND key = ? AND seq = ?').run(
      info.tags && info.tags.length > 0 ? JSON.stringify(info.tags) : null,
      info.retention ? JSON.stringify({ mode: info.retention.mode, retainUntil: info.retention.retainUntil.getTime() }) : null,
      info.legalHold ? 1 : 0,
      JSON.stringify(info.attributes ?? {}),
      bucket,
      key,
      version.seq,
    );
  }

  /** A page of latest non-delete-marker versions and common prefixes (see {@link foldListing}). */
  listObjects(bucket: string, opts: FoldOptions): FoldResult<StoredVersion> {
    return this.#foldVersions(bucket, opts, 'current');
  }

  /** A page of all versions and delete markers (by key, newest first) and common prefixes. */
  listVersions(bucket: string, opts: FoldOptions): FoldResult<StoredVersion> {
    return this.#foldVersions(bucket, opts, 'all');
  }

  #foldVersions(bucket: string, opts: FoldOptions, which: 'current' | 'all'): FoldResult<StoredVersion> {
    const page = foldListing<VersionRow>(
      {
        fetch: (start, below, limit) => this.#rangeStatement(which, start, below).iterate(bucket, ...rangeArgs(start, below), limit) as Iterable<VersionRow>,
        keyOf: (row) => row.key,
        tiebreakOf: which === 'all' ? (row) => row.seq : undefined,
      },
      opts,
    );
    const lastRow = page.last?.row;
    return { ...page, rows: page.rows.map(toStoredVersion), last: page.last && { key: page.last.key, row: lastRow && toStoredVersion(lastRow) } };
  }

  // ---- multipart -----------------------------------------------------------------------------

  insertUpload(upload: MultipartUploadInfo): void {
    this.#sql(
      `INSERT INTO uploads (upload_id, bucket, key, initiated, headers, user_metadata, storage_class, checksum_algorithm, checksum_type, extras)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    ).run(
      upload.uploadId,
      upload.bucket,
      upload.key,
      upload.initiated.getTime(),
      JSON.stringify(upload.headers),
      JSON.stringify(upload.userMetadata),
      upload.storageClass,
      upload.checksumAlgorithm ?? null,
      upload.checksumType ?? null,
      upload.extras ? JSON.stringify(upload.extras) : null,
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
          this.#rangeStatement('uploads', start, below).iterate(bucket, ...rangeArgs(start, below), limit) as Iterable<UploadRow>,
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
    for (const row of this.#sql('SELECT blob_id FROM object_versions WHERE blob_id IS NOT NULL UNION ALL SELECT blob_id FROM parts').iterate() as Iterable<{ blob_id: string }>) {
      ids.add(row.blob_id);
    }
    for (const row of this.#sql('SELECT manifest FROM object_versions WHERE manifest IS NOT NULL').iterate() as Iterable<{ manifest: string }>) {
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

  /**
   * An index range scan for one bucket, from `start`, below `below`: over multipart uploads (by
   * key, upload id), all object versions (by key, seq) or the current ones (the partial index
   * `object_versions_current`, by key).
   */
  #rangeStatement(which: 'uploads' | 'all' | 'current', start: RangeStart, below: string | undefined): Database.Statement {
    const tiebreakColumn = which === 'uploads' ? 'upload_id' : 'seq';
    const lower = start.mode === 'from' ? 'key >= ?' : start.tiebreak !== undefined ? `(key, ${tiebreakColumn}) > (?, ?)` : 'key > ?';
    const upper = below === undefined ? '' : ' AND key < ?';
    const from = {
      uploads: 'uploads WHERE bucket = ?',
      all: 'object_versions WHERE bucket = ?',
      current: 'object_versions INDEXED BY object_versions_current WHERE bucket = ? AND is_latest = 1 AND delete_marker = 0',
    }[which];
    const order = { uploads: 'key, upload_id', all: 'key, seq', current: 'key' }[which];
    return this.#sql(`SELECT * FROM ${from} AND ${lower}${upper} ORDER BY ${order} LIMIT ?`);
  }
}

function rangeArgs(start: RangeStart, below: string | undefined): (string | number)[] {
  const args: (string | number)[] = [start.key];
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

function toBucket(row: BucketRow): BucketInfo {
  const bucket: BucketInfo = { name: row.name, createdAt: new Date(row.created_at), region: row.region };
  if (row.versioning !== null) bucket.versioning = row.versioning as VersioningStatus;
  if (row.object_lock === 1) bucket.objectLockEnabled = true;
  return bucket;
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
  if (row.checksum_type !== null) upload.checksumType = row.checksum_type as ChecksumType;
  if (row.extras !== null) upload.extras = reviveExtras(JSON.parse(row.extras) as ObjectExtras);
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

/** Extras as read back from JSON (dates are numbers or strings there). */
function reviveExtras(extras: ObjectExtras): ObjectExtras {
  if (extras.retention) extras.retention = { mode: extras.retention.mode, retainUntil: new Date(extras.retention.retainUntil) };
  return extras;
}
