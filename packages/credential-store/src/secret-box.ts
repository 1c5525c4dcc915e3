import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { MASTER_KEY_BYTES } from './load-master-key.js';

const IV_BYTES = 12;
const TAG_BYTES = 16;

/** The message every wrong-key failure carries, so operators see the cause and not a crypto error. */
export const WRONG_MASTER_KEY = 'credential store: master key does not match the data directory';

/**
 * AES-256-GCM sealing of secrets at rest. Each value gets a random 12-byte IV and is stored as
 * `iv | tag | ciphertext`. The additional authenticated data binds a value to its row (the access
 * key), so a ciphertext copied to another row fails to open instead of handing out someone else's
 * secret.
 */
export class SecretBox {
  readonly #key: Buffer;

  constructor(key: Buffer) {
    if (key.length !== MASTER_KEY_BYTES) {
      throw new Error(`credential store: the master key must be ${MASTER_KEY_BYTES} bytes, got ${key.length}`);
    }
    this.#key = Buffer.from(key);
  }

  /** Encrypts `plaintext` bound to `aad`. */
  seal(plaintext: string, aad: string): Buffer {
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', this.#key, iv);
    cipher.setAAD(Buffer.from(aad, 'utf8'));
    const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    return Buffer.concat([iv, cipher.getAuthTag(), body]);
  }

  /** Decrypts a value sealed with the same key and `aad`; throws {@link WRONG_MASTER_KEY} otherwise. */
  open(sealed: Uint8Array, aad: string): string {
    const bytes = Buffer.from(sealed);
    if (bytes.length < IV_BYTES + TAG_BYTES) throw new Error(WRONG_MASTER_KEY);
    try {
      const decipher = createDecipheriv('aes-256-gcm', this.#key, bytes.subarray(0, IV_BYTES));
      decipher.setAAD(Buffer.from(aad, 'utf8'));
      decipher.setAuthTag(bytes.subarray(IV_BYTES, IV_BYTES + TAG_BYTES));
      return Buffer.concat([decipher.update(bytes.subarray(IV_BYTES + TAG_BYTES)), decipher.final()]).toString('utf8');
    } catch {
      // GCM cannot tell a wrong key from a tampered row; with a per-directory key check at open,
      // a failure here almost always means the key, and the library text would only confuse.
      throw new Error(WRONG_MASTER_KEY);
    }
  }
}
