import { compareUtf8, prefixSuccessor } from './key-order.js';

/**
 * Where a range read starts: at `key` inclusive (`from`), or strictly after `key` (`after`); with
 * a `tiebreak`, strictly after the pair (key, tiebreak) — multipart uploads order by key, then id;
 * object versions by key, then seq (newest first).
 */
export interface RangeStart {
  key: string;
  mode: 'from' | 'after';
  tiebreak?: string | number;
}

/** An ordered source of rows for {@link foldListing}. */
export interface FoldSource<R> {
  /** Rows in key order (then tiebreak) from `start`, with keys strictly below `below` when set. */
  fetch(start: RangeStart, below: string | undefined, limit: number): Iterable<R>;
  keyOf(row: R): string;
  /** The secondary order of a row (upload id, version seq), when keys are not unique. */
  tiebreakOf?(row: R): string | number;
}

/** What to list; `marker` is exclusive, as S3's `start-after` / `marker` / `key-marker`. */
export interface FoldOptions {
  prefix: string;
  delimiter?: string;
  marker?: string;
  markerTiebreak?: string | number;
  max: number;
}

/** A page of rows and common prefixes; `last` is the last row or prefix returned. */
export interface FoldResult<R> {
  rows: R[];
  prefixes: string[];
  truncated: boolean;
  last?: { key: string; row?: R };
}

/**
 * Lists rows under a prefix, folding keys that contain the delimiter after the prefix into
 * CommonPrefixes. After each common prefix the read seeks past every key under it (to the
 * prefix's byte-order successor), so a page of N prefixes costs about N index seeks however many
 * keys hide below them. A common prefix is returned only when it sorts after the marker, which
 * makes a prefix returned as `NextMarker` a correct continuation point.
 *
 * @see https://docs.aws.amazon.com/AmazonS3/latest/API/API_ListObjects.html
 */
export function foldListing<R>(src: FoldSource<R>, opts: FoldOptions): FoldResult<R> {
  const { prefix, max } = opts;
  const delimiter = opts.delimiter ? opts.delimiter : undefined;
  const below = prefix === '' ? undefined : prefixSuccessor(prefix);
  const result: FoldResult<R> = { rows: [], prefixes: [], truncated: false };
  if (max <= 0) return result;

  let start: RangeStart | undefined = { key: prefix, mode: 'from' };
  const marker = opts.marker;
  if (marker !== undefined && compareUtf8(marker, prefix) >= 0) {
    start = { key: marker, mode: 'after', tiebreak: opts.markerTiebreak };
    const at = delimiter !== undefined && marker.startsWith(prefix) ? marker.indexOf(delimiter, prefix.length) : -1;
    if (at >= 0) {
      // The marker lies inside a common prefix (or is one): that prefix is not after the marker.
      start = seekPast(marker.slice(0, at + (delimiter as string).length));
    }
  }

  let count = 0;
  while (start !== undefined) {
    const limit = max - count + 1;
    let fetched = 0;
    let reseek = false;
    for (const row of src.fetch(start, below, limit)) {
      fetched++;
      if (count === max) {
        result.truncated = true;
        return result;
      }
      const key = src.keyOf(row);
      const at = delimiter !== undefined ? key.indexOf(delimiter, prefix.length) : -1;
      if (at >= 0) {
        const common = key.slice(0, at + (delimiter as string).length);
        result.prefixes.push(common);
        result.last = { key: common };
        count++;
        start = seekPast(common);
        reseek = true;
        break;
      }
      result.rows.push(row);
      result.last = { key, row };
      count++;
      start = { key, mode: 'after', tiebreak: src.tiebreakOf?.(row) };
    }
    if (!reseek && fetched < limit) break;
  }
  return result;
}

function seekPast(commonPrefix: string): RangeStart | undefined {
  const next = prefixSuccessor(commonPrefix);
  return next === undefined ? undefined : { key: next, mode: 'from' };
}
