import { randomBytes } from 'node:crypto';
import { S3Error, type ObjectTag } from '@keyless/core';
import { asArray, asText, S3_XMLNS } from '../xml/xml-codec.js';

/**
 * A rule's filter as written. Exactly one of the forms: a legacy rule-level `Prefix` (`legacyPrefix`),
 * or a `Filter` holding one of Prefix, Tag, ObjectSizeGreaterThan, ObjectSizeLessThan or And.
 */
export interface LifecycleFilter {
  legacyPrefix?: string;
  prefix?: string;
  tag?: ObjectTag;
  sizeGreaterThan?: number;
  sizeLessThan?: number;
  and?: { prefix?: string; tags: ObjectTag[]; sizeGreaterThan?: number; sizeLessThan?: number };
}

/** One lifecycle rule, validated. */
export interface LifecycleRule {
  id: string;
  status: 'Enabled' | 'Disabled';
  filter: LifecycleFilter;
  expiration?: { days?: number; date?: string; expiredObjectDeleteMarker?: boolean };
  noncurrentVersionExpiration?: { noncurrentDays: number; newerNoncurrentVersions?: number };
  abortIncompleteMultipartUpload?: { daysAfterInitiation: number };
}

/** A bucket's lifecycle configuration (stored as JSON of this shape under {@link LIFECYCLE_CONFIG}). */
export interface LifecycleConfiguration {
  rules: LifecycleRule[];
}

/** The bucket configuration kind the lifecycle configuration is stored under. */
export const LIFECYCLE_CONFIG = 'lifecycle';

/** S3 allows up to 1000 rules. @see https://docs.aws.amazon.com/AmazonS3/latest/userguide/intro-lifecycle-rules.html */
export const MAX_LIFECYCLE_RULES = 1000;

type Xml = Record<string, unknown>;

function obj(v: unknown): Xml | undefined {
  if (v === undefined) return undefined;
  if (typeof v === 'object' && v !== null && !Array.isArray(v)) return v as Xml;
  if (asText(v) === '') return {};
  throw new S3Error('MalformedXML');
}

function single(v: unknown): unknown {
  if (Array.isArray(v)) throw new S3Error('MalformedXML');
  return v;
}

function text(v: unknown): string | undefined {
  const t = asText(single(v));
  return t === undefined ? undefined : t;
}

function positiveInt(v: unknown, what: string): number | undefined {
  const t = text(v)?.trim();
  if (t === undefined) return undefined;
  if (!/^-?\d+$/.test(t)) throw new S3Error('MalformedXML');
  const n = Number(t);
  if (n <= 0 || !Number.isSafeInteger(n)) throw new S3Error('InvalidArgument', `'${what}' must be a positive integer`, { ArgumentName: what, ArgumentValue: t });
  return n;
}

function nonNegativeInt(v: unknown): number | undefined {
  const t = text(v)?.trim();
  if (t === undefined) return undefined;
  if (!/^\d+$/.test(t) || !Number.isSafeInteger(Number(t))) throw new S3Error('MalformedXML');
  return Number(t);
}

function tagOf(v: unknown): ObjectTag {
  const t = obj(single(v)) ?? {};
  const key = text(t.Key);
  if (key === undefined || key === '') throw new S3Error('MalformedXML');
  return { key, value: text(t.Value) ?? '' };
}

function parseFilter(f: Xml): LifecycleFilter {
  const forms = ['Prefix', 'Tag', 'ObjectSizeGreaterThan', 'ObjectSizeLessThan', 'And'].filter((k) => f[k] !== undefined);
  // An empty <Filter/> applies to every object; otherwise exactly one form (combine them with And).
  if (forms.length > 1) throw new S3Error('MalformedXML');
  if (f.And !== undefined) {
    const a = obj(single(f.And)) ?? {};
    const and = {
      prefix: text(a.Prefix),
      tags: asArray(a.Tag as unknown).map(tagOf),
      sizeGreaterThan: nonNegativeInt(a.ObjectSizeGreaterThan),
      sizeLessThan: nonNegativeInt(a.ObjectSizeLessThan),
    };
    const keys = new Set(and.tags.map((t) => t.key));
    if (keys.size !== and.tags.length) throw new S3Error('InvalidRequest', 'Duplicate Tag Keys are not allowed.');
    return { and };
  }
  return { prefix: text(f.Prefix), tag: f.Tag !== undefined ? tagOf(f.Tag) : undefined, sizeGreaterThan: nonNegativeInt(f.ObjectSizeGreaterThan), sizeLessThan: nonNegativeInt(f.ObjectSizeLessThan) };
}

/** True when the filter selects by object tags (not allowed with delete-marker and multipart actions). */
export function hasTagFilter(f: LifecycleFilter): boolean {
  return f.tag !== undefined || (f.and?.tags.length ?? 0) > 0;
}

function parseRule(r: Xml): LifecycleRule {
  for (const unsupported of ['Transition', 'NoncurrentVersionTransition', 'Transitions', 'NoncurrentVersionTransitions']) {
    // Keyless has one storage class: accepting a transition it would never perform would be a lie.
    if (r[unsupported] !== undefined) throw new S3Error('NotImplemented', 'Lifecycle transitions between storage classes are not implemented.');
  }
  const id = text(r.ID) ?? randomBytes(24).toString('base64url');
  if (Buffer.byteLength(id) > 255) throw new S3Error('InvalidArgument', 'ID length should not exceed allowed limit of 255', { ArgumentName: 'ID', ArgumentValue: id });
  const status = text(r.Status);
  if (status !== 'Enabled' && status !== 'Disabled') throw new S3Error('MalformedXML');
  if ((r.Filter === undefined) === (r.Prefix === undefined)) throw new S3Error('MalformedXML');
  const filter = r.Filter !== undefined ? parseFilter(obj(single(r.Filter)) ?? {}) : { legacyPrefix: text(r.Prefix) ?? '' };
  const rule: LifecycleRule = { id, status, filter };

  const e = obj(single(r.Expiration));
  if (e) {
    const days = positiveInt(e.Days, 'Days');
    const dateText = text(e.Date)?.trim();
    const marker = text(e.ExpiredObjectDeleteMarker)?.trim();
    if (marker !== undefined && marker !== 'true' && marker !== 'false') throw new S3Error('MalformedXML');
    const set = [days, dateText, marker].filter((v) => v !== undefined).length;
    if (set !== 1) throw new S3Error('MalformedXML');
    let date: string | undefined;
    if (dateText !== undefined) {
      const d = new Date(dateText);
      if (Number.isNaN(d.getTime()) || !/^\d{4}-\d{2}-\d{2}/.test(dateText)) throw new S3Error('MalformedXML');
      if (d.getTime() % 86_400_000 !== 0) throw new S3Error('InvalidArgument', "'Date' must be at midnight GMT", { ArgumentName: 'Date', ArgumentValue: dateText });
      date = d.toISOString();
    }
    rule.expiration = { days, date, expiredObjectDeleteMarker: marker === undefined ? undefined : marker === 'true' };
    if (marker !== undefined && hasTagFilter(filter)) {
      throw new S3Error('InvalidRequest', 'ExpiredObjectDeleteMarker cannot be specified with a Tag filter.');
    }
  }
  const n = obj(single(r.NoncurrentVersionExpiration));
  if (n) {
    const noncurrentDays = positiveInt(n.NoncurrentDays, 'NoncurrentDays');
    if (noncurrentDays === undefined) throw new S3Error('MalformedXML');
    const newer = positiveInt(n.NewerNoncurrentVersions, 'NewerNoncurrentVersions');
    if (newer !== undefined && newer > 100) throw new S3Error('InvalidArgument', "'NewerNoncurrentVersions' must be between 1 and 100", { ArgumentName: 'NewerNoncurrentVersions', ArgumentValue: String(newer) });
    rule.noncurrentVersionExpiration = { noncurrentDays, newerNoncurrentVersions: newer };
  }
  const m = obj(single(r.AbortIncompleteMultipartUpload));
  if (m) {
    const daysAfterInitiation = positiveInt(m.DaysAfterInitiation, 'DaysAfterInitiation');
    if (daysAfterInitiation === undefined) throw new S3Error('MalformedXML');
    if (hasTagFilter(filter)) throw new S3Error('InvalidRequest', 'AbortIncompleteMultipartUpload cannot be specified with Tags.');
    rule.abortIncompleteMultipartUpload = { daysAfterInitiation };
  }
  if (!rule.expiration && !rule.noncurrentVersionExpiration && !rule.abortIncompleteMultipartUpload) {
    throw new S3Error('InvalidRequest', 'At least one action needs to be specified in a rule');
  }
  return rule;
}

/**
 * Parses and validates a `LifecycleConfiguration` document (already parsed from XML) as S3 does:
 * 1..1000 rules, unique IDs of at most 255 bytes (a missing ID is generated, as S3 does), Status
 * Enabled|Disabled, a `Filter` or a legacy `Prefix`, positive day counts, dates at midnight UTC, at
 * least one action. Transitions are refused with NotImplemented (Keyless has one storage class).
 *
 * @see https://docs.aws.amazon.com/AmazonS3/latest/API/API_PutBucketLifecycleConfiguration.html
 * @see https://docs.aws.amazon.com/AmazonS3/latest/API/API_LifecycleRule.html
 */
export function parseLifecycleConfiguration(doc: Xml): LifecycleConfiguration {
  const rules = asArray(doc.Rule as unknown).map((r) => parseRule(obj(r) ?? {}));
  if (rules.length === 0 || rules.length > MAX_LIFECYCLE_RULES) throw new S3Error('MalformedXML');
  const ids = new Set<string>();
  for (const r of rules) {
    if (ids.has(r.id)) throw new S3Error('InvalidArgument', 'Rule ID must be unique. Found same ID for more than one rule', { ArgumentName: 'ID', ArgumentValue: r.id });
    ids.add(r.id);
  }
  return { rules };
}

function renderTag(t: ObjectTag): Xml {
  return { Key: t.key, Value: t.value };
}

function renderFilter(f: LifecycleFilter): Xml {
  if (f.legacyPrefix !== undefined) return { Prefix: f.legacyPrefix };
  const filter: Xml = {};
  if (f.and) {
    filter.And = {
      Prefix: f.and.prefix,
      Tag: f.and.tags.length ? f.and.tags.map(renderTag) : undefined,
      ObjectSizeGreaterThan: f.and.sizeGreaterThan,
      ObjectSizeLessThan: f.and.sizeLessThan,
    };
  } else {
    filter.Prefix = f.prefix;
    filter.Tag = f.tag ? renderTag(f.tag) : undefined;
    filter.ObjectSizeGreaterThan = f.sizeGreaterThan;
    filter.ObjectSizeLessThan = f.sizeLessThan;
  }
  return { Filter: filter };
}

/** The GetBucketLifecycleConfiguration document, elements in AWS's order. */
export function renderLifecycleConfiguration(config: LifecycleConfiguration): Xml {
  return {
    LifecycleConfiguration: {
      '@_xmlns': S3_XMLNS,
      Rule: config.rules.map((r) => ({
        Expiration: r.expiration && {
          Date: r.expiration.date,
          Days: r.expiration.days,
          ExpiredObjectDeleteMarker: r.expiration.expiredObjectDeleteMarker,
        },
        ID: r.id,
        ...renderFilter(r.filter),
        Status: r.status,
        NoncurrentVersionExpiration: r.noncurrentVersionExpiration && {
          NoncurrentDays: r.noncurrentVersionExpiration.noncurrentDays,
          NewerNoncurrentVersions: r.noncurrentVersionExpiration.newerNoncurrentVersions,
        },
        AbortIncompleteMultipartUpload: r.abortIncompleteMultipartUpload && {
          DaysAfterInitiation: r.abortIncompleteMultipartUpload.daysAfterInitiation,
        },
      })),
    },
  };
}
