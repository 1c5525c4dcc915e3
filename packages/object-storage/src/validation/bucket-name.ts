import { S3Error } from '@keyless/core';

/**
 * Enforces S3's general-purpose bucket naming rules: 3-63 characters of lower-case letters, digits,
 * dots and hyphens; starts and ends with a letter or digit; no adjacent dots; not an IP address;
 * none of the reserved prefixes and suffixes.
 *
 * @see https://docs.aws.amazon.com/AmazonS3/latest/userguide/bucketnamingrules.html
 */
export function validateBucketName(name: string): void {
  if (!isValidBucketName(name)) throw new S3Error('InvalidBucketName', undefined, { BucketName: name });
}

/** True when `name` follows S3's bucket naming rules. */
export function isValidBucketName(name: string): boolean {
  if (name.length < 3 || name.length > 63) return false;
  if (!/^[a-z0-9][a-z0-9.-]*[a-z0-9]$/.test(name)) return false;
  if (name.includes('..') || name.includes('.-') || name.includes('-.')) return false;
  if (/^\d{1,3}(\.\d{1,3}){3}$/.test(name)) return false;
  if (name.startsWith('xn--') || name.startsWith('sthree-') || name.startsWith('amzn-s3-demo-')) return false;
  if (name.endsWith('-s3alias') || name.endsWith('--ol-s3') || name.endsWith('.mrap') || name.endsWith('--x-s3')) return false;
  return true;
}
