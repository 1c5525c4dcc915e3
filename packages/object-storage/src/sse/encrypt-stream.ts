import { createHash } from 'node:crypto';
import { Transform, type TransformCallback } from 'node:stream';
import { PACKAGE_PLAINTEXT, sealPackage } from './package-format.js';

/**
 * Encrypts one stream (a single-PUT object or one multipart part) into the package format of
 * `package-format.ts`, computing the plaintext MD5 on the way (the ETag of an SSE-S3 object). A
 * full chunk is held back until more bytes arrive, because only the last package is sealed as final.
 */
export class EncryptStream extends Transform {
  readonly #dataKey: Buffer;
  readonly #partNumber: number;
  readonly #md5 = createHash('md5');
  #pending: Buffer = Buffer.alloc(0);
  #index = 0;
  #plainSize = 0;
  #digest: string | undefined;

  /** `partNumber` is 0 for a single PUT, the part number (1..10000) for a multipart part. */
  constructor(dataKey: Buffer, partNumber: number) {
    super();
    this.#dataKey = dataKey;
    this.#partNumber = partNumber;
  }

  /** The plaintext MD5 (hex); valid once the stream has ended. */
  get plainMd5(): string {
    this.#digest ??= this.#md5.digest('hex');
    return this.#digest;
  }

  /** The plaintext bytes seen so far. */
  get plainSize(): number {
    return this.#plainSize;
  }

  override _transform(chunk: Buffer, _enc: BufferEncoding, done: TransformCallback): void {
    this.#md5.update(chunk);
    this.#plainSize += chunk.length;
    this.#pending = this.#pending.length === 0 ? chunk : Buffer.concat([this.#pending, chunk]);
    // Strictly more than one chunk: the one held back may turn out to be the last.
    while (this.#pending.length > PACKAGE_PLAINTEXT) {
      this.push(this.#seal(this.#pending.subarray(0, PACKAGE_PLAINTEXT), false));
      this.#pending = this.#pending.subarray(PACKAGE_PLAINTEXT);
    }
    done();
  }

  override _flush(done: TransformCallback): void {
    this.push(this.#seal(this.#pending, true));
    this.#pending = Buffer.alloc(0);
    done();
  }

  #seal(plain: Buffer, final: boolean): Buffer {
    return sealPackage(this.#dataKey, plain, { partNumber: this.#partNumber, index: this.#index++, final });
  }
}
