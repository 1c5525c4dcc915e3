/**
 * The S3 operation table: the single place that says which HTTP request is which S3 operation and
 * which IAM action authorizes it. Routing (`resolveOperation`), authorization and handler lookup all
 * derive from it, as in Garage's endpoint table. An operation marked `implemented: true` must have a
 * handler (a missing one is a type error in `handlers/index.ts`); every other one answers
 * NotImplemented (501).
 *
 * Selectors: `query` names sub-resource parameters that must be present, `queryValue` parameters that
 * must have a given value, `header` a header that must be present. The most specific match wins.
 *
 * @see https://docs.aws.amazon.com/AmazonS3/latest/API/API_Operations_Amazon_Simple_Storage_Service.html
 * @see https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazons3.html
 */
export interface OperationSpec {
  readonly name: string;
  readonly method: 'GET' | 'HEAD' | 'PUT' | 'POST' | 'DELETE';
  readonly target: 'service' | 'bucket' | 'object';
  readonly query?: readonly string[];
  readonly queryValue?: Readonly<Record<string, string>>;
  readonly header?: string;
  /** The IAM action checked for this operation (copy sources and per-key deletes are checked again in their handlers). */
  readonly action: string;
  /**
   * The action applies to each object named in the body, not to the bucket: the handler authorizes
   * every key itself (DeleteObjects), so the pipeline does not check the bucket ARN.
   */
  readonly perObject?: boolean;
  /**
   * The credentials travel in the request body, not in headers or the query (PostObject's signed
   * policy form fields): the pipeline neither authenticates nor authorizes; the handler verifies the
   * body's signature and then calls `deps.authorize` as that caller.
   */
  readonly authInBody?: boolean;
  /**
   * The IAM action checked instead of `action` when the request names a `versionId` (e.g.
   * s3:GetObjectVersion for GetObject).
   * @see https://docs.aws.amazon.com/AmazonS3/latest/userguide/using-with-s3-policy-actions.html
   */
  readonly versionedAction?: string;
  readonly implemented: boolean;
}

export const OPERATIONS = [
  // Service
  { name: 'ListBuckets', method: 'GET', target: 'service', action: 's3:ListAllMyBuckets', implemented: true },

  // Buckets
  { name: 'CreateBucket', method: 'PUT', target: 'bucket', action: 's3:CreateBucket', implemented: true },
  { name: 'HeadBucket', method: 'HEAD', target: 'bucket', action: 's3:ListBucket', implemented: true },
  { name: 'DeleteBucket', method: 'DELETE', target: 'bucket', action: 's3:DeleteBucket', implemented: true },
  { name: 'GetBucketLocation', method: 'GET', target: 'bucket', query: ['location'], action: 's3:GetBucketLocation', implemented: true },
  { name: 'ListObjects', method: 'GET', target: 'bucket', action: 's3:ListBucket', implemented: true },
  { name: 'ListObjectsV2', method: 'GET', target: 'bucket', queryValue: { 'list-type': '2' }, action: 's3:ListBucket', implemented: true },
  { name: 'ListObjectVersions', method: 'GET', target: 'bucket', query: ['versions'], action: 's3:ListBucketVersions', implemented: true },
  { name: 'ListMultipartUploads', method: 'GET', target: 'bucket', query: ['uploads'], action: 's3:ListBucketMultipartUploads', implemented: true },
  { name: 'DeleteObjects', method: 'POST', target: 'bucket', query: ['delete'], action: 's3:DeleteObject', perObject: true, implemented: true },
  { name: 'PostObject', method: 'POST', target: 'bucket', action: 's3:PutObject', authInBody: true, implemented: true },

  { name: 'GetBucketPolicy', method: 'GET', target: 'bucket', query: ['policy'], action: 's3:GetBucketPolicy', implemented: true },
  { name: 'PutBucketPolicy', method: 'PUT', target: 'bucket', query: ['policy'], action: 's3:PutBucketPolicy', implemented: true },
  { name: 'DeleteBucketPolicy', method: 'DELETE', target: 'bucket', query: ['policy'], action: 's3:DeleteBucketPolicy', implemented: true },
  { name: 'GetBucketPolicyStatus', method: 'GET', target: 'bucket', query: ['policyStatus'], action: 's3:GetBucketPolicyStatus', implemented: true },

  { name: 'GetBucketVersioning', method: 'GET', target: 'bucket', query: ['versioning'], action: 's3:GetBucketVersioning', implemented: true },
  { name: 'PutBucketVersioning', method: 'PUT', target: 'bucket', query: ['versioning'], action: 's3:PutBucketVersioning', implemented: true },
  { name: 'GetBucketTagging', method: 'GET', target: 'bucket', query: ['tagging'], action: 's3:GetBucketTagging', implemented: true },
  { name: 'PutBucketTagging', method: 'PUT', target: 'bucket', query: ['tagging'], action: 's3:PutBucketTagging', implemented: true },
  { name: 'DeleteBucketTagging', method: 'DELETE', target: 'bucket', query: ['tagging'], action: 's3:PutBucketTagging', implemented: true },
  { name: 'GetBucketAcl', method: 'GET', target: 'bucket', query: ['acl'], action: 's3:GetBucketAcl', implemented: true },
  { name: 'PutBucketAcl', method: 'PUT', target: 'bucket', query: ['acl'], action: 's3:PutBucketAcl', implemented: true },
  { name: 'GetBucketCors', method: 'GET', target: 'bucket', query: ['cors'], action: 's3:GetBucketCORS', implemented: true },
  { name: 'PutBucketCors', method: 'PUT', target: 'bucket', query: ['cors'], action: 's3:PutBucketCORS', implemented: true },
  { name: 'DeleteBucketCors', method: 'DELETE', target: 'bucket', query: ['cors'], action: 's3:PutBucketCORS', implemented: true },
  { name: 'GetBucketLifecycleConfiguration', method: 'GET', target: 'bucket', query: ['lifecycle'], action: 's3:GetLifecycleConfiguration', implemented: true },
  { name: 'PutBucketLifecycleConfiguration', method: 'PUT', target: 'bucket', query: ['lifecycle'], action: 's3:PutLifecycleConfiguration', implemented: true },
  { name: 'DeleteBucketLifecycle', method: 'DELETE', target: 'bucket', query: ['lifecycle'], action: 's3:PutLifecycleConfiguration', implemented: true },
  { name: 'GetBucketEncryption', method: 'GET', target: 'bucket', query: ['encryption'], action: 's3:GetEncryptionConfiguration', implemented: true },
  { name: 'PutBucketEncryption', method: 'PUT', target: 'bucket', query: ['encryption'], action: 's3:PutEncryptionConfiguration', implemented: true },
  { name: 'DeleteBucketEncryption', method: 'DELETE', target: 'bucket', query: ['encryption'], action: 's3:PutEncryptionConfiguration', implemented: true },
  { name: 'GetObjectLockConfiguration', method: 'GET', target: 'bucket', query: ['object-lock'], action: 's3:GetBucketObjectLockConfiguration', implemented: true },
  { name: 'PutObjectLockConfiguration', method: 'PUT', target: 'bucket', query: ['object-lock'], action: 's3:PutBucketObjectLockConfiguration', implemented: true },
  { name: 'GetBucketOwnershipControls', method: 'GET', target: 'bucket', query: ['ownershipControls'], action: 's3:GetBucketOwnershipControls', implemented: true },
  { name: 'PutBucketOwnershipControls', method: 'PUT', target: 'bucket', query: ['ownershipControls'], action: 's3:PutBucketOwnershipControls', implemented: true },
  { name: 'DeleteBucketOwnershipControls', method: 'DELETE', target: 'bucket', query: ['ownershipControls'], action: 's3:PutBucketOwnershipControls', implemented: true },
  { name: 'GetPublicAccessBlock', method: 'GET', target: 'bucket', query: ['publicAccessBlock'], action: 's3:GetBucketPublicAccessBlock', implemented: true },
  { name: 'PutPublicAccessBlock', method: 'PUT', target: 'bucket', query: ['publicAccessBlock'], action: 's3:PutBucketPublicAccessBlock', implemented: true },
  { name: 'DeletePublicAccessBlock', method: 'DELETE', target: 'bucket', query: ['publicAccessBlock'], action: 's3:PutBucketPublicAccessBlock', implemented: true },
  { name: 'GetBucketReplication', method: 'GET', target: 'bucket', query: ['replication'], action: 's3:GetReplicationConfiguration', implemented: false },
  { name: 'PutBucketReplication', method: 'PUT', target: 'bucket', query: ['replication'], action: 's3:PutReplicationConfiguration', implemented: false },
  { name: 'DeleteBucketReplication', method: 'DELETE', target: 'bucket', query: ['replication'], action: 's3:PutReplicationConfiguration', implemented: false },
  { name: 'GetBucketNotificationConfiguration', method: 'GET', target: 'bucket', query: ['notification'], action: 's3:GetBucketNotification', implemented: false },
  { name: 'PutBucketNotificationConfiguration', method: 'PUT', target: 'bucket', query: ['notification'], action: 's3:PutBucketNotification', implemented: false },
  { name: 'GetBucketWebsite', method: 'GET', target: 'bucket', query: ['website'], action: 's3:GetBucketWebsite', implemented: false },
  { name: 'PutBucketWebsite', method: 'PUT', target: 'bucket', query: ['website'], action: 's3:PutBucketWebsite', implemented: false },
  { name: 'DeleteBucketWebsite', method: 'DELETE', target: 'bucket', query: ['website'], action: 's3:DeleteBucketWebsite', implemented: false },
  { name: 'GetBucketLogging', method: 'GET', target: 'bucket', query: ['logging'], action: 's3:GetBucketLogging', implemented: false },
  { name: 'PutBucketLogging', method: 'PUT', target: 'bucket', query: ['logging'], action: 's3:PutBucketLogging', implemented: false },
  { name: 'GetBucketAccelerateConfiguration', method: 'GET', target: 'bucket', query: ['accelerate'], action: 's3:GetAccelerateConfiguration', implemented: false },
  { name: 'PutBucketAccelerateConfiguration', method: 'PUT', target: 'bucket', query: ['accelerate'], action: 's3:PutAccelerateConfiguration', implemented: false },
  { name: 'GetBucketRequestPayment', method: 'GET', target: 'bucket', query: ['requestPayment'], action: 's3:GetBucketRequestPayment', implemented: false },
  { name: 'PutBucketRequestPayment', method: 'PUT', target: 'bucket', query: ['requestPayment'], action: 's3:PutBucketRequestPayment', implemented: false },
  { name: 'GetBucketAnalyticsConfiguration', method: 'GET', target: 'bucket', query: ['analytics'], action: 's3:GetAnalyticsConfiguration', implemented: false },
  { name: 'PutBucketAnalyticsConfiguration', method: 'PUT', target: 'bucket', query: ['analytics'], action: 's3:PutAnalyticsConfiguration', implemented: false },
  { name: 'DeleteBucketAnalyticsConfiguration', method: 'DELETE', target: 'bucket', query: ['analytics'], action: 's3:PutAnalyticsConfiguration', implemented: false },
  { name: 'GetBucketMetricsConfiguration', method: 'GET', target: 'bucket', query: ['metrics'], action: 's3:GetMetricsConfiguration', implemented: false },
  { name: 'PutBucketMetricsConfiguration', method: 'PUT', target: 'bucket', query: ['metrics'], action: 's3:PutMetricsConfiguration', implemented: false },
  { name: 'DeleteBucketMetricsConfiguration', method: 'DELETE', target: 'bucket', query: ['metrics'], action: 's3:PutMetricsConfiguration', implemented: false },
  { name: 'GetBucketInventoryConfiguration', method: 'GET', target: 'bucket', query: ['inventory'], action: 's3:GetInventoryConfiguration', implemented: false },
  { name: 'PutBucketInventoryConfiguration', method: 'PUT', target: 'bucket', query: ['inventory'], action: 's3:PutInventoryConfiguration', implemented: false },
  { name: 'DeleteBucketInventoryConfiguration', method: 'DELETE', target: 'bucket', query: ['inventory'], action: 's3:PutInventoryConfiguration', implemented: false },
  { name: 'GetBucketIntelligentTieringConfiguration', method: 'GET', target: 'bucket', query: ['intelligent-tiering'], action: 's3:GetIntelligentTieringConfiguration', implemented: false },
  { name: 'PutBucketIntelligentTieringConfiguration', method: 'PUT', target: 'bucket', query: ['intelligent-tiering'], action: 's3:PutIntelligentTieringConfiguration', implemented: false },
  { name: 'DeleteBucketIntelligentTieringConfiguration', method: 'DELETE', target: 'bucket', query: ['intelligent-tiering'], action: 's3:PutIntelligentTieringConfiguration', implemented: false },

  // Objects
  { name: 'GetObject', method: 'GET', target: 'object', action: 's3:GetObject', versionedAction: 's3:GetObjectVersion', implemented: true },
  { name: 'HeadObject', method: 'HEAD', target: 'object', action: 's3:GetObject', versionedAction: 's3:GetObjectVersion', implemented: true },
  { name: 'PutObject', method: 'PUT', target: 'object', action: 's3:PutObject', implemented: true },
  { name: 'CopyObject', method: 'PUT', target: 'object', header: 'x-amz-copy-source', action: 's3:PutObject', implemented: true },
  { name: 'DeleteObject', method: 'DELETE', target: 'object', action: 's3:DeleteObject', versionedAction: 's3:DeleteObjectVersion', implemented: true },
  { name: 'GetObjectAttributes', method: 'GET', target: 'object', query: ['attributes'], action: 's3:GetObjectAttributes', versionedAction: 's3:GetObjectVersionAttributes', implemented: true },
  { name: 'GetObjectTagging', method: 'GET', target: 'object', query: ['tagging'], action: 's3:GetObjectTagging', versionedAction: 's3:GetObjectVersionTagging', implemented: true },
  { name: 'PutObjectTagging', method: 'PUT', target: 'object', query: ['tagging'], action: 's3:PutObjectTagging', versionedAction: 's3:PutObjectVersionTagging', implemented: true },
  { name: 'DeleteObjectTagging', method: 'DELETE', target: 'object', query: ['tagging'], action: 's3:DeleteObjectTagging', versionedAction: 's3:DeleteObjectVersionTagging', implemented: true },
  { name: 'GetObjectAcl', method: 'GET', target: 'object', query: ['acl'], action: 's3:GetObjectAcl', versionedAction: 's3:GetObjectVersionAcl', implemented: true },
  { name: 'PutObjectAcl', method: 'PUT', target: 'object', query: ['acl'], action: 's3:PutObjectAcl', versionedAction: 's3:PutObjectVersionAcl', implemented: true },
  { name: 'GetObjectRetention', method: 'GET', target: 'object', query: ['retention'], action: 's3:GetObjectRetention', implemented: true },
  { name: 'PutObjectRetention', method: 'PUT', target: 'object', query: ['retention'], action: 's3:PutObjectRetention', implemented: true },
  { name: 'GetObjectLegalHold', method: 'GET', target: 'object', query: ['legal-hold'], action: 's3:GetObjectLegalHold', implemented: true },
  { name: 'PutObjectLegalHold', method: 'PUT', target: 'object', query: ['legal-hold'], action: 's3:PutObjectLegalHold', implemented: true },
  { name: 'GetObjectTorrent', method: 'GET', target: 'object', query: ['torrent'], action: 's3:GetObjectTorrent', implemented: false },
  { name: 'RestoreObject', method: 'POST', target: 'object', query: ['restore'], action: 's3:RestoreObject', implemented: false },
  { name: 'SelectObjectContent', method: 'POST', target: 'object', query: ['select'], action: 's3:GetObject', implemented: false },

  // Multipart uploads
  { name: 'CreateMultipartUpload', method: 'POST', target: 'object', query: ['uploads'], action: 's3:PutObject', implemented: true },
  { name: 'UploadPart', method: 'PUT', target: 'object', query: ['uploadId', 'partNumber'], action: 's3:PutObject', implemented: true },
  { name: 'UploadPartCopy', method: 'PUT', target: 'object', query: ['uploadId', 'partNumber'], header: 'x-amz-copy-source', action: 's3:PutObject', implemented: true },
  { name: 'CompleteMultipartUpload', method: 'POST', target: 'object', query: ['uploadId'], action: 's3:PutObject', implemented: true },
  { name: 'AbortMultipartUpload', method: 'DELETE', target: 'object', query: ['uploadId'], action: 's3:AbortMultipartUpload', implemented: true },
  { name: 'ListParts', method: 'GET', target: 'object', query: ['uploadId'], action: 's3:ListMultipartUploadParts', implemented: true },
] as const satisfies readonly OperationSpec[];

/** Every S3 operation name Keyless knows. */
export type OperationName = (typeof OPERATIONS)[number]['name'];

/** The operations that have a handler. */
export type ImplementedOperation = Extract<(typeof OPERATIONS)[number], { implemented: true }>['name'];
