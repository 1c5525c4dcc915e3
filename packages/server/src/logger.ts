/** A structured log sink: one JSON object per line. */
export type Logger = (event: Record<string, unknown>) => void;

/** Query parameters whose values are credentials and must never be logged. */
const SECRET_PARAMS = /^(x-amz-signature|x-amz-security-token|x-amz-credential|signature|awsaccesskeyid)$/i;

/** Logs JSON lines to a stream (stdout by default). */
export function jsonLogger(write: (line: string) => void = (l) => process.stdout.write(l)): Logger {
  return (event) => write(JSON.stringify({ time: new Date().toISOString(), ...event }) + '\n');
}

/** A path with its query, credential values replaced by `REDACTED`. */
export function redactUrl(url: string): string {
  const q = url.indexOf('?');
  if (q < 0) return url;
  const params = url.slice(q + 1).split('&').map((p) => {
    const eq = p.indexOf('=');
    const name = decodeURIComponentSafe(eq < 0 ? p : p.slice(0, eq));
    return SECRET_PARAMS.test(name) ? `${p.slice(0, eq < 0 ? p.length : eq)}=REDACTED` : p;
  });
  return `${url.slice(0, q)}?${params.join('&')}`;
}

function decodeURIComponentSafe(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}
