import { S3Error } from '@keyless/core';

/** S3's limit on a key's UTF-8 length. */
export const MAX_KEY_BYTES = 1024;

/**
 * Checks an object key decoded from the request path: 1..1024 UTF-8 bytes, valid Unicode (no lone
 * surrogates from invalid UTF-8), no NUL. Keys are data, never file paths, so `..` and `//` are fine.
 *
 * @see https://docs.aws.amazon.com/AmazonS3/latest/userguide/object-keys.html
 */
export function validateObjectKey(key: string): void {
  if (key.length === 0) throw new S3Error('InvalidArgument', 'Object key must not be empty.');
  if (Buffer.byteLength(key, 'utf8') > MAX_KEY_BYTES) throw new S3Error('KeyTooLongError');
  // NUL is valid UTF-8 but no S3 client sends it deliberately; refusing it keeps every key printable in logs.
  if (key.includes('\0')) throw new S3Error('InvalidArgument', 'Object key must not contain NUL.');
}

/**
 * Decodes a percent-encoded path segment strictly: a malformed escape or bytes that are not UTF-8
 * become `InvalidURI` instead of being silently replaced.
 */
export function decodePathComponent(raw: string): string {
  const bytes: number[] = [];
  for (let i = 0; i < raw.length; i++) {
    const c = raw.charCodeAt(i);
    if (c === 37 /* % */) {
      const hex = raw.slice(i + 1, i + 3);
      if (!/^[0-9A-Fa-f]{2}$/.test(hex)) throw new S3Error('InvalidURI');
      bytes.push(parseInt(hex, 16));
      i += 2;
    } else if (c < 0x80) {
      bytes.push(c);
    } else {
      for (const b of Buffer.from(raw[i] + (c >= 0xd800 && c <= 0xdbff ? raw[++i] ?? '' : ''), 'utf8')) bytes.push(b);
    }
  }
  const buf = Buffer.from(bytes);
  const text = buf.toString('utf8');
  if (!Buffer.from(text, 'utf8').equals(buf)) throw new S3Error('InvalidURI');
  return text;
}
