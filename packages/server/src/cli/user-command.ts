import { parseArgs } from 'node:util';
import { builtinPolicies } from '@keyless/policy-engine';
import type { CredentialStore } from '@keyless/core';
import type { CliIo } from './cli-io.js';
import { withCredentials } from './open-credentials.js';
import { UsageError } from './usage-error.js';

const ACCESS_KEY = /^[A-Za-z0-9._\-+=@]{3,128}$/;

async function checkPolicies(store: CredentialStore, list: string | undefined): Promise<string[]> {
  if (list === undefined || list === '') return [];
  const names = list.split(',').map((s) => s.trim()).filter(Boolean);
  const builtins = builtinPolicies();
  for (const n of names) {
    if (!(n in builtins) && !(await store.getPolicy(n))) throw new UsageError(`no such policy "${n}" (built-in: ${Object.keys(builtins).join(', ')}; add one with: keyless policy put)`);
  }
  return names;
}

/** `keyless user add AK SK [--policy a,b] | list | remove AK | set-policy AK a,b` with `--data DIR`. */
export async function userCommand(args: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseArgs({ args, strict: true, allowPositionals: true, options: { data: { type: 'string' }, policy: { type: 'string' } } });
  const [sub, ...rest] = positionals;
  return withCredentials(values.data, io.env, async (store) => {
    switch (sub) {
      case 'add': {
        const [ak, sk] = rest;
        if (!ak || !sk || rest.length !== 2) throw new UsageError('usage: keyless user add ACCESS_KEY SECRET_KEY [--policy NAME[,NAME]] --data DIR');
        if (!ACCESS_KEY.test(ak) || ak.startsWith('ASIA')) throw new UsageError('ACCESS_KEY must be 3-128 characters of letters, digits and ._-+=@ and must not start with ASIA');
        if (sk.length < 8 || sk.length > 128) throw new UsageError('SECRET_KEY must be 8 to 128 characters');
        const existing = await store.getUser(ak);
        if (existing?.isRoot) throw new UsageError(`${ak} is the root access key`);
        await store.putUser({ accessKey: ak, secretKey: sk, policies: await checkPolicies(store, values.policy) });
        io.out(`user ${ak} ${existing ? 'updated' : 'added'}`);
        return 0;
      }
      case 'list': {
        for (const u of await store.listUsers()) if (!u.isRoot) io.out(`${u.accessKey}\t${u.policies.join(',') || '-'}`);
        return 0;
      }
      case 'remove': {
        const [ak] = rest;
        if (!ak || rest.length !== 1) throw new UsageError('usage: keyless user remove ACCESS_KEY --data DIR');
        const u = await store.getUser(ak);
        if (!u || u.isRoot) throw new UsageError(`no such user "${ak}"`);
        await store.removeUser(ak);
        io.out(`user ${ak} removed`);
        return 0;
      }
      case 'set-policy': {
        const [ak, list] = rest.length === 2 ? rest : [rest[0], values.policy];
        if (!ak || list === undefined) throw new UsageError('usage: keyless user set-policy ACCESS_KEY NAME[,NAME] --data DIR');
        const u = await store.getUser(ak);
        if (!u || u.isRoot) throw new UsageError(`no such user "${ak}"`);
        await store.setUserPolicies(ak, await checkPolicies(store, list));
        io.out(`user ${ak} policies: ${list || '-'}`);
        return 0;
      }
      default:
        throw new UsageError('usage: keyless user add|list|remove|set-policy ... --data DIR');
    }
  });
}
