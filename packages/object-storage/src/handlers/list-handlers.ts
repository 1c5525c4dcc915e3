import { S3Error, type ListObjectsResult, type ObjectInfo } from '@keyless/core';
import { bucketOf, type S3Request } from '../http/s3-request.js';
import { xmlDate } from '../http/object-metadata.js';
import { S3_XMLNS } from '../xml/xml-codec.js';
import { encodeIfUrl, parseEncodingType, parseMaxKeys } from './list-params.js';
import type { Handler, HandlerDeps } from './handler-deps.js';
import { plainView } from '../sse/sse-attributes.js';

function contents(objects: ObjectInfo[], enc: (s: string) => string | undefined, owner?: { ID: string; DisplayName: string }) {
  // Encrypted objects are listed with their plaintext size and ETag.
  return objects.map(plainView).map((o) => ({
    Key: enc(o.key),
    LastModified: xmlDate(o.lastModified),
    ETag: `"${o.etag}"`,
    ...(Object.keys(o.checksums).length ? { ChecksumAlgorithm: Object.keys(o.checksums) } : {}),
    Size: o.size,
    Owner: owner,
    StorageClass: o.storageClass,
  }));
}

async function list(req: S3Request, deps: HandlerDeps, startAfter: string | undefined): Promise<{ res: ListObjectsResult; maxKeys: number; prefix: string; delimiter?: string; encoding?: 'url' }> {
  const encoding = parseEncodingType(req.query.get('encoding-type'));
  const maxKeys = parseMaxKeys(req.query.get('max-keys'), 'max-keys');
  const prefix = req.query.get('prefix') ?? '';
  const delimiter = req.query.get('delimiter') || undefined;
  const res = maxKeys === 0
    ? { objects: [], commonPrefixes: [], isTruncated: false }
    : await deps.store.listObjects(bucketOf(req), { prefix, delimiter, startAfter, maxKeys });
  if (maxKeys === 0) await deps.store.listObjects(bucketOf(req), { prefix, maxKeys: 1 }); // NoSuchBucket check
  return { res, maxKeys, prefix, delimiter, encoding };
}

/** The elements v1 and v2 listings end with, in S3's order (keys URL-encoded with encoding-type=url). */
function listingTail(res: ListObjectsResult, maxKeys: number, delimiter: string | undefined, encoding: 'url' | undefined, owner?: { ID: string; DisplayName: string }) {
  const enc = (s: string | undefined) => encodeIfUrl(s, encoding);
  return {
    MaxKeys: maxKeys,
    Delimiter: enc(delimiter),
    IsTruncated: res.isTruncated,
    EncodingType: encoding,
    Contents: contents(res.objects, (s) => enc(s), owner),
    CommonPrefixes: res.commonPrefixes.map((p) => ({ Prefix: enc(p) })),
  };
}

/** ListObjects (v1). @see https://docs.aws.amazon.com/AmazonS3/latest/API/API_ListObjects.html */
export const listObjects: Handler = async (req, deps) => {
  const marker = req.query.get('marker') || undefined;
  const { res, maxKeys, prefix, delimiter, encoding } = await list(req, deps, marker);
  const enc = (s: string | undefined) => encodeIfUrl(s, encoding);
  const owner = { ID: deps.owner.id, DisplayName: deps.owner.displayName };
  return {
    body: {
      xml: {
        ListBucketResult: {
          '@_xmlns': S3_XMLNS,
          Name: bucketOf(req),
          // The v1 Prefix element is echoed as sent even with encoding-type=url: botocore decodes
          // Delimiter, Marker, NextMarker and keys of v1 listings but not Prefix, and ceph's
          // s3-tests (test_bucket_list_prefix_unreadable, run against AWS) expect it verbatim.
          Prefix: prefix,
          Marker: enc(marker) ?? '',
          // S3 returns NextMarker only with a delimiter; without one clients continue from the last key.
          NextMarker: res.isTruncated && delimiter ? enc(res.nextMarker) : undefined,
          ...listingTail(res, maxKeys, delimiter, encoding, owner),
        },
      },
    },
  };
};

/**
 * ListObjectsV2. The continuation token is opaque to clients: base64url of the last key or prefix
 * returned. @see https://docs.aws.amazon.com/AmazonS3/latest/API/API_ListObjectsV2.html
 */
export const listObjectsV2: Handler = async (req, deps) => {
  const token = req.query.get('continuation-token');
  const startAfterParam = req.query.get('start-after') || undefined;
  let after = startAfterParam;
  // An empty token is no token (S3 echoes it and lists from the start).
  if (token !== null && token !== '') {
    const decoded = Buffer.from(token, 'base64url').toString('utf8');
    if (Buffer.from(decoded, 'utf8').toString('base64url') !== token) {
      throw new S3Error('InvalidArgument', 'The continuation token provided is incorrect', { ArgumentName: 'continuation-token' });
    }
    after = decoded;
  }
  const { res, maxKeys, prefix, delimiter, encoding } = await list(req, deps, after);
  const enc = (s: string | undefined) => encodeIfUrl(s, encoding);
  const owner = req.query.get('fetch-owner') === 'true' ? { ID: deps.owner.id, DisplayName: deps.owner.displayName } : undefined;
  return {
    body: {
      xml: {
        ListBucketResult: {
          '@_xmlns': S3_XMLNS,
          Name: bucketOf(req),
          Prefix: enc(prefix),
          StartAfter: enc(startAfterParam),
          ContinuationToken: token ?? undefined,
          NextContinuationToken: res.isTruncated && res.nextMarker !== undefined ? Buffer.from(res.nextMarker, 'utf8').toString('base64url') : undefined,
          KeyCount: res.objects.length + res.commonPrefixes.length,
          ...listingTail(res, maxKeys, delimiter, encoding, owner),
        },
      },
    },
  };
};
