import { connect, checkServerIdentity, type TLSSocket } from 'node:tls';

/** Where a raw connection goes: the test server's port and the CA it is trusted with. */
export interface RawTarget {
  port: number;
  ca: string;
}

/** What came back on a raw connection, byte for byte, plus the parsed first response if any. */
export interface RawResult {
  /** Every byte the server sent. */
  raw: Buffer;
  /** Status of the first response (undefined when the server sent nothing). */
  status?: number;
  /** Headers of the first response, lower-case names. */
  headers: Record<string, string>;
  /** Body of the first response (de-chunked). */
  body: Buffer;
  text: string;
  /** The server ended or reset the connection (as opposed to the deadline expiring). */
  closedByServer: boolean;
  /** The deadline passed with the connection still open (the client then destroyed it). */
  timedOut: boolean;
}

/** A step of a raw conversation: bytes to write, or a pause. */
export type RawStep = string | Buffer | { pauseMs: number };

/**
 * Opens a TLS connection and writes `steps` byte for byte (no HTTP client in between, so headers,
 * Content-Length and framing can be anything). Waits until the server closes the connection or
 * `deadlineMs` passes; `endWrite` half-closes after the last step (a client that gives up).
 */
export function rawTls(target: RawTarget, steps: RawStep[], opts: { endWrite?: boolean; deadlineMs?: number } = {}): Promise<RawResult> {
  const deadlineMs = opts.deadlineMs ?? 15_000;
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let settled = false;
    let timedOut = false;
    const socket: TLSSocket = connect({
      host: '127.0.0.1',
      port: target.port,
      ca: target.ca,
      servername: '',
      checkServerIdentity: (_host, cert) => checkServerIdentity('127.0.0.1', cert),
    });
    const timer = setTimeout(() => {
      timedOut = true;
      socket.destroy();
    }, deadlineMs);
    const finish = () => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve({ ...parseResponse(Buffer.concat(chunks)), closedByServer: !timedOut, timedOut });
    };
    socket.on('data', (c: Buffer) => chunks.push(c));
    socket.on('error', () => finish());
    socket.on('close', finish);
    socket.once('secureConnect', () => {
      void (async () => {
        for (const step of steps) {
          if (socket.destroyed) return;
          if (typeof step === 'object' && !Buffer.isBuffer(step)) {
            await new Promise((r) => setTimeout(r, step.pauseMs));
            continue;
          }
          if (!socket.write(step)) await new Promise((r) => socket.once('drain', r));
        }
        if (opts.endWrite && !socket.destroyed) socket.end();
      })().catch(() => socket.destroy());
    });
  });
}

/** Parses the first HTTP/1.1 response of a byte string (Content-Length, chunked or read-to-end bodies). */
export function parseResponse(raw: Buffer): Pick<RawResult, 'raw' | 'status' | 'headers' | 'body' | 'text'> {
  const empty = { raw, headers: {}, body: Buffer.alloc(0), text: '' };
  const headEnd = raw.indexOf('\r\n\r\n');
  if (headEnd < 0) return empty;
  const lines = raw.subarray(0, headEnd).toString('latin1').split('\r\n');
  const m = /^HTTP\/1\.[01] (\d{3})/.exec(lines[0] ?? '');
  if (!m) return empty;
  const headers: Record<string, string> = {};
  for (const line of lines.slice(1)) {
    const colon = line.indexOf(':');
    if (colon > 0) headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
  }
  let rest = raw.subarray(headEnd + 4);
  let body: Buffer;
  if (headers['content-length'] !== undefined) {
    body = rest.subarray(0, Number(headers['content-length']));
  } else if ((headers['transfer-encoding'] ?? '').toLowerCase().includes('chunked')) {
    const parts: Buffer[] = [];
    for (;;) {
      const lf = rest.indexOf('\r\n');
      if (lf < 0) break;
      const size = parseInt(rest.subarray(0, lf).toString('latin1'), 16);
      if (!(size > 0)) break;
      parts.push(rest.subarray(lf + 2, lf + 2 + size));
      rest = rest.subarray(lf + 2 + size + 2);
    }
    body = Buffer.concat(parts);
  } else {
    body = rest;
  }
  return { raw, status: Number(m[1]), headers, body, text: body.toString('utf8') };
}

/** One HTTP/1.1 request as bytes: request line, `Host`, `Connection: close`, the given headers, the body. */
export function httpRequest(method: string, target: string, headers: [string, string][] = [], body: string | Buffer = ''): Buffer {
  const head = [`${method} ${target} HTTP/1.1`, 'Host: 127.0.0.1', 'Connection: close', ...headers.map(([k, v]) => `${k}: ${v}`)].join('\r\n');
  return Buffer.concat([Buffer.from(head + '\r\n\r\n', 'latin1'), Buffer.from(body)]);
}
