import { createHash, type Hash } from 'node:crypto';
import { Transform, type TransformCallback } from 'node:stream';
import { S3Error, type ChecksumAlgorithm, type ChecksumMap } from '@keyless/core';
import { checksumHeaderName, createChecksum, isValidChecksumValue, type Checksum } from './checksum/create-checksum.js';

/** What {@link PayloadVerifier} checks on the decoded bytes. */
export interface PayloadVerifierOptions {
  /** Decoded size limit (=> `EntityTooLarge`). */
  maxSize: number;
  /** Exact decoded length expected (=> `IncompleteBody` when different). */
  expectedLength?: number;
  /** Expected SHA-256 hex of the body (=> `XAmzContentSHA256Mismatch`). */
  sha256?: string;
  /** Expected `Content-MD5` (base64, already validated) (=> `BadDigest`). */
  md5?: string;
  /** Checksum to compute; `expected` is read at the end (trailers arrive last), `undefined` = just compute. */
  checksum?: { algorithm: ChecksumAlgorithm; expected: () => string | undefined };
}

/**
 * Pass-through transform that counts, hashes and checksums the decoded object bytes, failing the
 * stream at the first limit exceeded or at the end when a digest does not match, so a store never
 * commits an unverified body.
 */
export class PayloadVerifier extends Transform {
  private length = 0;
  private readonly sha256: Hash | undefined;
  private readonly md5: Hash | undefined;
  private readonly checksum: Checksum | undefined;
  private result: ChecksumMap | undefined;

  constructor(private readonly opts: PayloadVerifierOptions) {
    super();
    this.sha256 = opts.sha256 !== undefined ? createHash('sha256') : undefined;
    this.md5 = opts.md5 !== undefined ? createHash('md5') : undefined;
    this.checksum = opts.checksum ? createChecksum(opts.checksum.algorithm) : undefined;
  }

  /** The verified checksums (base64); throws if the body has not ended successfully. */
  get checksums(): ChecksumMap {
    if (!this.result) throw new Error('PayloadVerifier: checksums read before the body ended');
    return this.result;
  }

  override _transform(chunk: Buffer, _enc: BufferEncoding, callback: TransformCallback): void {
    this.length += chunk.length;
    if (this.length > this.opts.maxSize) return callback(new S3Error('EntityTooLarge'));
    if (this.opts.expectedLength !== undefined && this.length > this.opts.expectedLength) {
      return callback(new S3Error('IncompleteBody', 'The body is longer than the declared decoded content length.'));
    }
    this.sha256?.update(chunk);
    this.md5?.update(chunk);
    this.checksum?.update(chunk);
    callback(null, chunk);
  }

  override _flush(callback: TransformCallback): void {
    try {
      this.finish();
      callback();
    } catch (err) {
      callback(err as Error);
    }
  }

  private finish(): void {
    const o = this.opts;
    if (o.expectedLength !== undefined && this.length !== o.expectedLength) throw new S3Error('IncompleteBody');
    if (this.sha256 && this.sha256.digest('hex') !== o.sha256) throw new S3Error('XAmzContentSHA256Mismatch');
    if (this.md5 && this.md5.digest('base64') !== o.md5) {
      throw new S3Error('BadDigest', 'The Content-MD5 you specified did not match what we received.');
    }
    const result: ChecksumMap = {};
    if (this.checksum && o.checksum) {
      const { algorithm } = o.checksum;
      const actual = this.checksum.digest().toString('base64');
      const expected = o.checksum.expected();
      if (expected !== undefined) {
        if (!isValidChecksumValue(algorithm, expected)) {
          throw new S3Error('InvalidRequest', `Value for ${checksumHeaderName(algorithm)} trailing header is invalid.`);
        }
        if (expected !== actual) throw new S3Error('BadDigest', `The ${algorithm} you specified did not match the calculated checksum.`);
      }
      result[algorithm] = actual;
    }
    this.result = result;
  }
}
