import { PassThrough, type Readable } from 'node:stream';
import { S3Error, type ChecksumAlgorithm, type ChecksumMap } from '@keyless/core';
import { createChecksum } from '@keyless/sigv4';

/**
 * Makes sure a part of an upload created with `x-amz-checksum-algorithm` records a checksum of
 * that algorithm (the object's checksum is computed from them at completion): a part sent with
 * another algorithm is InvalidRequest; one sent without any gets it computed as it streams.
 */
export function withPartChecksum(
  body: Readable,
  finalize: (() => { checksums?: ChecksumMap }) | undefined,
  sentAlgorithm: ChecksumAlgorithm | undefined,
  uploadAlgorithm: ChecksumAlgorithm | undefined,
): { body: Readable; finalize?: () => { checksums?: ChecksumMap } } {
  if (uploadAlgorithm === undefined || sentAlgorithm === uploadAlgorithm) return { body, finalize };
  if (sentAlgorithm !== undefined) {
    body.destroy();
    throw new S3Error('InvalidRequest', `Checksum Type mismatch occurred, expected checksum Type: ${uploadAlgorithm.toLowerCase()}, actual checksum Type: ${sentAlgorithm.toLowerCase()}`);
  }
  const checksum = createChecksum(uploadAlgorithm);
  const tee = new PassThrough({
    transform(chunk: Buffer, _enc, done) {
      checksum.update(chunk);
      done(null, chunk);
    },
  });
  body.on('error', (err) => tee.destroy(err));
  body.pipe(tee);
  return {
    body: tee,
    finalize: () => ({ checksums: { ...(finalize?.().checksums ?? {}), [uploadAlgorithm]: checksum.digest().toString('base64') } }),
  };
}
