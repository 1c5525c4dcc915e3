import Koa from 'koa';
import type { TLSSocket } from 'node:tls';
import { pipeline } from 'node:stream/promises';
import { Readable } from 'node:stream';
import type { S3Api } from '@keyless/object-storage';
import { handleStsRequest, isStsRequest, type StsDeps } from '@keyless/sts';
import { newRequestId } from './request-id.js';
import { redactUrl, type Logger } from './logger.js';
import { peerCertificates } from './peer-chain.js';

/** What the HTTP front needs: the two protocol services and a logger. */
export interface AppDeps {
  s3: S3Api;
  sts: StsDeps;
  log: Logger;
}

/** STS form bodies are tiny; anything larger is refused before it is read whole. */
const MAX_STS_BODY = 64 * 1024;

interface Written {
  status: number;
  headers: Record<string, string>;
  body?: string | Readable;
}

/**
 * The Koa application: request id -> access log -> health -> STS or S3 dispatch. Responses are
 * written by one function (`send`) so streams, HEAD and errors are handled in one place.
 */
export function createApp(deps: AppDeps): Koa {
  const app = new Koa();
  app.proxy = false;
  // Koa's default error printer would write stack traces to stderr; errors are rendered per protocol below.
  app.silent = true;

  app.use(async (ctx, next) => {
    const requestId = newRequestId();
    ctx.state.requestId = requestId;
    const started = process.hrtime.bigint();
    // Read now: by the time 'close' fires a reset connection has already detached its socket.
    const remote = ctx.req.socket?.remoteAddress;
    ctx.respond = false;
    // Listen before dispatching: a streamed body (GetObject) is finished, and 'close' emitted,
    // before next() returns, and a listener added afterwards never fires.
    ctx.res.once('close', () => {
      deps.log({
        msg: 'request',
        requestId,
        method: ctx.method,
        url: redactUrl(ctx.originalUrl),
        status: ctx.res.statusCode,
        op: ctx.state.op,
        ms: Number(process.hrtime.bigint() - started) / 1e6,
        remote,
      });
    });
    await next();
  });

  app.use(async (ctx) => {
    const requestId = ctx.state.requestId as string;
    const rawUrl = ctx.req.url ?? '/';
    const q = rawUrl.indexOf('?');
    const rawPath = q < 0 ? rawUrl : rawUrl.slice(0, q);
    const rawQuery = q < 0 ? '' : rawUrl.slice(q + 1);
    if ((ctx.method === 'GET' || ctx.method === 'HEAD') && ['/health/live', '/minio/health/live', '/health/ready', '/minio/health/ready'].includes(rawPath)) {
      ctx.state.op = 'Health';
      return send(ctx.res, { status: 200, headers: { 'x-amz-request-id': requestId, 'Content-Length': '0' } });
    }
    const socket = ctx.req.socket as TLSSocket;
    const secure = Boolean(socket.encrypted);
    const sourceIp = ctx.req.socket.remoteAddress ?? '';
    if (isStsRequest(ctx.method, rawPath, rawQuery, ctx.req.headers)) {
      ctx.state.op = 'STS';
      const body = await readLimited(ctx.req, MAX_STS_BODY);
      const res = await handleStsRequest(
        {
          method: ctx.method, rawPath, rawQuery, rawHeaders: ctx.req.rawHeaders, headers: ctx.req.headers,
          body: body ?? Buffer.alloc(0), // oversized: handled as an empty form (-> MissingAction)
          peerCertificates: peerCertificates(secure ? socket : undefined), encrypted: secure, sourceIp, requestId,
        },
        deps.sts,
      );
      return send(ctx.res, res);
    }
    const res = await deps.s3.handle({
      method: ctx.method, rawPath, rawQuery, rawHeaders: ctx.req.rawHeaders, headers: ctx.req.headers, body: ctx.req, sourceIp, secure, requestId,
    });
    ctx.state.op = res.operation;
    return send(ctx.res, res);
  });
  return app;
}

/** Reads a body up to `limit` bytes; undefined when it is larger (the rest is drained). */
async function readLimited(stream: Readable, limit: number): Promise<Buffer | undefined> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of stream) {
    size += (chunk as Buffer).length;
    if (size > limit) {
      stream.resume();
      return undefined;
    }
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

/** Writes a rendered response; a body stream that fails midway aborts the connection (the client sees a short read, never wrong bytes). */
async function send(res: import('node:http').ServerResponse, r: Written): Promise<void> {
  res.writeHead(r.status, r.headers);
  if (r.body === undefined) {
    res.end();
    return;
  }
  if (typeof r.body === 'string') {
    res.end(r.body);
    return;
  }
  try {
    await pipeline(r.body, res);
  } catch {
    res.destroy();
  }
}
