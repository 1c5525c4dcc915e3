import { HeadObjectCommand, PutObjectCommand, GetObjectCommand, S3Client, S3ServiceException } from '@aws-sdk/client-s3';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import { expect } from 'chai';
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import https from 'node:https';
import { createWriteStream, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { run, type RunResult } from './lib/run.js';

/** Project root: this file compiles to `e2e/dist/sts-clients.test.js`. */
const PROJECT_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const KEYLESS_BIN = join(PROJECT_ROOT, 'packages/server/bin/keyless.js');
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A `keyless serve` child whose CLI commands (`policy put`, `session revoke`) share its data directory. */
interface StsE2eServer {
  url: string;
  port: number;
  dataDir: string;
  caPath: string;
  accessKey: string;
  secretKey: string;
  logTail(lines?: number): string;
  /** Runs `node keyless.js ARGS --data DATA` with the server's environment (same master key). */
  keyless(args: string[]): Promise<RunResult>;
  stop(): Promise<void>;
}

function freePort(): Promise<number> {
  return new Promise((ok, fail) => {
    const srv = createServer();
    srv.once('error', fail);
    srv.listen(0, '127.0.0.1', () => {
      const port = (srv.address() as { port: number }).port;
      srv.close(() => ok(port));
    });
  });
}

/** GET /health/live verified against `ca`; 0 on any connection error. */
function liveStatus(port: number, ca: Buffer): Promise<number> {
  return new Promise((ok) => {
    const req = https.get(`https://127.0.0.1:${port}/health/live`, { ca, timeout: 2000, agent: false }, (res) => {
      res.resume();
      res.on('end', () => ok(res.statusCode ?? 0));
    });
    req.on('timeout', () => req.destroy());
    req.on('error', () => ok(0));
  });
}

/**
 * Spawns `node packages/server/bin/keyless.js serve --address 127.0.0.1:PORT --data DIR EXTRA...`
 * with a master key of its own (CLI commands on the same data directory need it, which the shared
 * e2e launcher keeps private) and waits, at most 30 s, for `/health/live` over verified TLS.
 * `extraArgs(workDir)` gives more `serve` flags and may write the files they name.
 */
async function startStsServer(extraArgs: (workDir: string) => string[]): Promise<StsE2eServer> {
  const workDir = mkdtempSync(join(tmpdir(), 'keyless-sts-e2e-'));
  const dataDir = join(workDir, 'data');
  const logPath = join(workDir, 'server.log');
  const caPath = join(dataDir, 'certs', 'ca.pem');
  const accessKey = 'stsroot' + randomBytes(4).toString('hex');
  const secretKey = 'sts-secret-' + randomBytes(16).toString('hex');
  const env: NodeJS.ProcessEnv = { ...process.env, KEYLESS_ROOT_ACCESS_KEY: accessKey, KEYLESS_ROOT_SECRET_KEY: secretKey, KEYLESS_MASTER_KEY: randomBytes(32).toString('hex') };
  const log = createWriteStream(logPath);
  const tail = (lines: number) => {
    try {
      return readFileSync(logPath, 'utf8').split('\n').slice(-lines).join('\n');
    } catch {
      return '';
    }
  };
  const args = extraArgs(workDir);
  let child: ChildProcess | undefined;
  let port = 0;
  for (let attempt = 0; attempt < 3 && !child; attempt++) {
    port = await freePort();
    let exited = false;
    const c = spawn(process.execPath, [KEYLESS_BIN, 'serve', '--address', `127.0.0.1:${port}`, '--data', dataDir, ...args], { cwd: PROJECT_ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
    c.stdout?.pipe(log, { end: false });
    c.stderr?.pipe(log, { end: false });
    c.on('exit', () => (exited = true));
    const deadline = Date.now() + 30_000;
    while (Date.now() < deadline && !exited) {
      let ca: Buffer | undefined;
      try {
        ca = readFileSync(caPath);
      } catch {
        ca = undefined;
      }
      if (ca && (await liveStatus(port, ca)) === 200) {
        child = c;
        break;
      }
      await sleep(100);
    }
    if (!child && !exited) {
      c.kill('SIGKILL');
      throw new Error(`keyless serve did not become live within 30 s; log:\n${tail(30)}`);
    }
    if (!child && !/already in use/.test(tail(5))) throw new Error(`keyless serve exited; log:\n${tail(30)}`);
  }
  if (!child) throw new Error(`keyless serve could not bind a port; log:\n${tail(30)}`);
  const proc = child;
  return {
    url: `https://127.0.0.1:${port}`, port, dataDir, caPath, accessKey, secretKey,
    logTail: (lines = 30) => tail(lines),
    keyless: (cli) => run(process.execPath, [KEYLESS_BIN, ...cli, '--data', dataDir], { env, cwd: PROJECT_ROOT, timeoutMs: 30_000 }),
    async stop() {
      if (proc.exitCode === null && proc.signalCode === null) {
        const done = new Promise<void>((r) => proc.once('exit', () => r()));
        proc.kill('SIGTERM');
        if (await Promise.race([done.then(() => false), sleep(5000).then(() => true)])) {
          proc.kill('SIGKILL');
          await Promise.race([done, sleep(2000)]);
        }
      }
      log.end();
      if (!process.env['KEEP_E2E_DIR']) rmSync(workDir, { recursive: true, force: true });
    },
  };
}

/**
 * Environment for aws CLI / boto3 / curl children: root credentials and the dev CA. The
 * surrounding environment points AWS_CA_BUNDLE, SSL_CERT_FILE etc. at the system bundle, and no
 * config file or profile of this machine may leak in.
 */
function clientEnv(server: StsE2eServer, overrides: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  return {
    ...process.env,
    AWS_ACCESS_KEY_ID: server.accessKey, AWS_SECRET_ACCESS_KEY: server.secretKey, AWS_SESSION_TOKEN: undefined,
    AWS_DEFAULT_REGION: 'us-east-1', AWS_REGION: 'us-east-1',
    AWS_CA_BUNDLE: server.caPath, REQUESTS_CA_BUNDLE: server.caPath, CURL_CA_BUNDLE: server.caPath, SSL_CERT_FILE: server.caPath,
    AWS_CONFIG_FILE: '/dev/null', AWS_SHARED_CREDENTIALS_FILE: '/dev/null', AWS_PROFILE: undefined,
    AWS_EC2_METADATA_DISABLED: 'true', AWS_PAGER: '',
    ...overrides,
  };
}

/** Temporary credentials as the clients below receive them. */
interface TempCreds {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken: string;
  expiration: string;
}

const ARWC = 'Action=AssumeRoleWithCertificate&Version=2011-06-15';
const tag = (xml: string, name: string) => new RegExp(`<${name}>([^<]*)</${name}>`).exec(xml)?.[1];

/**
 * The certificate STS end to end: the real `keyless serve` (dev CA as client CA, `--sts-mapping`,
 * `--sts-max-duration`), certificates from `keyless cert issue`, the policy from `keyless policy
 * put`, and real clients: curl `--cert`, the aws CLI (exported credentials and `credential_process`),
 * boto3 and `@aws-sdk/client-s3`. Every client is given the dev CA explicitly.
 */
describe('e2e: certificate STS with real clients', function () {
  this.timeout(120_000);
  let server: StsE2eServer;
  let tmp: string;
  let app1: { cert: string; key: string };
  let app2: { cert: string; key: string };
  const bucket = 'apps';

  const aws = (args: string[], env: NodeJS.ProcessEnv = {}) =>
    run('aws', ['--endpoint-url', server.url, '--ca-bundle', server.caPath, ...args], { env: clientEnv(server, env), timeoutMs: 60_000 });
  const ok = (r: RunResult, what: string): RunResult => {
    expect(r.code, `${what}\nstdout: ${r.out}\nstderr: ${r.stderr}\nserver log:\n${server.logTail(10)}`).to.equal(0);
    return r;
  };
  const tempEnv = (c: TempCreds): NodeJS.ProcessEnv => ({ AWS_ACCESS_KEY_ID: c.accessKeyId, AWS_SECRET_ACCESS_KEY: c.secretAccessKey, AWS_SESSION_TOKEN: c.sessionToken });
  const curl = (args: string[]) => run('curl', ['-sS', '--max-time', '20', '--cacert', server.caPath, '-w', '\n%{http_code}', ...args], { env: clientEnv(server) });
  /** Splits curl's output into body and the status line `-w` appended. */
  const curlResult = (r: RunResult) => {
    const i = r.out.lastIndexOf('\n');
    return { body: r.out.slice(0, i), status: Number(r.out.slice(i + 1)) };
  };
  const credsFromXml = (xml: string): TempCreds => ({
    accessKeyId: tag(xml, 'AccessKeyId')!, secretAccessKey: tag(xml, 'SecretAccessKey')!, sessionToken: tag(xml, 'SessionToken')!, expiration: tag(xml, 'Expiration')!,
  });
  /** The `keyless credentials` line of a credential_process profile, absolute paths only. */
  const credentialProcess = (who: { cert: string; key: string }, extra = '') =>
    `${process.execPath} ${KEYLESS_BIN} credentials --endpoint ${server.url} --cert ${who.cert} --key ${who.key} --ca ${server.caPath}${extra}`;

  before(async () => {
    server = await startStsServer((workDir) => {
      const mapping = join(workDir, 'mapping.json');
      // One policy for every certificate with OU=apps; ${aws:PrincipalTag/x509Subject/CN} separates the apps.
      writeFileSync(mapping, JSON.stringify({ version: 1, fallbackToSubjectCN: false, rules: [{ match: { subjectOU: 'apps' }, policies: ['apps'] }] }));
      return ['--sts-mapping', mapping, '--sts-max-duration', '7200'];
    });
    tmp = mkdtempSync(join(tmpdir(), 'keyless-sts-e2e-clients-'));
    for (const cn of ['app1', 'app2']) {
      ok(await server.keyless(['cert', 'issue', '--cn', cn, '--ou', 'apps', '--out', join(tmp, cn)]), `cert issue ${cn}`);
    }
    app1 = { cert: join(tmp, 'app1', 'cert.pem'), key: join(tmp, 'app1', 'key.pem') };
    app2 = { cert: join(tmp, 'app2', 'cert.pem'), key: join(tmp, 'app2', 'key.pem') };
    const policy = join(tmp, 'apps-policy.json');
    writeFileSync(policy, JSON.stringify({
      Version: '2012-10-17',
      Statement: [
        { Effect: 'Allow', Action: ['s3:GetObject', 's3:PutObject'], Resource: ['arn:aws:s3:::apps/${aws:PrincipalTag/x509Subject/CN}/*'] },
      ],
    }));
    ok(await server.keyless(['policy', 'put', 'apps', policy]), 'policy put');
    ok(await aws(['s3', 'mb', `s3://${bucket}`]), 'mb');
    writeFileSync(join(tmp, 'seed.txt'), 'seed\n');
    for (const key of ['app1/seed.txt', 'app2/seed.txt']) ok(await aws(['s3', 'cp', join(tmp, 'seed.txt'), `s3://${bucket}/${key}`]), `seed ${key}`);
  });
  after(async () => {
    await server?.stop();
    if (tmp) rmSync(tmp, { recursive: true, force: true });
  });

  describe('curl --cert', function () {
    it('query form: POST /?Action=AssumeRoleWithCertificate&Version=2011-06-15', async () => {
      const r = curlResult(ok(await curl(['--cert', app1.cert, '--key', app1.key, '-X', 'POST', `${server.url}/?${ARWC}`]), 'curl'));
      expect(r.status, r.body).to.equal(200);
      expect(r.body).to.contain('<AssumeRoleWithCertificateResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">');
      expect(tag(r.body, 'AccessKeyId')).to.match(/^ASIA[A-Z0-9]{16}$/);
      expect(tag(r.body, 'Arn')).to.equal('arn:aws:sts::000000000000:assumed-role/x509/app1');
    });

    it('form-body form: -d Action=...&Version=... (and DurationSeconds)', async () => {
      const before = Date.now();
      const r = curlResult(ok(await curl(['--cert', app2.cert, '--key', app2.key, '-d', `${ARWC}&DurationSeconds=7200`, `${server.url}/`]), 'curl -d'));
      expect(r.status, r.body).to.equal(200);
      expect(tag(r.body, 'Arn')).to.equal('arn:aws:sts::000000000000:assumed-role/x509/app2');
      expect(new Date(tag(r.body, 'Expiration')!).getTime()).to.be.within(before + 7200_000 - 2000, Date.now() + 7200_000 + 1000);
      const tooLong = curlResult(ok(await curl(['--cert', app2.cert, '--key', app2.key, '-d', `${ARWC}&DurationSeconds=7201`, `${server.url}/`]), 'curl -d'));
      expect(tooLong.status).to.equal(400);
      expect(tag(tooLong.body, 'Code')).to.equal('InvalidParameterValue');
    });

    it('without --cert: 403 MissingAuthenticationToken (S3 clients without certificates still connect)', async () => {
      const r = curlResult(ok(await curl(['-X', 'POST', `${server.url}/?${ARWC}`]), 'curl without cert'));
      expect(r.status).to.equal(403);
      expect(tag(r.body, 'Code')).to.equal('MissingAuthenticationToken');
    });

    it('plain http:// to the listener gets no HTTP response', async () => {
      const r = await curl(['-X', 'POST', `http://127.0.0.1:${server.port}/?${ARWC}`]);
      expect(r.code, r.out).to.not.equal(0);
      expect(r.out).not.to.contain('AccessKeyId');
    });
  });

  describe('aws CLI', function () {
    it('with exported AWS_ACCESS_KEY_ID/SECRET/SESSION_TOKEN: cp inside the policy works, outside AccessDenied', async () => {
      const r = curlResult(ok(await curl(['--cert', app1.cert, '--key', app1.key, '-X', 'POST', `${server.url}/?${ARWC}`]), 'curl'));
      const env = tempEnv(credsFromXml(r.body));
      writeFileSync(join(tmp, 'up.txt'), 'uploaded by app1\n');
      ok(await aws(['s3', 'cp', join(tmp, 'up.txt'), `s3://${bucket}/app1/up.txt`], env), 'cp inside');
      const down = ok(await aws(['s3', 'cp', `s3://${bucket}/app1/up.txt`, '-'], env), 'cp down');
      expect(down.out).to.equal('uploaded by app1\n');
      const denied = await aws(['s3', 'cp', join(tmp, 'up.txt'), `s3://${bucket}/app2/up.txt`], env);
      expect(denied.code).to.not.equal(0);
      expect(denied.stderr).to.contain('AccessDenied');
      const deniedRead = await aws(['s3', 'cp', `s3://${bucket}/app2/seed.txt`, '-'], env);
      expect(deniedRead.code).to.not.equal(0);
      expect(deniedRead.stderr).to.match(/403|Forbidden|AccessDenied/);
    });

    it('with a credential_process profile: s3 cp and sts get-caller-identity', async () => {
      const config = join(tmp, 'aws-config');
      writeFileSync(config, `[profile certapp]\nregion = us-east-1\ncredential_process = ${credentialProcess(app1)}\n`);
      const env: NodeJS.ProcessEnv = { AWS_CONFIG_FILE: config, AWS_PROFILE: 'certapp', AWS_ACCESS_KEY_ID: undefined, AWS_SECRET_ACCESS_KEY: undefined };
      writeFileSync(join(tmp, 'cp.txt'), 'credential_process\n');
      ok(await aws(['s3', 'cp', join(tmp, 'cp.txt'), `s3://${bucket}/app1/cp.txt`], env), 'cp with credential_process');
      const denied = await aws(['s3', 'cp', join(tmp, 'cp.txt'), `s3://${bucket}/app2/cp.txt`], env);
      expect(denied.code).to.not.equal(0);
      expect(denied.stderr).to.contain('AccessDenied');
      const who = JSON.parse(ok(await aws(['sts', 'get-caller-identity', '--output', 'json'], env), 'get-caller-identity').out) as Record<string, string>;
      expect(who['Arn']).to.equal('arn:aws:sts::000000000000:assumed-role/x509/app1');
      expect(who['Account']).to.equal('000000000000');
    });

    it('aws sts assume-role with root credentials, then get-caller-identity and S3 with the session', async () => {
      const rootWho = JSON.parse(ok(await aws(['sts', 'get-caller-identity', '--output', 'json']), 'root identity').out) as Record<string, string>;
      expect(rootWho['Arn']).to.equal('arn:aws:iam::000000000000:root');
      const assumed = JSON.parse(ok(await aws(['sts', 'assume-role', '--role-arn', 'arn:aws:iam::000000000000:role/x', '--role-session-name', 'e2e-s', '--output', 'json']), 'assume-role').out) as Record<string, any>;
      expect(assumed['AssumedRoleUser']['Arn']).to.equal(`arn:aws:sts::000000000000:assumed-role/${server.accessKey}/e2e-s`);
      const c = assumed['Credentials'] as { AccessKeyId: string; SecretAccessKey: string; SessionToken: string; Expiration: string };
      const env = tempEnv({ accessKeyId: c.AccessKeyId, secretAccessKey: c.SecretAccessKey, sessionToken: c.SessionToken, expiration: c.Expiration });
      const who = JSON.parse(ok(await aws(['sts', 'get-caller-identity', '--output', 'json'], env), 'session identity').out) as Record<string, string>;
      expect(who['Arn']).to.equal(`arn:aws:sts::000000000000:assumed-role/${server.accessKey}/e2e-s`);
      const ls = ok(await aws(['s3', 'ls', `s3://${bucket}/app2/`], env), 'ls with the root session');
      expect(ls.out).to.contain('seed.txt');
    });
  });

  it('boto3 with the credential_process profile: allowed inside the policy, AccessDenied outside', async () => {
    const config = join(tmp, 'boto3-config');
    writeFileSync(config, `[profile certapp2]\nregion = us-east-1\ncredential_process = ${credentialProcess(app2)}\n`);
    const r = ok(await run('python3', [join(PROJECT_ROOT, 'e2e/py/sts_credential_process.py'), 'certapp2', server.url, server.caPath, bucket, 'app2/boto3.txt', 'app1/boto3.txt'], {
      env: clientEnv(server, { AWS_CONFIG_FILE: config, AWS_ACCESS_KEY_ID: undefined, AWS_SECRET_ACCESS_KEY: undefined }),
      timeoutMs: 60_000,
    }), 'boto3');
    const out = JSON.parse(r.out.trim().split('\n').pop()!) as Record<string, unknown>;
    expect(out['access_key']).to.match(/^ASIA/);
    expect(out['has_token']).to.equal(true);
    expect(out['arn']).to.equal('arn:aws:sts::000000000000:assumed-role/x509/app2');
    expect(out['allowed_body']).to.equal('from boto3');
    expect(out['denied_code']).to.equal('AccessDenied');
  });

  it('@aws-sdk/client-s3 with the credentials: allowed inside the policy, AccessDenied outside', async () => {
    const r = ok(await run(process.execPath, [KEYLESS_BIN, 'credentials', '--endpoint', server.url, '--cert', app1.cert, '--key', app1.key, '--ca', server.caPath, '--duration', '900'], { env: clientEnv(server) }), 'keyless credentials');
    const doc = JSON.parse(r.out) as { Version: number; AccessKeyId: string; SecretAccessKey: string; SessionToken: string; Expiration: string };
    expect(doc.Version).to.equal(1);
    const s3 = new S3Client({
      endpoint: server.url, region: 'us-east-1', forcePathStyle: true, maxAttempts: 1,
      credentials: { accessKeyId: doc.AccessKeyId, secretAccessKey: doc.SecretAccessKey, sessionToken: doc.SessionToken, expiration: new Date(doc.Expiration) },
      requestHandler: new NodeHttpHandler({ httpsAgent: new https.Agent({ ca: readFileSync(server.caPath) }) }),
    });
    try {
      await s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'app1/sdk.txt', Body: 'from the sdk' }));
      const got = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: 'app1/sdk.txt' }));
      expect(await got.Body!.transformToString()).to.equal('from the sdk');
      let err: unknown;
      try {
        await s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'app2/sdk.txt', Body: 'nope' }));
      } catch (e) {
        err = e;
      }
      expect(err).to.be.instanceOf(S3ServiceException);
      expect((err as S3ServiceException).name).to.equal('AccessDenied');
      expect((err as S3ServiceException).$metadata.httpStatusCode).to.equal(403);
      let headErr: unknown;
      try {
        await s3.send(new HeadObjectCommand({ Bucket: bucket, Key: 'app2/seed.txt' }));
      } catch (e) {
        headErr = e;
      }
      expect((headErr as S3ServiceException).$metadata.httpStatusCode).to.equal(403);
    } finally {
      s3.destroy();
    }
  });

  it('keyless session list / revoke: a revoked live session is refused on its next request', async () => {
    const r = ok(await run(process.execPath, [KEYLESS_BIN, 'credentials', '--endpoint', server.url, '--cert', app2.cert, '--key', app2.key, '--ca', server.caPath], { env: clientEnv(server) }), 'keyless credentials');
    const doc = JSON.parse(r.out) as { AccessKeyId: string; SecretAccessKey: string; SessionToken: string; Expiration: string };
    const env = tempEnv({ accessKeyId: doc.AccessKeyId, secretAccessKey: doc.SecretAccessKey, sessionToken: doc.SessionToken, expiration: doc.Expiration });
    expect(ok(await aws(['s3', 'cp', `s3://${bucket}/app2/seed.txt`, '-'], env), 'read before revoke').out).to.equal('seed\n');
    const list = ok(await server.keyless(['session', 'list']), 'session list');
    const line = list.out.split('\n').find((l) => l.startsWith(doc.AccessKeyId + '\t'));
    expect(line, list.out).to.be.a('string');
    expect(line!.split('\t').slice(1, 3)).to.deep.equal(['app2', 'apps']);
    expect(line!.split('\t')[4]).to.equal('live');
    expect(ok(await server.keyless(['session', 'revoke', '--access-key', doc.AccessKeyId]), 'revoke').out.trim()).to.equal('revoked 1 session');
    const after = await aws(['s3', 'cp', `s3://${bucket}/app2/seed.txt`, '-'], env);
    expect(after.code).to.not.equal(0);
    expect(after.stderr).to.match(/403|Forbidden|InvalidAccessKeyId/);
    const put = await aws(['s3', 'cp', join(tmp, 'seed.txt'), `s3://${bucket}/app2/after-revoke.txt`], env);
    expect(put.stderr).to.contain('InvalidAccessKeyId');
  });
});
