import { S3Error, type ChecksumAlgorithm, type ChecksumMap, type ChecksumType } from '@keyless/core';
import { bucketOf, header, keyOf, type S3Request } from '../http/s3-request.js';
import { openPayload, readSmallBody, MAX_PUT_SIZE } from '../http/payload.js';
import { storedContentEncoding, objectHeadersFrom, refuseUnsupportedWriteHeaders, storageClassFrom, userMetadataFrom, xmlDate } from '../http/object-metadata.js';
import { asArray, asText, S3_XMLNS } from '../xml/xml-codec.js';
import { openCopySource } from './object-handlers.js';
import { writePrecondition } from '../http/conditions.js';
import { encodeIfUrl, parseEncodingType, parseMaxKeys } from './list-params.js';
import { aclAttributes, writeAclFromHeaders } from '../auth/bucket-access-settings.js';
import { withPartChecksum } from '../http/part-checksum.js';
import { writeExtrasFromHeaders, writtenVersionHeader } from '../http/write-extras.js';
import type { Handler } from './handler-deps.js';
import { encryptedWrite, planSseWrite, plainPrecondition, uploadSsePlan } from '../sse/sse-write.js';
import { sseAlgorithmOf } from '../sse/sse-attributes.js';
import { customerKeyFrom } from '../sse/sse-headers.js';
import { sseResponseHeaders } from '../sse/sse-keys.js';
import { plaintextSize } from '../sse/package-format.js';

const CHECKSUM_ALGORITHMS = new Set(['CRC32', 'CRC32C', 'CRC64NVME', 'SHA1', 'SHA256']);

/** S3 allows part numbers 1..10000. */
function partNumberOf(req: S3Request): number {
  const raw = req.query.get('partNumber') ?? '';
  const n = Number(raw);
  if (!/^\d+$/.test(raw) || n < 1 || n > 10000) {
    throw new S3Error('InvalidArgument', 'Part number must be an integer between 1 and 10000, inclusive', { ArgumentName: 'partNumber', ArgumentValue: raw });
  }
  return n;
}

function uploadIdOf(req: S3Request): string {
  return req.query.get('uploadId') ?? '';
}

/**
 * `x-amz-checksum-type` of CreateMultipartUpload: FULL_OBJECT needs a CRC, COMPOSITE is not
 * available for CRC64NVME, and either needs `x-amz-checksum-algorithm`.
 * @see https://docs.aws.amazon.com/AmazonS3/latest/userguide/checking-object-integrity.html#ChecksumTypes
 */
function checksumTypeOf(value: string | undefined, alg: ChecksumAlgorithm | undefined): ChecksumType | undefined {
  if (value === undefined) return undefined;
  const type = value.toUpperCase();
  if (type !== 'FULL_OBJECT' && type !== 'COMPOSITE') throw new S3Error('InvalidRequest', 'Value for x-amz-checksum-type header is invalid.');
  if (alg === undefined) throw new S3Error('InvalidRequest', 'The x-amz-checksum-type header can only be used with the x-amz-checksum-algorithm header.');
  if (type === 'FULL_OBJECT' && (alg === 'SHA1' || alg === 'SHA256')) throw new S3Error('InvalidRequest', `The FULL_OBJECT checksum type cannot be used with the ${alg.toLowerCase()} checksum algorithm.`);
  if (type === 'COMPOSITE' && alg === 'CRC64NVME') throw new S3Error('InvalidRequest', 'The COMPOSITE checksum type cannot be used with the crc64nvme checksum algorithm.');
  return type;
}

/** @see https://docs.aws.amazon.com/AmazonS3/latest/API/API_CreateMultipartUpload.html */
export const createMultipartUpload: Handler = async (req, deps) => {
  refuseUnsupportedWriteHeaders(req.headers);
  const alg = header(req, 'x-amz-checksum-algorithm')?.toUpperCase();
  if (alg !== undefined && !CHECKSUM_ALGORITHMS.has(alg)) {
    throw new S3Error('InvalidRequest', 'Checksum algorithm provided is unsupported. Please try again with any of the valid types: [CRC32, CRC32C, CRC64NVME, SHA1, SHA256]');
  }
  const checksumType = checksumTypeOf(header(req, 'x-amz-checksum-type'), alg as ChecksumAlgorithm | undefined);
  const extras = await writeExtrasFromHeaders(req, deps);
  // The upload's data key (sealed) is stored with it; every part is encrypted under it.
  const sse = await planSseWrite(req, deps, bucketOf(req), keyOf(req));
  const upload = await deps.store.createMultipartUpload({
    checksumType,
    bucket: bucketOf(req),
    key: keyOf(req),
    headers: objectHeadersFrom(req.headers, storedContentEncoding(header(req, 'content-encoding'))),
    userMetadata: userMetadataFrom(req.headers),
    storageClass: storageClassFrom(req.headers),
    checksumAlgorithm: alg as ChecksumAlgorithm | undefined,
    extras: {
      attributes: { ...aclAttributes(await writeAclFromHeaders(deps.store, bucketOf(req), req.headers, deps.owner.id), deps.owner.id), ...sse?.attributes },
      tags: extras.tags,
      retention: extras.retention,
      legalHold: extras.legalHold,
    },
  });
  return {
    headers: { 'x-amz-checksum-algorithm': upload.checksumAlgorithm, 'x-amz-checksum-type': upload.checksumType, ...sse?.responseHeaders },
    body: { xml: { InitiateMultipartUploadResult: { '@_xmlns': S3_XMLNS, Bucket: upload.bucket, Key: upload.key, UploadId: upload.uploadId } } },
  };
};

/** @see https://docs.aws.amazon.com/AmazonS3/latest/API/API_UploadPart.html */
export const uploadPart: Handler = async (req, deps) => {
  const partNumber = partNumberOf(req);
  const bucket = bucketOf(req);
  const key = keyOf(req);
  const upload = await deps.store.getMultipartUpload(bucket, key, uploadIdOf(req));
  // Parts of an encrypted upload are encrypted under its data key (SSE-C: the same customer key again).
  const sse = uploadSsePlan(upload.extras?.attributes, req, deps, bucket, key);
  const payload = openPayload(req, MAX_PUT_SIZE);
  const checked = withPartChecksum(payload.body, payload.finalize, payload.checksumAlgorithm, upload.checksumAlgorithm);
  const write = encryptedWrite(sse, checked.body, {}, checked.finalize, partNumber);
  const part = await deps.store.uploadPart({ bucket, key, uploadId: uploadIdOf(req), partNumber, body: write.body, finalize: write.finalize });
  const headers: Record<string, string> = { ETag: `"${part.etag}"`, ...sse?.responseHeaders };
  for (const [alg, v] of Object.entries(part.checksums)) if (v) headers[`x-amz-checksum-${alg.toLowerCase()}`] = v;
  return { headers };
};

/**
 * UploadPartCopy, optionally with `x-amz-copy-source-range: bytes=first-last` (both inclusive and
 * inside the source). @see https://docs.aws.amazon.com/AmazonS3/latest/API/API_UploadPartCopy.html
 */
export const uploadPartCopy: Handler = async (req, deps) => {
  const partNumber = partNumberOf(req);
  const bucket = bucketOf(req);
  const key = keyOf(req);
  const upload = await deps.store.getMultipartUpload(bucket, key, uploadIdOf(req));
  const sse = uploadSsePlan(upload.extras?.attributes, req, deps, bucket, key);
  const rangeHeader = header(req, 'x-amz-copy-source-range');
  const { body: sourceBody, sourceVersionHeader } = await openCopySource(req, deps, (info) => {
    if (rangeHeader === undefined) {
      if (info.size > MAX_PUT_SIZE) throw new S3Error('InvalidRequest', 'The specified copy source is larger than the maximum allowable size for a copy source: 5368709120');
      return undefined;
    }
    const m = /^bytes=(\d+)-(\d+)$/.exec(rangeHeader);
    if (!m) throw new S3Error('InvalidArgument', 'The x-amz-copy-source-range value must be of the form bytes=first-last where first and last are the zero-based offsets of the first and last bytes to copy', { ArgumentName: 'x-amz-copy-source-range', ArgumentValue: rangeHeader });
    const start = Number(m[1]);
    const end = Number(m[2]);
    if (end < start || end >= info.size) throw new S3Error('InvalidRange', undefined, { RangeRequested: rangeHeader, ActualObjectSize: String(info.size) });
    return { start, end };
  });
  const { body, finalize } = withPartChecksum(sourceBody, undefined, undefined, upload.checksumAlgorithm);
  const write = encryptedWrite(sse, body, {}, finalize, partNumber);
  const part = await deps.store.uploadPart({ bucket, key, uploadId: uploadIdOf(req), partNumber, body: write.body, finalize: write.finalize });
  return {
    headers: { 'x-amz-copy-source-version-id': sourceVersionHeader, ...sse?.responseHeaders },
    body: { xml: { CopyPartResult: { '@_xmlns': S3_XMLNS, LastModified: xmlDate(part.lastModified), ETag: `"${part.etag}"`, ...checksumFields(part.checksums) } } },
  };
};

/** S3 allows at most 10,000 parts; a larger list is refused before any work. */
const MAX_PARTS = 10000;

/** @see https://docs.aws.amazon.com/AmazonS3/latest/API/API_CompleteMultipartUpload.html */
export const completeMultipartUpload: Handler = async (req, deps) => {
  const bucket = bucketOf(req);
  const key = keyOf(req);
  const precondition = plainPrecondition(writePrecondition(req.headers, key));
  const customer = customerKeyFrom(req);
  const body = await readSmallBody(req, 2 * 1024 * 1024);
  const doc = deps.xml.parse(body.toString('utf8'), 'CompleteMultipartUpload');
  const rawParts = asArray(doc.Part as Record<string, unknown> | Record<string, unknown>[] | undefined);
  if (rawParts.length === 0) throw new S3Error('MalformedXML');
  if (rawParts.length > MAX_PARTS) throw new S3Error('InvalidRequest', `You have attempted to complete a multipart upload with more than ${MAX_PARTS} parts.`);
  const parts = rawParts.map((p) => {
    const n = asText(p.PartNumber) ?? '';
    const etag = asText(p.ETag);
    if (!/^\d+$/.test(n) || etag === undefined) throw new S3Error('MalformedXML');
    // Listed part checksums (ChecksumCRC32, ...) must match the stored ones (InvalidPart).
    const checksums: ChecksumMap = {};
    for (const alg of CHECKSUM_ALGORITHMS) {
      const v = asText(p[`Checksum${alg}`]);
      if (v !== undefined) checksums[alg as ChecksumAlgorithm] = v.trim();
    }
    return { partNumber: Number(n), etag: etag.replace(/^"(.*)"$/, '$1'), checksums };
  });
  const info = await deps.store.completeMultipartUpload({ bucket, key, uploadId: uploadIdOf(req), parts, precondition });
  const bucketInfo = await deps.store.getBucket(bucket);
  return {
    headers: { ...(bucketInfo ? writtenVersionHeader(info.versionId, bucketInfo) : {}), ...sseResponseHeaders(info.attributes, customer) },
    body: {
      xml: {
        CompleteMultipartUploadResult: {
          '@_xmlns': S3_XMLNS,
          Location: `/${bucket}/${encodeURIComponent(key)}`,
          Bucket: bucket,
          Key: key,
          ETag: `"${info.etag}"`,
          ...checksumFields(info.checksums),
          ChecksumType: Object.keys(info.checksums).length > 0 ? info.checksumType : undefined,
        },
      },
    },
  };
};

/** `ChecksumCRC32`-style XML fields of a checksum map. */
function checksumFields(checksums: ChecksumMap): Record<string, string> {
  return Object.fromEntries(Object.entries(checksums).map(([alg, v]) => [`Checksum${alg}`, v]));
}

/** @see https://docs.aws.amazon.com/AmazonS3/latest/API/API_AbortMultipartUpload.html */
export const abortMultipartUpload: Handler = async (req, deps) => {
  await deps.store.abortMultipartUpload(bucketOf(req), keyOf(req), uploadIdOf(req));
  return { status: 204 };
};

/** @see https://docs.aws.amazon.com/AmazonS3/latest/API/API_ListParts.html */
export const listParts: Handler = async (req, deps) => {
  const maxParts = parseMaxKeys(req.query.get('max-parts'), 'max-parts');
  const markerRaw = req.query.get('part-number-marker');
  if (markerRaw !== null && !/^\d+$/.test(markerRaw)) throw new S3Error('InvalidArgument', 'Provided part-number-marker not an integer or within integer range', { ArgumentName: 'part-number-marker' });
  const marker = markerRaw === null ? undefined : Number(markerRaw);
  const res = await deps.store.listParts(bucketOf(req), keyOf(req), uploadIdOf(req), { partNumberMarker: marker, maxParts });
  const encrypted = sseAlgorithmOf({ attributes: res.upload.extras?.attributes }) !== undefined;
  const owner = { ID: deps.owner.id, DisplayName: deps.owner.displayName };
  return {
    body: {
      xml: {
        ListPartsResult: {
          '@_xmlns': S3_XMLNS,
          Bucket: res.upload.bucket,
          Key: res.upload.key,
          UploadId: res.upload.uploadId,
          Initiator: owner,
          Owner: owner,
          StorageClass: res.upload.storageClass,
          PartNumberMarker: marker ?? 0,
          NextPartNumberMarker: res.nextPartNumberMarker,
          MaxParts: maxParts,
          IsTruncated: res.isTruncated,
          ChecksumAlgorithm: res.upload.checksumAlgorithm,
          Part: res.parts.map((p) => ({
            PartNumber: p.partNumber,
            LastModified: xmlDate(p.lastModified),
            ETag: `"${p.etag}"`,
            // Parts of an encrypted upload are stored encrypted: report the plaintext size.
            Size: encrypted ? plaintextSize(p.size) : p.size,
            ...Object.fromEntries(Object.entries(p.checksums).map(([a, v]) => [`Checksum${a}`, v])),
          })),
        },
      },
    },
  };
};

/** @see https://docs.aws.amazon.com/AmazonS3/latest/API/API_ListMultipartUploads.html */
export const listMultipartUploads: Handler = async (req, deps) => {
  const encoding = parseEncodingType(req.query.get('encoding-type'));
  const maxUploads = parseMaxKeys(req.query.get('max-uploads'), 'max-uploads');
  const prefix = req.query.get('prefix') ?? undefined;
  const delimiter = req.query.get('delimiter') || undefined;
  const keyMarker = req.query.get('key-marker') || undefined;
  const uploadIdMarker = req.query.get('upload-id-marker') || undefined;
  const res = await deps.store.listMultipartUploads(bucketOf(req), { prefix, delimiter, keyMarker, uploadIdMarker, maxUploads });
  const enc = (s: string | undefined) => encodeIfUrl(s, encoding);
  const owner = { ID: deps.owner.id, DisplayName: deps.owner.displayName };
  return {
    body: {
      xml: {
        ListMultipartUploadsResult: {
          '@_xmlns': S3_XMLNS,
          Bucket: bucketOf(req),
          KeyMarker: enc(keyMarker) ?? '',
          UploadIdMarker: uploadIdMarker ?? '',
          NextKeyMarker: enc(res.nextKeyMarker),
          NextUploadIdMarker: res.nextUploadIdMarker,
          Delimiter: enc(delimiter),
          Prefix: enc(prefix),
          EncodingType: encoding,
          MaxUploads: maxUploads,
          IsTruncated: res.isTruncated,
          Upload: res.uploads.map((u) => ({
            Key: enc(u.key),
            UploadId: u.uploadId,
            Initiator: owner,
            Owner: owner,
            StorageClass: u.storageClass,
            Initiated: xmlDate(u.initiated),
            ChecksumAlgorithm: u.checksumAlgorithm,
          })),
          CommonPrefixes: res.commonPrefixes.map((p) => ({ Prefix: enc(p) })),
        },
      },
    },
  };
};
