import type { IncomingHttpHeaders } from 'node:http';
import { Readable } from 'node:stream';
import busboy from 'busboy';
import { S3Error } from '@keyless/core';

/** The `file` part of a POST form: its bytes stream straight from the request, never buffered. */
export interface FormFile {
  /** The file name the browser sent (base name only), '' when none. */
  filename: string;
  /** The part's own Content-Type (S3 ignores it: the `Content-Type` form field decides). */
  contentType: string;
  stream: Readable;
}

/** A browser POST form read up to its `file` part. */
export interface PostForm {
  /** The fields that precede the file, names lower-cased (S3 field names are case-insensitive); the first of duplicates wins. */
  fields: Map<string, string>;
  /** Absent when the form ended without a `file` part. */
  file?: FormFile;
  /** Resolves once the rest of the body (fields after the file, which S3 ignores) has been read; never rejects. */
  finished: Promise<void>;
  /** Stops parsing and detaches the parser from the body, so the caller can drain or drop the rest. */
  abort(): void;
}

/** Bounds on what precedes the file: the form is read before anything is verified. */
export interface PostFormLimits {
  /** Most fields before the file. */
  maxFields: number;
  /** Total bytes of field names and values before the file. */
  maxFieldBytes: number;
}

/** S3 caps the form fields and policy at 20 KB. @see https://docs.aws.amazon.com/AmazonS3/latest/API/sigv4-HTTPPOSTForms.html */
export const POST_FORM_LIMITS: PostFormLimits = { maxFields: 200, maxFieldBytes: 20 * 1024 };

/** True for `multipart/form-data` (any parameters). */
export function isMultipartForm(headers: IncomingHttpHeaders): boolean {
  return /^multipart\/form-data\s*(;|$)/i.test(headers['content-type'] ?? '');
}

/**
 * Reads a `multipart/form-data` body with busboy (a streaming parser: nothing is buffered beyond the
 * bounded fields) and resolves as soon as the `file` part starts, with the fields read so far. The
 * caller must consume or abort `file.stream`. Errors before the file: MalformedPOSTRequest (not
 * well-formed multipart) or MaxPostPreDataLengthExceededError (fields over `limits`).
 *
 * @see https://docs.aws.amazon.com/AmazonS3/latest/API/RESTObjectPOST.html
 */
export function readPostForm(body: Readable, headers: IncomingHttpHeaders, limits: PostFormLimits = POST_FORM_LIMITS): Promise<PostForm> {
  if (!isMultipartForm(headers)) throw new S3Error('MalformedPOSTRequest');
  let parser: busboy.Busboy;
  try {
    parser = busboy({
      headers,
      defParamCharset: 'utf8',
      limits: { fields: limits.maxFields, fieldSize: limits.maxFieldBytes, fieldNameSize: 1024, files: limits.maxFields, parts: limits.maxFields + 1 },
    });
  } catch {
    // busboy throws on a missing or malformed boundary.
    throw new S3Error('MalformedPOSTRequest');
  }
  const fields = new Map<string, string>();
  let fieldBytes = 0;
  let file: FormFile | undefined;
  let settled = false;
  let finish!: () => void;
  const finished = new Promise<void>((ok) => (finish = ok));
  const abort = () => {
    body.unpipe(parser);
    parser.removeAllListeners();
    // The parser may still emit an error while it is torn down; nobody listens any more.
    parser.on('error', () => undefined);
    parser.destroy();
    finish();
  };

  return new Promise<PostForm>((resolve, reject) => {
    const fail = (err: S3Error) => {
      if (settled) return;
      settled = true;
      abort();
      reject(err);
    };
    const addField = (name: string, value: string, truncated: boolean) => {
      fieldBytes += Buffer.byteLength(name) + Buffer.byteLength(value);
      if (truncated || fieldBytes > limits.maxFieldBytes) return fail(new S3Error('MaxPostPreDataLengthExceededError'));
      const lower = name.toLowerCase();
      if (!fields.has(lower)) fields.set(lower, value);
    };
    // A non-`file` part with a filename is read asynchronously: the file waits for it to be a field.
    let pending: Promise<void> = Promise.resolve();
    const startFile = (f: FormFile) => {
      file = f;
      void pending.then(() => {
        if (settled) return;
        settled = true;
        resolve({ fields, file: f, finished, abort });
      });
    };
    parser.on('field', (name, value, info) => {
      if (file) return; // S3 ignores every field after the file.
      // A plain-text `file` field (no filename) is the object's content, as S3 accepts it.
      if (name.toLowerCase() === 'file') return startFile({ filename: '', contentType: 'text/plain', stream: Readable.from([Buffer.from(value)]) });
      addField(name, value, info.valueTruncated || info.nameTruncated);
    });
    parser.on('file', (name, stream, info) => {
      if (file || settled) {
        stream.resume();
        return;
      }
      if (name.toLowerCase() === 'file') return startFile({ filename: info.filename ?? '', contentType: info.mimeType, stream });
      // busboy calls any part with a filename a file; only the one named `file` is the upload, the
      // others are fields (bounded like every field; busboy waits for this part to be read).
      const chunks: Buffer[] = [];
      let size = 0;
      stream.on('data', (chunk: Buffer) => {
        size += chunk.length;
        if (size <= limits.maxFieldBytes) chunks.push(chunk);
      });
      const ended = new Promise<void>((done) => {
        stream.on('end', () => {
          addField(name, Buffer.concat(chunks).toString('utf8'), size > limits.maxFieldBytes);
          done();
        });
        stream.on('error', () => done());
      });
      pending = pending.then(() => ended);
    });
    for (const limit of ['fieldsLimit', 'partsLimit'] as const) {
      parser.on(limit, () => {
        if (!file) fail(new S3Error('MaxPostPreDataLengthExceededError'));
      });
    }
    parser.on('error', () => {
      // After the file started, a broken tail surfaces on the file stream (busboy destroys it) or is
      // ignored like the fields after the file.
      fail(new S3Error('MalformedPOSTRequest'));
      finish();
    });
    parser.on('close', () => {
      void pending.then(() => {
        if (!settled && !file) {
          settled = true;
          resolve({ fields, file: undefined, finished, abort });
        }
        finish();
      });
    });
    body.on('error', () => fail(new S3Error('IncompleteBody')));
    body.pipe(parser);
  });
}
