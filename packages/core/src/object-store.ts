import type { Readable } from 'node:stream';

/** The checksum algorithms S3 supports (`x-amz-checksum-*`). */
export type ChecksumAlgorithm = 'CRC32' | 'CRC32C' | 'CRC64NVME' | 'SHA1' | 'SHA256';

/** Checksum values by algorithm, base64 as on the wire. */
export type ChecksumMap = Partial<Record<ChecksumAlgorithm, string>>;

/**
 * How a multipart object's checksum was computed: of the whole object (`FULL_OBJECT`, as a single
 * PUT) or of the concatenated part checksums (`COMPOSITE`, value suffixed `-N`).
 * @see https://docs.aws.amazon.com/AmazonS3/latest/userguide/checking-object-integrity.html
 */
export type ChecksumType = 'FULL_OBJECT' | 'COMPOSITE';

/** A bucket's versioning status once set; a bucket that never had versioning has none. */
export type VersioningStatus = 'Enabled' | 'Suspended';

/** A bucket as stored. */
export interface BucketInfo {
  name: string;
  createdAt: Date;
  /** The region the bucket was created in (LocationConstraint). */
  region: string;
  /** Absent while the bucket is unversioned (never enabled). */
  versioning?: VersioningStatus;
  /** Created with `x-amz-bucket-object-lock-enabled: true` (or enabled later); never reverts. */
  objectLockEnabled?: boolean;
}

/** One object tag. */
export interface ObjectTag {
  key: string;
  value: string;
}

/** Object Lock retention of one object version. */
export interface ObjectRetention {
  mode: 'GOVERNANCE' | 'COMPLIANCE';
  retainUntil: Date;
}

/** One part of a completed multipart object, in order. */
export interface ObjectPart {
  partNumber: number;
  size: number;
  checksums: ChecksumMap;
}

/**
 * What an object version carries besides its bytes and HTTP metadata. Set at write time
 * (`putObject`, `createMultipartUpload`), changed later with {@link ObjectStore.updateObjectVersion}.
 *
 * `attributes` is the GENERIC extension point: a string map stored with each version that the
 * store does not interpret, so features (e.g. the canned ACL under the name `acl`) can attach data
 * without a schema change. Names are chosen by the feature that owns them; keep values small.
 */
export interface ObjectExtras {
  /** Generic per-version attributes (see above). */
  attributes?: Record<string, string>;
  /** Object tags, in the order given. */
  tags?: ObjectTag[];
  /** Object Lock retention; the store refuses to delete the version before `retainUntil`. */
  retention?: ObjectRetention;
  /** Object Lock legal hold; the store refuses to delete the version while on. */
  legalHold?: boolean;
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
  /** The parts of a multipart object, in order (absent for a single PUT). */
  parts?: ObjectPart[];
  /** How `checksums` were computed; a single PUT's are FULL_OBJECT. */
  checksumType?: ChecksumType;
  /** The version id, `'null'` for the null version (unversioned or suspended writes). */
  versionId?: string;
  /** True when this is the key's current version. */
  isLatest?: boolean;
  /** Generic attributes (see {@link ObjectExtras}); always present (maybe empty) from FsObjectStore. */
  attributes?: Record<string, string>;
  tags?: ObjectTag[];
  retention?: ObjectRetention;
  legalHold?: boolean;
}

/** A delete marker: a version that says the key was deleted. */
export interface DeleteMarkerInfo {
  bucket: string;
  key: string;
  versionId: string;
  isLatest: boolean;
  lastModified: Date;
}

/** One entry of ListObjectVersions. */
export type ObjectVersionEntry = { kind: 'version'; info: ObjectInfo } | { kind: 'deleteMarker'; marker: DeleteMarkerInfo };

/** An inclusive byte range, already resolved against the object size. */
export interface ByteRange {
  start: number;
  end: number;
}

/** What a write needs besides the bytes. `ObjectExtras` (attributes, tags, lock) are stored with the new version. */
export interface ObjectWriteInput extends ObjectExtras {
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
   * Called inside the commit with the object currently at the key (its latest version, undefined
   * when none or a delete marker); throwing refuses the write atomically (If-Match / If-None-Match).
   */
  precondition?: (current: ObjectInfo | undefined) => void;
}

/** Which version of a key an operation addresses: the latest when `versionId` is absent. */
export interface VersionSelector {
  /** A version id from this store, or `'null'`; a malformed one is InvalidArgument. */
  versionId?: string;
}

/** Options of {@link ObjectStore.deleteObject}. */
export interface DeleteObjectOptions extends VersionSelector {
  /** Allows deleting a version under GOVERNANCE retention (the caller checked the permission). */
  bypassGovernanceRetention?: boolean;
  /** Called inside the commit with the latest version (undefined when none or a delete marker). */
  precondition?: (current: ObjectInfo | undefined) => void;
}

/** What a delete did: removed a version (`versionId` given) or added a delete marker. */
export interface DeleteObjectResult {
  /** The version removed, or the id of the delete marker created; absent in unversioned buckets. */
  versionId?: string;
  /** True when a delete marker was created, or the version removed was one. */
  deleteMarker: boolean;
}

/**
 * A change of an existing version's extras. `attributes` is a patch: a name set to `undefined`
 * removes it, names not mentioned are kept. `tags` replaces all tags (`[]` removes them),
 * `retention: null` removes the retention.
 */
export interface ObjectExtrasUpdate {
  attributes?: Record<string, string | undefined>;
  tags?: ObjectTag[];
  retention?: ObjectRetention | null;
  legalHold?: boolean;
}

/** The options of ListObjectVersions, already validated by the HTTP layer. */
export interface ListVersionsOptions {
  prefix?: string;
  delimiter?: string;
  /** Exclusive: start after this key, or (with `versionIdMarker`) after that version of it. */
  keyMarker?: string;
  versionIdMarker?: string;
  maxKeys: number;
}

export interface ListVersionsResult {
  /** By key in UTF-8 byte order, then newest first. */
  versions: ObjectVersionEntry[];
  commonPrefixes: string[];
  isTruncated: boolean;
  nextKeyMarker?: string;
  nextVersionIdMarker?: string;
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
  /** With `checksumAlgorithm`: how the object's checksum is computed at completion. */
  checksumType?: ChecksumType;
  /** Extras given at CreateMultipartUpload, stored with the completed object. */
  extras?: ObjectExtras;
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
 *
 * Versioning (as S3): a write in an `Enabled` bucket adds a version with a new id; otherwise it
 * replaces the `null` version. Addressing the latest version when it is a delete marker is
 * NoSuchKey with `x-amz-delete-marker: true` (and `x-amz-version-id`) in the error's headers; a
 * delete marker addressed by id is MethodNotAllowed; an unknown id NoSuchVersion, a malformed one
 * InvalidArgument.
 */
export interface ObjectStore {
  /**
   * Creates the bucket; throws BucketAlreadyOwnedByYou if it exists. With `objectLockEnabled` the
   * bucket is created with Object Lock on and versioning Enabled.
   */
  createBucket(name: string, opts: { region: string; objectLockEnabled?: boolean }): Promise<BucketInfo>;
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
  /**
   * Sets the versioning status (read by every later write inside its commit). Suspending an
   * Object Lock bucket is InvalidBucketState. Throws NoSuchBucket.
   */
  setBucketVersioning(bucket: string, status: VersioningStatus): Promise<void>;
  /** Turns Object Lock on for a bucket whose versioning is Enabled (else InvalidBucketState). */
  enableObjectLock(bucket: string): Promise<void>;

  /** Streams `body` to durable storage and commits atomically; replaces any object at the key. */
  putObject(input: ObjectWriteInput): Promise<ObjectInfo>;
  /** Throws NoSuchBucket / NoSuchKey / NoSuchVersion (see the versioning rules above). */
  getObjectInfo(bucket: string, key: string, opts?: VersionSelector): Promise<ObjectInfo>;
  /**
   * Opens the object for reading. `select` sees the object's metadata first (a consistent
   * snapshot): it may throw (preconditions, InvalidRange) or return the byte range to read.
   * The returned stream keeps reading what was opened even if the object is deleted meanwhile.
   */
  openObject(
    bucket: string,
    key: string,
    select?: (info: ObjectInfo) => ByteRange | undefined,
    opts?: VersionSelector,
  ): Promise<{ info: ObjectInfo; range?: ByteRange; body: Readable }>;
  /**
   * Without `versionId`: deletes the object in an unversioned bucket, adds a delete marker in a
   * versioned one (replacing the null version when Suspended). With `versionId`: removes that
   * version for good. Deleting a missing key or version succeeds (as S3). A version under legal
   * hold or unexpired retention (GOVERNANCE without bypass) is AccessDenied. Throws NoSuchBucket.
   */
  deleteObject(bucket: string, key: string, opts?: DeleteObjectOptions): Promise<DeleteObjectResult>;
  /** Latest non-delete-marker versions, keys in UTF-8 byte order. Throws NoSuchBucket. */
  listObjects(bucket: string, opts: ListObjectsOptions): Promise<ListObjectsResult>;
  /** Every version and delete marker, by key then newest first. Throws NoSuchBucket. */
  listObjectVersions(bucket: string, opts: ListVersionsOptions): Promise<ListVersionsResult>;

  /**
   * THE GENERIC ATTRIBUTE API: patches the string attributes of one version (latest when
   * `versionId` is undefined) in one transaction; `patch[name] = undefined` removes `name`.
   * `precondition` sees the version inside the transaction and may throw to refuse the change.
   * Does not change the ETag, Last-Modified or version id. Returns the updated version.
   */
  updateObjectAttributes(
    bucket: string,
    key: string,
    versionId: string | undefined,
    patch: Record<string, string | undefined>,
    precondition?: (current: ObjectInfo) => void,
  ): Promise<ObjectInfo>;
  /** As {@link updateObjectAttributes}, for the typed extras too (tags, retention, legal hold). */
  updateObjectVersion(
    bucket: string,
    key: string,
    versionId: string | undefined,
    update: ObjectExtrasUpdate,
    precondition?: (current: ObjectInfo) => void,
  ): Promise<ObjectInfo>;

  createMultipartUpload(input: {
    bucket: string;
    key: string;
    headers: ObjectHeaders;
    userMetadata: Record<string, string>;
    storageClass?: string;
    checksumAlgorithm?: ChecksumAlgorithm;
    checksumType?: ChecksumType;
    extras?: ObjectExtras;
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
   * Completes the upload from the listed parts (ascending part numbers, ETags and any listed
   * checksums matching, every part but the last at least 5 MiB). The object becomes a manifest of
   * the part blobs: no data copy. With the upload's checksum algorithm, the object's checksum is
   * computed from the part checksums (FULL_OBJECT: combined CRC; COMPOSITE: checksum of checksums).
   */
  completeMultipartUpload(input: {
    bucket: string;
    key: string;
    uploadId: string;
    parts: { partNumber: number; etag: string; checksums?: ChecksumMap }[];
    precondition?: (current: ObjectInfo | undefined) => void;
  }): Promise<ObjectInfo>;
  abortMultipartUpload(bucket: string, key: string, uploadId: string): Promise<void>;
  listParts(bucket: string, key: string, uploadId: string, opts: { partNumberMarker?: number; maxParts: number }): Promise<ListPartsResult>;
  listMultipartUploads(bucket: string, opts: ListUploadsOptions): Promise<ListUploadsResult>;

  close(): Promise<void>;
}
