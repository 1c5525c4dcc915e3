import { createHash, randomBytes } from 'node:crypto';

const BASE32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

/** Freshly minted, not yet stored, temporary credentials. */
export interface MintedSessionCredentials {
  /** `ASIA` + 16 characters of [A-Z2-7], the shape of AWS temporary access key ids. */
  accessKey: string;
  /** 40 characters of [A-Za-z0-9+/], the shape of AWS secret access keys. */
  secretKey: string;
  /** An opaque URL-safe token (64 random bytes); only its hash is stored. */
  sessionToken: string;
}

/**
 * Mints random session credentials in the shapes AWS uses, so SDKs and tools that sniff the
 * `ASIA` prefix treat them as temporary.
 * See https://docs.aws.amazon.com/IAM/latest/UserGuide/security-creds.html#sec-access-keys-and-secret-access-keys
 */
export function mintSessionCredentials(): MintedSessionCredentials {
  // 256 is a multiple of 32, so taking the low 5 bits of each byte is uniform.
  const keyId = Array.from(randomBytes(16), (byte) => BASE32[byte & 31]).join('');
  return {
    accessKey: `ASIA${keyId}`,
    // 30 bytes are exactly 40 base64 characters, without padding.
    secretKey: randomBytes(30).toString('base64'),
    sessionToken: randomBytes(64).toString('base64url'),
  };
}

/** Hex SHA-256 of a session token, the only form in which the store keeps it. */
export function hashSessionToken(sessionToken: string): string {
  return createHash('sha256').update(sessionToken, 'utf8').digest('hex');
}
