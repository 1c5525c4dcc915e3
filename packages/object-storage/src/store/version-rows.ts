import type { ChecksumMap, ChecksumType, ObjectHeaders, ObjectInfo, ObjectRetention, ObjectTag } from '@keyless/core';

/** One blob of an object, in order; a multipart object lists its part blobs (with their part data). */
export interface BlobRef {
  blobId: string;
  size: number;
  /** For a multipart object: the part number as uploaded, and the part's checksums. */
  partNumber?: number;
  checksums?: ChecksumMap;
}

/** A version row: its metadata, where its bytes are, and its position among the key's versions. */
export interface StoredVersion {
  info: ObjectInfo;
  blobs: BlobRef[];
  deleteMarker: boolean;
  /** Ascending = newest first, per key. */
  seq: number;
}

/** A row of `object_versions`, as SQLite returns it. */
export interface VersionRow {
  bucket: string;
  key: string;
  seq: number;
  version_id: string;
  is_latest: number;
  delete_marker: number;
  size: number;
  etag: string;
  last_modified: number;
  headers: string;
  user_metadata: string;
  checksums: string;
  checksum_type: string | null;
  storage_class: string;
  parts_count: number | null;
  blob_id: string | null;
  manifest: string | null;
  tags: string | null;
  retention: string | null;
  legal_hold: number;
  attributes: string;
}

/** The column values of a version row, in {@link VERSION_COLUMNS} order (seq and is_latest excluded). */
export function versionColumns(v: { info: ObjectInfo; blobs: BlobRef[]; deleteMarker: boolean }): unknown[] {
  const { info, blobs } = v;
  const single = !v.deleteMarker && info.partsCount === undefined && blobs.length === 1;
  const manifest = !v.deleteMarker && !single;
  return [
    info.bucket,
    info.key,
    info.versionId ?? 'null',
    v.deleteMarker ? 1 : 0,
    info.size,
    info.etag,
    info.lastModified.getTime(),
    JSON.stringify(info.headers),
    JSON.stringify(info.userMetadata),
    JSON.stringify(info.checksums),
    info.checksumType ?? null,
    info.storageClass,
    info.partsCount ?? null,
    single ? blobs[0]!.blobId : null,
    manifest ? JSON.stringify(blobs) : null,
    info.tags && info.tags.length > 0 ? JSON.stringify(info.tags) : null,
    info.retention ? JSON.stringify({ mode: info.retention.mode, retainUntil: info.retention.retainUntil.getTime() }) : null,
    info.legalHold ? 1 : 0,
    JSON.stringify(info.attributes ?? {}),
  ];
}

/** The columns {@link versionColumns} fills. */
export const VERSION_COLUMNS =
  'bucket, key, version_id, delete_marker, size, etag, last_modified, headers, user_metadata, checksums, checksum_type, ' +
  'storage_class, parts_count, blob_id, manifest, tags, retention, legal_hold, attributes';

/** Decodes a version row. */
export function toStoredVersion(row: VersionRow): StoredVersion {
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
    versionId: row.version_id,
    isLatest: row.is_latest === 1,
    attributes: JSON.parse(row.attributes) as Record<string, string>,
  };
  if (row.checksum_type !== null) info.checksumType = row.checksum_type as ChecksumType;
  if (row.tags !== null) info.tags = JSON.parse(row.tags) as ObjectTag[];
  if (row.retention !== null) {
    const r = JSON.parse(row.retention) as { mode: ObjectRetention['mode']; retainUntil: number };
    info.retention = { mode: r.mode, retainUntil: new Date(r.retainUntil) };
  }
  if (row.legal_hold === 1) info.legalHold = true;
  const deleteMarker = row.delete_marker === 1;
  let blobs: BlobRef[] = [];
  if (row.blob_id !== null) blobs = [{ blobId: row.blob_id, size: row.size }];
  else if (row.manifest !== null) blobs = JSON.parse(row.manifest) as BlobRef[];
  if (row.parts_count !== null) {
    info.partsCount = row.parts_count;
    info.parts = blobs.map((b, i) => ({ partNumber: b.partNumber ?? i + 1, size: b.size, checksums: b.checksums ?? {} }));
  }
  return { info, blobs, deleteMarker, seq: row.seq };
}
