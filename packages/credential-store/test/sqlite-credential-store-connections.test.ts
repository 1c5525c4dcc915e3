import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { expect } from 'chai';
import { HOUR, useScratchStores } from './store-fixture.js';

const run = promisify(execFile);
const INDEX_URL = pathToFileURL(join(fileURLToPath(new URL('.', import.meta.url)), '../src/index.js')).href;

describe('SqliteCredentialStore shared by several connections', function () {
  const scratchStores = useScratchStores();
  const open = scratchStores.open;
  let dir: { dataDir: string };
  beforeEach(function () {
    dir = { dataDir: scratchStores.dataDir() };
  });

  describe('several connections on one file', function () {
    it('shows another connection\'s writes through changeVersion() and reads', async function () {
      const server = await open();
      const cli = await open();
      const steps: [string, () => Promise<unknown>, () => Promise<unknown>][] = [
        [
          'putUser',
          () => cli.putUser({ accessKey: 'AKIACLI', secretKey: 'cli-secret', policies: ['p'] }),
          async () => expect((await server.getUser('AKIACLI'))!.secretKey).to.equal('cli-secret'),
        ],
        [
          'setUserPolicies',
          () => cli.setUserPolicies('AKIACLI', ['q']),
          async () => expect((await server.getUser('AKIACLI'))!.policies).to.deep.equal(['q']),
        ],
        [
          'putPolicy',
          () => cli.putPolicy('q', '{"from":"cli"}'),
          async () => expect((await server.getPolicy('q'))!.document).to.equal('{"from":"cli"}'),
        ],
        ['removePolicy', () => cli.removePolicy('q'), async () => expect(await server.getPolicy('q')).to.equal(undefined)],
        ['removeUser', () => cli.removeUser('AKIACLI'), async () => expect(await server.getUser('AKIACLI')).to.equal(undefined)],
      ];
      for (const [name, write, check] of steps) {
        const before = await server.changeVersion();
        await write();
        expect(await server.changeVersion(), name).to.not.equal(before);
        await check();
      }
      // Sessions the server issues are visible to the CLI, and a CLI revocation reaches the server.
      const issued = await server.issueTemporary({ parent: 'p', policies: [], tags: {}, expiresAt: new Date(Date.now() + HOUR), subject: 'agent' });
      expect((await cli.getSession(issued.accessKeyId))!.secretKey).to.equal(issued.secretAccessKey);
      const before = await server.changeVersion();
      expect(await cli.revokeSessions({ subject: 'agent' })).to.equal(1);
      expect(await server.changeVersion()).to.not.equal(before);
      expect(await server.getSession(issued.accessKeyId)).to.equal(undefined);
      // Both connections agree on the version, so it can be logged and compared across processes.
      expect(await cli.changeVersion()).to.equal(await server.changeVersion());
    });

    it('sees a write made by another process', async function () {
      const server = await open();
      const before = await server.changeVersion();
      const script = `
        const { SqliteCredentialStore } = await import(process.argv[1]);
        const store = await SqliteCredentialStore.open({ dataDir: process.argv[2], env: {} });
        await store.putUser({ accessKey: 'AKIAOTHERPROCESS', secretKey: 'other-secret', policies: ['x'] });
        await store.close();
      `;
      await run(process.execPath, ['--input-type=module', '-e', script, INDEX_URL, dir.dataDir]);
      expect(await server.changeVersion()).to.not.equal(before);
      const user = await server.getUser('AKIAOTHERPROCESS');
      expect(user!.secretKey).to.equal('other-secret');
      expect(user!.policies).to.deep.equal(['x']);
    });

    it('lets another process and this one write at the same time', async function () {
      const server = await open();
      const script = `
        const { SqliteCredentialStore } = await import(process.argv[1]);
        const store = await SqliteCredentialStore.open({ dataDir: process.argv[2], env: {} });
        for (let i = 0; i < 100; i++) await store.putPolicy('child-' + i, '{}');
        await store.close();
      `;
      let childDone = false;
      const child = run(process.execPath, ['--input-type=module', '-e', script, INDEX_URL, dir.dataDir]).finally(() => {
        childDone = true;
      });
      // Keep writing until the child has finished, so the two writers overlap whatever the timing.
      let issued = 0;
      while (!childDone || issued < 100) {
        await server.issueTemporary({ parent: `p${issued}`, policies: [], tags: {}, expiresAt: new Date(Date.now() + HOUR) });
        issued += 1;
        // Yield so the child's exit is noticed; the child itself runs in parallel regardless.
        await new Promise((resolve) => setImmediate(resolve));
      }
      await child;
      expect(await server.listPolicies()).to.have.length(100);
      expect(await server.listSessions()).to.have.length(issued);
    });
  });

  describe('changeVersion', function () {
    it('does not move for writes that change nothing', async function () {
      const store = await open();
      await store.issueTemporary({ parent: 'p', policies: [], tags: {}, expiresAt: new Date(Date.now() + HOUR) });
      const version = await store.changeVersion();
      expect(await store.removeUser('AKIAABSENT')).to.equal(false);
      expect(await store.setUserPolicies('AKIAABSENT', [])).to.equal(false);
      expect(await store.removePolicy('absent')).to.equal(false);
      expect(await store.revokeSessions({ certSerial: 'absent' })).to.equal(0);
      expect(await store.purgeExpired(new Date(0))).to.equal(0);
      expect(await store.changeVersion()).to.equal(version);
    });

    it('survives a reopen unchanged, so a restarted reader is not confused', async function () {
      const store = await open();
      await store.putPolicy('p', '{}');
      const version = await store.changeVersion();
      await store.close();
      const again = await open();
      expect(await again.changeVersion()).to.equal(version);
    });
  });
});
