import { S3Error } from '@keyless/core';
import { OPERATIONS, type OperationName, type OperationSpec } from './operations.js';

/** The S3 operation a request is, with the bucket and key it targets. */
export interface ResolvedOperation {
  readonly name: OperationName;
  readonly spec: OperationSpec;
  readonly bucket?: string;
  readonly key?: string;
}

/**
 * Decides the S3 operation from the method, the addressed bucket/key, the query and the headers,
 * using only the declarative {@link OPERATIONS} table: the most specific matching entry wins.
 * No match means the method is not allowed on that resource (405 MethodNotAllowed, as S3).
 */
export function resolveOperation(
  method: string,
  bucket: string | undefined,
  key: string | undefined,
  query: URLSearchParams,
  headers: Record<string, string | string[] | undefined>,
): ResolvedOperation {
  const target = bucket === undefined ? 'service' : key === undefined || key === '' ? 'bucket' : 'object';
  let best: OperationSpec | undefined;
  let bestScore = -1;
  for (const spec of OPERATIONS as readonly OperationSpec[]) {
    if (spec.method !== method || spec.target !== target) continue;
    if (spec.query && !spec.query.every((q) => query.has(q))) continue;
    if (spec.queryValue && !Object.entries(spec.queryValue).every(([k, v]) => query.get(k) === v)) continue;
    if (spec.header && headers[spec.header] === undefined) continue;
    const score = (spec.query?.length ?? 0) + Object.keys(spec.queryValue ?? {}).length + (spec.header ? 1 : 0);
    if (score > bestScore) {
      best = spec;
      bestScore = score;
    }
  }
  if (!best) throw new S3Error('MethodNotAllowed', undefined, { Method: method, ResourceType: target.toUpperCase() });
  return { name: best.name as OperationName, spec: best, bucket, key: target === 'object' ? key : undefined };
}
