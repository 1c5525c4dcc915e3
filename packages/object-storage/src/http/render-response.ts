import { Readable } from 'node:stream';
import { isS3Error, S3_ERRORS, type S3Error } from '@keyless/core';
import type { XmlCodec } from '../xml/xml-codec.js';
import type { S3HttpResponse } from './s3-http.js';
import type { S3Response, XmlBody } from './s3-request.js';
import { renderXmlDocument } from './render-xml-document.js';

function isXmlBody(body: unknown): body is XmlBody {
  return typeof body === 'object' && body !== null && 'xml' in body && !(body instanceof Readable);
}

/**
 * The one place that turns handler results and errors into HTTP: XML documents rendered,
 * undefined headers dropped, HEAD stripped of bodies, every response tagged with its request id.
 */
export class ResponseRenderer {
  constructor(private readonly xml: XmlCodec) {}

  render(res: S3Response, method: string, requestId: string): S3HttpResponse {
    const headers: Record<string, string> = { 'x-amz-request-id': requestId };
    for (const [k, v] of Object.entries(res.headers ?? {})) if (v !== undefined) headers[k] = v;
    let body: string | Readable | undefined;
    if (isXmlBody(res.body)) {
      // The fast renderer writes the same bytes; shapes it does not cover go to the codec.
      body = renderXmlDocument(res.body.xml) ?? this.xml.render(res.body.xml);
      headers['Content-Type'] = 'application/xml';
    } else {
      body = res.body;
    }
    if (typeof body === 'string') headers['Content-Length'] ??= String(Buffer.byteLength(body));
    else if (body === undefined && headers['Content-Length'] === undefined) headers['Content-Length'] = '0';
    if (method === 'HEAD') {
      if (body instanceof Readable) body.destroy();
      body = undefined;
    }
    return { status: res.status ?? 200, headers, body };
  }

  /**
   * Renders any thrown error. An S3Error becomes S3's XML error document; anything else is an
   * InternalError with no internal detail (the caller logs the original).
   * @see https://docs.aws.amazon.com/AmazonS3/latest/API/ErrorResponses.html#RESTErrorResponses
   */
  renderError(err: unknown, method: string, requestId: string, resource: string): S3HttpResponse {
    const e: Pick<S3Error, 'code' | 'status' | 'message' | 'fields' | 'headers'> = isS3Error(err)
      ? err
      : { code: 'InternalError', status: 500, message: S3_ERRORS.InternalError.message, fields: {}, headers: {} };
    const headers: Record<string, string> = { ...e.headers, 'x-amz-request-id': requestId };
    if (e.status === 304 || method === 'HEAD') {
      headers['Content-Length'] = '0';
      return { status: e.status, headers };
    }
    const doc = { Error: { Code: e.code, Message: e.message, ...e.fields, Resource: resource, RequestId: requestId } };
    const body = renderXmlDocument(doc) ?? this.xml.render(doc);
    headers['Content-Type'] = 'application/xml';
    headers['Content-Length'] = String(Buffer.byteLength(body));
    return { status: e.status, headers, body };
  }
}
