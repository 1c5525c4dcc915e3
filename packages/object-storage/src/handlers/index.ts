import type { ImplementedOperation } from '../operations.js';
import type { Handler } from './handler-deps.js';
import { createBucket, deleteBucket, getBucketLocation, headBucket, listBuckets } from './bucket-handlers.js';
import { copyObject, deleteObject, getObject, headObject, putObject } from './object-handlers.js';
import { listObjects, listObjectsV2 } from './list-handlers.js';
import { deleteObjects } from './delete-objects.js';
import {
  abortMultipartUpload, completeMultipartUpload, createMultipartUpload, listMultipartUploads, listParts, uploadPart, uploadPartCopy,
} from './multipart-handlers.js';
import { deleteBucketPolicy, getBucketPolicy, getBucketPolicyStatus, putBucketPolicy } from './policy-handlers.js';
import { getBucketVersioning, listObjectVersions, putBucketVersioning } from './versioning-handlers.js';
import { deleteObjectTagging, getObjectTagging, putObjectTagging } from './object-tagging-handlers.js';
import {
  getObjectLegalHold, getObjectLockConfiguration, getObjectRetention, putObjectLegalHold, putObjectLockConfiguration, putObjectRetention,
} from './object-lock-handlers.js';
import { getObjectAttributes } from './object-attributes.js';
import { postObject } from './post-object.js';
import { deleteBucketLifecycle, getBucketLifecycleConfiguration, putBucketLifecycleConfiguration } from './lifecycle-handlers.js';
import { deleteBucketCors, getBucketCors, putBucketCors } from './cors-handlers.js';
import { deleteBucketTagging, getBucketTagging, putBucketTagging } from './bucket-tagging-handlers.js';
import { getBucketAcl, getObjectAcl, putBucketAcl, putObjectAcl } from './acl-handlers.js';
import { deleteBucketOwnershipControls, getBucketOwnershipControls, putBucketOwnershipControls } from './ownership-controls-handlers.js';
import { deletePublicAccessBlock, getPublicAccessBlock, putPublicAccessBlock } from './public-access-block-handlers.js';
import { deleteBucketEncryption, getBucketEncryption, putBucketEncryption } from './bucket-encryption-handlers.js';

/**
 * One handler per implemented operation of the table. The mapped type makes a missing handler a
 * compile error, and an extra one too.
 */
export const HANDLERS: { readonly [K in ImplementedOperation]: Handler } = {
  ListObjectVersions: listObjectVersions,
  GetBucketVersioning: getBucketVersioning,
  PutBucketVersioning: putBucketVersioning,
  GetObjectTagging: getObjectTagging,
  PutObjectTagging: putObjectTagging,
  DeleteObjectTagging: deleteObjectTagging,
  GetObjectLockConfiguration: getObjectLockConfiguration,
  PutObjectLockConfiguration: putObjectLockConfiguration,
  GetObjectRetention: getObjectRetention,
  PutObjectRetention: putObjectRetention,
  GetObjectLegalHold: getObjectLegalHold,
  PutObjectLegalHold: putObjectLegalHold,
  GetObjectAttributes: getObjectAttributes,
  ListBuckets: listBuckets,
  CreateBucket: createBucket,
  HeadBucket: headBucket,
  DeleteBucket: deleteBucket,
  GetBucketLocation: getBucketLocation,
  ListObjects: listObjects,
  ListObjectsV2: listObjectsV2,
  ListMultipartUploads: listMultipartUploads,
  DeleteObjects: deleteObjects,
  GetBucketPolicy: getBucketPolicy,
  PutBucketPolicy: putBucketPolicy,
  DeleteBucketPolicy: deleteBucketPolicy,
  GetBucketPolicyStatus: getBucketPolicyStatus,
  GetObject: getObject,
  HeadObject: headObject,
  PutObject: putObject,
  PostObject: postObject,
  GetBucketLifecycleConfiguration: getBucketLifecycleConfiguration,
  PutBucketLifecycleConfiguration: putBucketLifecycleConfiguration,
  DeleteBucketLifecycle: deleteBucketLifecycle,
  CopyObject: copyObject,
  DeleteObject: deleteObject,
  CreateMultipartUpload: createMultipartUpload,
  UploadPart: uploadPart,
  UploadPartCopy: uploadPartCopy,
  CompleteMultipartUpload: completeMultipartUpload,
  AbortMultipartUpload: abortMultipartUpload,
  ListParts: listParts,
  GetBucketCors: getBucketCors,
  PutBucketCors: putBucketCors,
  DeleteBucketCors: deleteBucketCors,
  GetBucketTagging: getBucketTagging,
  PutBucketTagging: putBucketTagging,
  DeleteBucketTagging: deleteBucketTagging,
  GetBucketAcl: getBucketAcl,
  PutBucketAcl: putBucketAcl,
  GetObjectAcl: getObjectAcl,
  PutObjectAcl: putObjectAcl,
  GetBucketOwnershipControls: getBucketOwnershipControls,
  PutBucketOwnershipControls: putBucketOwnershipControls,
  DeleteBucketOwnershipControls: deleteBucketOwnershipControls,
  GetPublicAccessBlock: getPublicAccessBlock,
  PutPublicAccessBlock: putPublicAccessBlock,
  DeletePublicAccessBlock: deletePublicAccessBlock,
  GetBucketEncryption: getBucketEncryption,
  PutBucketEncryption: putBucketEncryption,
  DeleteBucketEncryption: deleteBucketEncryption,
};

export type { Handler, HandlerDeps, Owner } from './handler-deps.js';
