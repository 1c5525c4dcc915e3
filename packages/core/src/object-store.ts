import type { Readable } from 'node:stream';

/** The checksum algorithms S3 supports (`x-amz-checksum-*`). */
export type ChecksumAlgorithm = 'CRC32' | 'CRC32C' | 'CRC64NVME' | 'SHA1' | 'SHA256';

/** Checksum values by algorithm, base64 as on the wire. */
export type ChecksumMap = Partial<Record<ChecksumAlgorithm, string>>;

/** A bucket as stored. */
export interface BucketInfo {
  name: string;
  createdAt: Date;
  /** The region the bucket was created in (LocationConstraint). */
  region: string;
}

/** The standard HTTP headers S3 stores with an object and returns on GET/HEAD. */
export interface ObjectHeaders {
  contentType?: string;
  contentEncoding?: string;
  contentDisposition?: string;
  contentLanguage?: string;
  cacheControl?: string;
  expires?: string;
}

/** An object's metadata, as stored. */
export interface ObjectInfo {
  bucket: string;
  key: string;
  size: number;
  /** MD5 hex, or `md5-of-part-md5s-N` for multipart; without quotes (the HTTP layer adds them). */
  etag: string;
  lastModified: Date;
  headers: ObjectHeaders;
  /** `x-amz-meta-*` without the prefix, names lower-cased. */
  userMetadata: Record<string, string>;
  checksums: ChecksumMap;
  storageClass: string;
  /** Number of parts for a multipart object; absent for a single PUT. */
  partsCount?: number;
}

/** An inclusive byte range, already resolved against the object size. */
export interface ByteRange {
  start: number;
  end: number;
}

/** What a write needs besides the bytes. */
export interface ObjectWriteInput {
  bucket: string;
  key: string;
  /**
   * The decoded object bytes. Verification (SHA-256, checksums, chunk signatures) happens in
   * transforms upstream: a failed check surfaces as an error on this stream, and the store must
   * then abort the write so that nothing becomes visible.
   */
  body: Readable;
  headers: ObjectHeaders;
  userMetadata: Record<string, string>;
  storageClass?: string;
  /**
   * Called once the body has ended and before the commit. Returns the checksums to record with the
   * object; may throw (an S3Error) to abort the write.
   */
  finalize?: () => { checksums?: ChecksumMap };
  /**
   * Called inside the commit with the object currently at the key (or undefined); throwing refuses
   * the write atomically (conditional writes: If-Match / If-None-Match).
   */
  precondition?: (current: ObjectInfo | undefined) => void;
}

/** The options of a listing, already validated by the HTTP layer. */
export interface ListObjectsOptions {
  prefix?: string;
  delimiter?: string;
  /** Exclusive lower bound: list keys (and prefixes) strictly greater, in UTF-8 byte order. */
  startAfter?: string;
  /** 0..1000; objects and common prefixes together count against it. */
  maxKeys: number;
}

export interface ListObjectsResult {
  objects: ObjectInfo[];
  commonPrefixes: string[];
  isTruncated: boolean;
  /** The last key or common prefix returned, when truncated. */
  nextMarker?: string;
}

/** A multipart upload in progress. */
export interface MultipartUploadInfo {
  bucket: string;
  key: string;
  uploadId: string;
  initiated: Date;
  headers: ObjectHeaders;
  userMetadata: Record<string, string>;
  storageClass: string;
  checksumAlgorithm?: ChecksumAlgorithm;
}

/** One uploaded part. */
export interface PartInfo {
  partNumber: number;
  size: number;
  /** MD5 hex of the part, without quotes. */
  etag: string;
  lastModified: Date;
  checksums: ChecksumMap;
}

export interface ListPartsResult {
  upload: MultipartUploadInfo;
  parts: PartInfo[];
  isTruncated: boolean;
  nextPartNumberMarker?: number;
}

export interface ListUploadsOptions {
  prefix?: string;
  delimiter?: string;
  keyMarker?: string;
  uploadIdMarker?: string;
  maxUploads: number;
}

export interface ListUploadsResult {
  uploads: MultipartUploadInfo[];
  commonPrefixes: string[];
  isTruncated: boolean;
  nextKeyMarker?: string;
  nextUploadIdMarker?: string;
}

/**
 * Buckets, objects and multipart uploads. `FsObjectStore` (SQLite metadata + blob files) is the
 * first implementation; every implementation passes the contract suite in `@keyless/core/testing`.
 *
 * Errors are thrown as `S3Error`: NoSuchBucket, NoSuchKey, NoSuchUpload, BucketAlreadyOwnedByYou,
 * BucketNotEmpty, InvalidPart, InvalidPartOrder, EntityTooSmall, XMinioStorageFull.
 */
export interface ObjectStore {
  /** Creates the bucket; throws BucketAlreadyOwnedByYou if it exists. */
  createBucket(name: string, opts: { region: string }): Promise<BucketInfo>;
  getBucket(name: string): Promise<BucketInfo | undefined>;
  /** All buckets, sorted by name. */
  listBuckets(): Promise<BucketInfo[]>;
  /** Throws NoSuchBucket, or BucketNotEmpty if any object remains; aborts leftover uploads. */
  deleteBucket(name: string): Promise<void>;

  /**
   * A bucket's sub-resource configuration (policy, CORS, tagging, lifecycle, ...) as opaque text.
   * Throws NoSuchBucket.
   */
  getBucketConfig(bucket: string, kind: string): Promise<string | undefined>;
  /** Sets (or with `undefined`, deletes) a bucket configuration. Throws NoSuchBucket. */
  putBucketConfig(bucket: string, kind: string, value: string | undefined): Promise<void>;

  /** Streams `body` to durable storage and commits atomically; replaces any object at the key. */
  putObject(input: ObjectWriteInput): Promise<ObjectInfo>;
  /** Throws NoSuchBucket / NoSuchKey. */
  getObjectInfo(bucket: string, key: string): Promise<ObjectInfo>;
  /**
   * Opens the object for reading. `select` sees the object's metadata first (a consistent
   * snapshot): it may throw (preconditions, InvalidRange) or return the byte range to read.
   * The returned stream keeps reading what was opened even if the object is deleted meanwhile.
   */
  openObject(
    bucket: string,
    key: string,
    select?: (info: ObjectInfo) => ByteRange | undefined,
  ): Promise<{ info: ObjectInfo; range?: ByteRange; body: Readable }>;
  /** Deletes the object; deleting a missing key succeeds (as S3). Throws NoSuchBucket. */
  deleteObject(bucket: string, key: string): Promise<void>;
  /** Keys in UTF-8 byte order. Throws NoSuchBucket. */
  listObjects(bucket: string, opts: ListObjectsOptions): Promise<ListObjectsResult>;

  createMultipartUpload(input: {
    bucket: string;
    key: string;
    headers: ObjectHeaders;
    userMetadata: Record<string, string>;
    storageClass?: string;
    checksumAlgorithm?: ChecksumAlgorithm;
  }): Promise<MultipartUploadInfo>;
  /** Throws NoSuchUpload when the upload is not in progress for that bucket and key. */
  getMultipartUpload(bucket: string, key: string, uploadId: string): Promise<MultipartUploadInfo>;
  /** Stores one part (1..10000), replacing an earlier upload of the same part number. */
  uploadPart(input: {
    bucket: string;
    key: string;
    uploadId: string;
    partNumber: number;
    body: Readable;
    finalize?: () => { checksums?: ChecksumMap };
  }): Promise<PartInfo>;
  /**
   * Completes the upload from the listed parts (ascending part numbers, ETags matching, every part
   * but the last at least 5 MiB). The object becomes a manifest of the part blobs: no data copy.
   */
  completeMultipartUpload(input: {
    bucket: string;
    key: string;
    uploadId: string;
    parts: { partNumber: number; etag: string }[];
    precondition?: (current: ObjectInfo | undefined) => void;
  }): Promise<ObjectInfo>;
  abortMultipartUpload(bucket: string, key: string, uploadId: string): Promise<void>;
  listParts(bucket: string, key: string, uploadId: string, opts: { partNumberMarker?: number; maxParts: number }): Promise<ListPartsResult>;
  listMultipartUploads(bucket: string, opts: ListUploadsOptions): Promise<ListUploadsResult>;

  close(): Promise<void>;
}
