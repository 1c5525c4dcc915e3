/** The `keyless serve` configuration, after flag parsing and defaults. */
export interface ServeOptions {
  /** `HOST:PORT` (IPv6 as `[::1]:9000`). */
  address: string;
  dataDir: string;
  tlsCert?: string;
  tlsKey?: string;
  /** Bundle of CAs whose client certificates the STS trusts (default: the dev CA). */
  clientCa?: string;
  region: string;
  /** Domain for virtual-hosted-style addressing (`bucket.DOMAIN`). */
  domain?: string;
  /** Certificate mapping rules for the STS (JSON). */
  stsMapping?: string;
  /** Longest STS session, seconds. */
  stsMaxDuration: number;
  /**
   * Time between runs of the bucket lifecycle worker, ms (default 1 hour). Also settable with the
   * `KEYLESS_LIFECYCLE_INTERVAL` environment variable, in seconds (for tests and operators).
   * For test suites only, `KEYLESS_LIFECYCLE_DAY_SECONDS` makes a lifecycle "day" that many seconds.
   */
  lifecycleIntervalMs?: number;
  /**
   * Slow-client limits (internal: tests shorten them so a slowloris is cut off in a second).
   * `headersMs`: the whole request head must arrive within it (default 30 s); `idleMs`: a socket
   * with no traffic for that long is closed, a body stalled midway included (default 120 s).
   */
  timeouts?: { headersMs?: number; idleMs?: number };
}

/** Defaults of the command-line contract: `127.0.0.1:9000`, `./data`, `us-east-1`, 12 h sessions at most. */
export const SERVE_DEFAULTS = {
  address: '127.0.0.1:9000',
  dataDir: './data',
  region: 'us-east-1',
  stsMaxDuration: 43200,
} as const;

/** Splits `HOST:PORT`, `[v6]:PORT` or `:PORT`; throws a one-line message on anything else. */
export function parseAddress(address: string): { host: string; port: number } {
  const m = /^(?:\[([^\]]+)\]|([^:]*)):(\d{1,5})$/.exec(address);
  const port = m ? Number(m[3]) : NaN;
  if (!m || port > 65535) throw new Error(`invalid --address "${address}": expected HOST:PORT`);
  return { host: m[1] ?? (m[2] || '0.0.0.0'), port };
}
