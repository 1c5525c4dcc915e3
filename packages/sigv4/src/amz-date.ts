/** Parses an ISO 8601 basic timestamp (`YYYYMMDDTHHMMSSZ`), or `undefined` when malformed. */
export function parseAmzDate(value: string): Date | undefined {
  const m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(value);
  if (!m) return undefined;
  const d = new Date(Date.UTC(+m[1]!, +m[2]! - 1, +m[3]!, +m[4]!, +m[5]!, +m[6]!));
  return formatAmzDate(d) === value ? d : undefined;
}

/** Formats a date as SigV4's `YYYYMMDDTHHMMSSZ`. */
export function formatAmzDate(date: Date): string {
  return date.toISOString().replace(/[-:]/g, '').replace(/\.\d{3}/, '');
}

/**
 * Parses an HTTP `Date` header (RFC 7231 IMF-fixdate and the obsolete forms `Date.parse` reads),
 * truncated to whole seconds, or `undefined` when malformed.
 */
export function parseHttpDate(value: string): Date | undefined {
  const ms = Date.parse(value);
  if (Number.isNaN(ms)) return undefined;
  return new Date(Math.floor(ms / 1000) * 1000);
}
