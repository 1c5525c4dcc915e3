import type { IncomingHttpHeaders } from 'node:http';
import type { Readable } from 'node:stream';

/** A request as the listener received it: raw enough to verify a signature byte for byte. */
export interface S3HttpRequest {
  method: string;
  /** The request target's path, exactly as sent (percent-encoded). */
  rawPath: string;
  /** The raw query string without '?'. */
  rawQuery: string;
  rawHeaders: string[];
  headers: IncomingHttpHeaders;
  /** The unread request body. */
  body: Readable;
  sourceIp: string;
  /** True over TLS (aws:SecureTransport). */
  secure: boolean;
  requestId: string;
}

/** A fully rendered response: the listener only copies it to the socket. */
export interface S3HttpResponse {
  status: number;
  headers: Record<string, string>;
  body?: string | Readable;
  /** The S3 operation name, for the access log (absent when the request failed before it was decided). */
  operation?: string;
}
