import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { loadMasterKey, MASTER_KEY_FILE } from '../src/index.js';

describe('loadMasterKey', function () {
  let root: string;
  let dataDir: string;

  beforeEach(function () {
    root = mkdtempSync(join(tmpdir(), 'keyless-master-key-'));
    dataDir = join(root, 'data');
  });

  afterEach(function () {
    rmSync(root, { recursive: true, force: true });
  });

  function expectThrows(action: () => unknown, pattern: RegExp): void {
    let thrown: unknown;
    try {
      action();
    } catch (error) {
      thrown = error;
    }
    expect(thrown).to.be.instanceOf(Error);
    expect((thrown as Error).message).to.match(pattern);
  }

  describe('from KEYLESS_MASTER_KEY', function () {
    const key = Buffer.from('00112233445566778899aabbccddeeff0f1e2d3c4b5a69788796a5b4c3d2e1f0', 'hex');

    it('accepts 64 hex characters in either case', function () {
      expect(loadMasterKey(dataDir, { KEYLESS_MASTER_KEY: key.toString('hex') }).equals(key)).to.equal(true);
      expect(loadMasterKey(dataDir, { KEYLESS_MASTER_KEY: key.toString('hex').toUpperCase() }).equals(key)).to.equal(true);
    });

    it('accepts base64 of 32 bytes, with or without padding, and surrounding whitespace', function () {
      const base64 = key.toString('base64');
      expect(base64).to.have.length(44);
      expect(loadMasterKey(dataDir, { KEYLESS_MASTER_KEY: base64 }).equals(key)).to.equal(true);
      expect(loadMasterKey(dataDir, { KEYLESS_MASTER_KEY: base64.replace(/=$/, '') }).equals(key)).to.equal(true);
      expect(loadMasterKey(dataDir, { KEYLESS_MASTER_KEY: `${base64}\n` }).equals(key)).to.equal(true);
    });

    it('neither reads nor creates a key file', function () {
      loadMasterKey(dataDir, { KEYLESS_MASTER_KEY: key.toString('hex') });
      expect(existsSync(join(dataDir, MASTER_KEY_FILE))).to.equal(false);
    });

    it('rejects anything else with a clear message', function () {
      const bad = [
        '',
        'not a key',
        key.toString('hex').slice(0, 62),
        `${key.toString('hex')}00`,
        `${key.toString('hex').slice(0, 63)}g`,
        randomBytes(31).toString('base64'),
        randomBytes(33).toString('base64'),
        key.toString('base64url'),
      ];
      for (const value of bad) {
        expectThrows(() => loadMasterKey(dataDir, { KEYLESS_MASTER_KEY: value }), /KEYLESS_MASTER_KEY must be 64 hexadecimal/);
      }
    });
  });

  describe('from the key file', function () {
    it('creates the data directory 0700 and a 32-byte key file 0600 on first use', function () {
      const key = loadMasterKey(dataDir, {});
      expect(key).to.have.length(32);
      expect(statSync(dataDir).mode & 0o777).to.equal(0o700);
      const path = join(dataDir, MASTER_KEY_FILE);
      expect(statSync(path).mode & 0o777).to.equal(0o600);
      expect(readFileSync(path).equals(key)).to.equal(true);
      // No temporary file is left behind.
      expect(readdirSync(dataDir)).to.deep.equal([MASTER_KEY_FILE]);
    });

    it('returns the same key thereafter', function () {
      const first = loadMasterKey(dataDir, {});
      const second = loadMasterKey(dataDir, {});
      expect(second.equals(first)).to.equal(true);
    });

    it('creates different keys for different directories', function () {
      const other = join(root, 'other');
      expect(loadMasterKey(dataDir, {}).equals(loadMasterKey(other, {}))).to.equal(false);
    });

    it('refuses a key file of the wrong length', function () {
      loadMasterKey(dataDir, {});
      const path = join(dataDir, MASTER_KEY_FILE);
      for (const bytes of [Buffer.alloc(0), randomBytes(31), randomBytes(33), Buffer.from(`${'ab'.repeat(32)}\n`)]) {
        writeFileSync(path, bytes);
        expectThrows(() => loadMasterKey(dataDir, {}), new RegExp(`master key file .* holds ${bytes.length} bytes, expected 32`));
      }
    });
  });
});
