export { S3_ERRORS, S3Error, isS3Error, type S3ErrorCode } from './errors/s3-errors.js';
export { STS_ERRORS, StsError, isStsError, type StsErrorCode } from './errors/sts-errors.js';
export { ANONYMOUS, KEYLESS_ACCOUNT_ID, type Principal } from './principal.js';
export type {
  CredentialStore,
  UserRecord,
  PolicyRecord,
  IssueTemporaryInput,
  SessionRecord,
  TemporaryCredentials,
  SessionFilter,
} from './credential-store.js';
export type {
  ObjectStore,
  BucketInfo,
  ObjectInfo,
  ObjectHeaders,
  ObjectWriteInput,
  ByteRange,
  ChecksumAlgorithm,
  ChecksumMap,
  ListObjectsOptions,
  ListObjectsResult,
  MultipartUploadInfo,
  PartInfo,
  ListPartsResult,
  ListUploadsOptions,
  ListUploadsResult,
  ChecksumType,
  VersioningStatus,
  ObjectTag,
  ObjectRetention,
  ObjectPart,
  ObjectExtras,
  ObjectExtrasUpdate,
  DeleteMarkerInfo,
  ObjectVersionEntry,
  VersionSelector,
  DeleteObjectOptions,
  DeleteObjectResult,
  ListVersionsOptions,
  ListVersionsResult,
} from './object-store.js';
export { sessionIdentity, CERTIFICATE_ROLE_NAME, type SessionIdentity } from './session-identity.js';
