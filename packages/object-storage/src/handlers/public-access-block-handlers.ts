import { S3Error } from '@keyless/core';
import { bucketOf } from '../http/s3-request.js';
import { readSmallBody } from '../http/payload.js';
import { asText, MAX_XML_BYTES, S3_XMLNS } from '../xml/xml-codec.js';
import { PUBLIC_ACCESS_BLOCK_CONFIG, readPublicAccessBlock, type PublicAccessBlock } from '../auth/bucket-access-settings.js';
import type { Handler } from './handler-deps.js';

function flag(value: unknown): boolean {
  const text = asText(value)?.trim().toLowerCase();
  if (text === undefined) return false;
  if (text !== 'true' && text !== 'false') throw new S3Error('MalformedXML');
  return text === 'true';
}

/**
 * PutPublicAccessBlock: the four settings (absent = false). Enforced by the authorizer (IgnorePublicAcls,
 * RestrictPublicBuckets), by ACL writes (BlockPublicAcls) and by PutBucketPolicy (BlockPublicPolicy).
 * @see https://docs.aws.amazon.com/AmazonS3/latest/API/API_PutPublicAccessBlock.html
 */
export const putPublicAccessBlock: Handler = async (req, deps) => {
  const body = await readSmallBody(req, MAX_XML_BYTES);
  const doc = deps.xml.parse(body.toString('utf8'), 'PublicAccessBlockConfiguration');
  const settings: PublicAccessBlock = {
    blockPublicAcls: flag(doc.BlockPublicAcls),
    ignorePublicAcls: flag(doc.IgnorePublicAcls),
    blockPublicPolicy: flag(doc.BlockPublicPolicy),
    restrictPublicBuckets: flag(doc.RestrictPublicBuckets),
  };
  await deps.store.putBucketConfig(bucketOf(req), PUBLIC_ACCESS_BLOCK_CONFIG, JSON.stringify(settings));
  return {};
};

/** GetPublicAccessBlock; NoSuchPublicAccessBlockConfiguration when none is set. @see https://docs.aws.amazon.com/AmazonS3/latest/API/API_GetPublicAccessBlock.html */
export const getPublicAccessBlock: Handler = async (req, deps) => {
  const bucket = bucketOf(req);
  const s = await readPublicAccessBlock(deps.store, bucket);
  if (s === undefined) throw new S3Error('NoSuchPublicAccessBlockConfiguration', undefined, { BucketName: bucket });
  return {
    body: {
      xml: {
        PublicAccessBlockConfiguration: {
          '@_xmlns': S3_XMLNS,
          BlockPublicAcls: s.blockPublicAcls,
          IgnorePublicAcls: s.ignorePublicAcls,
          BlockPublicPolicy: s.blockPublicPolicy,
          RestrictPublicBuckets: s.restrictPublicBuckets,
        },
      },
    },
  };
};

/** DeletePublicAccessBlock: 204. @see https://docs.aws.amazon.com/AmazonS3/latest/API/API_DeletePublicAccessBlock.html */
export const deletePublicAccessBlock: Handler = async (req, deps) => {
  await deps.store.putBucketConfig(bucketOf(req), PUBLIC_ACCESS_BLOCK_CONFIG, undefined);
  return { status: 204 };
};
