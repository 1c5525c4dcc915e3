import type { StsError, TemporaryCredentials } from '@keyless/core';
import type { StsHttpResponse } from './sts-http.js';

/** The XML namespace of every STS response. */
export const STS_XMLNS = 'https://sts.amazonaws.com/doc/2011-06-15/';

/** Escapes text for an XML element body. */
export function xmlEscape(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' })[c]!);
}

/** RFC 3339 UTC without fractional seconds, as STS and MinIO print `Expiration`. */
export function rfc3339(date: Date): string {
  return date.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** A tree of elements: strings become escaped text, objects nested elements, undefined is left out. */
export type XmlTree = { [name: string]: string | XmlTree | undefined };

function render(tree: XmlTree): string {
  let out = '';
  for (const [name, value] of Object.entries(tree)) {
    if (value === undefined) continue;
    out += `<${name}>${typeof value === 'string' ? xmlEscape(value) : render(value)}</${name}>`;
  }
  return out;
}

function xmlResponse(status: number, body: string, requestId: string): StsHttpResponse {
  return {
    status,
    headers: { 'Content-Type': 'text/xml', 'x-amzn-RequestId': requestId },
    body: `<?xml version="1.0" encoding="UTF-8"?>\n${body}`,
  };
}

/** `<{Action}Response xmlns><{Action}Result>…</{Action}Result><ResponseMetadata/></{Action}Response>`. */
export function successResponse(action: string, result: XmlTree, requestId: string): StsHttpResponse {
  return xmlResponse(
    200,
    `<${action}Response xmlns="${STS_XMLNS}"><${action}Result>${render(result)}</${action}Result>` +
      `<ResponseMetadata><RequestId>${xmlEscape(requestId)}</RequestId></ResponseMetadata></${action}Response>`,
    requestId,
  );
}

/** The `Credentials` element of AssumeRole* results. */
export function credentialsXml(creds: TemporaryCredentials): XmlTree {
  return {
    AccessKeyId: creds.accessKeyId,
    SecretAccessKey: creds.secretAccessKey,
    SessionToken: creds.sessionToken,
    Expiration: rfc3339(creds.expiration),
  };
}

/**
 * The STS error document. @see https://docs.aws.amazon.com/STS/latest/APIReference/CommonErrors.html
 */
export function errorResponse(err: StsError, requestId: string): StsHttpResponse {
  return xmlResponse(
    err.status,
    `<ErrorResponse xmlns="${STS_XMLNS}"><Error><Type>${err.type}</Type><Code>${err.code}</Code>` +
      `<Message>${xmlEscape(err.message)}</Message></Error><RequestId>${xmlEscape(requestId)}</RequestId></ErrorResponse>`,
    requestId,
  );
}
