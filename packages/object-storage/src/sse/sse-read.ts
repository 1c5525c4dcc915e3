import { pipeline, type Readable } from 'node:stream';
import type { ByteRange, ObjectInfo, ObjectStore, VersionSelector } from '@keyless/core';
import { DecryptStream } from './decrypt-stream.js';
import { encryptedStreams, planRead, type ReadPlan } from './read-plan.js';
import { plainView, sseAlgorithmOf } from './sse-attributes.js';
import { customerKeyFrom, refuseWriteSseHeaders, SSE_C_PREFIX, type CustomerKey, type SseHeaders } from './sse-headers.js';
import { objectDataKey, requireSseAccess, sseResponseHeaders, type SseKeyDeps } from './sse-keys.js';

/** A read of an object as clients see it: plaintext info, range and bytes, and the encryption response headers. */
export interface PlainObject {
  info: ObjectInfo;
  range?: ByteRange;
  body: Readable;
  sseHeaders: Record<string, string>;
}

/**
 * `ObjectStore.openObject` in plaintext terms. `select` sees the plaintext view and returns a
 * plaintext range; for an encrypted object only the packages covering it are read from the store,
 * then decrypted and trimmed. The SSE-C headers (`prefix`: the object's or the copy source's) are
 * checked against the stored object before any byte is read.
 */
export async function openPlainObject(
  deps: SseKeyDeps & { store: ObjectStore }, req: SseHeaders, bucket: string, key: string,
  select: (info: ObjectInfo) => ByteRange | undefined, opts: VersionSelector, prefix = SSE_C_PREFIX,
): Promise<PlainObject> {
  // A copy's own encryption headers are for the destination; a GET's are refused.
  if (prefix === SSE_C_PREFIX) refuseWriteSseHeaders(req.headers);
  const customer = customerKeyFrom(req, prefix);
  let range: ByteRange | undefined;
  let plan: ReadPlan | undefined;
  const opened = await deps.store.openObject(bucket, key, (stored) => {
    requireSseAccess(stored.attributes, customer);
    range = select(plainView(stored));
    if (sseAlgorithmOf(stored) === undefined) return range;
    plan = planRead(encryptedStreams(stored), range);
    return plan.cipherRange;
  }, opts);
  const info = plainView(opened.info);
  const sseHeaders = sseResponseHeaders(opened.info.attributes, customer);
  if (!plan) return { info, range, body: opened.body, sseHeaders };
  let dataKey: Buffer;
  try {
    dataKey = objectDataKey(opened.info.attributes ?? {}, deps, bucket, key, customer);
  } catch (err) {
    opened.body.destroy();
    throw err;
  }
  const body = new DecryptStream(dataKey, plan);
  pipeline(opened.body, body, () => undefined);
  return { info, range, body, sseHeaders };
}

/**
 * `ObjectStore.getObjectInfo` in plaintext terms, with the SSE-C check of HEAD and
 * GetObjectAttributes (S3 asks for the key there too).
 */
export async function plainObjectInfo(
  deps: { store: ObjectStore }, req: SseHeaders, bucket: string, key: string, opts: VersionSelector,
): Promise<{ info: ObjectInfo; sseHeaders: Record<string, string>; customer?: CustomerKey }> {
  refuseWriteSseHeaders(req.headers);
  const customer = customerKeyFrom(req);
  const stored = await deps.store.getObjectInfo(bucket, key, opts);
  requireSseAccess(stored.attributes, customer);
  return { info: plainView(stored), sseHeaders: sseResponseHeaders(stored.attributes, customer), customer };
}
