import type { ObjectInfo } from '@keyless/core';
import { foldListing, type FoldOptions, type FoldResult } from './fold-listing.js';
import { rangeArgs, rangeScanSql } from './range-scan.js';
import type { StatementCache } from './statement-cache.js';
import { toStoredVersion, VERSION_COLUMNS, versionColumns, type BlobRef, type StoredVersion, type VersionRow } from './version-rows.js';

/** The SQL of the `object_versions` table: versions and delete markers (part of {@link MetadataIndex}). */
export class VersionTable {
  readonly #sql: StatementCache;

  constructor(sql: StatementCache) {
    this.#sql = sql;
  }

  /** True while any version or delete marker remains in the bucket (S3 refuses to delete such a bucket). */
  hasObjects(bucket: string): boolean {
    return this.#sql.prepare('SELECT 1 FROM object_versions WHERE bucket = ? LIMIT 1').get(bucket) !== undefined;
  }

  /** The key's newest version or delete marker. */
  latest(bucket: string, key: string): StoredVersion | undefined {
    const row = this.#sql.prepare('SELECT * FROM object_versions WHERE bucket = ? AND key = ? ORDER BY seq LIMIT 1').get(bucket, key) as VersionRow | undefined;
    return row && toStoredVersion(row);
  }

  byId(bucket: string, key: string, versionId: string): StoredVersion | undefined {
    const row = this.#sql.prepare('SELECT * FROM object_versions WHERE bucket = ? AND key = ? AND version_id = ?').get(bucket, key, versionId) as VersionRow | undefined;
    return row && toStoredVersion(row);
  }

  /**
   * Adds a version (or delete marker) as the key's newest: it takes the smallest seq minus one and
   * the latest flag. The caller removed any version with the same id first (the null version).
   */
  insert(v: { info: ObjectInfo; blobs: BlobRef[]; deleteMarker: boolean }): void {
    const { bucket, key } = v.info;
    const min = (this.#sql.prepare('SELECT MIN(seq) AS m FROM object_versions WHERE bucket = ? AND key = ?').get(bucket, key) as { m: number | null }).m;
    this.#sql.prepare('UPDATE object_versions SET is_latest = 0 WHERE bucket = ? AND key = ? AND is_latest = 1').run(bucket, key);
    this.#sql.prepare(`INSERT INTO object_versions (seq, is_latest, ${VERSION_COLUMNS}) VALUES (?, 1, ${VERSION_COLUMNS.split(',').map(() => '?').join(', ')})`).run(
      min === null ? 0 : min - 1,
      ...versionColumns(v),
    );
  }

  /** Removes one version; when it was the latest, the next newest becomes latest. */
  delete(version: StoredVersion): void {
    const { bucket, key } = version.info;
    this.#sql.prepare('DELETE FROM object_versions WHERE bucket = ? AND key = ? AND seq = ?').run(bucket, key, version.seq);
    if (version.info.isLatest) {
      this.#sql.prepare(
        'UPDATE object_versions SET is_latest = 1 WHERE bucket = ? AND key = ? AND seq = (SELECT MIN(seq) FROM object_versions WHERE bucket = ? AND key = ?)',
      ).run(bucket, key, bucket, key);
    }
  }

  /** Rewrites the extras (tags, retention, legal hold, attributes) of one version. */
  updateExtras(version: StoredVersion, info: ObjectInfo): void {
    const { bucket, key } = version.info;
    this.#sql.prepare('UPDATE object_versions SET tags = ?, retention = ?, legal_hold = ?, attributes = ? WHERE bucket = ? AND key = ? AND seq = ?').run(
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
    return this.#fold(bucket, opts, 'current');
  }

  /** A page of all versions and delete markers (by key, newest first) and common prefixes. */
  listVersions(bucket: string, opts: FoldOptions): FoldResult<StoredVersion> {
    return this.#fold(bucket, opts, 'all');
  }

  #fold(bucket: string, opts: FoldOptions, which: 'current' | 'all'): FoldResult<StoredVersion> {
    const page = foldListing<VersionRow>(
      {
        fetch: (start, below, limit) => this.#sql.prepare(rangeScanSql(which, start, below)).iterate(bucket, ...rangeArgs(start, below), limit) as Iterable<VersionRow>,
        keyOf: (row) => row.key,
        tiebreakOf: which === 'all' ? (row) => row.seq : undefined,
      },
      opts,
    );
    const lastRow = page.last?.row;
    return { ...page, rows: page.rows.map(toStoredVersion), last: page.last && { key: page.last.key, row: lastRow && toStoredVersion(lastRow) } };
  }
}
