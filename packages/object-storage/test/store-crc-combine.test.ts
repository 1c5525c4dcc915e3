import { expect } from 'chai';
import { createChecksum } from '@keyless/sigv4';
import type { ChecksumAlgorithm } from '@keyless/core';
import { bigIntToDigest, CrcCombiner, digestToBigInt } from '../src/store/crc-combine.js';
import { multipartChecksum } from '../src/store/multipart-checksum.js';

function crc(alg: ChecksumAlgorithm, data: Buffer): Buffer {
  const c = createChecksum(alg);
  c.update(data);
  return c.digest();
}

function bytes(size: number, seed: number): Buffer {
  const b = Buffer.alloc(size);
  let x = seed;
  for (let i = 0; i < size; i++) {
    x = (x * 1103515245 + 12345) >>> 0;
    b[i] = x >>> 24;
  }
  return b;
}

describe('CRC combine (FULL_OBJECT multipart checksums)', () => {
  for (const alg of ['CRC32', 'CRC32C', 'CRC64NVME'] as const) {
    it(`${alg}: the combined part CRCs equal the CRC of the whole, for any split`, () => {
      const combiner = new CrcCombiner(alg);
      const data = bytes(70_000, alg.length);
      for (const cut of [0, 1, 7, 4096, 33_333, 69_999, 70_000]) {
        const a = data.subarray(0, cut);
        const b = data.subarray(cut);
        const combined = combiner.combine(digestToBigInt(crc(alg, a)), digestToBigInt(crc(alg, b)), b.length);
        expect(bigIntToDigest(combined, alg === 'CRC64NVME' ? 8 : 4).toString('hex')).to.equal(crc(alg, data).toString('hex'));
      }
    });

    it(`${alg}: multipartChecksum FULL_OBJECT of three parts is the whole object's CRC`, () => {
      const parts = [bytes(5000, 1), bytes(123, 2), bytes(9999, 3)];
      const result = multipartChecksum(alg, 'FULL_OBJECT', parts.map((p, i) => ({ partNumber: i + 1, size: p.length, checksums: { [alg]: crc(alg, p).toString('base64') } })));
      expect(result[alg]).to.equal(crc(alg, Buffer.concat(parts)).toString('base64'));
    });
  }

  it('COMPOSITE CRC32: CRC of the concatenated part CRCs, then -N', () => {
    const parts = [bytes(100, 4), bytes(200, 5)];
    const result = multipartChecksum('CRC32', 'COMPOSITE', parts.map((p, i) => ({ partNumber: i + 1, size: p.length, checksums: { CRC32: crc('CRC32', p).toString('base64') } })));
    expect(result.CRC32).to.equal(`${crc('CRC32', Buffer.concat(parts.map((p) => crc('CRC32', p)))).toString('base64')}-2`);
  });
});
