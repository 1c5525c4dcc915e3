import { parseArgs } from 'node:util';
import { evaluate, parsePolicy } from '@keyless/policy-engine';
import type { CliIo } from './cli-io.js';
import { readPolicyFile } from './policy-command.js';
import { UsageError } from './usage-error.js';

/**
 * `keyless policy simulate --policy FILE [--policy FILE ...] [--session-policy FILE]
 * [--bucket-policy FILE] [--principal ARN] --action ACTION --resource ARN [--context KEY=VALUE ...]`
 *
 * Prints `Allow` or `Deny`, then the deciding statement (or "no statement allows"). A context key
 * given several times is multi-valued. Exit 0 for either decision, 2 for invalid input.
 */
export async function simulateCommand(args: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseArgs({
    args, strict: true, allowPositionals: true,
    options: {
      policy: { type: 'string', multiple: true },
      'session-policy': { type: 'string', multiple: true },
      'bucket-policy': { type: 'string' },
      principal: { type: 'string' },
      action: { type: 'string' },
      resource: { type: 'string' },
      context: { type: 'string', multiple: true },
    },
  });
  if (positionals.length) throw new UsageError(`unexpected argument "${positionals[0]}"`);
  if (!values.action) throw new UsageError('--action is required');
  if (!values.resource) throw new UsageError('--resource is required');
  if (!/^[A-Za-z0-9-]+:[A-Za-z0-9*?]+$/.test(values.action) && values.action !== '*') throw new UsageError(`invalid --action "${values.action}" (expected service:Action)`);
  // The request's resource is one concrete ARN (arn:partition:service:region:account:resource) or `*`.
  if (values.resource !== '*' && !/^arn:[^:\s]+:[^:\s]+:[^:\s]*:[^:\s]*:.+$/.test(values.resource)) {
    throw new UsageError(`invalid --resource "${values.resource}" (expected an ARN such as arn:aws:s3:::bucket/key, or *)`);
  }
  const keys: Record<string, string[]> = {};
  for (const kv of values.context ?? []) {
    const eq = kv.indexOf('=');
    if (eq <= 0) throw new UsageError(`invalid --context "${kv}" (expected KEY=VALUE)`);
    (keys[kv.slice(0, eq)] ??= []).push(kv.slice(eq + 1));
  }
  const load = (file: string, kind: 'identity' | 'resource') => ({ name: file, policy: parsePolicy(readPolicyFile(file, kind), { kind }) });
  const identity = (values.policy ?? []).map((f) => load(f, 'identity'));
  const session = values['session-policy']?.map((f) => load(f, 'identity'));
  const resource = values['bucket-policy'] ? load(values['bucket-policy'], 'resource') : undefined;
  const principalArn = values.principal ?? (identity.length ? 'arn:aws:iam::000000000000:user/simulated' : '*');
  const type = values.principal === undefined && !identity.length ? 'anonymous' : principalArn.includes(':assumed-role/') ? 'session' : 'user';
  const decision = evaluate({
    identity,
    session,
    resource,
    ctx: { action: values.action, resource: values.resource, principal: { arn: principalArn, type }, keys: Object.fromEntries(Object.entries(keys).map(([k, v]) => [k, v.length === 1 ? v[0] : v])) },
  });
  io.out(decision.effect);
  const st = decision.statement;
  io.out(st ? `${decision.reason}: ${st.policy} statement ${st.sid !== undefined ? `"${st.sid}"` : `#${st.index}`}` : 'no statement allows');
  return 0;
}
