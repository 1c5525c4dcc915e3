import { S3Error, type ObjectInfo, type ObjectRetention } from '@keyless/core';
import { bucketOf, keyOf, type S3Request } from '../http/s3-request.js';
import { readSmallBody } from '../http/payload.js';
import { OBJECT_LOCK_CONFIG, type parseLockMode, parseRetainUntil, type DefaultRetention } from '../http/object-lock-headers.js';
import { bypassGovernanceRequested, versionIdOf } from '../http/version-query.js';
import { asText, MAX_XML_BYTES, S3_XMLNS } from '../xml/xml-codec.js';
import { requireBucket } from './bucket-handlers.js';
import type { Handler, HandlerDeps } from './handler-deps.js';

/**
 * GetObjectLockConfiguration: ObjectLockConfigurationNotFoundError unless the bucket has Object Lock.
 * @see https://docs.aws.amazon.com/AmazonS3/latest/API/API_GetObjectLockConfiguration.html
 */
export const getObjectLockConfiguration: Handler = async (req, deps) => {
  const info = await requireBucket(req, deps);
  if (!info.objectLockEnabled) throw new S3Error('ObjectLockConfigurationNotFoundError', undefined, { BucketName: info.name });
  const text = await deps.store.getBucketConfig(info.name, OBJECT_LOCK_CONFIG);
  const rule = text === undefined ? undefined : (JSON.parse(text) as { rule?: DefaultRetention }).rule;
  return {
    body: {
      xml: {
        ObjectLockConfiguration: {
          '@_xmlns': S3_XMLNS,
          ObjectLockEnabled: 'Enabled',
          Rule: rule ? { DefaultRetention: { Mode: rule.mode, Days: rule.days, Years: rule.years } } : undefined,
        },
      },
    },
  };
};

function positiveInt(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  if (!/^\d+$/.test(text.trim()) || Number(text) <= 0) throw new S3Error('InvalidRetentionPeriod', 'Default retention period must be a positive integer value.');
  return Number(text);
}

/**
 * PutObjectLockConfiguration: `ObjectLockEnabled=Enabled` and an optional default retention
 * (Mode with Days or Years). On a bucket created without lock it enables Object Lock when
 * versioning is Enabled (InvalidBucketState otherwise), as S3 allows since 2023.
 * @see https://docs.aws.amazon.com/AmazonS3/latest/API/API_PutObjectLockConfiguration.html
 */
export const putObjectLockConfiguration: Handler = async (req, deps) => {
  const body = await readSmallBody(req, MAX_XML_BYTES);
  const doc = deps.xml.parse(body.toString('utf8'), 'ObjectLockConfiguration');
  if (asText(doc.ObjectLockEnabled) !== 'Enabled') throw new S3Error('MalformedXML');
  let rule: DefaultRetention | undefined;
  if (doc.Rule !== undefined) {
    const retention = (doc.Rule as Record<string, unknown>).DefaultRetention as Record<string, unknown> | undefined;
    if (typeof retention !== 'object' || retention === null) throw new S3Error('MalformedXML');
    const mode = asText(retention.Mode);
    const days = positiveInt(asText(retention.Days));
    const years = positiveInt(asText(retention.Years));
    if (mode === undefined || (days === undefined) === (years === undefined)) throw new S3Error('MalformedXML');
    rule = { mode: xmlLockMode(mode), ...(days !== undefined ? { days } : { years }) };
  }
  const info = await requireBucket(req, deps);
  if (!info.objectLockEnabled) await deps.store.enableObjectLock(info.name);
  await deps.store.putBucketConfig(info.name, OBJECT_LOCK_CONFIG, JSON.stringify(rule ? { rule } : {}));
  return {};
};

/** A lock mode inside an XML body: anything but GOVERNANCE / COMPLIANCE is MalformedXML (the schema's enumeration), unlike the header form. */
function xmlLockMode(mode: string): ReturnType<typeof parseLockMode> {
  if (mode !== 'GOVERNANCE' && mode !== 'COMPLIANCE') throw new S3Error('MalformedXML');
  return mode;
}

/** Retention and legal hold need a bucket with Object Lock (InvalidRequest otherwise). */
async function requireLockBucket(req: S3Request, deps: HandlerDeps): Promise<void> {
  const info = await requireBucket(req, deps);
  if (!info.objectLockEnabled) throw new S3Error('InvalidRequest', 'Bucket is missing Object Lock Configuration');
}

function versionHeaders(info: ObjectInfo): Record<string, string | undefined> {
  return { 'x-amz-version-id': info.versionId };
}

/** @see https://docs.aws.amazon.com/AmazonS3/latest/API/API_GetObjectRetention.html */
export const getObjectRetention: Handler = async (req, deps) => {
  await requireLockBucket(req, deps);
  const info = await deps.store.getObjectInfo(bucketOf(req), keyOf(req), { versionId: versionIdOf(req) });
  if (!info.retention) throw new S3Error('NoSuchObjectLockConfiguration');
  return {
    headers: versionHeaders(info),
    body: { xml: { Retention: { '@_xmlns': S3_XMLNS, Mode: info.retention.mode, RetainUntilDate: info.retention.retainUntil.toISOString() } } },
  };
};

/**
 * PutObjectRetention. COMPLIANCE can only be kept or extended; GOVERNANCE can be shortened,
 * removed or changed only with `x-amz-bypass-governance-retention: true` and the
 * s3:BypassGovernanceRetention permission (AccessDenied otherwise). Checked inside the store's
 * transaction, against the version as it is then.
 * @see https://docs.aws.amazon.com/AmazonS3/latest/userguide/object-lock.html#object-lock-retention-modes
 */
export const putObjectRetention: Handler = async (req, deps) => {
  await requireLockBucket(req, deps);
  const body = await readSmallBody(req, MAX_XML_BYTES);
  const doc = deps.xml.parse(body.toString('utf8'), 'Retention');
  const modeText = asText(doc.Mode);
  const untilText = asText(doc.RetainUntilDate);
  if ((modeText === undefined) !== (untilText === undefined)) throw new S3Error('MalformedXML');
  const now = deps.now();
  const next: ObjectRetention | null = modeText !== undefined && untilText !== undefined
    ? { mode: xmlLockMode(modeText), retainUntil: parseRetainUntil(untilText, now) }
    : null;
  const bypass = bypassGovernanceRequested(req);
  if (bypass) await deps.authorize(req, 's3:BypassGovernanceRetention', bucketOf(req), keyOf(req));
  const info = await deps.store.updateObjectVersion(bucketOf(req), keyOf(req), versionIdOf(req), { retention: next }, (current) => {
    const cur = current.retention;
    if (!cur || cur.retainUntil.getTime() <= now.getTime()) return;
    const weakens = next === null || next.retainUntil.getTime() < cur.retainUntil.getTime() || (cur.mode === 'COMPLIANCE' && next.mode !== 'COMPLIANCE');
    if (!weakens) return;
    if (cur.mode === 'COMPLIANCE' || !bypass) throw new S3Error('AccessDenied', 'Access Denied because object protected by object lock.');
  });
  return { headers: versionHeaders(info) };
};

/** @see https://docs.aws.amazon.com/AmazonS3/latest/API/API_GetObjectLegalHold.html */
export const getObjectLegalHold: Handler = async (req, deps) => {
  await requireLockBucket(req, deps);
  const info = await deps.store.getObjectInfo(bucketOf(req), keyOf(req), { versionId: versionIdOf(req) });
  return { headers: versionHeaders(info), body: { xml: { LegalHold: { '@_xmlns': S3_XMLNS, Status: info.legalHold ? 'ON' : 'OFF' } } } };
};

/** @see https://docs.aws.amazon.com/AmazonS3/latest/API/API_PutObjectLegalHold.html */
export const putObjectLegalHold: Handler = async (req, deps) => {
  await requireLockBucket(req, deps);
  const body = await readSmallBody(req, MAX_XML_BYTES);
  const status = asText(deps.xml.parse(body.toString('utf8'), 'LegalHold').Status);
  if (status !== 'ON' && status !== 'OFF') throw new S3Error('MalformedXML');
  const info = await deps.store.updateObjectVersion(bucketOf(req), keyOf(req), versionIdOf(req), { legalHold: status === 'ON' });
  return { headers: versionHeaders(info) };
};
