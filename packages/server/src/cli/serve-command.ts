import { parseArgs } from 'node:util';
import { jsonLogger } from '../logger.js';
import { SERVE_DEFAULTS, type ServeOptions } from '../serve-options.js';
import { startServer } from '../start-server.js';
import type { CliIo } from './cli-io.js';
import { UsageError } from './usage-error.js';

/** `keyless serve [--address HOST:PORT] [--data DIR] [--tls-cert F --tls-key F] [--client-ca F] [--region R] [--domain D] [--sts-mapping F] [--sts-max-duration S]` */
export async function serveCommand(args: string[], io: CliIo): Promise<number> {
  const { values } = parseArgs({
    args,
    strict: true,
    allowPositionals: false,
    options: {
      address: { type: 'string' },
      data: { type: 'string' },
      'tls-cert': { type: 'string' },
      'tls-key': { type: 'string' },
      'client-ca': { type: 'string' },
      region: { type: 'string' },
      domain: { type: 'string' },
      'sts-mapping': { type: 'string' },
      'sts-max-duration': { type: 'string' },
      quiet: { type: 'boolean' },
    },
  });
  const maxDuration = values['sts-max-duration'] === undefined ? SERVE_DEFAULTS.stsMaxDuration : Number(values['sts-max-duration']);
  if (!Number.isInteger(maxDuration) || maxDuration < 900 || maxDuration > 7 * 86400) throw new UsageError('--sts-max-duration must be an integer number of seconds from 900 to 604800');
  if (values.region !== undefined && !/^[a-z0-9-]{1,32}$/.test(values.region)) throw new UsageError(`invalid --region "${values.region}"`);
  const opts: ServeOptions = {
    address: values.address ?? SERVE_DEFAULTS.address,
    dataDir: values.data ?? SERVE_DEFAULTS.dataDir,
    tlsCert: values['tls-cert'],
    tlsKey: values['tls-key'],
    clientCa: values['client-ca'],
    region: values.region ?? SERVE_DEFAULTS.region,
    domain: values.domain,
    stsMapping: values['sts-mapping'],
    stsMaxDuration: maxDuration,
  };
  const log = values.quiet ? () => undefined : jsonLogger((l) => process.stdout.write(l));
  let running;
  try {
    running = await startServer(opts, log, io.env);
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    if (e.code === 'EADDRINUSE') throw new UsageError(`address ${opts.address} is already in use`);
    if (e.code === 'ENOENT') throw new UsageError(`file not found: ${e.path ?? e.message}`);
    if (e.code === 'EACCES') throw new UsageError(`permission denied: ${e.path ?? opts.address}`);
    throw new UsageError(e.message);
  }
  io.out(`Keyless listening on ${running.url} (S3 and STS)`);
  if (running.caBundle) io.out(`Development CA: ${running.caBundle}  (clients: --ca-bundle ${running.caBundle})`);
  if (running.clientCa) io.out(`STS trusts client certificates from: ${running.clientCa}`);
  if (running.root.generated) {
    io.out(`Root credentials (generated, shown once; stored encrypted in ${opts.dataDir}):`);
    io.out(`  AWS_ACCESS_KEY_ID=${running.root.accessKey}`);
    io.out(`  AWS_SECRET_ACCESS_KEY=${running.root.secretKey}`);
  }
  await new Promise<void>((resolve) => {
    const stop = () => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      running.close().finally(resolve);
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
  return 0;
}
