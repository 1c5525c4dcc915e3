import { isFormContentType } from './sts-params.js';

/**
 * True if this request is for STS: `POST /` with `Action=` in the query string, or with a form
 * body (`application/x-www-form-urlencoded`, where AWS SDKs put `Action`). S3 never sends a form
 * body to `/`, so the test is cheap and needs no body read.
 */
export function isStsRequest(
  method: string,
  rawPath: string,
  rawQuery: string,
  headers: Record<string, string | string[] | undefined>,
): boolean {
  if (method.toUpperCase() !== 'POST' || rawPath !== '/') return false;
  if (rawQuery.split('&').some((p) => p.startsWith('Action='))) return true;
  return isFormContentType(headers);
}
