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
