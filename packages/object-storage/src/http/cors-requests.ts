import type { IncomingHttpHeaders } from 'node:http';
import { S3Error, type ObjectStore } from '@keyless/core';
import { CORS_CONFIG, corsResponseHeaders, findCorsRule, requestedHeaders, type CorsRule } from './cors-rules.js';
import type { S3Response } from './s3-request.js';

function one(headers: IncomingHttpHeaders, name: string): string | undefined {
  const v = headers[name];
  return Array.isArray(v) ? v[0] : v;
}

async function rulesOf(store: ObjectStore, bucket: string): Promise<CorsRule[] | undefined> {
  const text = await store.getBucketConfig(bucket, CORS_CONFIG);
  return text === undefined ? undefined : (JSON.parse(text) as CorsRule[]);
}

/**
 * Answers a browser's preflight `OPTIONS` on a bucket or object. It is unauthenticated (browsers
 * send no credentials) and grants nothing: it only tells the browser what the bucket's CORS rules
 * allow. No Origin or method -> 400; no CORS configuration or no matching rule -> 403
 * AccessForbidden.
 * @see https://docs.aws.amazon.com/AmazonS3/latest/API/RESTOPTIONSobject.html
 */
export async function preflightCors(store: ObjectStore, bucket: string, headers: IncomingHttpHeaders): Promise<S3Response> {
  const origin = one(headers, 'origin');
  if (origin === undefined || origin === '') throw new S3Error('BadRequest', 'Insufficient information. Origin request header needed.');
  const method = one(headers, 'access-control-request-method');
  if (method === undefined || method === '') throw new S3Error('BadRequest', `Invalid Access-Control-Request-Method: ${method ?? 'null'}`);
  const rules = await rulesOf(store, bucket);
  if (rules === undefined) throw new S3Error('AccessForbidden', 'CORSResponse: CORS is not enabled for this bucket.', { Method: method, ResourceType: 'OBJECT' });
  const wanted = requestedHeaders(one(headers, 'access-control-request-headers'));
  const rule = findCorsRule(rules, origin, method, wanted);
  if (!rule) throw new S3Error('AccessForbidden', undefined, { Method: method, ResourceType: 'OBJECT' });
  return { headers: corsResponseHeaders(rule, origin, wanted) };
}

/**
 * The CORS headers for an actual (non-preflight) request carrying an `Origin`: those of the first
 * rule allowing the origin and method, or none. Added to successes and errors alike so that a
 * browser script can read the error. Never throws: CORS decoration must not change the outcome.
 */
export async function actualCorsHeaders(store: ObjectStore, bucket: string, method: string, headers: IncomingHttpHeaders): Promise<Record<string, string>> {
  const origin = one(headers, 'origin');
  if (origin === undefined || origin === '') return {};
  try {
    const rules = await rulesOf(store, bucket);
    const rule = rules && findCorsRule(rules, origin, method);
    return rule ? corsResponseHeaders(rule, origin) : {};
  } catch {
    // A missing bucket or unreadable configuration: the response already says what went wrong.
    return {};
  }
}
