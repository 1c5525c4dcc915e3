import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { credentialProcessOutput, requestCredentialsWithCertificate } from '@keyless/sts';
import type { CliIo } from './cli-io.js';
import { UsageError } from './usage-error.js';

function read(file: string, what: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    throw new UsageError(`cannot read ${what} ${file}`);
  }
}

/**
 * `keyless credentials --endpoint URL --cert FILE --key FILE [--ca FILE] [--duration SECONDS]`:
 * calls AssumeRoleWithCertificate and prints the JSON that AWS `credential_process` expects.
 * @see https://docs.aws.amazon.com/cli/latest/userguide/cli-configure-sourcing-external.html
 */
export async function credentialsCommand(args: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseArgs({
    args, strict: true, allowPositionals: true,
    options: { endpoint: { type: 'string' }, cert: { type: 'string' }, key: { type: 'string' }, ca: { type: 'string' }, duration: { type: 'string' } },
  });
  if (positionals.length) throw new UsageError(`unexpected argument "${positionals[0]}"`);
  if (!values.endpoint || !values.cert || !values.key) throw new UsageError('usage: keyless credentials --endpoint URL --cert FILE --key FILE [--ca FILE] [--duration SECONDS]');
  const duration = values.duration === undefined ? undefined : Number(values.duration);
  if (duration !== undefined && (!Number.isInteger(duration) || duration < 900)) throw new UsageError('--duration must be an integer number of seconds, at least 900');
  let creds;
  try {
    creds = await requestCredentialsWithCertificate({
      endpoint: values.endpoint,
      certPem: read(values.cert, 'certificate'),
      keyPem: read(values.key, 'key'),
      caPem: values.ca ? read(values.ca, 'CA bundle') : undefined,
      durationSeconds: duration,
    });
  } catch (err) {
    if (err instanceof UsageError) throw err;
    throw new UsageError((err as Error).message);
  }
  io.out(credentialProcessOutput(creds));
  return 0;
}
