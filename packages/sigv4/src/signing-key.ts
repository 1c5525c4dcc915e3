import { createHmac } from 'node:crypto';

function hmac(key: string | Buffer, data: string): Buffer {
  return createHmac('sha256', key).update(data, 'utf8').digest();
}

/**
 * The SigV4 signing key: HMAC chain over date (`YYYYMMDD`), region, service and `aws4_request`.
 *
 * @see https://docs.aws.amazon.com/IAM/latest/UserGuide/create-signed-request.html#derive-signing-key
 */
export function signingKey(secret: string, date: string, region: string, service: string): Buffer {
  return hmac(hmac(hmac(hmac('AWS4' + secret, date), region), service), 'aws4_request');
}

/**
 * A bounded cache of derived signing keys (four HMACs saved per request). Keyed by the secret
 * itself so a rotated secret never reuses a stale key; evicts the least recently used entry.
 * One instance is created by the server and passed in, never a module-level singleton.
 */
export class SigningKeyCache {
  private readonly entries = new Map<string, Buffer>();

  /** @param maxEntries entries kept before the least recently used is evicted. */
  constructor(private readonly maxEntries = 1000) {}

  /** Returns the signing key, deriving and caching it on a miss. */
  get(secret: string, date: string, region: string, service: string): Buffer {
    const id = `${date}\0${region}\0${service}\0${secret}`;
    const hit = this.entries.get(id);
    if (hit) {
      this.entries.delete(id);
      this.entries.set(id, hit);
      return hit;
    }
    const key = signingKey(secret, date, region, service);
    this.entries.set(id, key);
    if (this.entries.size > this.maxEntries) {
      const oldest = this.entries.keys().next().value;
      if (oldest !== undefined) this.entries.delete(oldest);
    }
    return key;
  }

  /** Number of cached keys. */
  get size(): number {
    return this.entries.size;
  }
}
