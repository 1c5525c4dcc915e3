import { S3Error } from '@keyless/core';

/**
 * Refuses a query string that names a parameter twice (`?uploadId=a&uploadId=b`). S3 reads every
 * sub-resource and parameter as a single value; taking the first (or last) of two would let a
 * request be authorized, routed and logged for one value and executed for another.
 */
export function rejectDuplicateQueryParams(query: URLSearchParams): void {
  const seen = new Set<string>();
  for (const name of query.keys()) {
    if (seen.has(name)) {
      throw new S3Error('InvalidArgument', `The query parameter ${name} is specified more than once.`, { ArgumentName: name });
    }
    seen.add(name);
  }
}
