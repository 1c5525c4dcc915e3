import { S3Error, type ByteRange } from '@keyless/core';

/**
 * Resolves a `Range: bytes=...` header against an object size. Forms: `a-b`, `a-` (open), `-n`
 * (suffix). Syntax S3 does not honour (several ranges, other units, garbage) is ignored and the
 * whole object is returned, as S3 does; a syntactically valid but unsatisfiable range is 416.
 *
 * @see https://docs.aws.amazon.com/AmazonS3/latest/API/API_GetObject.html (Range)
 * @see https://www.rfc-editor.org/rfc/rfc9110#section-14.1.2
 */
export function resolveRange(value: string | undefined, size: number): ByteRange | undefined {
  if (value === undefined) return undefined;
  const m = /^bytes=(\d*)-(\d*)$/.exec(value.trim());
  if (!m || (m[1] === '' && m[2] === '')) return undefined;
  if (m[1] === '') {
    const n = Number(m[2]);
    if (n === 0 || size === 0) throw invalid(value, size);
    return { start: Math.max(0, size - n), end: size - 1 };
  }
  const start = Number(m[1]);
  const end = m[2] === '' ? size - 1 : Math.min(Number(m[2]), size - 1);
  if (m[2] !== '' && Number(m[2]) < start) return undefined; // invalid syntax: ignored per RFC 9110
  if (start >= size) throw invalid(value, size);
  return { start, end };
}

function invalid(range: string, size: number): S3Error {
  return new S3Error('InvalidRange', undefined, { RangeRequested: range, ActualObjectSize: String(size) });
}
