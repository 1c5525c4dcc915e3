import type { IncomingHttpHeaders } from 'node:http';
import type { Readable } from 'node:stream';
import type { Principal } from '@keyless/core';
import type { VerifiedAuth } from '@keyless/sigv4';
import type { ResolvedOperation } from '../resolve-operation.js';

/** What a handler receives: the operation already decided, the caller authenticated and authorized. */
export interface S3Request {
  readonly op: ResolvedOperation;
  readonly method: string;
  readonly query: URLSearchParams;
  readonly headers: IncomingHttpHeaders;
  readonly principal: Principal;
  readonly auth?: VerifiedAuth;
  readonly requestId: string;
  readonly sourceIp: string;
  readonly secure: boolean;
  /** The raw body; handlers read it only through `payload()` so that signatures and checksums are verified. */
  readonly rawBody: Readable;
}

/** The XML document of a response: one root element. */
export interface XmlBody {
  readonly xml: Record<string, unknown>;
}

/** What a handler returns; `render-response` turns it into bytes. */
export interface S3Response {
  status?: number;
  headers?: Record<string, string | undefined>;
  body?: XmlBody | Readable | string;
}

/** The bucket of a bucket or object operation (resolveOperation guarantees it). */
export function bucketOf(req: S3Request): string {
  return req.op.bucket as string;
}

/** The key of an object operation (resolveOperation guarantees it). */
export function keyOf(req: S3Request): string {
  return req.op.key as string;
}

/** One header value (the first when repeated). */
export function header(req: { headers: IncomingHttpHeaders }, name: string): string | undefined {
  const v = req.headers[name];
  return Array.isArray(v) ? v[0] : v;
}
