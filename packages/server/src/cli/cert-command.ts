import { mkdirSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { issueCertificate } from '../certs/dev-certificates.js';
import { SERVE_DEFAULTS } from '../serve-options.js';
import type { CliIo } from './cli-io.js';
import { UsageError } from './usage-error.js';

/**
 * `keyless cert issue --cn NAME --out DIR [--data DIR] [--days N] [--uri URI ...] [--dns NAME ...] [--ou OU]`:
 * a development helper that signs a client certificate with the dev CA in `DATA/certs/`.
 * Writes `cert.pem`, `key.pem` (0600) and `ca.pem` into `--out`.
 */
export async function certCommand(args: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseArgs({
    args, strict: true, allowPositionals: true,
    options: { cn: { type: 'string' }, out: { type: 'string' }, data: { type: 'string' }, days: { type: 'string' }, uri: { type: 'string', multiple: true }, dns: { type: 'string', multiple: true }, ou: { type: 'string' } },
  });
  if (positionals[0] !== 'issue' || positionals.length !== 1) throw new UsageError('usage: keyless cert issue --cn NAME --out DIR [--data DIR] [--days N]');
  if (!values.cn || values.cn.length > 64) throw new UsageError('--cn NAME is required (at most 64 characters)');
  if (!values.out) throw new UsageError('--out DIR is required');
  const days = values.days === undefined ? 365 : Number(values.days);
  if (!Number.isInteger(days) || days < 1 || days > 3650) throw new UsageError('--days must be an integer from 1 to 3650');
  const certs = join(resolve(values.data ?? SERVE_DEFAULTS.dataDir), 'certs');
  const caCert = join(certs, 'ca.pem');
  const caKey = join(certs, 'ca-key.pem');
  if (!existsSync(caCert) || !existsSync(caKey)) throw new UsageError(`no dev CA in ${certs} (start the server once without --tls-cert to create it)`);
  const caPem = readFileSync(caCert, 'utf8');
  const issued = await issueCertificate({ caCertPem: caPem, caKeyPem: readFileSync(caKey, 'utf8'), commonName: values.cn, usage: 'client', days, uris: values.uri, dnsNames: values.dns, organizationalUnit: values.ou });
  mkdirSync(values.out, { recursive: true, mode: 0o700 });
  writeFileSync(join(values.out, 'key.pem'), issued.keyPem, { mode: 0o600 });
  writeFileSync(join(values.out, 'cert.pem'), issued.certPem);
  writeFileSync(join(values.out, 'ca.pem'), caPem);
  io.out(`issued client certificate CN=${values.cn}: ${join(values.out, 'cert.pem')} (key: ${join(values.out, 'key.pem')})`);
  return 0;
}
