import { createHash, createHmac, randomBytes } from 'node:crypto';
import { expect } from 'chai';
import fc from 'fast-check';
import { isS3Error } from '@keyless/core';
import { AwsChunkedDecoder, EMPTY_SHA256, type AwsChunkedDecoderOptions, type ChunkSigning } from '../src/index.js';

/**
 * Property-based tests of the aws-chunked decoder. Invariants: any byte stream, split anywhere,
 * ends or fails with an S3Error (never another error, never a hang); a valid encoding, split
 * anywhere, yields exactly its data (never a framing byte) and its trailers; a signed encoding
 * with one byte changed either fails or still yields exactly the original data and trailers.
 */
const RUNS = Number(process.env.FUZZ_RUNS) || 0;
const runs = (fallback: number) => ({ numRuns: RUNS || fallback });

type Outcome = { ok: true; data: Buffer; trailers: Map<string, string> } | { ok: false; err: unknown };

/** Feeds `pieces` to a fresh decoder and reports how it ended. */
function decode(opts: AwsChunkedDecoderOptions, pieces: Uint8Array[]): Promise<Outcome> {
  return new Promise((resolve) => {
    const decoder = new AwsChunkedDecoder(opts);
    const out: Buffer[] = [];
    let done = false;
    const finish = (o: Outcome) => {
      if (done) return;
      done = true;
      resolve(o);
    };
    decoder.on('data', (c: Buffer) => out.push(c));
    decoder.on('error', (err) => finish({ ok: false, err }));
    decoder.on('end', () => finish({ ok: true, data: Buffer.concat(out), trailers: decoder.trailers }));
    for (const p of pieces) {
      if (decoder.destroyed) break;
      decoder.write(Buffer.from(p));
    }
    if (!decoder.destroyed) decoder.end();
  });
}

/** Splits `data` at the given cut points (any order, out-of-range ones ignored). */
function cut(data: Buffer, cuts: number[]): Buffer[] {
  const points = [...new Set(cuts.map((c) => c % (data.length + 1)))].sort((a, b) => a - b);
  const out: Buffer[] = [];
  let prev = 0;
  for (const p of [...points, data.length]) {
    out.push(data.subarray(prev, p));
    prev = p;
  }
  return out.filter((b) => b.length > 0);
}

function expectS3ErrorOnly(o: Outcome): void {
  if (!o.ok && !isS3Error(o.err)) throw new Error(`expected an S3Error, got ${o.err instanceof Error ? o.err.stack : String(o.err)}`);
}

interface Encoding {
  chunks: Buffer[];
  trailers: [string, string][];
  upperHex: boolean;
  zeroPad: number;
}

const encodingArb: fc.Arbitrary<Encoding> = fc.record({
  chunks: fc.array(fc.uint8Array({ minLength: 1, maxLength: 300 }).map((u) => Buffer.from(u)), { maxLength: 6 }),
  trailers: fc.uniqueArray(fc.tuple(fc.stringMatching(/^x-[a-z0-9-]{1,12}$/), fc.stringMatching(/^[!-~]([ -~]{0,18}[!-~])?$/)), { maxLength: 3, selector: ([k]) => k })
    .map((t) => t.filter(([k]) => k !== 'x-amz-trailer-signature')),
  upperHex: fc.boolean(),
  zeroPad: fc.nat(3),
});

/** Encodes chunks (signed when `signing` is given) the way the AWS SDKs do. */
function encode(e: Encoding, trailer: boolean, signing?: ChunkSigning): Buffer {
  let prev = signing?.seedSignature ?? '';
  const parts: Buffer[] = [];
  const size = (n: number) => '0'.repeat(e.zeroPad) + (e.upperHex ? n.toString(16).toUpperCase() : n.toString(16));
  for (const chunk of [...e.chunks, Buffer.alloc(0)]) {
    let ext = '';
    if (signing) {
      const hash = chunk.length === 0 ? EMPTY_SHA256 : createHash('sha256').update(chunk).digest('hex');
      prev = createHmac('sha256', signing.signingKey).update(`AWS4-HMAC-SHA256-PAYLOAD\n${signing.amzDate}\n${signing.scope}\n${prev}\n${EMPTY_SHA256}\n${hash}`).digest('hex');
      ext = `;chunk-signature=${prev}`;
    }
    parts.push(Buffer.from(`${chunk.length === 0 ? '0' : size(chunk.length)}${ext}\r\n`), chunk);
    if (chunk.length > 0) parts.push(Buffer.from('\r\n'));
  }
  if (trailer) {
    const lines = e.trailers.map(([k, v]) => `${k}:${v}\r\n`).join('');
    let sig = '';
    if (signing) {
      const text = [...e.trailers].sort(([a], [b]) => (a < b ? -1 : 1)).map(([k, v]) => `${k}:${v}\n`).join('');
      const hash = createHash('sha256').update(text).digest('hex');
      sig = `x-amz-trailer-signature:${createHmac('sha256', signing.signingKey).update(`AWS4-HMAC-SHA256-TRAILER\n${signing.amzDate}\n${signing.scope}\n${prev}\n${hash}`).digest('hex')}\r\n`;
    }
    parts.push(Buffer.from(lines + sig + '\r\n'));
  } else {
    parts.push(Buffer.from('\r\n'));
  }
  return Buffer.concat(parts);
}

const signing: ChunkSigning = {
  signingKey: randomBytes(32),
  amzDate: '20240501T120000Z',
  scope: '20240501/us-east-1/s3/aws4_request',
  seedSignature: randomBytes(32).toString('hex'),
};

const MODES: [string, AwsChunkedDecoderOptions][] = [
  ['unsigned', { trailer: false }],
  ['unsigned + trailer', { trailer: true }],
  ['signed', { trailer: false, signing }],
  ['signed + trailer', { trailer: true, signing }],
];

/** Bytes that look like framing often enough to get deep into the state machine. */
const framingish = fc
  .array(
    fc.oneof(
      fc.constantFrom('\r\n', '\r', '\n', ';', 'chunk-signature=', '0', 'a', 'ffffffffff', '10', '0\r\n\r\n', 'x-amz-checksum-crc32:', 'x-amz-trailer-signature:', ':', ' '),
      fc.stringMatching(/^[0-9a-f]{1,64}$/),
      fc.string({ unit: 'binary', maxLength: 20 }),
    ),
    { maxLength: 40 },
  )
  .map((parts) => Buffer.from(parts.join(''), 'utf8'));

describe('fuzz: aws-chunked decoder', function () {
  this.timeout(0);

  for (const [name, opts] of MODES) {
    it(`${name}: random bytes, split anywhere, end or fail with an S3Error only`, async () => {
      await fc.assert(
        fc.asyncProperty(fc.oneof(framingish, fc.uint8Array({ maxLength: 400 }).map((u) => Buffer.from(u))), fc.array(fc.nat(), { maxLength: 8 }), async (bytes, cuts) => {
          const o = await decode(opts, cut(bytes, cuts));
          expectS3ErrorOnly(o);
          // Whatever it accepts, it never emits more bytes than it was given.
          if (o.ok) expect(o.data.length).to.be.at.most(bytes.length);
        }),
        runs(1500),
      );
    });

    it(`${name}: a valid encoding split anywhere yields exactly its data and trailers`, async () => {
      await fc.assert(
        fc.asyncProperty(encodingArb, fc.array(fc.nat(), { maxLength: 10 }), async (e, cuts) => {
          const wire = encode(e, opts.trailer, opts.signing);
          const o = await decode(opts, cut(wire, cuts));
          if (!o.ok) throw new Error(`valid encoding refused: ${String(o.err)}`);
          expect(o.data.equals(Buffer.concat(e.chunks))).to.equal(true);
          if (opts.trailer) expect([...o.trailers]).to.deep.equal(e.trailers.map(([k, v]) => [k, v]));
        }),
        runs(800),
      );
    });
  }

  for (const trailer of [false, true]) {
    it(`signed${trailer ? ' + trailer' : ''}: one changed byte anywhere fails, or yields exactly the original data and trailers`, async () => {
      const opts: AwsChunkedDecoderOptions = { trailer, signing };
      await fc.assert(
        fc.asyncProperty(encodingArb, fc.nat(), fc.integer({ min: 1, max: 255 }), fc.array(fc.nat(), { maxLength: 6 }), async (e, at, delta, cuts) => {
          const wire = encode(e, trailer, signing);
          const i = at % wire.length;
          const mutated = Buffer.from(wire);
          mutated[i] = (mutated[i]! + delta) & 0xff;
          const o = await decode(opts, cut(mutated, cuts));
          expectS3ErrorOnly(o);
          if (o.ok) {
            expect(o.data.equals(Buffer.concat(e.chunks)), `byte ${i} changed ${wire[i]} -> ${mutated[i]} yet accepted with other data`).to.equal(true);
            const want = new Map(trailer ? e.trailers.map(([k, v]) => [k.toLowerCase(), v.trim()]) : []);
            expect(new Map(o.trailers)).to.deep.equal(want);
          }
        }),
        runs(1500),
      );
    });
  }
});
