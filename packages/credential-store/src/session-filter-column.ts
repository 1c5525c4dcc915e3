import type { SessionFilter } from '@keyless/core';

/** The sessions column a {@link SessionFilter} matches on. */
export type SessionFilterColumn = 'access_key' | 'cert_serial' | 'cert_fingerprint' | 'subject';

const COLUMNS: Record<string, SessionFilterColumn> = {
  accessKey: 'access_key',
  certSerial: 'cert_serial',
  certFingerprint: 'cert_fingerprint',
  subject: 'subject',
};

/**
 * Checks that exactly one filter field is set to a non-empty string and names its column. A
 * malformed filter throws rather than matching nothing or, worse, everything: `session revoke` is
 * an operator's emergency tool and must never silently do the wrong thing.
 */
export function sessionFilterColumn(filter: SessionFilter): { column: SessionFilterColumn; value: string } {
  const set = Object.entries(filter as Record<string, unknown>).filter(([, value]) => value !== undefined);
  if (set.length !== 1) {
    throw new TypeError('credential store: a session filter sets exactly one of accessKey, certSerial, certFingerprint, subject');
  }
  const [field, value] = set[0]!;
  const column = Object.hasOwn(COLUMNS, field) ? COLUMNS[field] : undefined;
  if (!column) throw new TypeError(`credential store: unknown session filter field ${field}`);
  if (typeof value !== 'string' || value.length === 0) {
    throw new TypeError(`credential store: session filter ${field} must be a non-empty string`);
  }
  return { column, value };
}
