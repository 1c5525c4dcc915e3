/**
 * AWS's URI encoding for SigV4 canonical requests: every byte except the unreserved characters
 * `A-Z a-z 0-9 - _ . ~` becomes `%XX` (upper-case hex).
 *
 * @see https://docs.aws.amazon.com/IAM/latest/UserGuide/create-signed-request.html#create-canonical-request
 */
export function uriEncode(input: string | Uint8Array, encodeSlash = true): string {
  const bytes = typeof input === 'string' ? Buffer.from(input, 'utf8') : input;
  let out = '';
  for (const b of bytes) {
    if (
      (b >= 0x41 && b <= 0x5a) || (b >= 0x61 && b <= 0x7a) || (b >= 0x30 && b <= 0x39) ||
      b === 0x2d || b === 0x5f || b === 0x2e || b === 0x7e || (b === 0x2f && !encodeSlash)
    ) {
      out += String.fromCharCode(b);
    } else {
      out += '%' + (b < 16 ? '0' : '') + b.toString(16).toUpperCase();
    }
  }
  return out;
}

function hexValue(c: number): number {
  if (c >= 0x30 && c <= 0x39) return c - 0x30;
  if (c >= 0x41 && c <= 0x46) return c - 0x37;
  if (c >= 0x61 && c <= 0x66) return c - 0x57;
  return -1;
}

/**
 * Percent-decodes `input` to bytes. Works on bytes, so invalid UTF-8 survives a decode/encode
 * round trip; a `%` not followed by two hex digits stays a literal `%` (as lenient servers do).
 * With `plusAsSpace`, `+` decodes to a space (query strings, as AWS and MinIO read them).
 */
export function percentDecode(input: string, plusAsSpace = false): Buffer {
  const src = Buffer.from(input, 'utf8');
  const out = Buffer.allocUnsafe(src.length);
  let n = 0;
  for (let i = 0; i < src.length; i++) {
    const c = src[i]!;
    if (c === 0x25 && i + 2 < src.length) {
      const hi = hexValue(src[i + 1]!);
      const lo = hexValue(src[i + 2]!);
      if (hi >= 0 && lo >= 0) {
        out[n++] = (hi << 4) | lo;
        i += 2;
        continue;
      }
    }
    out[n++] = plusAsSpace && c === 0x2b ? 0x20 : c;
  }
  return out.subarray(0, n);
}
