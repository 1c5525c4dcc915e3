import { processIo, type CliIo } from './cli-io.js';
import { serveCommand } from './serve-command.js';
import { userCommand } from './user-command.js';
import { policyCommand } from './policy-command.js';
import { sessionCommand } from './session-command.js';
import { certCommand } from './cert-command.js';
import { credentialsCommand } from './credentials-command.js';
import { UsageError } from './usage-error.js';

const USAGE = `usage: keyless <command> [options]
  serve        run the S3 + STS server (--address, --data, --tls-cert, --tls-key, --client-ca, --region, --domain, --sts-mapping, --sts-max-duration)
  user         add | list | remove | set-policy   (static users)
  policy       put | list | get | remove | simulate
  session      list | revoke                      (STS sessions)
  cert         issue                              (client certificate from the dev CA)
  credentials  print credential_process JSON from a client certificate`;

const COMMANDS: Record<string, (args: string[], io: CliIo) => Promise<number>> = {
  serve: serveCommand,
  user: userCommand,
  policy: policyCommand,
  session: sessionCommand,
  cert: certCommand,
  credentials: credentialsCommand,
};

/** Runs the `keyless` CLI; returns the exit code (2 for any usage or input error, with one line on stderr). */
export async function main(argv: string[], io: CliIo = processIo()): Promise<number> {
  const [name, ...args] = argv;
  if (name === undefined || name === 'help' || name === '--help' || name === '-h') {
    io.out(USAGE);
    return name === undefined ? 2 : 0;
  }
  const command = COMMANDS[name];
  if (Object.hasOwn(COMMANDS, name) && (args.includes('--help') || args.includes('-h'))) {
    io.out(USAGE);
    return 0;
  }
  try {
    if (!command) throw new UsageError(`unknown command "${name}" (try: keyless help)`);
    return await command(args, io);
  } catch (err) {
    const e = err as { code?: string; message?: string };
    if (err instanceof UsageError || (typeof e.code === 'string' && e.code.startsWith('ERR_PARSE_ARGS'))) {
      io.err(`keyless ${name}: ${e.message}`);
      return 2;
    }
    io.err(`keyless ${name}: ${e.message ?? String(err)}`);
    return 1;
  }
}
