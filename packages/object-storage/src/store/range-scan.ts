import type { RangeStart } from './fold-listing.js';

/** The row sets a listing scans: multipart uploads, all object versions, or the current ones. */
export type RangeScanTarget = 'uploads' | 'all' | 'current';

/**
 * The SQL of an index range scan for one bucket, from `start`, below `below`: over multipart
 * uploads (by key, upload id), all object versions (by key, seq) or the current ones (the partial
 * index `object_versions_current`, by key). Its parameters are the bucket, {@link rangeArgs}, and
 * the row limit.
 */
export function rangeScanSql(which: RangeScanTarget, start: RangeStart, below: string | undefined): string {
  const tiebreakColumn = which === 'uploads' ? 'upload_id' : 'seq';
  const lower = start.mode === 'from' ? 'key >= ?' : start.tiebreak !== undefined ? `(key, ${tiebreakColumn}) > (?, ?)` : 'key > ?';
  const upper = below === undefined ? '' : ' AND key < ?';
  const from = {
    uploads: 'uploads WHERE bucket = ?',
    all: 'object_versions WHERE bucket = ?',
    current: 'object_versions INDEXED BY object_versions_current WHERE bucket = ? AND is_latest = 1 AND delete_marker = 0',
  }[which];
  const order = { uploads: 'key, upload_id', all: 'key, seq', current: 'key' }[which];
  return `SELECT * FROM ${from} AND ${lower}${upper} ORDER BY ${order} LIMIT ?`;
}

/** The key-range parameters of a {@link rangeScanSql} statement, in placeholder order. */
export function rangeArgs(start: RangeStart, below: string | undefined): (string | number)[] {
  const args: (string | number)[] = [start.key];
  if (start.mode === 'after' && start.tiebreak !== undefined) args.push(start.tiebreak);
  if (below !== undefined) args.push(below);
  return args;
}
