import { expect } from 'chai';
import { newRequestId } from '../src/request-id.js';

describe('newRequestId', () => {
  it('is 16 upper-case hex characters, unique, and random in every position', () => {
    const ids = Array.from({ length: 4000 }, () => newRequestId());
    for (const id of ids) expect(id).to.match(/^[0-9A-F]{16}$/);
    expect(new Set(ids).size).to.equal(ids.length);
    // A fixed UUID digit (version '4', variant 8-B) would show at most 1 or 4 values in its position.
    for (let i = 0; i < 16; i++) {
      expect(new Set(ids.map((id) => id[i])).size, `position ${i}`).to.equal(16);
    }
  });
});
