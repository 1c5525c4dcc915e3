import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { OPERATIONS } from '../src/operations.js';

/**
 * `docs/s3-compatibility.md` must tell the truth: every operation of the table appears exactly once,
 * `501` exactly for the operations without a handler, `supported` or `partial` for the others.
 */
const DOC = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', '..', 'docs', 's3-compatibility.md');

function docRows(): Map<string, string> {
  const rows = new Map<string, string>();
  for (const line of readFileSync(DOC, 'utf8').split('\n')) {
    const m = /^\|\s*`?([A-Za-z0-9]+)`?\s*\|\s*(supported|partial|501)\s*\|/.exec(line);
    if (!m) continue;
    expect(rows.has(m[1]), `${m[1]} listed twice`).to.equal(false);
    rows.set(m[1], m[2]);
  }
  return rows;
}

describe('docs/s3-compatibility.md matches the operation table', () => {
  it('lists every operation exactly once, and nothing else', () => {
    const rows = docRows();
    expect([...rows.keys()].sort()).to.deep.equal(OPERATIONS.map((o) => o.name).sort());
  });

  it('says 501 exactly for the operations without a handler', () => {
    const rows = docRows();
    for (const op of OPERATIONS) {
      const status = rows.get(op.name);
      if (op.implemented) expect(status, op.name).to.be.oneOf(['supported', 'partial']);
      else expect(status, op.name).to.equal('501');
    }
  });
});
