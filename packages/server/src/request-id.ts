import { randomUUID } from 'node:crypto';

/**
 * A request id in S3's style: 16 upper-case hex characters (64 random bits).
 *
 * Why `randomUUID`: `randomBytes(8)` is a synchronous call into OpenSSL per request (~15 µs of the
 * event loop); `randomUUID` draws from Node's cached entropy pool (refilled in batches) and costs
 * well under a microsecond. Only fully random hex digits are kept: the UUID's version digit
 * (index 14) and variant digit (index 19) are fixed or partly fixed, so the id is characters 0–7,
 * 9–12 and 24–27 of `xxxxxxxx-xxxx-4xxx-yxxx-xxxxxxxxxxxx`.
 */
export function newRequestId(): string {
  const u = randomUUID();
  return (u.slice(0, 8) + u.slice(9, 13) + u.slice(24, 28)).toUpperCase();
}
