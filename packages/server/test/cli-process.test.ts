import { expect } from 'chai';
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { tempDataDir, writeJson } from './policy-support/policy-server.js';

/** The real `keyless` executable: exit codes and streams as a shell sees them. */

const BIN = fileURLToPath(new URL('../../bin/keyless.js', import.meta.url));

interface ProcessRun {
  code: number;
  stdout: string;
  stderr: string;
}

function keyless(args: string[], env: NodeJS.ProcessEnv): Promise<ProcessRun> {
  return new Promise((resolve) => {
    execFile(process.execPath, [BIN, ...args], { env: { PATH: process.env.PATH, ...env }, timeout: 20_000 }, (err, stdout, stderr) => {
      const code = err ? (typeof err.code === 'number' ? err.code : -1) : 0;
      resolve({ code, stdout, stderr });
    });
  });
}

describe('CLI: the keyless executable', function () {
  let tmp: ReturnType<typeof tempDataDir>;
  before(() => {
    tmp = tempDataDir('keyless-process-test-');
  });
  after(() => tmp.remove());

  it('policy simulate exits 0 for Allow and for Deny, 2 for invalid input', async () => {
    const p = writeJson(tmp.dir, 'p.json', { Version: '2012-10-17', Statement: [{ Sid: 'Read', Effect: 'Allow', Action: 's3:GetObject', Resource: 'arn:aws:s3:::b/*' }] });
    const allow = await keyless(['policy', 'simulate', '--policy', p, '--action', 's3:GetObject', '--resource', 'arn:aws:s3:::b/k'], tmp.env);
    expect(allow).to.deep.equal({ code: 0, stdout: `Allow\nallowed: ${p} statement "Read"\n`, stderr: '' });
    const deny = await keyless(['policy', 'simulate', '--policy', p, '--action', 's3:PutObject', '--resource', 'arn:aws:s3:::b/k'], tmp.env);
    expect(deny).to.deep.equal({ code: 0, stdout: 'Deny\nno statement allows\n', stderr: '' });
    const bad = await keyless(['policy', 'simulate', '--policy', p, '--action', 'nonsense', '--resource', 'arn:aws:s3:::b/k'], tmp.env);
    expect(bad.code).to.equal(2);
    expect(bad.stdout).to.equal('');
    expect(bad.stderr.trimEnd().split('\n')).to.have.length(1);
    expect(bad.stderr).to.include('--action');
  });

  it('user add with an unknown policy and policy put with an invalid file exit 2 with one line', async () => {
    const user = await keyless(['user', 'add', 'PROCKEY', 'proc-secret-1', '--policy', 'nosuch', '--data', tmp.dir], tmp.env);
    expect(user.code).to.equal(2);
    expect(user.stdout).to.equal('');
    expect(user.stderr.trimEnd().split('\n')).to.have.length(1);
    expect(user.stderr).to.include('no such policy "nosuch"');
    const bad = writeJson(tmp.dir, 'bad.json', { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 's3:GetObject', Resource: '*', Bogus: 1 }] });
    const policy = await keyless(['policy', 'put', 'p', bad, '--data', tmp.dir], tmp.env);
    expect(policy.code).to.equal(2);
    expect(policy.stderr.trimEnd().split('\n')).to.have.length(1);
    expect(policy.stderr).to.include('Statement[0].Bogus: unknown element');
    const ok = await keyless(['user', 'add', 'PROCKEY', 'proc-secret-1', '--policy', 'readonly', '--data', tmp.dir], tmp.env);
    expect(ok).to.deep.equal({ code: 0, stdout: 'user PROCKEY added\n', stderr: '' });
    const list = await keyless(['user', 'list', '--data', tmp.dir], tmp.env);
    expect(list).to.deep.equal({ code: 0, stdout: 'PROCKEY\treadonly\n', stderr: '' });
  });
});
