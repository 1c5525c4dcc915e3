import { randomBytes } from 'node:crypto';
import type { CredentialStore } from '@keyless/core';

/** Root's keys, and whether they were generated now (to be printed once). */
export interface RootCredentials {
  accessKey: string;
  secretKey: string;
  generated: boolean;
}

/**
 * Root credentials: from `KEYLESS_ROOT_ACCESS_KEY` / `KEYLESS_ROOT_SECRET_KEY` when set; otherwise
 * the ones stored on an earlier start; otherwise generated, stored (secret encrypted) and flagged
 * for printing once.
 */
export async function resolveRootCredentials(store: CredentialStore, env: NodeJS.ProcessEnv): Promise<RootCredentials> {
  // Empty counts as unset (compose files pass `${VAR:-}`).
  const ak = env.KEYLESS_ROOT_ACCESS_KEY || undefined;
  const sk = env.KEYLESS_ROOT_SECRET_KEY || undefined;
  if (ak !== undefined || sk !== undefined) {
    if (!ak || !sk) throw new Error('set both KEYLESS_ROOT_ACCESS_KEY and KEYLESS_ROOT_SECRET_KEY, or neither');
    if (ak.length < 3 || ak.length > 128) throw new Error('KEYLESS_ROOT_ACCESS_KEY must be 3 to 128 characters');
    if (sk.length < 8 || sk.length > 128) throw new Error('KEYLESS_ROOT_SECRET_KEY must be 8 to 128 characters');
    return { accessKey: ak, secretKey: sk, generated: false };
  }
  const stored = (await store.listUsers()).find((u) => u.isRoot);
  if (stored) return { accessKey: stored.accessKey, secretKey: stored.secretKey, generated: false };
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  const accessKey = 'KL' + Array.from(randomBytes(18), (b) => alphabet[b % 32]).join('');
  const secretKey = randomBytes(30).toString('base64').replace(/[+/]/g, (c) => (c === '+' ? 'x' : 'y'));
  await store.putUser({ accessKey, secretKey, policies: [], isRoot: true });
  return { accessKey, secretKey, generated: true };
}
