import type { Duplex } from 'node:stream';
import { newRequestId } from './request-id.js';

/** Node's HTTP parser errors, answered as S3 does: a status, and an S3 XML error document. */
const PARSER_ERRORS: Record<string, { status: number; reason: string; code: string; message: string }> = {
  HPE_HEADER_OVERFLOW: { status: 431, reason: 'Request Header Fields Too Large', code: 'RequestHeaderSectionTooLarge', message: 'Your request header section exceeds the maximum allowed size.' },
  ERR_HTTP_REQUEST_TIMEOUT: { status: 408, reason: 'Request Timeout', code: 'RequestTimeout', message: 'Your socket connection to the server was not read from or written to within the timeout period.' },
};
const DEFAULT = { status: 400, reason: 'Bad Request', code: 'BadRequest', message: 'The request could not be parsed as HTTP.' };

/**
 * Replaces Node's bare `400 Bad Request` for requests the HTTP parser rejects (malformed request
 * lines, oversized headers, header timeouts) with S3's XML error shape, then closes the connection:
 * after a parse error the byte stream cannot be trusted.
 */
export function answerClientError(err: NodeJS.ErrnoException, socket: Duplex): void {
  if (!socket.writable || err.code === 'ECONNRESET') {
    socket.destroy();
    return;
  }
  const e = (err.code && PARSER_ERRORS[err.code]) || DEFAULT;
  const requestId = newRequestId();
  const body = `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${e.code}</Code><Message>${e.message}</Message><RequestId>${requestId}</RequestId></Error>`;
  socket.end(
    `HTTP/1.1 ${e.status} ${e.reason}\r\nContent-Type: application/xml\r\nContent-Length: ${Buffer.byteLength(body)}\r\n` +
      `x-amz-request-id: ${requestId}\r\nConnection: close\r\n\r\n${body}`,
  );
}
