import { createHash } from 'node:crypto';
import { expect } from 'chai';
import type { CredentialStore, IssueTemporaryInput, SessionFilter } from '../credential-store.js';

/** What a contract factory hands the suite for one test. */
export interface CredentialStoreFixture {
  /** A fresh, empty store. */
  store: CredentialStore;
  /**
   * Opens the same storage again (a restart). The suite closes `store` first and closes the store
   * this returns itself. Leave it out when the implementation has no persistence to check.
   */
  reopen?: () => Promise<CredentialStore>;
  /** Releases everything the factory made; `store` may already be closed. */
  cleanup(): Promise<void>;
}

const ACCESS_KEY = /^ASIA[A-Z2-7]{16}$/;
const SECRET_KEY = /^[A-Za-z0-9+/]{40}$/;
const HOUR = 3_600_000;
// Timestamps come from the implementation's clock (possibly a database server's), so "now" is
// checked loosely: the point is a real, current date, not a duration.
const CLOCK_SLACK = 60_000;

function sha256Hex(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

function expectNow(date: Date, before: number, after: number): void {
  expect(date).to.be.instanceOf(Date);
  expect(date.getTime()).to.be.within(before - CLOCK_SLACK, after + CLOCK_SLACK);
}

function input(overrides: Partial<IssueTemporaryInput> = {}): IssueTemporaryInput {
  return { parent: 'alice', policies: ['readonly'], tags: {}, expiresAt: new Date(Date.now() + HOUR), ...overrides };
}

/**
 * The behaviour every {@link CredentialStore} must have: users, policies, temporary sessions (key
 * shapes, token hashing, revocation, expiry) and the change version caches rely on. Run it from an
 * implementation's tests with a factory that returns a fresh, empty store each time.
 */
export function credentialStoreContract(name: string, factory: () => Promise<CredentialStoreFixture>): void {
  describe(`CredentialStore contract: ${name}`, function () {
    let fixture: CredentialStoreFixture;
    let store: CredentialStore;

    beforeEach(async function () {
      fixture = await factory();
      store = fixture.store;
    });

    afterEach(async function () {
      await fixture.cleanup();
    });

    /** Runs `action` and asserts that changeVersion() moved. */
    async function expectVersionChange(action: () => Promise<unknown>): Promise<void> {
      const before = await store.changeVersion();
      await action();
      const after = await store.changeVersion();
      expect(after, 'changeVersion() after a write').to.not.equal(before);
    }

    describe('users', function () {
      it('starts empty', async function () {
        expect(await store.listUsers()).to.deep.equal([]);
        expect(await store.getUser('AKIAEXAMPLE')).to.equal(undefined);
      });

      it('stores a user and returns its secret, policies and creation date', async function () {
        const before = Date.now();
        await store.putUser({ accessKey: 'AKIAALICE', secretKey: 's3cr+t/Alice==', policies: ['readonly', 'audit'] });
        const after = Date.now();
        const user = await store.getUser('AKIAALICE');
        expect(user).to.not.equal(undefined);
        expect(user!.accessKey).to.equal('AKIAALICE');
        expect(user!.secretKey).to.equal('s3cr+t/Alice==');
        expect(user!.policies).to.deep.equal(['readonly', 'audit']);
        expect(user!.isRoot).to.equal(false);
        expectNow(user!.createdAt, before, after);
      });

      it('keeps the root marker', async function () {
        await store.putUser({ accessKey: 'AKIAROOT', secretKey: 'root-secret', policies: [], isRoot: true });
        const root = await store.getUser('AKIAROOT');
        expect(root!.isRoot).to.equal(true);
        expect(root!.policies).to.deep.equal([]);
      });

      it('replaces a user with the same access key', async function () {
        await store.putUser({ accessKey: 'AKIABOB', secretKey: 'old-secret', policies: ['a'] });
        await store.putUser({ accessKey: 'AKIABOB', secretKey: 'new-secret', policies: ['b', 'c'] });
        const users = await store.listUsers();
        expect(users).to.have.length(1);
        expect(users[0]!.secretKey).to.equal('new-secret');
        expect(users[0]!.policies).to.deep.equal(['b', 'c']);
      });

      it('lists every user with its secret', async function () {
        await store.putUser({ accessKey: 'AKIAONE', secretKey: 'secret-one', policies: ['p1'] });
        await store.putUser({ accessKey: 'AKIATWO', secretKey: 'secret-two', policies: [] });
        await store.putUser({ accessKey: 'AKIATHREE', secretKey: 'secret-three', policies: ['p3'], isRoot: true });
        const users = await store.listUsers();
        const byKey = new Map(users.map((user) => [user.accessKey, user]));
        expect([...byKey.keys()].sort()).to.deep.equal(['AKIAONE', 'AKIATHREE', 'AKIATWO']);
        expect(byKey.get('AKIAONE')!.secretKey).to.equal('secret-one');
        expect(byKey.get('AKIATWO')!.secretKey).to.equal('secret-two');
        expect(byKey.get('AKIATHREE')!.isRoot).to.equal(true);
        expect(byKey.get('AKIATHREE')!.policies).to.deep.equal(['p3']);
      });

      it('removes a user and reports whether it existed', async function () {
        await store.putUser({ accessKey: 'AKIAGONE', secretKey: 'x', policies: [] });
        await store.putUser({ accessKey: 'AKIASTAYS', secretKey: 'y', policies: [] });
        expect(await store.removeUser('AKIAGONE')).to.equal(true);
        expect(await store.getUser('AKIAGONE')).to.equal(undefined);
        expect(await store.removeUser('AKIAGONE')).to.equal(false);
        expect((await store.listUsers()).map((user) => user.accessKey)).to.deep.equal(['AKIASTAYS']);
      });

      it('sets the policies of an existing user only', async function () {
        await store.putUser({ accessKey: 'AKIACAROL', secretKey: 'carol-secret', policies: ['old'] });
        expect(await store.setUserPolicies('AKIACAROL', ['new1', 'new2'])).to.equal(true);
        const carol = await store.getUser('AKIACAROL');
        expect(carol!.policies).to.deep.equal(['new1', 'new2']);
        expect(carol!.secretKey).to.equal('carol-secret');
        expect(await store.setUserPolicies('AKIACAROL', [])).to.equal(true);
        expect((await store.getUser('AKIACAROL'))!.policies).to.deep.equal([]);
        expect(await store.setUserPolicies('AKIANOBODY', ['x'])).to.equal(false);
        expect(await store.getUser('AKIANOBODY')).to.equal(undefined);
      });

      it('rejects an empty access key or secret', async function () {
        let failures = 0;
        for (const user of [
          { accessKey: '', secretKey: 'secret', policies: [] },
          { accessKey: 'AKIAEMPTY', secretKey: '', policies: [] },
        ]) {
          try {
            await store.putUser(user);
          } catch (error) {
            expect(error).to.be.instanceOf(Error);
            failures += 1;
          }
        }
        expect(failures).to.equal(2);
        expect(await store.listUsers()).to.deep.equal([]);
      });
    });

    describe('policies', function () {
      const document = JSON.stringify(
        { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 's3:GetObject', Resource: 'arn:aws:s3:::bücket/*' }] },
        null,
        2,
      );

      it('starts empty', async function () {
        expect(await store.listPolicies()).to.deep.equal([]);
        expect(await store.getPolicy('readonly')).to.equal(undefined);
      });

      it('stores a policy document verbatim', async function () {
        const before = Date.now();
        await store.putPolicy('readonly', document);
        const after = Date.now();
        const policy = await store.getPolicy('readonly');
        expect(policy!.name).to.equal('readonly');
        expect(policy!.document).to.equal(document);
        expectNow(policy!.updatedAt, before, after);
      });

      it('replaces a policy with the same name', async function () {
        await store.putPolicy('p', '{"Version":"2012-10-17","Statement":[]}');
        await store.putPolicy('p', document);
        const policies = await store.listPolicies();
        expect(policies).to.have.length(1);
        expect(policies[0]!.document).to.equal(document);
      });

      it('lists and removes policies', async function () {
        await store.putPolicy('alpha', '{"a":1}');
        await store.putPolicy('beta', '{"b":2}');
        const listed = await store.listPolicies();
        expect(listed.map((policy) => policy.name).sort()).to.deep.equal(['alpha', 'beta']);
        expect(listed.find((policy) => policy.name === 'beta')!.document).to.equal('{"b":2}');
        expect(await store.removePolicy('alpha')).to.equal(true);
        expect(await store.removePolicy('alpha')).to.equal(false);
        expect(await store.getPolicy('alpha')).to.equal(undefined);
        expect((await store.listPolicies()).map((policy) => policy.name)).to.deep.equal(['beta']);
      });

      it('keeps policies apart from users', async function () {
        await store.putPolicy('AKIASAME', '{}');
        expect(await store.getUser('AKIASAME')).to.equal(undefined);
        expect(await store.removeUser('AKIASAME')).to.equal(false);
        expect(await store.getPolicy('AKIASAME')).to.not.equal(undefined);
      });
    });

    describe('temporary sessions', function () {
      it('mints AWS-shaped credentials and echoes the expiry', async function () {
        const expiresAt = new Date(Date.now() + HOUR);
        const credentials = await store.issueTemporary(input({ expiresAt }));
        expect(credentials.accessKeyId).to.match(ACCESS_KEY);
        expect(credentials.secretAccessKey).to.match(SECRET_KEY);
        expect(credentials.sessionToken).to.be.a('string');
        expect(credentials.sessionToken.length).to.be.at.least(32);
        expect(credentials.sessionToken).to.not.equal(sha256Hex(credentials.sessionToken));
        expect(credentials.expiration.getTime()).to.equal(expiresAt.getTime());
      });

      it('mints different credentials every time', async function () {
        const issued = await Promise.all(Array.from({ length: 20 }, () => store.issueTemporary(input())));
        expect(new Set(issued.map((c) => c.accessKeyId)).size).to.equal(20);
        expect(new Set(issued.map((c) => c.secretAccessKey)).size).to.equal(20);
        expect(new Set(issued.map((c) => c.sessionToken)).size).to.equal(20);
        expect(await store.listSessions()).to.have.length(20);
      });

      it('stores the session with its secret, the token hash and every fact', async function () {
        const expiresAt = new Date(Date.now() + 2 * HOUR);
        const before = Date.now();
        const credentials = await store.issueTemporary({
          parent: 'CN=build-agent-7',
          policies: ['ci', 'artifacts-write'],
          sessionPolicy: '{"Version":"2012-10-17","Statement":[]}',
          tags: { 'x509Subject/CN': 'build-agent-7', 'x509SAN/URI': 'spiffe://example.org/ci' },
          expiresAt,
          certSerial: '0a1b2c3d',
          certFingerprint: 'f'.repeat(64),
          certIssuer: 'CN=Example CA',
          subject: 'build-agent-7',
        });
        const after = Date.now();
        const session = await store.getSession(credentials.accessKeyId);
        expect(session).to.not.equal(undefined);
        expect(session!.accessKey).to.equal(credentials.accessKeyId);
        expect(session!.secretKey).to.equal(credentials.secretAccessKey);
        expect(session!.sessionTokenHash).to.equal(sha256Hex(credentials.sessionToken));
        expect(session!.sessionTokenHash).to.match(/^[0-9a-f]{64}$/);
        expect(session!.sessionTokenHash).to.not.equal(credentials.sessionToken);
        expect(session!.parent).to.equal('CN=build-agent-7');
        expect(session!.policies).to.deep.equal(['ci', 'artifacts-write']);
        expect(session!.sessionPolicy).to.equal('{"Version":"2012-10-17","Statement":[]}');
        expect(session!.tags).to.deep.equal({
          'x509Subject/CN': 'build-agent-7',
          'x509SAN/URI': 'spiffe://example.org/ci',
        });
        expect(session!.certSerial).to.equal('0a1b2c3d');
        expect(session!.certFingerprint).to.equal('f'.repeat(64));
        expect(session!.certIssuer).to.equal('CN=Example CA');
        expect(session!.subject).to.equal('build-agent-7');
        expect(session!.expiresAt.getTime()).to.equal(expiresAt.getTime());
        expectNow(session!.createdAt, before, after);
      });

      it('leaves absent optional facts undefined', async function () {
        const credentials = await store.issueTemporary(input({ parent: 'AKIAPARENT', policies: [] }));
        const session = await store.getSession(credentials.accessKeyId);
        expect(session!.parent).to.equal('AKIAPARENT');
        expect(session!.policies).to.deep.equal([]);
        expect(session!.tags).to.deep.equal({});
        expect(session!.sessionPolicy).to.equal(undefined);
        expect(session!.certSerial).to.equal(undefined);
        expect(session!.certFingerprint).to.equal(undefined);
        expect(session!.certIssuer).to.equal(undefined);
        expect(session!.subject).to.equal(undefined);
      });

      it('returns expired sessions too (callers check expiresAt) and nothing for unknown keys', async function () {
        const expiresAt = new Date(Date.now() - HOUR);
        const credentials = await store.issueTemporary(input({ expiresAt }));
        const session = await store.getSession(credentials.accessKeyId);
        expect(session!.expiresAt.getTime()).to.equal(expiresAt.getTime());
        expect(await store.getSession('ASIAAAAAAAAAAAAAAAAA')).to.equal(undefined);
      });

      it('lists sessions without ever exposing a token', async function () {
        const first = await store.issueTemporary(input({ parent: 'one' }));
        const second = await store.issueTemporary(input({ parent: 'two' }));
        const sessions = await store.listSessions();
        const byKey = new Map(sessions.map((session) => [session.accessKey, session]));
        expect([...byKey.keys()].sort()).to.deep.equal([first.accessKeyId, second.accessKeyId].sort());
        expect(byKey.get(first.accessKeyId)!.secretKey).to.equal(first.secretAccessKey);
        expect(byKey.get(second.accessKeyId)!.sessionTokenHash).to.equal(sha256Hex(second.sessionToken));
        const text = JSON.stringify(sessions);
        expect(text).to.not.include(first.sessionToken);
        expect(text).to.not.include(second.sessionToken);
      });

      it('keeps sessions apart from users', async function () {
        const credentials = await store.issueTemporary(input());
        expect(await store.getUser(credentials.accessKeyId)).to.equal(undefined);
        expect(await store.listUsers()).to.deep.equal([]);
        expect(await store.removeUser(credentials.accessKeyId)).to.equal(false);
        expect(await store.getSession(credentials.accessKeyId)).to.not.equal(undefined);
      });
    });

    describe('revokeSessions', function () {
      async function issueFleet() {
        return {
          a1: await store.issueTemporary(input({ certSerial: '01', certFingerprint: 'fp-a', subject: 'agent-a' })),
          a2: await store.issueTemporary(input({ certSerial: '01', certFingerprint: 'fp-a', subject: 'agent-a' })),
          b: await store.issueTemporary(input({ certSerial: '02', certFingerprint: 'fp-b', subject: 'agent-b' })),
          c: await store.issueTemporary(input({ certSerial: '03', certFingerprint: 'fp-c', subject: 'agent-a' })),
          plain: await store.issueTemporary(input()),
        };
      }

      async function remaining(): Promise<string[]> {
        return (await store.listSessions()).map((session) => session.accessKey).sort();
      }

      it('revokes by access key', async function () {
        const fleet = await issueFleet();
        expect(await store.revokeSessions({ accessKey: fleet.b.accessKeyId })).to.equal(1);
        expect(await store.getSession(fleet.b.accessKeyId)).to.equal(undefined);
        expect(await remaining()).to.deep.equal(
          [fleet.a1, fleet.a2, fleet.c, fleet.plain].map((c) => c.accessKeyId).sort(),
        );
        expect(await store.revokeSessions({ accessKey: fleet.b.accessKeyId })).to.equal(0);
      });

      it('revokes by certificate serial', async function () {
        const fleet = await issueFleet();
        expect(await store.revokeSessions({ certSerial: '01' })).to.equal(2);
        expect(await remaining()).to.deep.equal([fleet.b, fleet.c, fleet.plain].map((c) => c.accessKeyId).sort());
      });

      it('revokes by certificate fingerprint', async function () {
        const fleet = await issueFleet();
        expect(await store.revokeSessions({ certFingerprint: 'fp-c' })).to.equal(1);
        expect(await remaining()).to.deep.equal(
          [fleet.a1, fleet.a2, fleet.b, fleet.plain].map((c) => c.accessKeyId).sort(),
        );
      });

      it('revokes by subject', async function () {
        const fleet = await issueFleet();
        expect(await store.revokeSessions({ subject: 'agent-a' })).to.equal(3);
        expect(await remaining()).to.deep.equal([fleet.b, fleet.plain].map((c) => c.accessKeyId).sort());
      });

      it('revokes nothing when nothing matches', async function () {
        await issueFleet();
        const filters: SessionFilter[] = [
          { accessKey: 'ASIAAAAAAAAAAAAAAAAA' },
          { certSerial: '99' },
          { certFingerprint: 'fp-z' },
          { subject: 'nobody' },
        ];
        for (const filter of filters) expect(await store.revokeSessions(filter)).to.equal(0);
        expect(await store.listSessions()).to.have.length(5);
      });

      it('refuses a filter that sets no field rather than revoking everything', async function () {
        await issueFleet();
        let failed = false;
        try {
          await store.revokeSessions({} as SessionFilter);
        } catch (error) {
          expect(error).to.be.instanceOf(Error);
          failed = true;
        }
        expect(failed).to.equal(true);
        expect(await store.listSessions()).to.have.length(5);
      });
    });

    describe('purgeExpired', function () {
      it('deletes the sessions that expired before now and counts them', async function () {
        const now = new Date('2030-01-01T00:00:00.000Z');
        const gone1 = await store.issueTemporary(input({ expiresAt: new Date(now.getTime() - HOUR) }));
        const gone2 = await store.issueTemporary(input({ expiresAt: new Date(now.getTime() - 1) }));
        const atNow = await store.issueTemporary(input({ expiresAt: now }));
        const live = await store.issueTemporary(input({ expiresAt: new Date(now.getTime() + HOUR) }));
        expect(await store.purgeExpired(now)).to.equal(2);
        expect(await store.getSession(gone1.accessKeyId)).to.equal(undefined);
        expect(await store.getSession(gone2.accessKeyId)).to.equal(undefined);
        expect(await store.getSession(atNow.accessKeyId)).to.not.equal(undefined);
        expect(await store.getSession(live.accessKeyId)).to.not.equal(undefined);
        expect(await store.purgeExpired(now)).to.equal(0);
      });

      it('leaves users and policies alone', async function () {
        await store.putUser({ accessKey: 'AKIAKEEP', secretKey: 'keep', policies: [] });
        await store.putPolicy('keep', '{}');
        await store.issueTemporary(input({ expiresAt: new Date(Date.now() - HOUR) }));
        expect(await store.purgeExpired(new Date())).to.equal(1);
        expect(await store.getUser('AKIAKEEP')).to.not.equal(undefined);
        expect(await store.getPolicy('keep')).to.not.equal(undefined);
      });
    });

    describe('changeVersion', function () {
      it('stays put while nothing changes', async function () {
        await store.putUser({ accessKey: 'AKIAREAD', secretKey: 'r', policies: [] });
        const version = await store.changeVersion();
        await store.getUser('AKIAREAD');
        await store.listUsers();
        await store.listPolicies();
        await store.listSessions();
        expect(await store.changeVersion()).to.equal(version);
      });

      it('changes after every kind of write', async function () {
        await expectVersionChange(() => store.putUser({ accessKey: 'AKIAV', secretKey: 'one', policies: [] }));
        await expectVersionChange(() => store.putUser({ accessKey: 'AKIAV', secretKey: 'two', policies: [] }));
        await expectVersionChange(() => store.setUserPolicies('AKIAV', ['p']));
        await expectVersionChange(() => store.removeUser('AKIAV'));
        await expectVersionChange(() => store.putPolicy('p', '{}'));
        await expectVersionChange(() => store.putPolicy('p', '{"changed":true}'));
        await expectVersionChange(() => store.removePolicy('p'));
        let issued: { accessKeyId: string } | undefined;
        await expectVersionChange(async () => {
          issued = await store.issueTemporary(input({ certSerial: '0f', certFingerprint: 'fp', subject: 's' }));
        });
        await expectVersionChange(() => store.revokeSessions({ accessKey: issued!.accessKeyId }));
        await store.issueTemporary(input({ certSerial: '0f' }));
        await expectVersionChange(() => store.revokeSessions({ certSerial: '0f' }));
        await store.issueTemporary(input({ certFingerprint: 'fp' }));
        await expectVersionChange(() => store.revokeSessions({ certFingerprint: 'fp' }));
        await store.issueTemporary(input({ subject: 's' }));
        await expectVersionChange(() => store.revokeSessions({ subject: 's' }));
        await store.issueTemporary(input({ expiresAt: new Date(Date.now() - HOUR) }));
        await expectVersionChange(() => store.purgeExpired(new Date()));
      });

      it('is a number', async function () {
        expect(await store.changeVersion()).to.be.a('number');
      });
    });

    describe('persistence', function () {
      it('keeps users, policies and sessions across a reopen', async function () {
        if (!fixture.reopen) {
          // Nothing to persist: the contract holds trivially, but say so in the output.
          expect(fixture.reopen).to.equal(undefined);
          return;
        }
        await store.putUser({ accessKey: 'AKIADURABLE', secretKey: 'durable-secret', policies: ['p'], isRoot: true });
        await store.putPolicy('p', '{"Version":"2012-10-17"}');
        const credentials = await store.issueTemporary(input({ certSerial: 'aa', tags: { team: 'storage' } }));
        const version = await store.changeVersion();
        await store.close();
        const again = await fixture.reopen();
        try {
          const user = await again.getUser('AKIADURABLE');
          expect(user!.secretKey).to.equal('durable-secret');
          expect(user!.isRoot).to.equal(true);
          expect((await again.getPolicy('p'))!.document).to.equal('{"Version":"2012-10-17"}');
          const session = await again.getSession(credentials.accessKeyId);
          expect(session!.secretKey).to.equal(credentials.secretAccessKey);
          expect(session!.sessionTokenHash).to.equal(sha256Hex(credentials.sessionToken));
          expect(session!.tags).to.deep.equal({ team: 'storage' });
          expect(session!.certSerial).to.equal('aa');
          // A cache that survived the restart must not be fooled: the version still describes the data.
          await again.putPolicy('q', '{}');
          expect(await again.changeVersion()).to.not.equal(version);
        } finally {
          await again.close();
        }
      });
    });
  });
}
