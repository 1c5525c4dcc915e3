import { expect } from 'chai';
import { runCli, tempDataDir, writeJson, type CliRun } from './policy-support/policy-server.js';

/** `keyless user ...` and `keyless policy put|list|get|remove` run in-process on a temp data directory. */

const allowGet = { Version: '2012-10-17', Statement: [{ Sid: 'Read', Effect: 'Allow', Action: 's3:GetObject', Resource: 'arn:aws:s3:::b/*' }] };

/** Exit 2 with exactly one line on stderr that includes every `words`, nothing on stdout. */
function usageError(r: CliRun, ...words: string[]): void {
  expect(r.code, JSON.stringify(r)).to.equal(2);
  expect(r.out).to.deep.equal([]);
  expect(r.err).to.have.length(1);
  expect(r.err[0]).to.not.include('\n');
  for (const w of words) expect(r.err[0]).to.include(w);
}

describe('CLI: keyless user and keyless policy', function () {
  let tmp: ReturnType<typeof tempDataDir>;
  const cli = (...argv: string[]) => runCli([...argv, '--data', tmp.dir], tmp.env);
  const file = (name: string, content: unknown) => writeJson(tmp.dir, name, content);

  beforeEach(() => {
    tmp = tempDataDir();
  });
  afterEach(() => tmp.remove());

  describe('user', function () {
    it('add, list, set-policy and remove a user', async () => {
      expect(await cli('user', 'add', 'ALICEKEY', 'alice-secret-1', '--policy', 'readonly')).to.deep.equal({ code: 0, out: ['user ALICEKEY added'], err: [] });
      expect((await cli('user', 'add', 'BOBKEY', 'bob-secret-12')).code).to.equal(0);
      expect((await cli('user', 'list')).out).to.have.members(['ALICEKEY\treadonly', 'BOBKEY\t-']);
      expect(await cli('policy', 'put', 'custom', file('custom.json', allowGet))).to.include({ code: 0 });
      const set = await cli('user', 'set-policy', 'BOBKEY', 'readwrite,custom');
      expect(set.code, set.err.join()).to.equal(0);
      expect((await cli('user', 'list')).out).to.include('BOBKEY\treadwrite,custom');
      expect((await cli('user', 'set-policy', 'BOBKEY', '--policy', 'writeonly')).code).to.equal(0);
      expect((await cli('user', 'list')).out).to.include('BOBKEY\twriteonly');
      // add again replaces the user (and says so)
      expect((await cli('user', 'add', 'ALICEKEY', 'alice-secret-2', '--policy', 'readwrite')).out).to.deep.equal(['user ALICEKEY updated']);
      expect((await cli('user', 'list')).out).to.include('ALICEKEY\treadwrite');
      expect(await cli('user', 'remove', 'ALICEKEY')).to.deep.equal({ code: 0, out: ['user ALICEKEY removed'], err: [] });
      expect((await cli('user', 'list')).out).to.deep.equal(['BOBKEY\twriteonly']);
    });

    it('refuses an unknown policy with exit 2 and one line, and stores nothing', async () => {
      usageError(await cli('user', 'add', 'CAROLKEY', 'carol-secret', '--policy', 'readonly,nosuch'), 'no such policy "nosuch"');
      expect((await cli('user', 'list')).out).to.deep.equal([]);
      expect((await cli('user', 'add', 'CAROLKEY', 'carol-secret')).code).to.equal(0);
      usageError(await cli('user', 'set-policy', 'CAROLKEY', 'nosuch'), 'nosuch');
      expect((await cli('user', 'list')).out).to.deep.equal(['CAROLKEY\t-']);
    });

    it('refuses bad access keys and secrets with exit 2', async () => {
      usageError(await cli('user', 'add', 'has space', 'good-secret'), 'ACCESS_KEY');
      usageError(await cli('user', 'add', 'ab', 'good-secret'), 'ACCESS_KEY');
      usageError(await cli('user', 'add', 'ASIAFAKEKEY', 'good-secret'), 'ASIA');
      usageError(await cli('user', 'add', 'GOODKEY', 'short'), 'SECRET_KEY');
      usageError(await cli('user', 'add', 'ONLYKEY'), 'usage');
      expect((await cli('user', 'list')).out).to.deep.equal([]);
    });

    it('refuses unknown users, unknown flags and subcommands with exit 2', async () => {
      usageError(await cli('user', 'remove', 'NOBODY'), 'no such user "NOBODY"');
      usageError(await cli('user', 'set-policy', 'NOBODY', 'readonly'), 'no such user');
      usageError(await cli('user', 'frobnicate'), 'usage');
      usageError(await cli('user', 'list', '--bogus'));
    });

    it('never lists or removes root', async () => {
      const env = { ...tmp.env, KEYLESS_ROOT_ACCESS_KEY: 'ROOTKEYX', KEYLESS_ROOT_SECRET_KEY: 'root-secret-123' };
      // A root row exists once a server has generated root credentials; emulate with the store.
      const { withCredentials } = await import('../src/cli/open-credentials.js');
      await withCredentials(tmp.dir, env, (s) => s.putUser({ accessKey: 'STOREDROOT', secretKey: 'stored-root-secret', policies: [], isRoot: true }));
      expect((await cli('user', 'list')).out).to.deep.equal([]);
      usageError(await cli('user', 'remove', 'STOREDROOT'), 'no such user');
      usageError(await cli('user', 'add', 'STOREDROOT', 'another-secret'), 'root');
    });
  });

  describe('policy', function () {
    it('put, list, get and remove a policy', async () => {
      const text = JSON.stringify(allowGet, null, 2);
      expect(await cli('policy', 'put', 'reader', file('reader.json', text))).to.deep.equal({ code: 0, out: ['policy reader stored'], err: [] });
      const listed = (await cli('policy', 'list')).out;
      expect(listed.slice(0, 3)).to.deep.equal(['readwrite\tbuilt-in', 'readonly\tbuilt-in', 'writeonly\tbuilt-in']);
      expect(listed).to.have.length(4);
      expect(listed[3]).to.match(/^reader\t\d{4}-\d\d-\d\dT/);
      expect((await cli('policy', 'get', 'reader')).out).to.deep.equal([text]);
      expect(JSON.parse((await cli('policy', 'get', 'writeonly')).out.join('\n')).Statement[0].Action).to.deep.equal(['s3:PutObject']);
      expect(JSON.parse((await cli('policy', 'get', 'readwrite')).out.join('\n')).Statement[0].Action).to.deep.equal(['s3:*']);
      // put again replaces
      expect((await cli('policy', 'put', 'reader', file('reader2.json', { ...allowGet, Id: 'v2' }))).code).to.equal(0);
      expect(JSON.parse((await cli('policy', 'get', 'reader')).out[0]).Id).to.equal('v2');
      expect(await cli('policy', 'remove', 'reader')).to.deep.equal({ code: 0, out: ['policy reader removed'], err: [] });
      expect((await cli('policy', 'list')).out).to.have.length(3);
      usageError(await cli('policy', 'get', 'reader'), 'no such policy "reader"');
      usageError(await cli('policy', 'remove', 'reader'), 'no such policy');
    });

    it('refuses invalid policy files with exit 2 and a reason naming the element', async () => {
      const st = allowGet.Statement[0];
      const cases: [string, unknown, string][] = [
        ['unknown top element', { ...allowGet, Foo: 1 }, 'Foo: unknown element'],
        ['unknown statement element', { Version: '2012-10-17', Statement: [{ ...st, Conditions: {} }] }, 'Statement[0].Conditions: unknown element'],
        ['bad effect', { Version: '2012-10-17', Statement: [{ ...st, Effect: 'Permit' }] }, 'Statement[0].Effect'],
        ['bad operator', { Version: '2012-10-17', Statement: [{ ...st, Condition: { StringEqualz: { 'aws:username': 'x' } } }] }, 'StringEqualz'],
        ['principal in an identity policy', { Version: '2012-10-17', Statement: [{ ...st, Principal: '*' }] }, 'Statement[0].Principal'],
        ['bad version', { ...allowGet, Version: '2020-01-01' }, 'Version'],
        ['bad action', { Version: '2012-10-17', Statement: [{ ...st, Action: 'GetObject' }] }, 'Action'],
        ['not JSON', '{"Version":', 'not valid JSON'],
        ['over 20 KiB', { Version: '2012-10-17', Statement: Array.from({ length: 200 }, (_, i) => ({ ...st, Sid: `S${i}`, Resource: `arn:aws:s3:::b/${'p'.repeat(100)}${i}` })) }, 'exceeds the limit'],
      ];
      for (const [what, content, reason] of cases) {
        const path = file(`${what.replace(/ /g, '-')}.json`, content);
        const r = await cli('policy', 'put', 'bad', path);
        usageError(r, reason);
        expect(r.err[0], what).to.include(path);
      }
      usageError(await cli('policy', 'put', 'bad', `${tmp.dir}/missing.json`), 'cannot read policy file');
      expect((await cli('policy', 'list')).out).to.have.length(3);
    });

    it('refuses built-in names, bad names, missing arguments and unknown subcommands', async () => {
      const path = file('ok.json', allowGet);
      for (const name of ['readwrite', 'readonly', 'writeonly']) {
        usageError(await cli('policy', 'put', name, path), 'built-in');
        usageError(await cli('policy', 'remove', name), 'built-in');
      }
      usageError(await cli('policy', 'put', 'bad name', path), 'NAME');
      usageError(await cli('policy', 'put', 'x'.repeat(129), path), 'NAME');
      usageError(await cli('policy', 'put', 'only-name'), 'usage');
      usageError(await cli('policy', 'frobnicate'), 'usage');
    });

    it('a policy attached to a user is not removed (as IAM DeleteConflict) until it is detached', async () => {
      expect((await cli('policy', 'put', 'temp', file('temp.json', allowGet))).code).to.equal(0);
      expect((await cli('user', 'add', 'DAVEKEY', 'dave-secret', '--policy', 'temp')).code).to.equal(0);
      usageError(await cli('policy', 'remove', 'temp'), 'attached to DAVEKEY');
      expect((await cli('policy', 'get', 'temp')).code).to.equal(0);
      expect((await cli('user', 'set-policy', 'DAVEKEY', '')).code).to.equal(0);
      expect((await cli('policy', 'remove', 'temp')).code).to.equal(0);
      usageError(await cli('user', 'set-policy', 'DAVEKEY', 'temp'), 'no such policy "temp"');
    });
  });
});
