import { decodePathComponent } from '../validation/object-key.js';

/**
 * Splits a request into bucket and key, path-style (`/bucket/key`) or virtual-hosted-style
 * (`bucket.DOMAIN/key`) when a domain is configured. The key is everything after the bucket's
 * slash, decoded once and never normalized: `a//b`, `../x` and `a/` are distinct keys.
 *
 * @see https://docs.aws.amazon.com/AmazonS3/latest/userguide/VirtualHosting.html
 */
export function parseAddress(host: string | undefined, rawPath: string, domain: string | undefined): { bucket?: string; key?: string; virtualHost?: boolean } {
  const hostname = (host ?? '').replace(/:\d+$/, '').toLowerCase();
  const path = rawPath.startsWith('/') ? rawPath.slice(1) : rawPath;
  if (domain && hostname.endsWith(`.${domain}`)) {
    const bucket = hostname.slice(0, -domain.length - 1);
    return { bucket, key: path === '' ? undefined : decodePathComponent(path), virtualHost: true };
  }
  if (path === '') return {};
  const slash = path.indexOf('/');
  if (slash < 0) return { bucket: decodePathComponent(path) };
  const rest = path.slice(slash + 1);
  return { bucket: decodePathComponent(path.slice(0, slash)), key: rest === '' ? undefined : decodePathComponent(rest) };
}
