import { randomBytes } from 'node:crypto';

/** A request id in S3's style: 16 upper-case hex characters. */
export function newRequestId(): string {
  return randomBytes(8).toString('hex').toUpperCase();
}
