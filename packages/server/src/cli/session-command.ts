import { parseArgs } from 'node:util';
import type { SessionFilter } from '@keyless/core';
import type { CliIo } from './cli-io.js';
import { withCredentials } from './open-credentials.js';
import { UsageError } from './usage-error.js';

/** `keyless session list | revoke (--access-key K | --cert-serial S | --cert-fingerprint F | --subject CN) --data DIR` */
export async function sessionCommand(args: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseArgs({
    args, strict: true, allowPositionals: true,
    options: { data: { type: 'string' }, 'access-key': { type: 'string' }, 'cert-serial': { type: 'string' }, 'cert-fingerprint': { type: 'string' }, subject: { type: 'string' } },
  });
  const [sub, ...rest] = positionals;
  if (rest.length) throw new UsageError(`unexpected argument "${rest[0]}"`);
  return withCredentials(values.data, io.env, async (store) => {
    if (sub === 'list') {
      const now = Date.now();
      for (const s of await store.listSessions()) {
        const state = s.expiresAt.getTime() <= now ? 'expired' : 'live';
        io.out([s.accessKey, s.parent, s.policies.join(',') || '-', s.expiresAt.toISOString(), state, s.certSerial ?? '-', s.certFingerprint ?? '-'].join('\t'));
      }
      return 0;
    }
    if (sub === 'revoke') {
      const given = ([
        ['access-key', 'accessKey'], ['cert-serial', 'certSerial'], ['cert-fingerprint', 'certFingerprint'], ['subject', 'subject'],
      ] as const).filter(([flag]) => values[flag] !== undefined);
      if (given.length !== 1) throw new UsageError('give exactly one of --access-key, --cert-serial, --cert-fingerprint, --subject');
      const [flag, field] = given[0];
      let value = values[flag] as string;
      // Serials are stored as the STS records them: lower-case hex, leading 00 octets removed.
      if (field === 'certSerial') value = value.replace(/:/g, '').toLowerCase().replace(/^(00)+(?=..)/, '');
      if (field === 'certFingerprint') value = value.replace(/:/g, '').toLowerCase();
      const n = await store.revokeSessions({ [field]: value } as SessionFilter);
      io.out(`revoked ${n} session${n === 1 ? '' : 's'}`);
      return 0;
    }
    throw new UsageError('usage: keyless session list|revoke ... --data DIR');
  });
}
