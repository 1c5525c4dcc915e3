import { createCipheriv, createDecipheriv, createHmac, hkdfSync, randomBytes, timingSafeEqual } from 'node:crypto';

/** Bytes of a data key, a key-encryption key and an SSE-C customer key (AES-256). */
export const KEY_BYTES = 32;

function hkdf(material: Buffer, info: string): Buffer {
  return Buffer.from(hkdfSync('sha256', material, Buffer.alloc(0), info, KEY_BYTES));
}

/**
 * The SSE-S3 key-encryption key, derived with HKDF-SHA256 from the server master key (the one of
 * `loadMasterKey`) under its own label, so it is independent of every other use of that key.
 */
export function deriveSseS3Key(masterKey: Buffer): Buffer {
  return hkdf(masterKey, 'keyless/sse-s3/kek/v1');
}

/**
 * The key-encryption key of local KMS key `keyId` (see `local-kms.ts`): HKDF-SHA256 of the server
 * master key under a label naming the key, independent of the SSE-S3 key and of every other key id.
 */
export function deriveKmsKey(masterKey: Buffer, keyId: string): Buffer {
  return hkdf(masterKey, `keyless/sse-kms/kek/v1:${keyId}`);
}

/** The key-encryption key of an SSE-C object: derived from the customer key (never stored). */
export function deriveSseCKey(customerKey: Buffer): Buffer {
  return hkdf(customerKey, 'keyless/sse-c/kek/v1');
}

/** A fresh random data key for one object. */
export function newDataKey(): Buffer {
  return randomBytes(KEY_BYTES);
}

/**
 * Seals a data key under a key-encryption key with AES-256-GCM, bound (AAD) to the object's
 * bucket and key so a sealed key cannot be moved to another object. Result: base64 of nonce | ct | tag.
 */
export function sealDataKey(kek: Buffer, dataKey: Buffer, context: string): string {
  const nonce = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', kek, nonce);
  cipher.setAAD(Buffer.from(context, 'utf8'));
  const ct = Buffer.concat([cipher.update(dataKey), cipher.final()]);
  return Buffer.concat([nonce, ct, cipher.getAuthTag()]).toString('base64');
}

/** Opens a sealed data key; undefined when the key-encryption key is wrong or the value was changed. */
export function unsealDataKey(kek: Buffer, sealed: string, context: string): Buffer | undefined {
  const raw = Buffer.from(sealed, 'base64');
  if (raw.length !== 12 + KEY_BYTES + 16) return undefined;
  try {
    const decipher = createDecipheriv('aes-256-gcm', kek, raw.subarray(0, 12));
    decipher.setAAD(Buffer.from(context, 'utf8'));
    decipher.setAuthTag(raw.subarray(12 + KEY_BYTES));
    return Buffer.concat([decipher.update(raw.subarray(12, 12 + KEY_BYTES)), decipher.final()]);
  } catch {
    return undefined;
  }
}

function keyCheckMac(customerKey: Buffer, salt: Buffer): Buffer {
  return createHmac('sha256', customerKey).update('keyless/sse-c/check/v1').update(salt).digest();
}

/** A salted HMAC of an SSE-C customer key (base64 salt | mac), stored to recognise the key on later requests. */
export function customerKeyCheck(customerKey: Buffer): string {
  const salt = randomBytes(16);
  return Buffer.concat([salt, keyCheckMac(customerKey, salt)]).toString('base64');
}

/** True when `customerKey` is the key whose {@link customerKeyCheck} is `check`. */
export function customerKeyMatches(customerKey: Buffer, check: string): boolean {
  const raw = Buffer.from(check, 'base64');
  if (raw.length !== 16 + 32) return false;
  return timingSafeEqual(raw.subarray(16), keyCheckMac(customerKey, raw.subarray(0, 16)));
}
