import { randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import { expect } from 'chai';
import { EncryptStream } from '../src/sse/encrypt-stream.js';
import { DecryptStream } from '../src/sse/decrypt-stream.js';
import { encryptedSize, PACKAGE_SIZE, plaintextSize, TamperedError } from '../src/sse/package-format.js';
import { encryptedStreams, planRead } from '../src/sse/read-plan.js';
import { customerKeyCheck, customerKeyMatches, deriveSseS3Key, sealDataKey, unsealDataKey } from '../src/sse/data-key.js';

async function collect(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of stream) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
}

/** Encrypts `plain` as one stream, fed in pieces of `piece` bytes. */
async function encrypt(key: Buffer, plain: Buffer, partNumber = 0, piece = 7000): Promise<Buffer> {
  const pieces: Buffer[] = [];
  for (let i = 0; i < plain.length; i += piece) pieces.push(plain.subarray(i, i + piece));
  return collect(Readable.from(pieces).pipe(new EncryptStream(key, partNumber)));
}

async function decrypt(key: Buffer, stored: Buffer, parts: { partNumber: number; size: number }[] | undefined, range?: { start: number; end: number }): Promise<Buffer> {
  const info = parts ? { size: stored.length, parts: parts.map((p) => ({ ...p, checksums: {} })) } : { size: stored.length };
  const plan = planRead(encryptedStreams(info), range);
  const slice = plan.cipherRange ? stored.subarray(plan.cipherRange.start, plan.cipherRange.end + 1) : stored;
  // Feed in odd-sized pieces so package boundaries never align with chunk boundaries.
  const pieces: Buffer[] = [];
  for (let i = 0; i < slice.length; i += 5003) pieces.push(slice.subarray(i, i + 5003));
  return collect(Readable.from(pieces).pipe(new DecryptStream(key, plan)));
}

describe('SSE package format', () => {
  const key = randomBytes(32);

  it('round-trips many sizes with the documented stored size', async () => {
    for (const n of [0, 1, 15, 65535, 65536, 65537, 131072, 131073, 200_000]) {
      const plain = randomBytes(n);
      const stored = await encrypt(key, plain);
      expect(stored.length, `size ${n}`).to.equal(encryptedSize(n));
      expect(stored.length).to.equal(n + 28 * Math.max(1, Math.ceil(n / 65536)));
      expect(plaintextSize(stored.length)).to.equal(n);
      expect((await decrypt(key, stored, undefined)).equals(plain), `round trip ${n}`).to.equal(true);
      if (n >= 16) expect(stored.includes(plain.subarray(0, 16))).to.equal(false);
    }
  });

  it('maps stored sizes back only when valid', () => {
    expect(() => plaintextSize(27)).to.throw();
    expect(() => plaintextSize(PACKAGE_SIZE + 5)).to.throw();
    expect(plaintextSize(28)).to.equal(0);
    expect(plaintextSize(PACKAGE_SIZE)).to.equal(65536);
  });

  it('decrypts random ranges to exactly the plaintext bytes', async () => {
    const plain = randomBytes(300_000);
    const stored = await encrypt(key, plain);
    const edges = [[0, 0], [65535, 65536], [65536, 65536], [0, 299_999], [299_999, 299_999], [131071, 196608]];
    for (let i = 0; i < 25; i++) {
      const a = Math.floor(Math.random() * plain.length);
      const b = Math.floor(Math.random() * plain.length);
      edges.push([Math.min(a, b), Math.max(a, b)]);
    }
    for (const [start, end] of edges as [number, number][]) {
      const got = await decrypt(key, stored, undefined, { start, end });
      expect(got.equals(plain.subarray(start, end + 1)), `range ${start}-${end}`).to.equal(true);
    }
  });

  it('decrypts ranges across independently encrypted parts', async () => {
    const sizes = [70_000, 65536, 1, 100_000];
    const plains = sizes.map((n) => randomBytes(n));
    const parts = await Promise.all(plains.map((p, i) => encrypt(key, p, [1, 3, 4, 9][i])));
    const stored = Buffer.concat(parts);
    const plain = Buffer.concat(plains);
    const layout = parts.map((p, i) => ({ partNumber: [1, 3, 4, 9][i]!, size: p.length }));
    expect((await decrypt(key, stored, layout)).equals(plain)).to.equal(true);
    for (const [start, end] of [[69_999, 70_000], [135_535, 135_537], [0, plain.length - 1], [135_536, 135_536], [100, 200_000]] as [number, number][]) {
      expect((await decrypt(key, stored, layout, { start, end })).equals(plain.subarray(start, end + 1)), `range ${start}-${end}`).to.equal(true);
    }
    // A part declared under another part number does not authenticate.
    const swapped = layout.map((p, i) => (i === 1 ? { ...p, partNumber: 2 } : p));
    await expectTampered(decrypt(key, stored, swapped));
  });

  it('detects a changed byte, truncation, an extra byte, reordering and a wrong key', async () => {
    const plain = randomBytes(200_000);
    const stored = await encrypt(key, plain);
    const flipped = Buffer.from(stored);
    flipped[70_000] = flipped[70_000]! ^ 1;
    await expectTampered(decrypt(key, flipped, undefined));
    // Cut at a package boundary: the remaining last package was sealed as non-final.
    await expectTampered(decrypt(key, stored.subarray(0, PACKAGE_SIZE * 2), undefined));
    await expectTampered(decrypt(key, stored.subarray(0, stored.length - 1), undefined));
    const swapped = Buffer.concat([stored.subarray(PACKAGE_SIZE, 2 * PACKAGE_SIZE), stored.subarray(0, PACKAGE_SIZE), stored.subarray(2 * PACKAGE_SIZE)]);
    await expectTampered(decrypt(key, swapped, undefined));
    await expectTampered(decrypt(randomBytes(32), stored, undefined));
    const plan = planRead(encryptedStreams({ size: stored.length }), undefined);
    await expectTampered(collect(Readable.from([stored, Buffer.from([1])]).pipe(new DecryptStream(key, plan))));
    // An empty object is one package: deleting it is detected.
    const empty = await encrypt(key, Buffer.alloc(0));
    expect(empty.length).to.equal(28);
    await expectTampered(collect(Readable.from([Buffer.alloc(0)]).pipe(new DecryptStream(key, planRead(encryptedStreams({ size: 28 }), undefined)))));
  });

  it('seals data keys bound to their object, and recognises customer keys', () => {
    const kek = deriveSseS3Key(randomBytes(32));
    const dataKey = randomBytes(32);
    const sealed = sealDataKey(kek, dataKey, 'b/k');
    expect(unsealDataKey(kek, sealed, 'b/k')?.equals(dataKey)).to.equal(true);
    expect(unsealDataKey(kek, sealed, 'b/other')).to.equal(undefined);
    expect(unsealDataKey(randomBytes(32), sealed, 'b/k')).to.equal(undefined);
    const customer = randomBytes(32);
    const check = customerKeyCheck(customer);
    expect(check).to.not.include(customer.toString('base64'));
    expect(customerKeyMatches(customer, check)).to.equal(true);
    expect(customerKeyMatches(randomBytes(32), check)).to.equal(false);
    expect(customerKeyCheck(customer)).to.not.equal(check); // salted
  });
});

async function expectTampered(p: Promise<unknown>): Promise<void> {
  try {
    await p;
  } catch (err) {
    expect(err).to.be.instanceOf(TamperedError);
    return;
  }
  expect.fail('expected the encrypted data to fail authentication');
}
