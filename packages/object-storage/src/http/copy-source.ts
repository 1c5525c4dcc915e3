import { S3Error } from '@keyless/core';
import { decodePathComponent, validateObjectKey } from '../validation/object-key.js';

/**
 * Parses `x-amz-copy-source`: `bucket/key` or `/bucket/key`, URL-encoded, optionally with
 * `?versionId=`. @see https://docs.aws.amazon.com/AmazonS3/latest/API/API_CopyObject.html
 */
export function parseCopySource(value: string): { bucket: string; key: string; versionId?: string } {
  let raw = value;
  let versionId: string | undefined;
  const q = raw.indexOf('?');
  if (q >= 0) {
    const params = new URLSearchParams(raw.slice(q + 1));
    const version = params.get('versionId');
    if (version === '') throw new S3Error('InvalidArgument', 'Version id cannot be the empty string', { ArgumentName: 'x-amz-copy-source' });
    if (version !== null) versionId = version;
    raw = raw.slice(0, q);
  }
  let decoded: string;
  try {
    decoded = decodePathComponent(raw);
  } catch {
    throw new S3Error('InvalidArgument', 'Invalid copy source encoding.', { ArgumentName: 'x-amz-copy-source' });
  }
  if (decoded.startsWith('/')) decoded = decoded.slice(1);
  const slash = decoded.indexOf('/');
  if (slash <= 0 || slash === decoded.length - 1) {
    throw new S3Error('InvalidArgument', 'Copy Source must mention the source bucket and key: sourcebucket/sourcekey.', { ArgumentName: 'x-amz-copy-source' });
  }
  const key = decoded.slice(slash + 1);
  validateObjectKey(key);
  return versionId === undefined ? { bucket: decoded.slice(0, slash), key } : { bucket: decoded.slice(0, slash), key, versionId };
}
