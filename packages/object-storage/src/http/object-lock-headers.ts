import type { IncomingHttpHeaders } from 'node:http';
import { S3Error, type BucketInfo, type ObjectInfo, type ObjectRetention, type ObjectStore } from '@keyless/core';

/** The bucket configuration kind under which the default retention rule is stored (JSON). */
export const OBJECT_LOCK_CONFIG = 'object-lock';

/** A bucket's default retention (PutObjectLockConfiguration `Rule/DefaultRetention`). */
export interface DefaultRetention {
  mode: ObjectRetention['mode'];
  days?: number;
  years?: number;
}

function one(headers: IncomingHttpHeaders, name: string): string | undefined {
  const v = headers[name];
  return Array.isArray(v) ? v[0] : v;
}

/** `GOVERNANCE` or `COMPLIANCE`, else InvalidArgument (S3's wording). */
export function parseLockMode(value: string): ObjectRetention['mode'] {
  if (value !== 'GOVERNANCE' && value !== 'COMPLIANCE') throw new S3Error('InvalidArgument', 'Unknown wormMode directive.', { ArgumentName: 'x-amz-object-lock-mode', ArgumentValue: value });
  return value;
}

/** An ISO 8601 retain-until date in the future, else InvalidArgument. */
export function parseRetainUntil(value: string, now: Date): Date {
  const date = new Date(value);
  if (Number.isNaN(date.getTime()) || !/^\d{4}-\d{2}-\d{2}T/.test(value)) {
    throw new S3Error('InvalidArgument', 'The retain until date must be provided in ISO 8601 format', { ArgumentName: 'x-amz-object-lock-retain-until-date', ArgumentValue: value });
  }
  if (date.getTime() <= now.getTime()) throw new S3Error('InvalidArgument', 'The retain until date must be in the future!');
  return date;
}

/** The bucket's default retention rule, if any. */
export async function defaultRetentionOf(store: ObjectStore, bucket: string): Promise<DefaultRetention | undefined> {
  const text = await store.getBucketConfig(bucket, OBJECT_LOCK_CONFIG);
  return text === undefined ? undefined : (JSON.parse(text) as { rule?: DefaultRetention }).rule;
}

/**
 * The Object Lock settings of a new object: `x-amz-object-lock-mode` with
 * `x-amz-object-lock-retain-until-date` (both or neither) and `x-amz-object-lock-legal-hold`, or
 * else the bucket's default retention. Refused on a bucket without Object Lock.
 * @see https://docs.aws.amazon.com/AmazonS3/latest/API/API_PutObject.html#API_PutObject_RequestSyntax
 */
export async function lockExtrasFromHeaders(
  headers: IncomingHttpHeaders,
  bucket: BucketInfo,
  store: ObjectStore,
  now: Date,
): Promise<{ retention?: ObjectRetention; legalHold?: boolean }> {
  const mode = one(headers, 'x-amz-object-lock-mode');
  const until = one(headers, 'x-amz-object-lock-retain-until-date');
  const hold = one(headers, 'x-amz-object-lock-legal-hold');
  if (!bucket.objectLockEnabled) {
    if (mode !== undefined || until !== undefined || hold !== undefined) throw new S3Error('InvalidRequest', 'Bucket is missing Object Lock Configuration');
    return {};
  }
  const extras: { retention?: ObjectRetention; legalHold?: boolean } = {};
  if ((mode === undefined) !== (until === undefined)) {
    throw new S3Error('InvalidArgument', 'x-amz-object-lock-retain-until-date and x-amz-object-lock-mode must both be supplied');
  }
  if (mode !== undefined && until !== undefined) {
    extras.retention = { mode: parseLockMode(mode), retainUntil: parseRetainUntil(until, now) };
  } else {
    const rule = await defaultRetentionOf(store, bucket.name);
    if (rule) {
      const retainUntil = new Date(now);
      if (rule.days !== undefined) retainUntil.setUTCDate(retainUntil.getUTCDate() + rule.days);
      if (rule.years !== undefined) retainUntil.setUTCFullYear(retainUntil.getUTCFullYear() + rule.years);
      extras.retention = { mode: rule.mode, retainUntil };
    }
  }
  if (hold !== undefined) {
    if (hold !== 'ON' && hold !== 'OFF') throw new S3Error('InvalidArgument', "Legal Hold must be either of 'ON' or 'OFF'", { ArgumentName: 'x-amz-object-lock-legal-hold', ArgumentValue: hold });
    if (hold === 'ON') extras.legalHold = true;
  }
  return extras;
}

/**
 * The response headers describing an object version beyond its HTTP metadata: version id (only
 * in buckets that have a versioning state, or for non-null versions), tag count and Object Lock.
 */
export function versionResponseHeaders(info: ObjectInfo, bucket: BucketInfo | undefined): Record<string, string | undefined> {
  const h: Record<string, string | undefined> = {};
  if (info.versionId !== undefined && (info.versionId !== 'null' || bucket?.versioning !== undefined)) h['x-amz-version-id'] = info.versionId;
  if (info.tags && info.tags.length > 0) h['x-amz-tagging-count'] = String(info.tags.length);
  if (info.retention) {
    h['x-amz-object-lock-mode'] = info.retention.mode;
    h['x-amz-object-lock-retain-until-date'] = info.retention.retainUntil.toISOString();
  }
  if (bucket?.objectLockEnabled) h['x-amz-object-lock-legal-hold'] = info.legalHold ? 'ON' : 'OFF';
  return h;
}
