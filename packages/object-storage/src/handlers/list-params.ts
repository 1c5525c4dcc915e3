import { S3Error } from '@keyless/core';

/** `max-keys` and its kin: a non-negative integer, capped at 1000 as S3 does; default 1000. */
export function parseMaxKeys(value: string | null, name: string): number {
  if (value === null || value === '') return 1000;
  if (!/^\d+$/.test(value)) throw new S3Error('InvalidArgument', `Provided ${name} not an integer or within integer range`, { ArgumentName: name, ArgumentValue: value });
  return Math.min(Number(value), 1000);
}

/** `encoding-type`: only `url` exists. */
export function parseEncodingType(value: string | null): 'url' | undefined {
  if (value === null || value === '') return undefined;
  if (value.toLowerCase() !== 'url') throw new S3Error('InvalidArgument', 'Invalid Encoding Method specified in Request', { ArgumentName: 'encoding-type', ArgumentValue: value });
  return 'url';
}

/**
 * URL-encodes a key-like value for `encoding-type=url` responses: every byte except unreserved
 * characters and `/` is percent-encoded (clients decode with unquote), so keys with characters XML
 * 1.0 cannot carry survive the trip.
 */
export function encodeIfUrl(value: string | undefined, encoding: 'url' | undefined): string | undefined {
  if (value === undefined || encoding !== 'url') return value;
  return encodeURIComponent(value).replace(/%2F/g, '/').replace(/[!'()*]/g, (c) => '%' + c.charCodeAt(0).toString(16).toUpperCase());
}
