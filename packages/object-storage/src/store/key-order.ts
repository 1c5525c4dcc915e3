/**
 * Key ordering helpers. S3 lists keys in UTF-8 byte order, which equals Unicode code point order
 * but NOT JavaScript's UTF-16 code unit order (U+FF01 sorts before U+1F600 in UTF-8, after it in
 * UTF-16). SQLite's BINARY collation compares the UTF-8 bytes, so SQL does the ordering; these
 * helpers are for the few comparisons made in JavaScript.
 *
 * @see https://docs.aws.amazon.com/AmazonS3/latest/userguide/ListingKeysUsingAPIs.html
 */

/** Compares two strings in UTF-8 byte order (negative, zero or positive). */
export function compareUtf8(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));
}

const MAX_CODE_POINT = 0x10ffff;

/**
 * The smallest string that sorts (in UTF-8 byte order) after every string starting with `prefix`,
 * or `undefined` when there is none (the prefix is made only of U+10FFFF).
 *
 * Incrementing the last code point works because UTF-8 preserves code point order and is prefix
 * free: any string between `prefix…` and the successor would have to start with `prefix`. The
 * result stays valid UTF-8 (surrogates are skipped), so it can be bound as TEXT.
 */
export function prefixSuccessor(prefix: string): string | undefined {
  const cps = Array.from(prefix, (ch) => ch.codePointAt(0) as number);
  while (cps.length > 0 && cps[cps.length - 1] === MAX_CODE_POINT) cps.pop();
  if (cps.length === 0) return undefined;
  let last = (cps.pop() as number) + 1;
  if (last === 0xd800) last = 0xe000; // skip the surrogate block: not encodable in UTF-8
  cps.push(last);
  return String.fromCodePoint(...cps);
}
