import type { ChecksumAlgorithm, ChecksumMap, ChecksumType, MultipartUploadInfo, ObjectExtras, ObjectHeaders, PartInfo } from '@keyless/core';

/** A part row: its metadata and its blob. */
export interface StoredPart {
  info: PartInfo;
  blobId: string;
}

/** A row of `uploads`, as SQLite returns it. */
export interface UploadRow {
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

/** A row of `parts`, as SQLite returns it. */
export interface PartRow {
  upload_id: string;
  part_number: number;
  size: number;
  etag: string;
  last_modified: number;
  checksums: string;
  blob_id: string;
}

/** Decodes an upload row. */
export function toUpload(row: UploadRow): MultipartUploadInfo {
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

/** Decodes a part row. */
export function toStoredPart(row: PartRow): StoredPart {
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
