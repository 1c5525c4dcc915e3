import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { builtinPolicies, parsePolicy, PolicyError } from '@keyless/policy-engine';
import type { CliIo } from './cli-io.js';
import { withCredentials } from './open-credentials.js';
import { simulateCommand } from './policy-simulate.js';
import { UsageError } from './usage-error.js';

const POLICY_NAME = /^[A-Za-z0-9+=,.@_-]{1,128}$/;

/** Reads a policy file and validates it, turning every problem into one usage line. */
export function readPolicyFile(file: string, kind: 'identity' | 'resource' = 'identity'): string {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    throw new UsageError(`cannot read policy file ${file}`);
  }
  try {
    parsePolicy(text, { kind });
  } catch (err) {
    if (err instanceof PolicyError) throw new UsageError(`invalid policy ${file}: ${err.message}`);
    throw err;
  }
  return text;
}

/** `keyless policy put NAME FILE | list | get NAME | remove NAME | simulate ...` with `--data DIR`. */
export async function policyCommand(args: string[], io: CliIo): Promise<number> {
  if (args[0] === 'simulate') return simulateCommand(args.slice(1), io);
  const { values, positionals } = parseArgs({ args, strict: true, allowPositionals: true, options: { data: { type: 'string' } } });
  const [sub, ...rest] = positionals;
  const builtins = builtinPolicies();
  return withCredentials(values.data, io.env, async (store) => {
    switch (sub) {
      case 'put': {
        const [name, file] = rest;
        if (!name || !file || rest.length !== 2) throw new UsageError('usage: keyless policy put NAME FILE --data DIR');
        if (!POLICY_NAME.test(name)) throw new UsageError('policy NAME must be 1-128 characters of letters, digits and +=,.@_-');
        if (name in builtins) throw new UsageError(`"${name}" is a built-in policy and cannot be replaced`);
        await store.putPolicy(name, readPolicyFile(file));
        io.out(`policy ${name} stored`);
        return 0;
      }
      case 'list': {
        for (const n of Object.keys(builtins)) io.out(`${n}\tbuilt-in`);
        for (const p of await store.listPolicies()) io.out(`${p.name}\t${p.updatedAt.toISOString()}`);
        return 0;
      }
      case 'get': {
        const [name] = rest;
        if (!name || rest.length !== 1) throw new UsageError('usage: keyless policy get NAME --data DIR');
        const text = builtins[name] ?? (await store.getPolicy(name))?.document;
        if (text === undefined) throw new UsageError(`no such policy "${name}"`);
        io.out(text);
        return 0;
      }
      case 'remove': {
        const [name] = rest;
        if (!name || rest.length !== 1) throw new UsageError('usage: keyless policy remove NAME --data DIR');
        if (name in builtins) throw new UsageError(`"${name}" is a built-in policy and cannot be removed`);
        // As IAM's DeleteConflict: a policy still attached to users is not removed under them.
        const attached = (await store.listUsers()).filter((u) => u.policies.includes(name)).map((u) => u.accessKey);
        if (attached.length) throw new UsageError(`policy "${name}" is attached to ${attached.join(', ')}; detach it first (keyless user set-policy)`);
        if (!(await store.removePolicy(name))) throw new UsageError(`no such policy "${name}"`);
        io.out(`policy ${name} removed`);
        return 0;
      }
      default:
        throw new UsageError('usage: keyless policy put|list|get|remove|simulate ...');
    }
  });
}
