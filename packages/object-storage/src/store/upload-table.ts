import { S3Error } from '@keyless/core';
import type { MultipartUploadInfo } from '@keyless/core';
import { foldListing, type FoldOptions, type FoldResult } from './fold-listing.js';
import { rangeArgs, rangeScanSql } from './range-scan.js';
import type { StatementCache } from './statement-cache.js';
import { toStoredPart, toUpload, type PartRow, type StoredPart, type UploadRow } from './upload-rows.js';

/** The SQL of the `uploads` and `parts` tables: multipart uploads in progress (part of {@link MetadataIndex}). */
export class UploadTable {
  readonly #sql: StatementCache;

  constructor(sql: StatementCache) {
    this.#sql = sql;
  }

  insert(upload: MultipartUploadInfo): void {
    this.#sql.prepare(
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
  get(bucket: string, key: string, uploadId: string): MultipartUploadInfo | undefined {
    const row = this.#sql.prepare('SELECT * FROM uploads WHERE upload_id = ?').get(uploadId) as UploadRow | undefined;
    return row && row.bucket === bucket && row.key === key ? toUpload(row) : undefined;
  }

  /** The upload, or NoSuchUpload. */
  require(bucket: string, key: string, uploadId: string): MultipartUploadInfo {
    const upload = this.get(bucket, key, uploadId);
    if (!upload) throw new S3Error('NoSuchUpload', undefined, { UploadId: uploadId });
    return upload;
  }

  /** Ids of the bucket's uploads in progress. */
  idsOfBucket(bucket: string): string[] {
    return (this.#sql.prepare('SELECT upload_id FROM uploads WHERE bucket = ?').all(bucket) as { upload_id: string }[]).map((r) => r.upload_id);
  }

  /** Deletes the upload and its part rows; returns the part blobs, now unreferenced. */
  delete(uploadId: string): string[] {
    const blobs = (this.#sql.prepare('SELECT blob_id FROM parts WHERE upload_id = ?').all(uploadId) as { blob_id: string }[]).map((r) => r.blob_id);
    this.#sql.prepare('DELETE FROM parts WHERE upload_id = ?').run(uploadId);
    this.#sql.prepare('DELETE FROM uploads WHERE upload_id = ?').run(uploadId);
    return blobs;
  }

  getPart(uploadId: string, partNumber: number): StoredPart | undefined {
    const row = this.#sql.prepare('SELECT * FROM parts WHERE upload_id = ? AND part_number = ?').get(uploadId, partNumber) as PartRow | undefined;
    return row && toStoredPart(row);
  }

  /** Inserts or replaces a part. */
  putPart(uploadId: string, part: StoredPart): void {
    const { info } = part;
    this.#sql.prepare(
      `INSERT OR REPLACE INTO parts (upload_id, part_number, size, etag, last_modified, checksums, blob_id)
       VALUES (?, ?, ?, ?, ?, ?, ?)`,
    ).run(uploadId, info.partNumber, info.size, info.etag, info.lastModified.getTime(), JSON.stringify(info.checksums), part.blobId);
  }

  /** Parts numbered above `after`, ascending, at most `limit`. */
  listParts(uploadId: string, after: number, limit: number): StoredPart[] {
    const rows = this.#sql.prepare('SELECT * FROM parts WHERE upload_id = ? AND part_number > ? ORDER BY part_number LIMIT ?').all(uploadId, after, limit) as PartRow[];
    return rows.map(toStoredPart);
  }

  /** A page of uploads (ordered by key, then upload id) and common prefixes. */
  list(bucket: string, opts: FoldOptions): FoldResult<MultipartUploadInfo> {
    const page = foldListing<UploadRow>(
      {
        fetch: (start, below, limit) =>
          this.#sql.prepare(rangeScanSql('uploads', start, below)).iterate(bucket, ...rangeArgs(start, below), limit) as Iterable<UploadRow>,
        keyOf: (row) => row.key,
        tiebreakOf: (row) => row.upload_id,
      },
      opts,
    );
    const lastRow = page.last?.row;
    return { ...page, rows: page.rows.map(toUpload), last: page.last && { key: page.last.key, row: lastRow && toUpload(lastRow) } };
  }
}
