import { createHash, createHmac, timingSafeEqual, type Hash } from 'node:crypto';
import { Transform, type TransformCallback } from 'node:stream';
import { S3Error } from '@keyless/core';
import { EMPTY_SHA256 } from './canonical-request.js';

/** What per-chunk signatures chain from: the verified request's key, date, scope and seed signature. */
export interface ChunkSigning {
  signingKey: Buffer;
  amzDate: string;
  scope: string;
  seedSignature: string;
}

/** Options of {@link AwsChunkedDecoder}. */
export interface AwsChunkedDecoderOptions {
  /** Present for `STREAMING-AWS4-HMAC-SHA256-PAYLOAD[-TRAILER]`: every chunk signature is verified. */
  signing?: ChunkSigning;
  /** Trailer headers follow the final chunk (`*-TRAILER` modes). */
  trailer: boolean;
  /** Largest chunk accepted; default 16 MiB. */
  maxChunkSize?: number;
  /** Longest chunk-size line (hex size plus extensions); default 4 KiB. */
  maxLineLength?: number;
  /** Most bytes of trailer lines; default 16 KiB. */
  maxTrailerLength?: number;
}

type State = 'size-line' | 'data' | 'data-crlf' | 'trailer' | 'final-crlf' | 'done' | 'failed';

const framing = (detail: string): S3Error => new S3Error('IncompleteBody', `Malformed aws-chunked body: ${detail}`);
const badSignature = (): S3Error => new S3Error('SignatureDoesNotMatch');

function sameHex(a: string, b: string): boolean {
  if (!/^[0-9a-f]{64}$/i.test(a) || !/^[0-9a-f]{64}$/i.test(b)) return false;
  return timingSafeEqual(Buffer.from(a, 'hex'), Buffer.from(b, 'hex'));
}

/**
 * Streaming decoder of `Content-Encoding: aws-chunked` bodies: a byte-level state machine (chunk
 * data and framing may straddle any input boundary; nothing but one framing line is buffered).
 * Emits only the chunk data; verifies each chunk signature chained from the seed signature, and the
 * trailer signature; collects trailer headers into {@link trailers}.
 *
 * @see https://docs.aws.amazon.com/AmazonS3/latest/API/sigv4-streaming.html
 * @see https://docs.aws.amazon.com/AmazonS3/latest/API/sigv4-streaming-trailers.html
 */
export class AwsChunkedDecoder extends Transform {
  /** Trailer headers (lower-case names), complete once the stream has ended. */
  readonly trailers = new Map<string, string>();

  private state: State = 'size-line';
  private line: Buffer[] = [];
  private lineLength = 0;
  private trailerBytes = 0;
  private remaining = 0;
  private crlfSeen = 0;
  private chunkSignature = '';
  private chunkHash: Hash | undefined;
  private previousSignature: string;
  private trailerSignature: string | undefined;
  private readonly maxChunkSize: number;
  private readonly maxLineLength: number;
  private readonly maxTrailerLength: number;

  constructor(private readonly opts: AwsChunkedDecoderOptions) {
    super();
    this.previousSignature = opts.signing?.seedSignature ?? '';
    this.maxChunkSize = opts.maxChunkSize ?? 16 * 1024 * 1024;
    this.maxLineLength = opts.maxLineLength ?? 4096;
    this.maxTrailerLength = opts.maxTrailerLength ?? 16 * 1024;
  }

  override _transform(chunk: Buffer, _enc: BufferEncoding, callback: TransformCallback): void {
    if (this.state === 'failed') return callback();
    try {
      this.consume(chunk);
      callback();
    } catch (err) {
      this.state = 'failed';
      callback(err as Error);
    }
  }

  override _flush(callback: TransformCallback): void {
    try {
      // Lenient about the very last CRLF only: every byte of data and every signature is checked by then.
      if (this.state === 'final-crlf' && this.crlfSeen === 0) this.state = 'done';
      if (this.state === 'trailer' && this.lineLength === 0) this.finishTrailers();
      if (this.state !== 'done') throw new S3Error('IncompleteBody');
      callback();
    } catch (err) {
      callback(err as Error);
    }
  }

  private consume(buf: Buffer): void {
    let i = 0;
    while (i < buf.length) {
      switch (this.state) {
        case 'size-line':
        case 'trailer': {
          const lf = buf.indexOf(0x0a, i);
          const end = lf < 0 ? buf.length : lf + 1;
          this.appendLine(buf.subarray(i, end));
          i = end;
          if (lf >= 0) {
            // Usually the whole line arrived in one input buffer: use it in place, no copy.
            const line = this.line.length === 1 ? this.line[0]! : Buffer.concat(this.line, this.lineLength);
            this.line = [];
            this.lineLength = 0;
            if (line.length < 2 || line[line.length - 2] !== 0x0d) throw framing('line not terminated by CRLF');
            const text = line.subarray(0, line.length - 2).toString('latin1');
            if (this.state === 'size-line') this.onSizeLine(text);
            else this.onTrailerLine(text);
          }
          break;
        }
        case 'data': {
          const take = Math.min(this.remaining, buf.length - i);
          const piece = buf.subarray(i, i + take);
          this.chunkHash?.update(piece);
          this.push(piece);
          this.remaining -= take;
          i += take;
          if (this.remaining === 0) {
            this.verifyChunk(this.chunkHash?.digest('hex') ?? '');
            this.state = 'data-crlf';
            this.crlfSeen = 0;
          }
          break;
        }
        case 'data-crlf':
        case 'final-crlf': {
          if (buf[i] !== (this.crlfSeen === 0 ? 0x0d : 0x0a)) throw framing('chunk data not followed by CRLF');
          i++;
          if (++this.crlfSeen === 2) this.state = this.state === 'data-crlf' ? 'size-line' : 'done';
          break;
        }
        case 'done':
          throw new S3Error('InvalidArgument', 'Unexpected data after the final aws-chunked chunk.');
        case 'failed':
          return;
      }
    }
  }

  private appendLine(piece: Buffer): void {
    this.lineLength += piece.length;
    if (this.state === 'size-line' && this.lineLength > this.maxLineLength) {
      throw new S3Error('InvalidArgument', 'aws-chunked chunk-size line too long.');
    }
    if (this.state === 'trailer' && this.trailerBytes + this.lineLength > this.maxTrailerLength) {
      throw new S3Error('InvalidArgument', 'aws-chunked trailer too long.');
    }
    this.line.push(piece);
  }

  private onSizeLine(text: string): void {
    const [sizeText = '', ...extensions] = text.split(';');
    if (!/^[0-9a-fA-F]+$/.test(sizeText)) throw framing('invalid chunk size');
    const digits = sizeText.replace(/^0+(?=.)/, '');
    const size = digits.length > 8 ? Infinity : parseInt(digits, 16);
    if (size > this.maxChunkSize) throw new S3Error('InvalidArgument', 'aws-chunked chunk size exceeds the limit.');
    this.chunkSignature = '';
    for (const ext of extensions) {
      const eq = ext.indexOf('=');
      if (eq > 0 && ext.slice(0, eq).trim() === 'chunk-signature') this.chunkSignature = ext.slice(eq + 1).trim();
    }
    if (this.opts.signing && this.chunkSignature === '') throw badSignature();
    if (size === 0) {
      this.verifyChunk(EMPTY_SHA256);
      if (this.opts.trailer) {
        this.state = 'trailer';
      } else {
        this.state = 'final-crlf';
        this.crlfSeen = 0;
      }
      return;
    }
    this.remaining = size;
    this.chunkHash = this.opts.signing ? createHash('sha256') : undefined;
    this.state = 'data';
  }

  /** Checks one chunk signature and advances the chain. */
  private verifyChunk(dataHash: string): void {
    const s = this.opts.signing;
    if (!s) return;
    const toSign = `AWS4-HMAC-SHA256-PAYLOAD\n${s.amzDate}\n${s.scope}\n${this.previousSignature}\n${EMPTY_SHA256}\n${dataHash}`;
    const expected = createHmac('sha256', s.signingKey).update(toSign).digest('hex');
    if (!sameHex(expected, this.chunkSignature)) throw badSignature();
    this.previousSignature = expected;
  }

  private onTrailerLine(text: string): void {
    this.trailerBytes += text.length + 2;
    if (text === '') return this.finishTrailers();
    const colon = text.indexOf(':');
    if (colon <= 0) throw framing('invalid trailer line');
    const name = text.slice(0, colon).trim().toLowerCase();
    const value = text.slice(colon + 1).trim();
    if (name === 'x-amz-trailer-signature') {
      if (this.trailerSignature !== undefined) throw framing('repeated trailer signature');
      this.trailerSignature = value;
      return;
    }
    if (this.trailerSignature !== undefined) throw framing('trailer header after the trailer signature');
    if (this.trailers.has(name)) throw new S3Error('InvalidRequest', `Repeated trailer header ${name}.`);
    this.trailers.set(name, value);
  }

  private finishTrailers(): void {
    const s = this.opts.signing;
    if (s) {
      if (this.trailerSignature === undefined) throw badSignature();
      // Canonical trailer: `name:value\n` per header, sorted by name (as the AWS SDKs build it).
      const trailerText = [...this.trailers].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([n, v]) => `${n}:${v}\n`).join('');
      const toSign = `AWS4-HMAC-SHA256-TRAILER\n${s.amzDate}\n${s.scope}\n${this.previousSignature}\n${createHash('sha256').update(trailerText).digest('hex')}`;
      const expected = createHmac('sha256', s.signingKey).update(toSign).digest('hex');
      if (!sameHex(expected, this.trailerSignature)) throw badSignature();
    }
    this.state = 'done';
  }
}
