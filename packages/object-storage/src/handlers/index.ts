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

/**
 * One handler per implemented operation of the table. The mapped type makes a missing handler a
 * compile error, and an extra one too.
 */
export const HANDLERS: { readonly [K in ImplementedOperation]: Handler } = {
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
  CopyObject: copyObject,
  DeleteObject: deleteObject,
  CreateMultipartUpload: createMultipartUpload,
  UploadPart: uploadPart,
  UploadPartCopy: uploadPartCopy,
  CompleteMultipartUpload: completeMultipartUpload,
  AbortMultipartUpload: abortMultipartUpload,
  ListParts: listParts,
};

export type { Handler, HandlerDeps, Owner } from './handler-deps.js';
