import { S3Error } from '@keyless/core';
import { asArray, asText, S3_XMLNS } from '../xml/xml-codec.js';

/** The bucket configuration kind (ObjectStore `getBucketConfig`) under which CORS rules are stored (JSON). */
export const CORS_CONFIG = 'cors';

/** One CORS rule. @see https://docs.aws.amazon.com/AmazonS3/latest/API/API_CORSRule.html */
export interface CorsRule {
  id?: string;
  allowedOrigins: string[];
  allowedMethods: string[];
  allowedHeaders: string[];
  exposeHeaders: string[];
  maxAgeSeconds?: number;
}

/** S3 allows at most 100 rules per configuration. @see https://docs.aws.amazon.com/AmazonS3/latest/userguide/ManageCorsUsing.html */
export const MAX_CORS_RULES = 100;

/** The only methods a CORS rule may allow. */
const CORS_METHODS = new Set(['GET', 'PUT', 'POST', 'DELETE', 'HEAD']);

function texts(value: unknown): string[] {
  return asArray(value as unknown[] | undefined).map((v) => asText(v) ?? '');
}

/**
 * Parses and validates a `CORSConfiguration` document (already parsed from XML): structure errors are
 * MalformedXML; unsupported methods and extra wildcards are InvalidRequest with S3's messages.
 * @see https://docs.aws.amazon.com/AmazonS3/latest/API/API_PutBucketCors.html
 */
export function parseCorsConfiguration(doc: Record<string, unknown>): CorsRule[] {
  const raw = asArray(doc.CORSRule as Record<string, unknown>[] | Record<string, unknown> | undefined);
  if (raw.length === 0 || raw.length > MAX_CORS_RULES) throw new S3Error('MalformedXML');
  return raw.map((r) => {
    if (typeof r !== 'object' || r === null) throw new S3Error('MalformedXML');
    const rule: CorsRule = {
      allowedOrigins: texts(r.AllowedOrigin).map((o) => o.trim()),
      allowedMethods: texts(r.AllowedMethod).map((m) => m.trim()),
      allowedHeaders: texts(r.AllowedHeader).map((h) => h.trim()),
      exposeHeaders: texts(r.ExposeHeader).map((h) => h.trim()),
    };
    if (rule.allowedOrigins.length === 0 || rule.allowedMethods.length === 0) throw new S3Error('MalformedXML');
    const id = asText(r.ID);
    if (id !== undefined) {
      if (id.length > 255) throw new S3Error('InvalidArgument', 'The ID of a CORS rule must be no longer than 255 characters.', { ArgumentName: 'ID' });
      rule.id = id;
    }
    const maxAge = asText(r.MaxAgeSeconds);
    if (maxAge !== undefined) {
      if (!/^\d{1,10}$/.test(maxAge.trim())) throw new S3Error('MalformedXML');
      rule.maxAgeSeconds = Number(maxAge.trim());
    }
    for (const m of rule.allowedMethods) {
      if (!CORS_METHODS.has(m)) throw new S3Error('InvalidRequest', `Found unsupported HTTP method in CORS config. Unsupported method is ${m}`);
    }
    for (const o of rule.allowedOrigins) {
      if (o.split('*').length > 2) throw new S3Error('InvalidRequest', `AllowedOrigin "${o}" can not have more than one wildcard.`);
    }
    for (const h of rule.allowedHeaders) {
      if (h.split('*').length > 2) throw new S3Error('InvalidRequest', `AllowedHeader "${h}" can not have more than one wildcard.`);
    }
    for (const h of rule.exposeHeaders) {
      if (h.includes('*')) throw new S3Error('InvalidRequest', `ExposeHeader "${h}" contains wildcard. We currently do not support wildcard for ExposeHeader.`);
    }
    return rule;
  });
}

/** The `CORSConfiguration` document of GetBucketCors. @see https://docs.aws.amazon.com/AmazonS3/latest/API/API_GetBucketCors.html */
export function corsConfigurationXml(rules: CorsRule[]): Record<string, unknown> {
  return {
    CORSConfiguration: {
      '@_xmlns': S3_XMLNS,
      CORSRule: rules.map((r) => ({
        ID: r.id,
        AllowedHeader: r.allowedHeaders,
        AllowedMethod: r.allowedMethods,
        AllowedOrigin: r.allowedOrigins,
        ExposeHeader: r.exposeHeaders,
        MaxAgeSeconds: r.maxAgeSeconds,
      })),
    },
  };
}

/** Matches `value` against a pattern with at most one `*` (any run of characters, possibly empty). */
export function wildcardMatch(pattern: string, value: string, ignoreCase = false): boolean {
  const p = ignoreCase ? pattern.toLowerCase() : pattern;
  const v = ignoreCase ? value.toLowerCase() : value;
  const star = p.indexOf('*');
  if (star < 0) return p === v;
  const prefix = p.slice(0, star);
  const suffix = p.slice(star + 1);
  return v.length >= prefix.length + suffix.length && v.startsWith(prefix) && v.endsWith(suffix);
}

/** The request headers a preflight names (`Access-Control-Request-Headers`), lower-cased. */
export function requestedHeaders(value: string | undefined): string[] {
  return (value ?? '').split(',').map((h) => h.trim().toLowerCase()).filter((h) => h !== '');
}

/**
 * The first rule that allows `origin` and `method` and, for a preflight, every requested header;
 * S3 evaluates rules in order and uses the first match.
 * @see https://docs.aws.amazon.com/AmazonS3/latest/userguide/cors.html#cors-eval-criteria
 */
export function findCorsRule(rules: CorsRule[], origin: string, method: string, headers: string[] = []): CorsRule | undefined {
  return rules.find((r) =>
    r.allowedOrigins.some((o) => wildcardMatch(o, origin)) &&
    r.allowedMethods.includes(method) &&
    headers.every((h) => r.allowedHeaders.some((a) => wildcardMatch(a, h, true))));
}

/**
 * The response headers for a request matched by `rule`: the origin (or `*` when the rule allows
 * any origin, which also means no credentials), the rule's methods, exposed headers and max age,
 * and for a preflight the requested headers it allowed.
 */
export function corsResponseHeaders(rule: CorsRule, origin: string, preflightHeaders?: string[]): Record<string, string> {
  const anyOrigin = rule.allowedOrigins.includes('*');
  const h: Record<string, string> = {
    'Access-Control-Allow-Origin': anyOrigin ? '*' : origin,
    'Access-Control-Allow-Methods': rule.allowedMethods.join(', '),
    Vary: 'Origin, Access-Control-Request-Headers, Access-Control-Request-Method',
  };
  if (!anyOrigin) h['Access-Control-Allow-Credentials'] = 'true';
  if (preflightHeaders !== undefined && preflightHeaders.length > 0) h['Access-Control-Allow-Headers'] = preflightHeaders.join(', ');
  if (rule.exposeHeaders.length > 0) h['Access-Control-Expose-Headers'] = rule.exposeHeaders.join(', ');
  if (rule.maxAgeSeconds !== undefined) h['Access-Control-Max-Age'] = String(rule.maxAgeSeconds);
  return h;
}
