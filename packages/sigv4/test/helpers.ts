import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { expect } from 'chai';
import { isS3Error } from '@keyless/core';

/** `/work/shared/testdata`, from `packages/sigv4/dist/test/`. */
export const TESTDATA = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', '..', '..', 'shared', 'testdata');

export function readTestData(...parts: string[]): string {
  return readFileSync(join(TESTDATA, ...parts), 'utf8');
}

/** An HTTP/1.1 request parsed from the test suite's text format. */
export interface RawRequest {
  method: string;
  rawPath: string;
  rawQuery: string;
  rawHeaders: string[];
  body: string;
}

/** Parses `request.txt` style files; obsolete folded lines are joined to the previous value with a space. */
export function parseRequestText(text: string): RawRequest {
  const sep = text.indexOf('\n\n');
  const head = sep < 0 ? text : text.slice(0, sep);
  const body = sep < 0 ? '' : text.slice(sep + 2);
  const lines = head.split('\n').filter((l, i, all) => !(i === all.length - 1 && l === ''));
  const first = lines.shift()!;
  const method = first.slice(0, first.indexOf(' '));
  const url = first.slice(first.indexOf(' ') + 1, first.lastIndexOf(' '));
  const q = url.indexOf('?');
  const rawHeaders: string[] = [];
  for (const line of lines) {
    if (/^\s/.test(line)) {
      rawHeaders[rawHeaders.length - 1] += ' ' + line;
      continue;
    }
    const colon = line.indexOf(':');
    rawHeaders.push(line.slice(0, colon), line.slice(colon + 1));
  }
  return { method, rawPath: q < 0 ? url : url.slice(0, q), rawQuery: q < 0 ? '' : url.slice(q + 1), rawHeaders, body };
}

/** Asserts that `promise` rejects with an S3Error of `code`; returns it. */
export async function expectS3Error(promise: Promise<unknown>, code: string): Promise<{ code: string; message: string }> {
  try {
    await promise;
  } catch (err) {
    expect(isS3Error(err), `expected S3Error ${code}, got ${String(err)}`).to.equal(true);
    expect((err as { code: string }).code).to.equal(code);
    return err as { code: string; message: string };
  }
  expect.fail(`expected S3Error ${code}, but it resolved`);
}

/** Collects a stream into one buffer (rejects with the stream's error). */
export async function collect(stream: Readable): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const p of stream) parts.push(p as Buffer);
  return Buffer.concat(parts);
}

/** A readable that yields `data` in pieces of the given sizes (cycled), to split framing anywhere. */
export function pieces(data: Buffer, sizes: number[]): Readable {
  return Readable.from(
    (function* () {
      let i = 0;
      let k = 0;
      while (i < data.length) {
        const n = Math.max(1, sizes[k++ % sizes.length]!);
        yield data.subarray(i, i + n);
        i += n;
      }
    })(),
    { objectMode: false },
  );
}
