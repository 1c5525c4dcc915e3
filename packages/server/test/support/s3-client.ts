import { createHash, createHmac } from 'node:crypto';
import { Agent as HttpsAgent, request as httpsRequest, type Agent } from 'node:https';
import { checkServerIdentity } from 'node:tls';
import type { IncomingHttpHeaders, OutgoingHttpHeaders } from 'node:http';
import { Readable } from 'node:stream';
import { SignatureV4 } from '@smithy/signature-v4';
import { XMLParser } from 'fast-xml-parser';

/**
 * A test-only S3 client: requests are signed by the independent `@smithy/signature-v4` signer (not
 * Keyless's own verifier) and sent with `node:https`, trusting exactly the server's CA.
 */

/** A SHA-256 / HMAC-SHA-256 hash on node:crypto, in the shape smithy's `Checksum` interface expects. */
export class Sha256 {
  private readonly secret?: Uint8Array;
  private chunks: Uint8Array[] = [];

  constructor(secret?: string | Uint8Array | ArrayBuffer | ArrayBufferView) {
    if (secret !== undefined) this.secret = toBytes(secret);
  }

  update(data: string | Uint8Array | ArrayBuffer | ArrayBufferView): void {
    this.chunks.push(toBytes(data));
  }

  async digest(): Promise<Uint8Array> {
    const h = this.secret ? createHmac('sha256', this.secret) : createHash('sha256');
    for (const c of this.chunks) h.update(c);
    return new Uint8Array(h.digest());
  }

  reset(): void {
    this.chunks = [];
  }
}

function toBytes(data: string | Uint8Array | ArrayBuffer | ArrayBufferView): Uint8Array {
  if (typeof data === 'string') return Buffer.from(data, 'utf8');
  if (data instanceof Uint8Array) return data;
  if (ArrayBuffer.isView(data)) return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  return new Uint8Array(data);
}

/** AWS's URI encoding (RFC 3986 unreserved characters kept), slashes optionally kept. */
export function awsEncode(value: string, keepSlash = false): string {
  const enc = encodeURIComponent(value).replace(/[!'()*]/g, (c) => '%' + c.charCodeAt(0).toString(16).toUpperCase());
  return keepSlash ? enc.replace(/%2F/g, '/') : enc;
}

export function sha256Hex(data: string | Uint8Array): string {
  return createHash('sha256').update(data).digest('hex');
}

export function md5Hex(data: string | Uint8Array): string {
  return createHash('md5').update(data).digest('hex');
}

export function md5Base64(data: string | Uint8Array): string {
  return createHash('md5').update(data).digest('base64');
}

/** A received response, body read whole. */
export interface TestResponse {
  status: number;
  headers: IncomingHttpHeaders;
  body: Buffer;
  text: string;
}

const xmlParser = new XMLParser({ ignoreAttributes: true, parseTagValue: false, trimValues: false, removeNSPrefix: true });

/** Parses a response body as XML (values kept as strings). */
export function parseXml(res: TestResponse | string): Record<string, any> {
  const text = typeof res === 'string' ? res : res.text;
  return xmlParser.parse(text) as Record<string, any>;
}

/** A repeated XML element as an array (absent -> [], single -> [x]). */
export function arr<T = any>(v: T | T[] | undefined): T[] {
  if (v === undefined || v === null || (v as unknown) === '') return [];
  return Array.isArray(v) ? v : [v];
}

/** The `Code` of an S3 XML error body. */
export function errorCode(res: TestResponse): string | undefined {
  return parseXml(res).Error?.Code;
}

/** A request as tests describe it. */
export interface S3RequestSpec {
  method: string;
  bucket?: string;
  key?: string;
  /** Decoded query parameters; '' values are sent as a bare name (`?uploads`). */
  query?: Record<string, string>;
  headers?: Record<string, string>;
  body?: string | Buffer;
  /** Send unsigned (anonymous). */
  unsigned?: boolean;
  signingDate?: Date;
  credentials?: { accessKeyId: string; secretAccessKey: string; sessionToken?: string };
  /** Virtual-hosted-style: Host is `bucket.DOMAIN:PORT` and the path is only the key. */
  virtualHostDomain?: string;
  agent?: Agent;
}

/** A raw request: exact path+query, headers and body (buffer or stream), nothing added but Host. */
export interface RawRequestSpec {
  method: string;
  /** Path and query exactly as they go on the wire. */
  path: string;
  headers?: OutgoingHttpHeaders;
  body?: Buffer | string | Readable;
  /** A keep-alive agent to reuse connections (default: a fresh connection per request). */
  agent?: Agent;
}

export interface S3ClientOptions {
  port: number;
  ca: string;
  accessKeyId: string;
  secretAccessKey: string;
  region?: string;
}

/** Signs and sends S3 requests to an in-process server. */
export class S3TestClient {
  readonly region: string;
  readonly credentials: { accessKeyId: string; secretAccessKey: string };

  constructor(private readonly opts: S3ClientOptions) {
    this.region = opts.region ?? 'us-east-1';
    this.credentials = { accessKeyId: opts.accessKeyId, secretAccessKey: opts.secretAccessKey };
  }

  /** A signer for `credentials` (default: this client's); S3 signs the path as sent (no double encoding). */
  signer(credentials: S3RequestSpec['credentials'] = this.credentials): SignatureV4 {
    return new SignatureV4({ credentials, region: this.region, service: 's3', sha256: Sha256, uriEscapePath: false, applyChecksum: true });
  }

  /** `/bucket/key` (or `/key` virtual-hosted), each segment AWS-encoded once. */
  static pathOf(spec: Pick<S3RequestSpec, 'bucket' | 'key' | 'virtualHostDomain'>): string {
    let path = '/';
    if (spec.bucket !== undefined && !spec.virtualHostDomain) path += awsEncode(spec.bucket);
    if (spec.key !== undefined) path += (path.endsWith('/') ? '' : '/') + awsEncode(spec.key, true);
    return path;
  }

  /** The wire query string (sorted like the canonical query, bare names for empty values). */
  static queryString(query: Record<string, string> = {}): string {
    const parts = Object.keys(query)
      .sort()
      .map((k) => (query[k] === '' ? awsEncode(k) : `${awsEncode(k)}=${awsEncode(query[k])}`));
    return parts.length ? '?' + parts.join('&') : '';
  }

  hostHeader(spec: Pick<S3RequestSpec, 'bucket' | 'virtualHostDomain'> = {}): string {
    return spec.virtualHostDomain ? `${spec.bucket}.${spec.virtualHostDomain}:${this.opts.port}` : `127.0.0.1:${this.opts.port}`;
  }

  /** Signs (unless `unsigned`) and sends a request. */
  async send(spec: S3RequestSpec): Promise<TestResponse> {
    const path = S3TestClient.pathOf(spec);
    const body = spec.body === undefined ? undefined : Buffer.from(spec.body);
    let headers: Record<string, string> = { host: this.hostHeader(spec), ...(spec.headers ?? {}) };
    if (body !== undefined) headers['content-length'] = String(body.length);
    if (!spec.unsigned) {
      const signed = await this.signer(spec.credentials).sign(
        { method: spec.method, protocol: 'https:', hostname: '127.0.0.1', port: this.opts.port, path, query: spec.query ?? {}, headers, body },
        { signingDate: spec.signingDate },
      );
      headers = signed.headers as Record<string, string>;
    }
    return this.raw({ method: spec.method, path: path + S3TestClient.queryString(spec.query), headers, body, agent: spec.agent });
  }

  /** A presigned URL path+query for a request (payload UNSIGNED-PAYLOAD, as the AWS presigner). */
  async presign(spec: S3RequestSpec, expiresIn: number): Promise<string> {
    const path = S3TestClient.pathOf(spec);
    const presigned = await this.signer(spec.credentials).presign(
      {
        method: spec.method, protocol: 'https:', hostname: '127.0.0.1', port: this.opts.port, path, query: spec.query ?? {},
        headers: { host: this.hostHeader(spec), 'x-amz-content-sha256': 'UNSIGNED-PAYLOAD', ...(spec.headers ?? {}) },
      },
      { expiresIn, signingDate: spec.signingDate, unsignableHeaders: new Set(['x-amz-content-sha256']), unhoistableHeaders: new Set(['x-amz-content-sha256']) },
    );
    return path + S3TestClient.queryString(presigned.query as Record<string, string>);
  }

  /** A keep-alive agent with one socket trusting the server's CA (destroy it when done). */
  keepAliveAgent(): Agent {
    return new HttpsAgent({ keepAlive: true, maxSockets: 1, ca: this.opts.ca, checkServerIdentity: (_host, cert) => checkServerIdentity('127.0.0.1', cert) });
  }

  /** Sends a request exactly as given (Host defaults to the server's address). */
  raw(spec: RawRequestSpec): Promise<TestResponse> {
    const headers: OutgoingHttpHeaders = { host: this.hostHeader(), ...(spec.headers ?? {}) };
    return new Promise((resolve, reject) => {
      const req = httpsRequest(
        { host: '127.0.0.1', port: this.opts.port, method: spec.method, path: spec.path, headers, ca: this.opts.ca, agent: spec.agent ?? false,
          // The Host header may name a virtual host (bucket.localhost); the certificate is checked against the address connected to.
          servername: '', checkServerIdentity: (_host, cert) => checkServerIdentity('127.0.0.1', cert) },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('error', reject);
          res.on('end', () => {
            const body = Buffer.concat(chunks);
            resolve({ status: res.statusCode ?? 0, headers: res.headers, body, text: body.toString('utf8') });
          });
        },
      );
      req.on('error', reject);
      const write = () => {
        if (spec.body instanceof Readable) spec.body.pipe(req);
        else req.end(spec.body);
      };
      // With Expect: 100-continue the body waits for the server's interim response.
      const expectHeader = Object.entries(headers).find(([k]) => k.toLowerCase() === 'expect')?.[1];
      if (String(expectHeader ?? '').toLowerCase() === '100-continue') req.once('continue', write);
      else write();
    });
  }
}
