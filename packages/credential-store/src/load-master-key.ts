import { randomBytes } from 'node:crypto';
import { closeSync, fsyncSync, linkSync, mkdirSync, openSync, readFileSync, unlinkSync, writeSync } from 'node:fs';
import { join } from 'node:path';

/** Length in bytes of the AES-256 master key. */
export const MASTER_KEY_BYTES = 32;

/** File name of the generated key inside the data directory. */
export const MASTER_KEY_FILE = 'master.key';

const HEX_KEY = /^[0-9a-fA-F]{64}$/;
// 32 bytes are 43 base64 characters plus one "=" of padding; the padding is optional.
const BASE64_KEY = /^[A-Za-z0-9+/]{43}=?$/;

/**
 * Finds the 32-byte master key that encrypts secrets at rest.
 *
 * Order: `KEYLESS_MASTER_KEY` from `env` (64 hex characters, or base64 of 32 bytes), otherwise the
 * key file `<dataDir>/master.key` (32 raw bytes, mode 0600), created with fresh random bytes on
 * first use. The data directory is created (mode 0700) when missing. Anything malformed throws an
 * Error that says what is wrong, never a silently different key: a different key would make every
 * stored secret unreadable.
 */
export function loadMasterKey(dataDir: string, env: NodeJS.ProcessEnv): Buffer {
  const fromEnv = env['KEYLESS_MASTER_KEY'];
  if (fromEnv !== undefined) return parseEnvKey(fromEnv);
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const path = join(dataDir, MASTER_KEY_FILE);
  const existing = readKeyFile(path);
  if (existing) return existing;
  createKeyFile(path);
  // Read back rather than trusting our bytes: another process may have won the race to create it.
  const created = readKeyFile(path);
  if (!created) throw new Error(`credential store: could not create the master key file ${path}`);
  return created;
}

function parseEnvKey(value: string): Buffer {
  const text = value.trim();
  if (HEX_KEY.test(text)) return Buffer.from(text, 'hex');
  if (BASE64_KEY.test(text)) {
    const key = Buffer.from(text, 'base64');
    if (key.length === MASTER_KEY_BYTES) return key;
  }
  throw new Error(
    'credential store: KEYLESS_MASTER_KEY must be 64 hexadecimal characters or the base64 encoding of 32 bytes',
  );
}

function readKeyFile(path: string): Buffer | undefined {
  let bytes: Buffer;
  try {
    bytes = readFileSync(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
  if (bytes.length !== MASTER_KEY_BYTES) {
    throw new Error(
      `credential store: master key file ${path} holds ${bytes.length} bytes, expected ${MASTER_KEY_BYTES}`,
    );
  }
  return bytes;
}

/**
 * Writes the key to a private temporary file and hard-links it into place: `link` fails when the
 * target exists, so two processes starting on a fresh directory never see a half-written key or
 * end up with different keys.
 */
function createKeyFile(path: string): void {
  const temp = `${path}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`;
  const fd = openSync(temp, 'wx', 0o600);
  try {
    writeSync(fd, randomBytes(MASTER_KEY_BYTES));
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  try {
    linkSync(temp, path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  } finally {
    unlinkSync(temp);
  }
}
