import { S3Error } from '@keyless/core';
import { decodePayload } from '@keyless/sigv4';
import { header, type S3Request } from './s3-request.js';

/** S3's largest single PUT. @see https://docs.aws.amazon.com/AmazonS3/latest/userguide/upload-objects.html */
export const MAX_PUT_SIZE = 5 * 1024 ** 3;

/**
 * The verified object bytes of a request (signature, SHA-256, aws-chunked framing, checksums and
 * Content-MD5 all checked as the bytes flow). Refuses a body whose declared size is over `maxSize`
 * before reading it, and one with no length at all (411), as S3 does.
 */
export function openPayload(req: S3Request, maxSize = MAX_PUT_SIZE) {
  const length = header(req, 'content-length');
  const decoded = header(req, 'x-amz-decoded-content-length');
  const chunked = (header(req, 'transfer-encoding') ?? '').toLowerCase().includes('chunked');
  if (length === undefined && decoded === undefined && !chunked) throw new S3Error('MissingContentLength');
  for (const v of [length, decoded]) {
    if (v !== undefined && !/^\d+$/.test(v)) throw new S3Error('InvalidArgument', 'Content-Length must be a non-negative integer.');
  }
  // With aws-chunked framing the object size is the decoded length; the wire length adds framing.
  const size = decoded ?? length;
  if (size !== undefined && Number(size) > maxSize) {
    throw new S3Error('EntityTooLarge', undefined, { ProposedSize: size, MaxSizeAllowed: String(maxSize) });
  }
  const payload = decodePayload(req.rawBody, { headers: req.headers, auth: req.auth, maxSize });
  // A small body can arrive and fail verification (BadDigest, SHA-256 mismatch) before the store
  // starts reading it; with no listener that 'error' would crash the process. The error stays on
  // the stream and is thrown to the consumer when it iterates.
  payload.body.on('error', () => undefined);
  return payload;
}

/** Reads a small body whole (XML and JSON documents), verified like any payload; over `limit` -> `tooLarge`. */
export async function readSmallBody(req: S3Request, limit: number): Promise<Buffer> {
  const payload = openPayload(req, limit);
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of payload.body) {
    size += (chunk as Buffer).length;
    if (size > limit) {
      payload.body.destroy();
      throw new S3Error('MaxMessageLengthExceeded');
    }
    chunks.push(chunk as Buffer);
  }
  payload.finalize();
  return Buffer.concat(chunks);
}
