import type { Readable } from 'node:stream';
import { S3Error, isS3Error, type ChecksumAlgorithm, type ChecksumMap } from '@keyless/core';
import { AwsChunkedDecoder } from './aws-chunked-decoder.js';
import { CHECKSUM_ALGORITHMS, checksumAlgorithmOfHeader, checksumHeaderName, isValidChecksumValue } from './checksum/create-checksum.js';
import { checkPayloadHashHeader, type PayloadMode } from './payload-mode.js';
import { PayloadVerifier } from './payload-verifier.js';
import type { VerifiedAuth } from './verify-request.js';

/** Inputs of {@link decodePayload}. */
export interface DecodePayloadOptions {
  /** Node's `req.headers` (lower-case names). */
  headers: Record<string, string | string[] | undefined>;
  auth: VerifiedAuth | undefined;
  /** Decoded size limit, default 5 GiB (=> `EntityTooLarge`). */
  maxSize?: number;
}

/** The decoded body and what is known about it. */
export interface DecodedPayload {
  /** Decoded bytes; errors (S3Error) on any failed check, at the point of failure or at the end. */
  body: Readable;
  /** When known up front (`Content-Length` or `x-amz-decoded-content-length`). */
  decodedLength?: number;
  /** `Content-Encoding` without `aws-chunked`. */
  contentEncoding?: string;
  /** From an `x-amz-checksum-*` header, `x-amz-trailer` or `x-amz-sdk-checksum-algorithm`. */
  checksumAlgorithm?: ChecksumAlgorithm;
  /** After the body ended: the verified checksum(s), base64. */
  finalize: () => { checksums: ChecksumMap };
}

const DEFAULT_MAX_SIZE = 5 * 1024 ** 3;

function header(headers: DecodePayloadOptions['headers'], name: string): string | undefined {
  const v = headers[name];
  return Array.isArray(v) ? v.join(',') : v;
}

function parseLength(value: string | undefined, name: string): number | undefined {
  if (value === undefined) return undefined;
  if (!/^\d{1,16}$/.test(value.trim())) throw new S3Error('InvalidArgument', `Invalid ${name}.`, { ArgumentName: name, ArgumentValue: value });
  return Number(value.trim());
}

/** The checksum the request asks for: header value, trailer name or SDK algorithm hint. */
function resolveChecksum(headers: DecodePayloadOptions['headers'], trailerMode: boolean): { algorithm: ChecksumAlgorithm; value?: string; inTrailer: boolean } | undefined {
  const found: { algorithm: ChecksumAlgorithm; value?: string; inTrailer: boolean }[] = [];
  for (const alg of CHECKSUM_ALGORITHMS) {
    const value = header(headers, checksumHeaderName(alg));
    if (value === undefined) continue;
    if (!isValidChecksumValue(alg, value.trim())) throw new S3Error('InvalidRequest', `Value for ${checksumHeaderName(alg)} header is invalid.`);
    found.push({ algorithm: alg, value: value.trim(), inTrailer: false });
  }
  const trailer = header(headers, 'x-amz-trailer');
  if (trailer !== undefined && trailer.trim() !== '') {
    if (!trailerMode) throw new S3Error('InvalidRequest', 'The x-amz-trailer header requires a STREAMING-*-TRAILER x-amz-content-sha256.');
    for (const name of trailer.split(',')) {
      const alg = checksumAlgorithmOfHeader(name);
      if (!alg) throw new S3Error('InvalidRequest', 'The value specified in the x-amz-trailer header is not supported');
      found.push({ algorithm: alg, inTrailer: true });
    }
  }
  if (found.length > 1) throw new S3Error('InvalidRequest', 'Expecting a single x-amz-checksum- header. Multiple checksum Types are not allowed.');
  const sdk = header(headers, 'x-amz-sdk-checksum-algorithm');
  if (sdk !== undefined) {
    const alg = CHECKSUM_ALGORITHMS.find((a) => a === sdk.trim().toUpperCase());
    if (!alg || (found[0] && found[0].algorithm !== alg)) throw new S3Error('InvalidRequest', 'Value for x-amz-sdk-checksum-algorithm header is invalid.');
    return found[0] ?? { algorithm: alg, inTrailer: false };
  }
  return found[0];
}

/**
 * Turns the raw request body into the verified object bytes: decodes aws-chunked framing,
 * verifies chunk and trailer signatures, the signed SHA-256, `Content-MD5` and the requested
 * `x-amz-checksum-*`. Header problems throw {@link S3Error} at once; body problems error `body`.
 *
 * @see https://docs.aws.amazon.com/AmazonS3/latest/API/sigv4-streaming.html
 * @see https://docs.aws.amazon.com/AmazonS3/latest/userguide/checking-object-integrity.html
 */
export function decodePayload(source: Readable, opts: DecodePayloadOptions): DecodedPayload {
  const { headers, auth } = opts;
  const maxSize = opts.maxSize ?? DEFAULT_MAX_SIZE;
  const signed = auth?.payloadHash ?? header(headers, 'x-amz-content-sha256');
  const mode: PayloadMode = signed !== undefined ? checkPayloadHashHeader(signed.trim()) : { kind: 'unsigned' };
  const streaming = mode.kind === 'streaming-signed' || mode.kind === 'streaming-unsigned-trailer';
  const trailerMode = (mode.kind === 'streaming-signed' && mode.trailer) || mode.kind === 'streaming-unsigned-trailer';
  if (mode.kind === 'streaming-signed' && !auth) throw new S3Error('AccessDenied', 'Signed streaming payloads require a signed request.');

  const decodedLength = streaming
    ? parseLength(header(headers, 'x-amz-decoded-content-length'), 'x-amz-decoded-content-length')
    : parseLength(header(headers, 'content-length'), 'Content-Length');
  if (decodedLength !== undefined && decodedLength > maxSize) throw new S3Error('EntityTooLarge');

  const md5 = header(headers, 'content-md5')?.trim();
  if (md5 !== undefined && (!/^[A-Za-z0-9+/]{22}==$/.test(md5) || Buffer.from(md5, 'base64').toString('base64') !== md5)) {
    throw new S3Error('InvalidDigest');
  }
  const checksum = resolveChecksum(headers, trailerMode);
  const encodings = (header(headers, 'content-encoding') ?? '').split(',').map((e) => e.trim()).filter((e) => e !== '' && e.toLowerCase() !== 'aws-chunked');

  const decoder = streaming
    ? new AwsChunkedDecoder({
        trailer: trailerMode,
        ...(mode.kind === 'streaming-signed' && auth ? { signing: { signingKey: auth.signingKey, amzDate: auth.amzDate, scope: auth.scope, seedSignature: auth.signature } } : {}),
      })
    : undefined;
  const verifier = new PayloadVerifier({
    maxSize,
    ...(decodedLength !== undefined ? { expectedLength: decodedLength } : {}),
    ...(mode.kind === 'sha256' ? { sha256: mode.hash } : {}),
    ...(md5 !== undefined ? { md5 } : {}),
    ...(checksum
      ? {
          checksum: {
            algorithm: checksum.algorithm,
            expected: () => {
              if (!checksum.inTrailer) return checksum.value;
              const value = decoder?.trailers.get(checksumHeaderName(checksum.algorithm));
              if (value === undefined) throw new S3Error('InvalidRequest', `The trailer ${checksumHeaderName(checksum.algorithm)} declared in x-amz-trailer is missing.`);
              return value;
            },
          },
        }
      : {}),
  });

  // Wire source -> [decoder] -> verifier by hand: pipe() does not forward errors, and pipeline()
  // would hand library error text (e.g. ECONNRESET) to the consumer.
  const stages: Readable[] = decoder ? [source, decoder] : [source];
  const downstream = [...stages.slice(1), verifier];
  stages.forEach((stage, i) => {
    const next = downstream[i]!;
    stage.on('error', (err: unknown) => next.destroy(isS3Error(err) ? err : new S3Error('IncompleteBody')));
    stage.pipe(next as unknown as NodeJS.WritableStream);
  });
  source.on('close', () => {
    if (!source.readableEnded) downstream[0]!.destroy(new S3Error('IncompleteBody'));
  });
  verifier.on('close', () => {
    if (!verifier.writableFinished) decoder?.destroy();
  });

  return {
    body: verifier,
    ...(decodedLength !== undefined ? { decodedLength } : {}),
    // Joined as S3 reports it (`gzip, aws-chunked` -> `gzip`; `deflate, gzip` stays `deflate, gzip`).
    ...(encodings.length > 0 ? { contentEncoding: encodings.join(', ') } : {}),
    ...(checksum ? { checksumAlgorithm: checksum.algorithm } : {}),
    finalize: () => ({ checksums: verifier.checksums }),
  };
}
