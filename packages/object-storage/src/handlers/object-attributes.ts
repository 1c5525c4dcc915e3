import { S3Error } from '@keyless/core';
import { bucketOf, header, keyOf } from '../http/s3-request.js';
import { checkReadConditions } from '../http/conditions.js';
import { httpDate } from '../http/object-metadata.js';
import { versionIdOf } from '../http/version-query.js';
import { S3_XMLNS } from '../xml/xml-codec.js';
import { parseMaxKeys } from './list-params.js';
import type { Handler } from './handler-deps.js';
import { plainObjectInfo } from '../sse/sse-read.js';

const ATTRIBUTES = new Set(['ETag', 'Checksum', 'ObjectParts', 'StorageClass', 'ObjectSize']);

/**
 * GetObjectAttributes: the attributes named in `x-amz-object-attributes` (ETag without quotes,
 * Checksum with its type, ObjectParts paged by `x-amz-max-parts` / `x-amz-part-number-marker`,
 * StorageClass, ObjectSize).
 * @see https://docs.aws.amazon.com/AmazonS3/latest/API/API_GetObjectAttributes.html
 */
export const getObjectAttributes: Handler = async (req, deps) => {
  const wanted = new Set((header(req, 'x-amz-object-attributes') ?? '').split(',').map((s) => s.trim()).filter((s) => s !== ''));
  if (wanted.size === 0) throw new S3Error('InvalidRequest', 'The x-amz-object-attributes header specifying the attributes to be retrieved is either missing or empty');
  for (const name of wanted) if (!ATTRIBUTES.has(name)) throw new S3Error('InvalidArgument', 'Invalid attribute name specified.', { ArgumentName: 'x-amz-object-attributes', ArgumentValue: name });
  const maxParts = parseMaxKeys(header(req, 'x-amz-max-parts') ?? null, 'x-amz-max-parts');
  const markerText = header(req, 'x-amz-part-number-marker');
  if (markerText !== undefined && !/^\d+$/.test(markerText)) throw new S3Error('InvalidArgument', 'Part number marker must be an integer', { ArgumentName: 'x-amz-part-number-marker' });
  const marker = markerText === undefined ? 0 : Number(markerText);
  const bucket = await deps.store.getBucket(bucketOf(req));
  // Plaintext size / ETag / part sizes of an encrypted object; an SSE-C object needs its key, as S3.
  const { info, sseHeaders } = await plainObjectInfo(deps, req, bucketOf(req), keyOf(req), { versionId: versionIdOf(req) });
  checkReadConditions(req.headers, info);
  const checksumFields = Object.fromEntries(Object.entries(info.checksums).map(([alg, v]) => [`Checksum${alg}`, v]));
  let objectParts: Record<string, unknown> | undefined;
  if (wanted.has('ObjectParts') && info.parts) {
    const after = info.parts.filter((p) => p.partNumber > marker);
    const page = after.slice(0, maxParts);
    const truncated = after.length > page.length;
    objectParts = {
      // The XML element is PartsCount (the SDKs call the member TotalPartsCount).
      PartsCount: info.parts.length,
      PartNumberMarker: marker,
      NextPartNumberMarker: truncated ? page[page.length - 1]?.partNumber : undefined,
      MaxParts: maxParts,
      IsTruncated: truncated,
      Part: page.map((p) => ({
        ...(info.checksumType === 'COMPOSITE' ? Object.fromEntries(Object.entries(p.checksums).map(([alg, v]) => [`Checksum${alg}`, v])) : {}),
        PartNumber: p.partNumber,
        Size: p.size,
      })),
    };
  }
  return {
    headers: {
      ...sseHeaders,
      'Last-Modified': httpDate(info.lastModified),
      'x-amz-version-id': info.versionId !== 'null' || bucket?.versioning !== undefined ? info.versionId : undefined,
    },
    body: {
      xml: {
        GetObjectAttributesResponse: {
          '@_xmlns': S3_XMLNS,
          ETag: wanted.has('ETag') ? info.etag : undefined,
          Checksum: wanted.has('Checksum') && Object.keys(checksumFields).length > 0 ? { ...checksumFields, ChecksumType: info.checksumType ?? 'FULL_OBJECT' } : undefined,
          ObjectParts: objectParts,
          StorageClass: wanted.has('StorageClass') ? info.storageClass : undefined,
          ObjectSize: wanted.has('ObjectSize') ? info.size : undefined,
        },
      },
    },
  };
};
