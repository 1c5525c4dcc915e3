/** Where a CLI command writes; injected so tests can run commands in-process. */
export interface CliIo {
  out: (line: string) => void;
  err: (line: string) => void;
  env: NodeJS.ProcessEnv;
}

/** The process's own stdout/stderr/environment. */
export function processIo(): CliIo {
  return {
    out: (l) => process.stdout.write(l + '\n'),
    err: (l) => process.stderr.write(l + '\n'),
    env: process.env,
  };
}
