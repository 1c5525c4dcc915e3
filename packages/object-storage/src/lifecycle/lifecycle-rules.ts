import type { ObjectTag } from '@keyless/core';
import type { LifecycleFilter, LifecycleRule } from './lifecycle-configuration.js';

const DAY_MS = 86_400_000;

/**
 * When an action counted in days from `start` becomes due: S3 adds the days and rounds the result
 * up to the next midnight UTC (an object created 2014-01-15 10:30 UTC with a 3-day rule expires
 * 2014-01-19 00:00 UTC); a result exactly at midnight stays.
 *
 * `debugDayMs` (tests only, `KEYLESS_LIFECYCLE_DAY_SECONDS`) makes a day that many ms and drops the
 * rounding: due exactly `days` debug days after `start`, as RGW's `rgw_lc_debug_interval`, whose
 * timing the ceph/s3-tests lifecycle tests assume.
 *
 * @see https://docs.aws.amazon.com/AmazonS3/latest/userguide/lifecycle-expire-general-considerations.html
 */
export function dueAfterDays(start: Date, days: number, debugDayMs?: number): Date {
  if (debugDayMs !== undefined) return new Date(start.getTime() + days * debugDayMs);
  const t = start.getTime() + days * DAY_MS;
  return new Date(Math.ceil(t / DAY_MS) * DAY_MS);
}

/** What a filter is matched against. */
export interface LifecycleSubject {
  key: string;
  /** Absent for multipart uploads and delete markers (size filters then do not match... see `matchesFilter`). */
  size?: number;
  tags?: readonly ObjectTag[];
}

function hasTags(have: readonly ObjectTag[] | undefined, want: readonly ObjectTag[]): boolean {
  return want.every((w) => (have ?? []).some((t) => t.key === w.key && t.value === w.value));
}

function sizeOk(size: number | undefined, gt: number | undefined, lt: number | undefined): boolean {
  if (gt === undefined && lt === undefined) return true;
  // Delete markers and uploads have no size: S3 applies size filters to object versions only.
  if (size === undefined) return false;
  return (gt === undefined || size > gt) && (lt === undefined || size < lt);
}

/**
 * True when a rule's filter selects the subject: key prefix, every listed tag (key and value), and
 * sizes strictly greater / less than the bounds.
 * @see https://docs.aws.amazon.com/AmazonS3/latest/userguide/intro-lifecycle-filters.html
 */
export function matchesFilter(f: LifecycleFilter, s: LifecycleSubject): boolean {
  if (f.legacyPrefix !== undefined) return s.key.startsWith(f.legacyPrefix);
  if (f.and) {
    return s.key.startsWith(f.and.prefix ?? '') && hasTags(s.tags, f.and.tags) && sizeOk(s.size, f.and.sizeGreaterThan, f.and.sizeLessThan);
  }
  return s.key.startsWith(f.prefix ?? '') && hasTags(s.tags, f.tag ? [f.tag] : []) && sizeOk(s.size, f.sizeGreaterThan, f.sizeLessThan);
}

/** The key prefix every subject of the rule has ('' when any key may match). */
export function rulePrefix(r: LifecycleRule): string {
  return r.filter.legacyPrefix ?? r.filter.and?.prefix ?? r.filter.prefix ?? '';
}

/**
 * When the current version `s` (last modified `lastModified`) expires under the enabled `rules`, or
 * undefined when no Expiration Days/Date rule selects it. The earliest applicable date wins.
 * `debugDayMs`: see {@link dueAfterDays}.
 */
export function currentExpiry(rules: readonly LifecycleRule[], s: LifecycleSubject & { lastModified: Date }, debugDayMs?: number): { at: Date; ruleId: string } | undefined {
  let best: { at: Date; ruleId: string } | undefined;
  for (const r of rules) {
    if (r.status !== 'Enabled' || !r.expiration || !matchesFilter(r.filter, s)) continue;
    const at = r.expiration.days !== undefined ? dueAfterDays(s.lastModified, r.expiration.days, debugDayMs) : r.expiration.date !== undefined ? new Date(r.expiration.date) : undefined;
    if (at && (!best || at < best.at)) best = { at, ruleId: r.id };
  }
  return best;
}

/**
 * The `x-amz-expiration` response header S3 sends for an object an expiration rule applies to:
 * `expiry-date="Fri, 23 Dec 2012 00:00:00 GMT", rule-id="picture-deletion-rule"`.
 * @see https://docs.aws.amazon.com/AmazonS3/latest/API/API_HeadObject.html#API_HeadObject_ResponseSyntax
 */
export function expirationHeader(rules: readonly LifecycleRule[], s: LifecycleSubject & { lastModified: Date }): string | undefined {
  const e = currentExpiry(rules, s);
  return e && `expiry-date="${e.at.toUTCString()}", rule-id="${e.ruleId}"`;
}
