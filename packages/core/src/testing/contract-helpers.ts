import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import { expect } from 'chai';
import { isS3Error, type S3Error, type S3ErrorCode } from '../errors/s3-errors.js';
import type { ObjectInfo, ObjectStore } from '../object-store.js';

/** Creates a fresh, empty store for one test, and removes it afterwards. */
export type ObjectStoreFactory = () => Promise<{ store: ObjectStore; cleanup(): Promise<void> }>;

/** A body stream yielding `data` (split into `chunks` pieces, to exercise multi-chunk writes). */
export function bodyOf(data: string | Buffer, chunks = 1): Readable {
  const buf = typeof data === 'string' ? Buffer.from(data) : data;
  const size = Math.ceil(buf.length / chunks) || 1;
  const pieces: Buffer[] = [];
  for (let at = 0; at < buf.length; at += size) pieces.push(buf.subarray(at, at + size));
  return Readable.from(pieces);
}

/**
 * A body that yields `first` and then fails with `error`, as a verifier transform does when the
 * payload hash or a chunk signature does not match.
 */
export function failingBody(first: Buffer, error: Error): Readable {
  let sent = false;
  return new Readable({
    read() {
      if (!sent) {
        sent = true;
        this.push(first);
      } else {
        setImmediate(() => this.destroy(error));
      }
    },
  });
}

/** A body that yields its chunks one per macrotask, so concurrent writers interleave. */
export function slowBody(data: Buffer, chunks: number): Readable {
  const size = Math.ceil(data.length / chunks);
  let at = 0;
  return new Readable({
    read() {
      setImmediate(() => {
        if (at >= data.length) return this.push(null);
        this.push(data.subarray(at, at + size));
        at += size;
      });
    },
  });
}

/** Reads a stream to the end. */
export async function readAll(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk as string));
  return Buffer.concat(chunks);
}

/** MD5 hex of the bytes. */
export function md5Hex(data: string | Buffer): string {
  return createHash('md5').update(data).digest('hex');
}

/** Asserts that `promise` rejects with an S3Error of `code`; returns the error. */
export async function expectS3Error(promise: Promise<unknown>, code: S3ErrorCode): Promise<S3Error> {
  let caught: unknown;
  try {
    await promise;
  } catch (err) {
    caught = err;
  }
  expect(caught, `expected S3Error ${code}`).to.not.equal(undefined);
  expect(isS3Error(caught), `expected an S3Error, got ${String(caught)}`).to.equal(true);
  expect((caught as S3Error).code).to.equal(code);
  return caught as S3Error;
}

/** Asserts that `promise` rejects with exactly `error` (the same object). */
export async function expectRejectsWith(promise: Promise<unknown>, error: unknown): Promise<void> {
  let caught: unknown;
  try {
    await promise;
  } catch (err) {
    caught = err;
  }
  expect(caught).to.equal(error);
}

/** Stores a small object with no metadata. */
export function putText(store: ObjectStore, bucket: string, key: string, text: string | Buffer): Promise<ObjectInfo> {
  return store.putObject({ bucket, key, body: bodyOf(text), headers: {}, userMetadata: {} });
}

/** Reads an object (or a range of it) whole. */
export async function getBytes(store: ObjectStore, bucket: string, key: string, range?: { start: number; end: number }): Promise<Buffer> {
  const { body } = await store.openObject(bucket, key, range ? () => range : undefined);
  return readAll(body);
}

/** Compares strings in UTF-8 byte order, as S3 lists keys. */
export function compareUtf8(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));
}

/** Deterministic pseudo-random bytes (a fast xorshift), so large fixtures cost nothing. */
export function patternBytes(size: number, seed: number): Buffer {
  const buf = Buffer.allocUnsafe(size);
  let x = seed | 1;
  for (let i = 0; i < size; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    buf[i] = x & 0xff;
  }
  return buf;
}

/** One page as the reference model of S3 listing computes it. */
export interface ModelPage {
  keys: string[];
  prefixes: string[];
  isTruncated: boolean;
  nextMarker?: string;
}

/**
 * The reference model of a ListObjects page: keys in UTF-8 byte order under `prefix`, keys with
 * the delimiter after the prefix folded into common prefixes, only entries (keys or prefixes)
 * strictly after `startAfter`, at most `maxKeys` entries; `nextMarker` is the last entry.
 */
export function modelListing(
  allKeys: readonly string[],
  opts: { prefix?: string; delimiter?: string; startAfter?: string; maxKeys: number },
): ModelPage {
  const prefix = opts.prefix ?? '';
  const entries: { key: string; isPrefix: boolean }[] = [];
  for (const key of [...allKeys].sort(compareUtf8)) {
    if (!key.startsWith(prefix)) continue;
    const at = opts.delimiter ? key.indexOf(opts.delimiter, prefix.length) : -1;
    if (at >= 0) {
      const common = key.slice(0, at + (opts.delimiter as string).length);
      if (entries[entries.length - 1]?.key !== common) entries.push({ key: common, isPrefix: true });
    } else {
      entries.push({ key, isPrefix: false });
    }
  }
  const after = opts.startAfter;
  const visible = after === undefined ? entries : entries.filter((e) => compareUtf8(e.key, after) > 0);
  const page = visible.slice(0, opts.maxKeys);
  const result: ModelPage = {
    keys: page.filter((e) => !e.isPrefix).map((e) => e.key),
    prefixes: page.filter((e) => e.isPrefix).map((e) => e.key),
    isTruncated: visible.length > page.length,
  };
  if (result.isTruncated) result.nextMarker = page[page.length - 1]!.key;
  return result;
}
