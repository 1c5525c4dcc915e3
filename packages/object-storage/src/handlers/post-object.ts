import type { IncomingHttpHeaders } from 'node:http';
import { Transform, type TransformCallback } from 'node:stream';
import { S3Error } from '@keyless/core';
import { bucketOf, header, type S3Request, type S3Response } from '../http/s3-request.js';
import { readPostForm, type PostForm } from '../http/multipart-form.js';
import { checkPostPolicy, parsePostPolicy, type SizeRange } from '../http/post-policy.js';
import { authenticatePostForm } from '../http/post-policy-signature.js';
import { MAX_PUT_SIZE } from '../http/payload.js';
import { objectHeadersFrom, refuseUnsupportedWriteHeaders, storageClassFrom, userMetadataFrom } from '../http/object-metadata.js';
import { validateObjectKey } from '../validation/object-key.js';
import { writeExtrasFromHeaders, writtenVersionHeader } from '../http/write-extras.js';
import { aclAttributes, writeAclFromHeaders } from '../auth/bucket-access-settings.js';
import type { Handler } from './handler-deps.js';
import { encryptedWrite, planSseWrite } from '../sse/sse-write.js';

/**
 * Counts the file's bytes as they flow and fails the stream (so the store aborts the write) past
 * `max`; any upstream parse error becomes MalformedPOSTRequest rather than leaking busboy's text.
 */
class SizeLimit extends Transform {
  size = 0;

  constructor(private readonly range: SizeRange) {
    super();
  }

  override _transform(chunk: Buffer, _enc: BufferEncoding, done: TransformCallback): void {
    this.size += chunk.length;
    if (this.size > this.range.max) {
      done(new S3Error('EntityTooLarge', undefined, { ProposedSize: String(this.size), MaxSizeAllowed: String(this.range.max) }));
      return;
    }
    done(null, chunk);
  }
}

/** The form's fields as the headers a PUT would carry (`acl` is `x-amz-acl`), so PUT's metadata rules apply unchanged. */
function headersOf(fields: ReadonlyMap<string, string>): IncomingHttpHeaders {
  const h: IncomingHttpHeaders = {};
  for (const [name, value] of fields) h[name] = value;
  if (fields.has('acl')) h['x-amz-acl'] = fields.get('acl');
  return h;
}

/** The object's URL as S3 reports it (`Location`): path style, or virtual-hosted when the Host names the bucket. */
function objectUrl(req: S3Request, bucket: string, key: string): string {
  const host = header(req, 'host') ?? 'localhost';
  const path = key.split('/').map(encodeURIComponent).join('/');
  const scheme = req.secure ? 'https' : 'http';
  return host.startsWith(`${bucket}.`) ? `${scheme}://${host}/${path}` : `${scheme}://${host}/${encodeURIComponent(bucket)}/${path}`;
}

/** A redirect target S3 would follow: an absolute http(s) URL. */
function redirectUrl(value: string | undefined): URL | undefined {
  if (value === undefined || value === '') return undefined;
  try {
    const url = new URL(value);
    return url.protocol === 'http:' || url.protocol === 'https:' ? url : undefined;
  } catch {
    return undefined;
  }
}

/**
 * PostObject: a browser form upload (`multipart/form-data`). The fields before `file` are read
 * (bounded), the policy's SigV4 signature verified, its conditions checked, s3:PutObject authorized
 * as the signer (or anonymously when the form is unsigned), and then the file part streams straight
 * into the store. `content-length-range` is enforced as the bytes flow: too large aborts the write,
 * too small fails it at the end; either way nothing becomes visible.
 *
 * The body is not signed (only the policy is), so unlike PUT it is read without payload verification.
 *
 * @see https://docs.aws.amazon.com/AmazonS3/latest/API/RESTObjectPOST.html
 * @see https://docs.aws.amazon.com/AmazonS3/latest/API/sigv4-HTTPPOSTForms.html
 */
export const postObject: Handler = async (req, deps) => {
  const bucket = bucketOf(req);
  const form: PostForm = await readPostForm(req.rawBody, req.headers);
  try {
    const { fields, file } = form;
    const caller = await authenticatePostForm(fields, deps);
    if (!file) throw new S3Error('InvalidArgument', 'POST requires exactly one file upload per request.', { ArgumentName: 'file', ArgumentValue: '0' });
    const rawKey = fields.get('key');
    if (rawKey === undefined) {
      throw new S3Error('InvalidArgument', "Bucket POST must contain a field named 'key'.  If it is specified, please check the order of the fields.", { ArgumentName: 'key', ArgumentValue: '' });
    }
    // `${filename}` is replaced by the uploaded file's name before the policy is checked, as S3 does.
    const key = rawKey.split('${filename}').join(file.filename);
    fields.set('key', key);
    validateObjectKey(key);
    const range: SizeRange = caller.policy !== undefined
      ? checkPostPolicy(parsePostPolicy(caller.policy), { bucket, fields }, deps.now()) ?? { min: 0, max: MAX_PUT_SIZE }
      : { min: 0, max: MAX_PUT_SIZE };
    range.max = Math.min(range.max, MAX_PUT_SIZE);
    await deps.authorize({ ...req, principal: caller.principal }, 's3:PutObject', bucket, key);

    const headers = headersOf(fields);
    refuseUnsupportedWriteHeaders(headers);
    // The form's `acl` field is a canned ACL, checked and stored as PutObject's x-amz-acl.
    const acl = await writeAclFromHeaders(deps.store, bucket, headers, deps.owner.id);
    if (fields.has('tagging')) throw new S3Error('NotImplemented', 'The tagging field of POST uploads is not implemented.');
    // Object Lock fields (x-amz-object-lock-*) and the bucket's default retention, as for PutObject.
    const extras = await writeExtrasFromHeaders({ ...req, headers }, deps);
    // Form fields x-amz-server-side-encryption(-customer-*) or the bucket default, as PutObject.
    const sse = await planSseWrite({ headers, secure: req.secure }, deps, bucket, key);
    const limit = new SizeLimit(range);
    file.stream.on('error', () => limit.destroy(new S3Error('MalformedPOSTRequest')));
    limit.on('error', () => file.stream.destroy());
    file.stream.pipe(limit);
    const write = encryptedWrite(sse, limit, aclAttributes(acl, deps.owner.id), () => {
      if (limit.size < range.min) throw new S3Error('EntityTooSmall', undefined, { ProposedSize: String(limit.size), MinSizeAllowed: String(range.min) });
      return {};
    });
    const stored = await deps.store.putObject({
      bucket,
      key,
      body: write.body,
      headers: objectHeadersFrom(headers, headers['content-encoding'] as string | undefined),
      userMetadata: userMetadataFrom(headers),
      storageClass: storageClassFrom(headers),
      attributes: write.attributes,
      retention: extras.retention,
      legalHold: extras.legalHold,
      finalize: write.finalize,
    });
    const info = await write.committed(deps.store, stored);
    // The fields after the file are ignored, but read so that the connection can be reused.
    await form.finished;
    return respond(req, fields, bucket, key, info.etag, { ...writtenVersionHeader(info.versionId, extras.bucket), ...sse?.responseHeaders });
  } catch (err) {
    form.file?.stream.resume();
    form.abort();
    throw err;
  }
};

/**
 * The answer S3 gives a form: a 303 to `success_action_redirect` (or the legacy `redirect`) with
 * bucket, key and etag appended; else `success_action_status` 200 (empty), 201 (PostResponse XML)
 * or 204 (the default, also for any other value).
 */
function respond(req: S3Request, fields: ReadonlyMap<string, string>, bucket: string, key: string, etag: string, version: Record<string, string | undefined>): S3Response {
  const location = objectUrl(req, bucket, key);
  const headers = { ETag: `"${etag}"`, Location: location, ...version };
  const redirect = redirectUrl(fields.get('success_action_redirect') ?? fields.get('redirect'));
  if (redirect) {
    redirect.searchParams.append('bucket', bucket);
    redirect.searchParams.append('key', key);
    redirect.searchParams.append('etag', `"${etag}"`);
    return { status: 303, headers: { ...headers, Location: redirect.toString() } };
  }
  const status = fields.get('success_action_status');
  if (status === '201') {
    return { status: 201, headers, body: { xml: { PostResponse: { Location: location, Bucket: bucket, Key: key, ETag: `"${etag}"` } } } };
  }
  return { status: status === '200' ? 200 : 204, headers };
}
