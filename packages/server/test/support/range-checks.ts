import { expect } from 'chai';
import type { TestResponse } from './s3-client.js';

/**
 * Asserts that every `[Range header, first byte, last byte]` case answers 206 with the matching
 * Content-Range and exactly those bytes of `body`, and that a range starting at the end is 416.
 */
export async function expectRangesServed(
  get: (range: string) => Promise<TestResponse>,
  body: Buffer,
  cases: [string, number, number][],
): Promise<void> {
  for (const [range, start, end] of cases) {
    const g = await get(range);
    expect(g.status, range).to.equal(206);
    expect(g.headers['content-range']).to.equal(`bytes ${start}-${end}/${body.length}`);
    expect(g.body.equals(body.subarray(start, end + 1)), range).to.equal(true);
  }
  expect((await get(`bytes=${body.length}-`)).status).to.equal(416);
}
