import { createHash, randomBytes } from 'node:crypto';
import { crc32 as zlibCrc32 } from 'node:zlib';
import { expect } from 'chai';
import { createChecksum, isValidChecksumValue, CHECKSUM_ALGORITHMS } from '../src/index.js';

/** Bit-at-a-time reflected CRC, the textbook definition the table-driven versions must equal. */
function referenceCrc(data: Uint8Array, width: 32 | 64, poly: bigint): bigint {
  const mask = (1n << BigInt(width)) - 1n;
  let rev = 0n;
  for (let i = 0; i < width; i++) if ((poly >> BigInt(i)) & 1n) rev |= 1n << BigInt(width - 1 - i);
  let crc = mask;
  for (const b of data) {
    crc ^= BigInt(b);
    for (let k = 0; k < 8; k++) crc = crc & 1n ? (crc >> 1n) ^ rev : crc >> 1n;
  }
  return crc ^ mask;
}

const hex = (alg: Parameters<typeof createChecksum>[0], data: Buffer): string => {
  const c = createChecksum(alg);
  c.update(data);
  return c.digest().toString('hex');
};

describe('checksums', () => {
  const check = Buffer.from('123456789');

  it('match the catalogue check values of "123456789"', () => {
    expect(hex('CRC32', check)).to.equal('cbf43926');
    expect(hex('CRC32C', check)).to.equal('e3069283');
    expect(hex('CRC64NVME', check)).to.equal('ae8b14860a799888');
    expect(hex('SHA1', check)).to.equal('f7c3bc1d808e04732adf679965ccc34ca7ae3441');
    expect(hex('SHA256', check)).to.equal('15e2b0d3c33891ebb0f1ef609ec419420c20e320ce94c65fbc8c3312448eb225');
  });

  it('give the known values of an empty object (base64 as sent in x-amz-checksum-*)', () => {
    expect(createChecksum('CRC32').digest().toString('base64')).to.equal('AAAAAA==');
    expect(createChecksum('CRC64NVME').digest().toString('base64')).to.equal('AAAAAAAAAAA=');
    const sha = createChecksum('SHA256');
    expect(sha.digest().toString('base64')).to.equal('47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=');
  });

  it('equal the bit-at-a-time definitions and zlib on random data, fed in random pieces', () => {
    for (let round = 0; round < 40; round++) {
      const data = randomBytes(Math.floor(Math.random() * 300));
      const sums = CHECKSUM_ALGORITHMS.map((a) => createChecksum(a));
      for (let i = 0; i < data.length; ) {
        const n = 1 + Math.floor(Math.random() * 20);
        for (const s of sums) s.update(data.subarray(i, i + n));
        i += n;
      }
      const [c32, c32c, c64, s1, s256] = sums.map((s) => s.digest().toString('hex'));
      expect(c32).to.equal(zlibCrc32(data).toString(16).padStart(8, '0'));
      expect(c32).to.equal(referenceCrc(data, 32, 0x04c11db7n).toString(16).padStart(8, '0'));
      expect(c32c).to.equal(referenceCrc(data, 32, 0x1edc6f41n).toString(16).padStart(8, '0'));
      expect(c64).to.equal(referenceCrc(data, 64, 0xad93d23594c93659n).toString(16).padStart(16, '0'));
      expect(s1).to.equal(createHash('sha1').update(data).digest('hex'));
      expect(s256).to.equal(createHash('sha256').update(data).digest('hex'));
    }
  });

  it('give the same CRCs through the word-at-a-time path (large, unaligned views) as byte by byte', () => {
    // Views at every offset mod 8 and odd lengths: the aligned 32-bit word loop, its unaligned
    // head and its tail must agree with pieces small enough to take the byte loop only.
    const backing = randomBytes(70_000);
    for (const alg of ['CRC32', 'CRC32C', 'CRC64NVME'] as const) {
      for (let offset = 0; offset < 8; offset++) {
        const data = backing.subarray(offset, offset + 16 + Math.floor(Math.random() * 60_000));
        const whole = createChecksum(alg);
        whole.update(data);
        const bytewise = createChecksum(alg);
        for (let i = 0; i < data.length; i += 7) bytewise.update(data.subarray(i, Math.min(data.length, i + 7)));
        const mixed = createChecksum(alg);
        for (let i = 0; i < data.length; ) {
          const n = 1 + Math.floor(Math.random() * 5000);
          mixed.update(data.subarray(i, i + n));
          i += n;
        }
        const expected = bytewise.digest().toString('hex');
        expect(whole.digest().toString('hex'), `${alg} offset ${offset}`).to.equal(expected);
        expect(mixed.digest().toString('hex'), `${alg} offset ${offset} in pieces`).to.equal(expected);
        if (alg === 'CRC32') expect(expected).to.equal(zlibCrc32(data).toString(16).padStart(8, '0'));
      }
    }
    // And against the bit-at-a-time definition on a view long enough for the word loop.
    const view = backing.subarray(3, 3 + 1000);
    expect(hex('CRC32C', view)).to.equal(referenceCrc(view, 32, 0x1edc6f41n).toString(16).padStart(8, '0'));
    expect(hex('CRC64NVME', view)).to.equal(referenceCrc(view, 64, 0xad93d23594c93659n).toString(16).padStart(16, '0'));
  });

  it('validates base64 values by length and form', () => {
    expect(isValidChecksumValue('CRC32', 'AAAAAA==')).to.equal(true);
    expect(isValidChecksumValue('CRC32', 'AAAAAAA=')).to.equal(false);
    expect(isValidChecksumValue('CRC32', 'AAAAAA')).to.equal(false);
    expect(isValidChecksumValue('CRC64NVME', 'AAAAAAAAAAA=')).to.equal(true);
    expect(isValidChecksumValue('CRC64NVME', 'AAAAAA==')).to.equal(false);
    expect(isValidChecksumValue('SHA256', '47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=')).to.equal(true);
    expect(isValidChecksumValue('SHA1', '47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=')).to.equal(false);
    expect(isValidChecksumValue('CRC32C', 'AA-AAA==')).to.equal(false);
  });

  it('processes 64 MiB of CRC64NVME and CRC32C at a usable speed (sanity, not a timing assertion)', () => {
    const big = Buffer.alloc(64 * 1024 * 1024, 7);
    const a = createChecksum('CRC64NVME');
    const b = createChecksum('CRC32C');
    a.update(big);
    b.update(big);
    expect(a.digest().length).to.equal(8);
    expect(b.digest().length).to.equal(4);
  });
});
