import { createHash, randomBytes } from 'node:crypto';
import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { expect } from 'chai';
import fc from 'fast-check';
import type { CredentialStore } from '@keyless/core';
import { credentialStoreContract } from '@keyless/core/testing';
import { CREDENTIALS_DB_FILE, MASTER_KEY_FILE, SqliteCredentialStore } from '../src/index.js';
import { WRONG_MASTER_KEY } from '../src/secret-box.js';
import { expectRejection, HOUR, openStore, scratch, useScratchStores } from './store-fixture.js';

/** Every byte SQLite keeps for the database right now: the main file plus the write-ahead log. */
function databaseBytes(dataDir: string): Buffer {
  const path = join(dataDir, CREDENTIALS_DB_FILE);
  const parts = [readFileSync(path)];
  if (existsSync(`${path}-wal`)) parts.push(readFileSync(`${path}-wal`));
  return Buffer.concat(parts);
}

function mode(path: string): number {
  return statSync(path).mode & 0o777;
}

credentialStoreContract('SqliteCredentialStore', async () => {
  const dir = scratch();
  const opened: CredentialStore[] = [];
  const store = await openStore(dir.dataDir);
  opened.push(store);
  return {
    store,
    reopen: async () => {
      const again = await openStore(dir.dataDir);
      opened.push(again);
      return again;
    },
    cleanup: async () => {
      for (const each of opened) await each.close();
      dir.remove();
    },
  };
});

describe('SqliteCredentialStore', function () {
  const scratchStores = useScratchStores();
  const open = scratchStores.open;
  let dir: { dataDir: string };
  beforeEach(function () {
    dir = { dataDir: scratchStores.dataDir() };
  });

  describe('secrets at rest', function () {
    it('keeps user secrets, session secrets and session tokens out of the database file', async function () {
      const store = await open();
      const userSecret = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY';
      await store.putUser({ accessKey: 'AKIAPLAINTEXTCHECK01', secretKey: userSecret, policies: ['visible-policy'] });
      const session = await store.issueTemporary({
        parent: 'visible-parent',
        policies: [],
        tags: {},
        expiresAt: new Date(Date.now() + HOUR),
      });
      const tokenHash = createHash('sha256').update(session.sessionToken).digest('hex');
      for (const bytes of [databaseBytes(dir.dataDir), (await store.close(), databaseBytes(dir.dataDir))]) {
        // The bytes are the right ones: what is meant to be in clear is found.
        expect(bytes.includes('AKIAPLAINTEXTCHECK01')).to.equal(true);
        expect(bytes.includes(session.accessKeyId)).to.equal(true);
        expect(bytes.includes('visible-policy')).to.equal(true);
        expect(bytes.includes(tokenHash)).to.equal(true);
        expect(bytes.includes(userSecret), 'user secret in clear').to.equal(false);
        expect(bytes.includes(session.secretAccessKey), 'session secret in clear').to.equal(false);
        expect(bytes.includes(session.sessionToken), 'session token in clear').to.equal(false);
      }
    });

    it('stores each secret as iv | tag | ciphertext with a fresh IV', async function () {
      const store = await open();
      await store.putUser({ accessKey: 'AKIAONE', secretKey: 'same-secret', policies: [] });
      await store.putUser({ accessKey: 'AKIATWO', secretKey: 'same-secret', policies: [] });
      const issued = await store.issueTemporary({ parent: 'p', policies: [], tags: {}, expiresAt: new Date(Date.now() + HOUR) });
      const raw = new Database(join(dir.dataDir, CREDENTIALS_DB_FILE), { readonly: true });
      try {
        const users = raw.prepare('SELECT secret FROM users ORDER BY access_key').all() as { secret: Buffer }[];
        expect(users).to.have.length(2);
        expect(users[0]!.secret.length).to.equal(12 + 16 + 'same-secret'.length);
        expect(users[0]!.secret.equals(users[1]!.secret)).to.equal(false);
        expect(users[0]!.secret.subarray(0, 12).equals(users[1]!.secret.subarray(0, 12))).to.equal(false);
        const session = raw.prepare('SELECT secret, session_token_hash FROM sessions').get() as {
          secret: Buffer;
          session_token_hash: string;
        };
        expect(session.secret.length).to.equal(12 + 16 + 40);
        expect(session.session_token_hash).to.equal(createHash('sha256').update(issued.sessionToken).digest('hex'));
      } finally {
        raw.close();
      }
    });

    it('refuses a secret moved to another row (the access key is authenticated data)', async function () {
      const store = await open();
      await store.putUser({ accessKey: 'AKIAVICTIM', secretKey: 'victim-secret', policies: [] });
      await store.putUser({ accessKey: 'AKIAMALLORY', secretKey: 'mallory-secret', policies: [] });
      const raw = new Database(join(dir.dataDir, CREDENTIALS_DB_FILE));
      try {
        raw
          .prepare("UPDATE users SET secret = (SELECT secret FROM users WHERE access_key = 'AKIAVICTIM') WHERE access_key = 'AKIAMALLORY'")
          .run();
      } finally {
        raw.close();
      }
      expect((await store.getUser('AKIAVICTIM'))!.secretKey).to.equal('victim-secret');
      const error = await expectRejection(store.getUser('AKIAMALLORY'));
      expect(error.message).to.equal(WRONG_MASTER_KEY);
    });

    it('refuses to open a data directory with another master key', async function () {
      const first = await open({ masterKey: randomBytes(32) });
      await first.putUser({ accessKey: 'AKIAKEYED', secretKey: 'keyed-secret', policies: [] });
      await first.close();
      const error = await expectRejection(openStore(dir.dataDir, { masterKey: randomBytes(32) }));
      expect(error.message).to.equal('credential store: master key does not match the data directory');
    });

    it('refuses a replaced key file, and reads rows written with the right key', async function () {
      const first = await open();
      await first.putUser({ accessKey: 'AKIAFILE', secretKey: 'file-secret', policies: [] });
      await first.close();
      const keyPath = join(dir.dataDir, MASTER_KEY_FILE);
      const original = readFileSync(keyPath);
      writeFileSync(keyPath, randomBytes(32));
      const error = await expectRejection(openStore(dir.dataDir));
      expect(error.message).to.equal(WRONG_MASTER_KEY);
      writeFileSync(keyPath, original);
      const again = await open();
      expect((await again.getUser('AKIAFILE'))!.secretKey).to.equal('file-secret');
    });

    it('uses KEYLESS_MASTER_KEY when set instead of creating a key file', async function () {
      const key = randomBytes(32);
      const store = await SqliteCredentialStore.open({ dataDir: dir.dataDir, env: { KEYLESS_MASTER_KEY: key.toString('hex') } });
      try {
        await store.putUser({ accessKey: 'AKIAENV', secretKey: 'env-secret', policies: [] });
      } finally {
        await store.close();
      }
      expect(existsSync(join(dir.dataDir, MASTER_KEY_FILE))).to.equal(false);
      const sameKeyAsBase64 = await open({ masterKey: Buffer.from(key.toString('base64'), 'base64') });
      expect((await sameKeyAsBase64.getUser('AKIAENV'))!.secretKey).to.equal('env-secret');
    });

    it('rejects a master key option that is not 32 bytes', async function () {
      const error = await expectRejection(openStore(dir.dataDir, { masterKey: randomBytes(16) }));
      expect(error.message).to.match(/32 bytes/);
    });
  });

  describe('round trips', function () {
    it('returns any text it stored, byte for byte', async function () {
      const store = await open();
      const text = fc.string({ unit: 'grapheme', minLength: 1, maxLength: 40 });
      await fc.assert(
        fc.asyncProperty(
          text,
          text,
          fc.array(text, { maxLength: 4 }),
          fc.dictionary(text, fc.string({ unit: 'grapheme', maxLength: 40 }), { maxKeys: 4 }),
          async (accessKey, secret, policies, tags) => {
            await store.putUser({ accessKey, secretKey: secret, policies });
            const user = await store.getUser(accessKey);
            expect(user!.accessKey).to.equal(accessKey);
            expect(user!.secretKey).to.equal(secret);
            expect(user!.policies).to.deep.equal(policies);
            await store.putPolicy(accessKey, secret);
            expect((await store.getPolicy(accessKey))!.document).to.equal(secret);
            const issued = await store.issueTemporary({
              parent: secret,
              policies,
              tags,
              sessionPolicy: secret,
              subject: accessKey,
              certIssuer: secret,
              expiresAt: new Date(Date.now() + HOUR),
            });
            const session = await store.getSession(issued.accessKeyId);
            expect(session!.parent).to.equal(secret);
            expect(session!.policies).to.deep.equal(policies);
            expect(session!.tags).to.deep.equal(tags);
            expect(session!.sessionPolicy).to.equal(secret);
            expect(session!.subject).to.equal(accessKey);
            expect(session!.certIssuer).to.equal(secret);
            expect(await store.revokeSessions({ subject: accessKey })).to.equal(1);
          },
        ),
        { numRuns: 100 },
      );
    });
  });

  describe('files', function () {
    it('creates the data directory 0700, the key file 0600 and a private database file', async function () {
      await open();
      expect(mode(dir.dataDir)).to.equal(0o700);
      const keyPath = join(dir.dataDir, MASTER_KEY_FILE);
      expect(mode(keyPath)).to.equal(0o600);
      expect(readFileSync(keyPath)).to.have.length(32);
      expect(mode(join(dir.dataDir, CREDENTIALS_DB_FILE))).to.equal(0o600);
    });

    it('uses write-ahead logging', async function () {
      const store = await open();
      await store.putPolicy('p', '{}');
      const raw = new Database(join(dir.dataDir, CREDENTIALS_DB_FILE), { readonly: true });
      try {
        expect(raw.pragma('journal_mode', { simple: true })).to.equal('wal');
      } finally {
        raw.close();
      }
    });
  });

  describe('input checks', function () {
    it('refuses malformed issueTemporary input and stores nothing', async function () {
      const store = await open();
      const good = { parent: 'p', policies: [], tags: {}, expiresAt: new Date(Date.now() + HOUR) };
      const bad = [
        { ...good, parent: '' },
        { ...good, expiresAt: new Date(Number.NaN) },
        { ...good, policies: 'readonly' },
        { ...good, tags: { team: 7 } },
        { ...good, tags: null },
      ];
      for (const input of bad) await expectRejection(store.issueTemporary(input as never));
      expect(await store.listSessions()).to.deep.equal([]);
      expect(await store.changeVersion()).to.equal(0);
    });
  });

  describe('revokeSessions filter checks', function () {
    it('refuses filters with two fields, unknown fields or empty values', async function () {
      const store = await open();
      await store.issueTemporary({ parent: 'p', policies: [], tags: {}, expiresAt: new Date(Date.now() + HOUR), subject: 's', certSerial: '01' });
      const bad = [{ subject: 's', certSerial: '01' }, { parent: 'p' }, { subject: '' }, { accessKey: 42 }];
      for (const filter of bad) await expectRejection(store.revokeSessions(filter as never));
      expect(await store.listSessions()).to.have.length(1);
    });
  });
});
