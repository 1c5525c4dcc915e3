import { S3Error, type ByteRange, type ObjectInfo } from '@keyless/core';
import type { S3Request } from './s3-request.js';

/** The `partNumber` of GetObject / HeadObject (1..10000), if any; with a Range it is InvalidRequest. */
export function readPartNumberOf(req: Pick<S3Request, 'query' | 'headers'>): number | undefined {
  const raw = req.query.get('partNumber');
  if (raw === null) return undefined;
  const n = Number(raw);
  if (!/^\d+$/.test(raw) || n < 1 || n > 10000) {
    throw new S3Error('InvalidArgument', 'Part number must be an integer between 1 and 10000, inclusive', { ArgumentName: 'partNumber', ArgumentValue: raw });
  }
  if (req.headers.range !== undefined) throw new S3Error('InvalidRequest', 'Cannot specify both Range header and partNumber query parameter');
  return n;
}

/**
 * The bytes of part `n` (the n-th part of the completed upload). A single-PUT object is one part.
 * Beyond the last part: 416 InvalidPartNumber.
 * @see https://docs.aws.amazon.com/AmazonS3/latest/API/API_GetObject.html#API_GetObject_RequestSyntax
 */
export function partRange(info: ObjectInfo, n: number): ByteRange | undefined {
  const sizes = info.parts ? info.parts.map((p) => p.size) : [info.size];
  if (n > sizes.length) throw new S3Error('InvalidPartNumber', undefined, { PartNumberRequested: String(n), ActualPartCount: String(sizes.length) });
  const start = sizes.slice(0, n - 1).reduce((a, b) => a + b, 0);
  const size = sizes[n - 1]!;
  return size === 0 ? undefined : { start, end: start + size - 1 };
}
