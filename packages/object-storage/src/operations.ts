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
  { name: 'ListObjectVersions', method: 'GET', target: 'bucket', query: ['versions'], action: 's3:ListBucketVersions', implemented: false },
  { name: 'ListMultipartUploads', method: 'GET', target: 'bucket', query: ['uploads'], action: 's3:ListBucketMultipartUploads', implemented: true },
  { name: 'DeleteObjects', method: 'POST', target: 'bucket', query: ['delete'], action: 's3:DeleteObject', perObject: true, implemented: true },
  { name: 'PostObject', method: 'POST', target: 'bucket', action: 's3:PutObject', implemented: false },

  { name: 'GetBucketPolicy', method: 'GET', target: 'bucket', query: ['policy'], action: 's3:GetBucketPolicy', implemented: true },
  { name: 'PutBucketPolicy', method: 'PUT', target: 'bucket', query: ['policy'], action: 's3:PutBucketPolicy', implemented: true },
  { name: 'DeleteBucketPolicy', method: 'DELETE', target: 'bucket', query: ['policy'], action: 's3:DeleteBucketPolicy', implemented: true },
  { name: 'GetBucketPolicyStatus', method: 'GET', target: 'bucket', query: ['policyStatus'], action: 's3:GetBucketPolicyStatus', implemented: true },

  { name: 'GetBucketVersioning', method: 'GET', target: 'bucket', query: ['versioning'], action: 's3:GetBucketVersioning', implemented: false },
  { name: 'PutBucketVersioning', method: 'PUT', target: 'bucket', query: ['versioning'], action: 's3:PutBucketVersioning', implemented: false },
  { name: 'GetBucketTagging', method: 'GET', target: 'bucket', query: ['tagging'], action: 's3:GetBucketTagging', implemented: false },
  { name: 'PutBucketTagging', method: 'PUT', target: 'bucket', query: ['tagging'], action: 's3:PutBucketTagging', implemented: false },
  { name: 'DeleteBucketTagging', method: 'DELETE', target: 'bucket', query: ['tagging'], action: 's3:PutBucketTagging', implemented: false },
  { name: 'GetBucketAcl', method: 'GET', target: 'bucket', query: ['acl'], action: 's3:GetBucketAcl', implemented: false },
  { name: 'PutBucketAcl', method: 'PUT', target: 'bucket', query: ['acl'], action: 's3:PutBucketAcl', implemented: false },
  { name: 'GetBucketCors', method: 'GET', target: 'bucket', query: ['cors'], action: 's3:GetBucketCORS', implemented: false },
  { name: 'PutBucketCors', method: 'PUT', target: 'bucket', query: ['cors'], action: 's3:PutBucketCORS', implemented: false },
  { name: 'DeleteBucketCors', method: 'DELETE', target: 'bucket', query: ['cors'], action: 's3:PutBucketCORS', implemented: false },
  { name: 'GetBucketLifecycleConfiguration', method: 'GET', target: 'bucket', query: ['lifecycle'], action: 's3:GetLifecycleConfiguration', implemented: false },
  { name: 'PutBucketLifecycleConfiguration', method: 'PUT', target: 'bucket', query: ['lifecycle'], action: 's3:PutLifecycleConfiguration', implemented: false },
  { name: 'DeleteBucketLifecycle', method: 'DELETE', target: 'bucket', query: ['lifecycle'], action: 's3:PutLifecycleConfiguration', implemented: false },
  { name: 'GetBucketEncryption', method: 'GET', target: 'bucket', query: ['encryption'], action: 's3:GetEncryptionConfiguration', implemented: false },
  { name: 'PutBucketEncryption', method: 'PUT', target: 'bucket', query: ['encryption'], action: 's3:PutEncryptionConfiguration', implemented: false },
  { name: 'DeleteBucketEncryption', method: 'DELETE', target: 'bucket', query: ['encryption'], action: 's3:PutEncryptionConfiguration', implemented: false },
  { name: 'GetObjectLockConfiguration', method: 'GET', target: 'bucket', query: ['object-lock'], action: 's3:GetBucketObjectLockConfiguration', implemented: false },
  { name: 'PutObjectLockConfiguration', method: 'PUT', target: 'bucket', query: ['object-lock'], action: 's3:PutBucketObjectLockConfiguration', implemented: false },
  { name: 'GetBucketOwnershipControls', method: 'GET', target: 'bucket', query: ['ownershipControls'], action: 's3:GetBucketOwnershipControls', implemented: false },
  { name: 'PutBucketOwnershipControls', method: 'PUT', target: 'bucket', query: ['ownershipControls'], action: 's3:PutBucketOwnershipControls', implemented: false },
  { name: 'DeleteBucketOwnershipControls', method: 'DELETE', target: 'bucket', query: ['ownershipControls'], action: 's3:PutBucketOwnershipControls', implemented: false },
  { name: 'GetPublicAccessBlock', method: 'GET', target: 'bucket', query: ['publicAccessBlock'], action: 's3:GetBucketPublicAccessBlock', implemented: false },
  { name: 'PutPublicAccessBlock', method: 'PUT', target: 'bucket', query: ['publicAccessBlock'], action: 's3:PutBucketPublicAccessBlock', implemented: false },
  { name: 'DeletePublicAccessBlock', method: 'DELETE', target: 'bucket', query: ['publicAccessBlock'], action: 's3:PutBucketPublicAccessBlock', implemented: false },
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
  { name: 'GetObject', method: 'GET', target: 'object', action: 's3:GetObject', implemented: true },
  { name: 'HeadObject', method: 'HEAD', target: 'object', action: 's3:GetObject', implemented: true },
  { name: 'PutObject', method: 'PUT', target: 'object', action: 's3:PutObject', implemented: true },
  { name: 'CopyObject', method: 'PUT', target: 'object', header: 'x-amz-copy-source', action: 's3:PutObject', implemented: true },
  { name: 'DeleteObject', method: 'DELETE', target: 'object', action: 's3:DeleteObject', implemented: true },
  { name: 'GetObjectAttributes', method: 'GET', target: 'object', query: ['attributes'], action: 's3:GetObjectAttributes', implemented: false },
  { name: 'GetObjectTagging', method: 'GET', target: 'object', query: ['tagging'], action: 's3:GetObjectTagging', implemented: false },
  { name: 'PutObjectTagging', method: 'PUT', target: 'object', query: ['tagging'], action: 's3:PutObjectTagging', implemented: false },
  { name: 'DeleteObjectTagging', method: 'DELETE', target: 'object', query: ['tagging'], action: 's3:DeleteObjectTagging', implemented: false },
  { name: 'GetObjectAcl', method: 'GET', target: 'object', query: ['acl'], action: 's3:GetObjectAcl', implemented: false },
  { name: 'PutObjectAcl', method: 'PUT', target: 'object', query: ['acl'], action: 's3:PutObjectAcl', implemented: false },
  { name: 'GetObjectRetention', method: 'GET', target: 'object', query: ['retention'], action: 's3:GetObjectRetention', implemented: false },
  { name: 'PutObjectRetention', method: 'PUT', target: 'object', query: ['retention'], action: 's3:PutObjectRetention', implemented: false },
  { name: 'GetObjectLegalHold', method: 'GET', target: 'object', query: ['legal-hold'], action: 's3:GetObjectLegalHold', implemented: false },
  { name: 'PutObjectLegalHold', method: 'PUT', target: 'object', query: ['legal-hold'], action: 's3:PutObjectLegalHold', implemented: false },
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
