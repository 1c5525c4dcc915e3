import { expect } from 'chai';
import { spawn, type ChildProcess } from 'node:child_process';
import { createHmac, randomBytes } from 'node:crypto';
import { closeSync, existsSync, mkdtempSync, openSync, readFileSync, rmSync, statSync } from 'node:fs';
import { request as httpsRequest } from 'node:https';
import { createServer as createNetServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { connect as tlsConnect, createServer as createTlsServer, type ConnectionOptions, type TLSSocket } from 'node:tls';
import { fileURLToPath } from 'node:url';
import { SignatureV4 } from '@smithy/signature-v4';
import { startServer, type RunningServer } from '../src/start-server.js';
import { SERVE_DEFAULTS } from '../src/serve-options.js';
import { main } from '../src/cli/main.js';
import { parseXml, S3TestClient, Sha256, type S3RequestSpec, type TestResponse } from './support/s3-client.js';

/**
 * Secrets and exposure (issue 6). A realistic session — root requests, a user added with the CLI,
 * a client certificate from `keyless cert issue` exchanged at the STS, session requests, presigned
 * URLs, and wrong secrets, tokens and signatures — is run against the server in-process (logger
 * captured) and against the real `keyless serve` process (stdout and stderr captured to a file).
 * No secret, session token, signature, master key or private key may appear in any log line, CLI
 * output or error response. Also: data directory 0700, master key file 0600, no plaintext secret
 * in the credentials database, TLS 1.2+ with AEAD ciphers only.
 */

const ROOT_DIR = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', '..');
const BIN = join(ROOT_DIR, 'packages', 'server', 'bin', 'keyless.js');
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Where the scenario runs and how it reaches the CLI. */
interface Target {
  port: number;
  ca: string;
  dataDir: string;
  root: { accessKeyId: string; secretAccessKey: string };
  cli(args: string[]): Promise<{ code: number; out: string }>;
}

/** What the scenario saw: the secrets it used, every signature it sent, every error response. */
interface Exposure {
  secrets: Record<string, string>;
  signatures: Set<string>;
  errors: { what: string; text: string }[];
  cliOutput: string[];
}

interface Creds {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
}

/** Runs the realistic session; asserts each step's outcome so a silently failing step cannot hide a leak. */
async function scenario(t: Target, workDir: string): Promise<Exposure> {
  const client = new S3TestClient({ port: t.port, ca: t.ca, ...t.root });
  const ex: Exposure = { secrets: { rootSecret: t.root.secretAccessKey }, signatures: new Set(), errors: [], cliOutput: [] };
  const noteError = (what: string, r: TestResponse) => ex.errors.push({ what, text: `${JSON.stringify(r.headers)}\n${r.text}` });

  /** Signs with smithy (recording the signature) and sends. */
  async function send(spec: S3RequestSpec, expectStatus: number, what: string): Promise<TestResponse> {
    const path = S3TestClient.pathOf(spec);
    const body = spec.body === undefined ? undefined : Buffer.from(spec.body);
    const headers: Record<string, string> = { host: client.hostHeader(), ...(spec.headers ?? {}) };
    if (body !== undefined) headers['content-length'] = String(body.length);
    const signed = await client.signer(spec.credentials).sign({ method: spec.method, protocol: 'https:', hostname: '127.0.0.1', port: t.port, path, query: spec.query ?? {}, headers, body });
    const sig = /Signature=([0-9a-f]{64})/.exec(String(signed.headers['authorization']))![1]!;
    ex.signatures.add(sig);
    const r = await client.raw({ method: spec.method, path: path + S3TestClient.queryString(spec.query), headers: signed.headers, body });
    expect(r.status, `${what}: ${r.text}`).to.equal(expectStatus);
    if (r.status >= 400) noteError(what, r);
    return r;
  }

  /** A presigned GET; `tamper` flips the signature's last digit. */
  async function presigned(creds: Creds, key: string, expectStatus: number, what: string, tamper = false): Promise<TestResponse> {
    let url = await client.presign({ method: 'GET', bucket: 'secrets', key, credentials: creds }, 300);
    const sig = /X-Amz-Signature=([0-9a-f]{64})/.exec(url)![1]!;
    ex.signatures.add(sig);
    if (tamper) {
      const bad = sig.slice(0, 63) + (sig.endsWith('0') ? '1' : '0');
      ex.signatures.add(bad);
      url = url.replace(sig, bad);
    }
    const r = await client.raw({ method: 'GET', path: url });
    expect(r.status, `${what}: ${r.text}`).to.equal(expectStatus);
    if (r.status >= 400) noteError(what, r);
    return r;
  }

  async function cli(args: string[]): Promise<string> {
    const r = await t.cli(args);
    expect(r.code, `keyless ${args.join(' ')}: ${r.out}`).to.equal(0);
    ex.cliOutput.push(r.out);
    return r.out;
  }

  /** An STS request over TLS (form body), optionally presenting a client certificate. */
  function sts(form: string, opts: { cert?: string; key?: string; headers?: Record<string, string> } = {}): Promise<TestResponse> {
    return new Promise((resolve, reject) => {
      const req = httpsRequest(
        {
          host: '127.0.0.1', port: t.port, method: 'POST', path: '/', ca: t.ca, agent: false, ...(opts.cert ? { cert: opts.cert, key: opts.key } : {}),
          headers: { 'content-type': 'application/x-www-form-urlencoded; charset=utf-8', 'content-length': String(Buffer.byteLength(form)), ...(opts.headers ?? {}) },
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => {
            const body = Buffer.concat(chunks);
            resolve({ status: res.statusCode ?? 0, headers: res.headers, body, text: body.toString('utf8') });
          });
        },
      );
      req.on('error', reject);
      req.end(form);
    });
  }
  async function signedSts(creds: Creds, form: string, expectStatus: number, what: string): Promise<TestResponse> {
    const signer = new SignatureV4({ credentials: creds, region: 'us-east-1', service: 'sts', sha256: Sha256 });
    const signed = await signer.sign({
      method: 'POST', protocol: 'https:', hostname: '127.0.0.1', port: t.port, path: '/', query: {},
      headers: { host: `127.0.0.1:${t.port}`, 'content-type': 'application/x-www-form-urlencoded; charset=utf-8' }, body: form,
    });
    ex.signatures.add(/Signature=([0-9a-f]{64})/.exec(String(signed.headers['authorization']))![1]!);
    const r = await sts(form, { headers: signed.headers as Record<string, string> });
    expect(r.status, `${what}: ${r.text}`).to.equal(expectStatus);
    if (r.status >= 400) noteError(what, r);
    return r;
  }

  const root = t.root;
  // Root: bucket, objects, listing.
  await send({ method: 'PUT', bucket: 'secrets' }, 200, 'CreateBucket');
  await send({ method: 'PUT', bucket: 'secrets', key: 'a.txt', body: 'alpha' }, 200, 'PutObject (root)');
  await send({ method: 'GET', bucket: 'secrets', key: 'a.txt' }, 200, 'GetObject (root)');
  await send({ method: 'GET', bucket: 'secrets', query: { 'list-type': '2' } }, 200, 'ListObjectsV2 (root)');
  await send({ method: 'GET', bucket: 'secrets', key: 'missing' }, 404, 'GetObject missing');

  // A static user added with the CLI.
  const user: Creds = { accessKeyId: 'secretsuser', secretAccessKey: `user-secret-${randomBytes(12).toString('hex')}` };
  ex.secrets['userSecret'] = user.secretAccessKey;
  await cli(['user', 'add', user.accessKeyId, user.secretAccessKey, '--policy', 'readwrite']);
  await send({ method: 'PUT', bucket: 'secrets', key: 'u.txt', body: 'user', credentials: user }, 200, 'PutObject (user)');
  await send({ method: 'GET', bucket: 'secrets', key: 'u.txt', credentials: user }, 200, 'GetObject (user)');

  // A client certificate from the dev CA, exchanged at the STS for session credentials.
  const certDir = join(workDir, 'cert');
  await cli(['cert', 'issue', '--cn', 'readwrite', '--out', certDir]);
  const certPem = readFileSync(join(certDir, 'cert.pem'), 'utf8');
  const keyPem = readFileSync(join(certDir, 'key.pem'), 'utf8');
  const issued = await sts('Action=AssumeRoleWithCertificate&Version=2011-06-15&DurationSeconds=900', { cert: certPem, key: keyPem });
  expect(issued.status, issued.text).to.equal(200);
  const c = parseXml(issued).AssumeRoleWithCertificateResponse.AssumeRoleWithCertificateResult.Credentials;
  const session: Creds = { accessKeyId: c.AccessKeyId, secretAccessKey: c.SecretAccessKey, sessionToken: c.SessionToken };
  ex.secrets['sessionSecret'] = session.secretAccessKey;
  ex.secrets['sessionToken'] = session.sessionToken!;
  // The certificate's private key must not come back either.
  ex.secrets['clientKeyBody'] = keyPem.split('\n').filter((l) => l && !l.startsWith('-----')).join('').slice(0, 48);

  // Session requests (x-amz-security-token header) and presigned URLs (token and signature in the query).
  await send({ method: 'PUT', bucket: 'secrets', key: 's.txt', body: 'session', credentials: session }, 200, 'PutObject (session)');
  await send({ method: 'GET', bucket: 'secrets', key: 's.txt', credentials: session }, 200, 'GetObject (session)');
  await presigned(root, 'a.txt', 200, 'presigned GET (root)');
  await presigned(session, 's.txt', 200, 'presigned GET (session)');
  await signedSts(session, 'Action=GetCallerIdentity&Version=2011-06-15', 200, 'GetCallerIdentity (session)');

  // Wrong secrets, tokens and signatures.
  await send({ method: 'GET', bucket: 'secrets', key: 'a.txt', credentials: { ...root, secretAccessKey: 'wrong-root-secret' } }, 403, 'root, wrong secret');
  await send({ method: 'GET', bucket: 'secrets', key: 'u.txt', credentials: { ...user, secretAccessKey: 'wrong-user-secret' } }, 403, 'user, wrong secret');
  await send({ method: 'GET', bucket: 'secrets', key: 's.txt', credentials: { ...session, secretAccessKey: 'wrong-session-secret' } }, 403, 'session, right token, wrong secret');
  await send({ method: 'GET', bucket: 'secrets', key: 's.txt', credentials: { ...session, sessionToken: session.sessionToken + 'x' } }, 400, 'session, wrong token');
  await send({ method: 'GET', bucket: 'secrets', key: 's.txt', credentials: { ...user, sessionToken: session.sessionToken } }, 400, 'long-term key with a session token');
  await send({ method: 'PUT', bucket: 'secrets', key: 'p.txt', body: 'x', headers: { 'x-amz-meta-note': 'n' }, credentials: { ...session, secretAccessKey: 'wrong' } }, 403, 'session PUT, wrong secret');
  await presigned(session, 's.txt', 403, 'presigned GET (session), tampered signature', true);
  await presigned(root, 'a.txt', 403, 'presigned GET (root), tampered signature', true);
  await presigned({ ...session, secretAccessKey: 'wrong' }, 's.txt', 403, 'presigned GET (session), wrong secret');
  await signedSts({ ...session, secretAccessKey: 'wrong' }, 'Action=GetCallerIdentity&Version=2011-06-15', 403, 'GetCallerIdentity, wrong secret');
  await signedSts({ ...session, sessionToken: 'not-the-token' }, 'Action=GetCallerIdentity&Version=2011-06-15', 403, 'GetCallerIdentity, wrong token');
  const noCert = await sts('Action=AssumeRoleWithCertificate&Version=2011-06-15');
  expect(noCert.status).to.equal(403);
  noteError('AssumeRoleWithCertificate without a certificate', noCert);

  // SigV2 with a session token header and a wrong signature: its StringToSign holds x-amz-* headers.
  const date = new Date().toUTCString();
  const v2sig = createHmac('sha1', 'wrong').update(`GET\n\n\n${date}\n/secrets/s.txt`).digest('base64');
  const v2 = await client.raw({ method: 'GET', path: '/secrets/s.txt', headers: { date, 'x-amz-security-token': session.sessionToken, authorization: `AWS ${session.accessKeyId}:${v2sig}` } });
  expect(v2.status, v2.text).to.equal(403);
  noteError('SigV2 with session token, wrong signature', v2);
  return ex;
}

/** Every needle found in `haystack`, by name. */
function leaks(haystack: string, needles: Record<string, string>): string[] {
  return Object.entries(needles).filter(([, v]) => v.length >= 8 && haystack.includes(v)).map(([k]) => k);
}

/** Asserts that logs, CLI output and error bodies hold none of the secrets, signatures or key material. */
function assertNoExposure(ex: Exposure, logText: string, extra: Record<string, string>): void {
  const needles: Record<string, string> = { ...ex.secrets, ...extra };
  // URL-encoded forms too (a token in a logged query string would be encoded).
  for (const [k, v] of Object.entries({ ...needles })) if (encodeURIComponent(v) !== v) needles[`${k} (url-encoded)`] = encodeURIComponent(v);
  ex.signatures.forEach((s) => (needles[`signature ${s.slice(0, 8)}`] = s));
  expect(ex.signatures.size).to.be.at.least(20);
  expect(logText.length, 'the log captured something').to.be.greaterThan(1000);
  expect(leaks(logText, needles), 'secrets in the server log').to.deep.equal([]);
  expect(logText).to.not.match(/PRIVATE KEY/);
  expect(logText).to.not.match(/X-Amz-Signature=[0-9a-f]{64}|X-Amz-Security-Token=[^&"R]/i);
  for (const out of ex.cliOutput) {
    expect(leaks(out, needles), `secrets in CLI output: ${out}`).to.deep.equal([]);
    expect(out).to.not.match(/PRIVATE KEY/);
  }
  expect(ex.errors.length).to.be.at.least(12);
  for (const { what, text } of ex.errors) {
    // SignatureDoesNotMatch echoes the signature the caller sent (as AWS does); every other value must be absent.
    const body = text.replace(/<SignatureProvided>[^<]*<\/SignatureProvided>/g, '');
    expect(leaks(body, needles), `secrets in the error response of "${what}":\n${text}`).to.deep.equal([]);
    expect(body, what).to.not.match(/PRIVATE KEY/);
  }
  // The SigV4 errors that carry a CanonicalRequest did come back (so the check above saw them) with the token redacted.
  const withCanonical = ex.errors.filter((e) => e.text.includes('<CanonicalRequest>') && /x-amz-security-token/i.test(e.text));
  expect(withCanonical.length, 'SignatureDoesNotMatch errors of session requests').to.be.at.least(2);
  for (const e of withCanonical) expect(e.text).to.match(/x-amz-security-token(:|=)REDACTED/i);
}

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createNetServer();
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

/** Runs the CLI as its own process (as an operator would), output captured. */
function runCliProcess(args: string[], env: NodeJS.ProcessEnv): Promise<{ code: number; out: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (b: Buffer) => (out += b.toString('utf8')));
    child.stderr.on('data', (b: Buffer) => (out += b.toString('utf8')));
    const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code: code ?? -1, out });
    });
  });
}

/** A TLS handshake to `port`; resolves with the negotiated protocol and cipher, or the error. */
function handshake(port: number, opts: ConnectionOptions): Promise<{ protocol?: string | null; cipher?: string; error?: NodeJS.ErrnoException }> {
  return new Promise((resolve) => {
    const socket: TLSSocket = tlsConnect({ host: '127.0.0.1', port, rejectUnauthorized: false, ...opts }, () => {
      const out = { protocol: socket.getProtocol(), cipher: socket.getCipher().name };
      socket.end();
      resolve(out);
    });
    socket.on('error', (error: NodeJS.ErrnoException) => resolve({ error }));
  });
}

// OpenSSL 3 refuses TLS < 1.2 at its default security level; level 0 lets this client offer them.
const LEGACY_CLIENT: ConnectionOptions = { minVersion: 'TLSv1', maxVersion: 'TLSv1.1', ciphers: 'DEFAULT:@SECLEVEL=0' };
const CBC_ONLY_CLIENT: ConnectionOptions = { minVersion: 'TLSv1.2', maxVersion: 'TLSv1.2', ciphers: 'ECDHE-ECDSA-AES128-SHA:ECDHE-RSA-AES128-SHA:ECDHE-ECDSA-AES256-SHA384:ECDHE-RSA-AES256-SHA384:AES128-SHA:AES256-SHA256' };

describe('Secrets and exposure', function () {
  this.timeout(120_000);

  describe('in-process server, master key file, captured logger', function () {
    let dir: string;
    let dataDir: string;
    let server: RunningServer;
    const logs: Record<string, unknown>[] = [];
    const env: NodeJS.ProcessEnv = { KEYLESS_ROOT_ACCESS_KEY: 'SECRETSROOT', KEYLESS_ROOT_SECRET_KEY: `root-secret-${randomBytes(12).toString('hex')}` };
    let ex: Exposure;

    before(async () => {
      dir = mkdtempSync(join(tmpdir(), 'keyless-secrets-'));
      dataDir = join(dir, 'data'); // created by the server
      server = await startServer({ ...SERVE_DEFAULTS, address: '127.0.0.1:0', dataDir }, (e) => logs.push(e), env);
      const cliOut: string[] = [];
      ex = await scenario(
        {
          port: server.port, ca: readFileSync(server.caBundle!, 'utf8'), dataDir,
          root: { accessKeyId: env.KEYLESS_ROOT_ACCESS_KEY!, secretAccessKey: env.KEYLESS_ROOT_SECRET_KEY! },
          cli: async (args) => {
            cliOut.length = 0;
            const code = await main([...args, '--data', dataDir], { out: (l) => cliOut.push(l), err: (l) => cliOut.push(l), env });
            return { code, out: cliOut.join('\n') };
          },
        },
        dir,
      );
    });
    after(async () => {
      await server?.close();
      if (dir) rmSync(dir, { recursive: true, force: true });
    });

    it('no secret, token, signature, master key or private key in the log, the CLI output or any error response', () => {
      const key = readFileSync(join(dataDir, 'master.key'));
      assertNoExposure(ex, logs.map((e) => JSON.stringify(e)).join('\n'), { masterKeyHex: key.toString('hex'), masterKeyBase64: key.toString('base64') });
      // The log did record the failures (so the grep looked at real entries).
      expect(logs.some((e) => e['status'] === 403)).to.equal(true);
      // Every request is in the access log, streamed GetObject responses included.
      expect(logs.some((e) => e['op'] === 'GetObject' && e['status'] === 200)).to.equal(true);
      expect(logs.some((e) => String(e['url']).includes('X-Amz-Signature=REDACTED'))).to.equal(true);
    });

    it('creates the data directory 0700 and the master key file 0600 (32 bytes) when KEYLESS_MASTER_KEY is unset', () => {
      expect(statSync(dataDir).mode & 0o777).to.equal(0o700);
      const st = statSync(join(dataDir, 'master.key'));
      expect(st.mode & 0o777).to.equal(0o600);
      expect(st.size).to.equal(32);
    });

    it('the credentials database (with its WAL) holds no plaintext secret or session token', () => {
      const files = ['credentials.db', 'credentials.db-wal', 'credentials.db-shm'].map((f) => join(dataDir, f)).filter((f) => existsSync(f));
      expect(files).to.include(join(dataDir, 'credentials.db'));
      const raw = Buffer.concat(files.map((f) => readFileSync(f)));
      // The access keys are stored in clear (they are identifiers), which shows the bytes were searched.
      expect(raw.includes(Buffer.from('secretsuser'))).to.equal(true);
      for (const [name, value] of Object.entries({ user: ex.secrets['userSecret']!, root: env.KEYLESS_ROOT_SECRET_KEY!, sessionSecret: ex.secrets['sessionSecret']!, sessionToken: ex.secrets['sessionToken']! })) {
        expect(raw.includes(Buffer.from(value, 'utf8')), `${name} in the database`).to.equal(false);
      }
    });

    it('refuses TLS 1.0 and 1.1 (a control server shows this client can speak them)', async () => {
      const control = createTlsServer({ cert: readFileSync(join(dataDir, 'certs', 'server.pem')), key: readFileSync(join(dataDir, 'certs', 'server-key.pem')), minVersion: 'TLSv1', ciphers: 'DEFAULT:@SECLEVEL=0' }, (s) => s.end());
      await new Promise<void>((r) => control.listen(0, '127.0.0.1', () => r()));
      try {
        const ok = await handshake((control.address() as { port: number }).port, LEGACY_CLIENT);
        expect(ok.error, String(ok.error)).to.equal(undefined);
        expect(ok.protocol).to.equal('TLSv1.1');
      } finally {
        control.close();
      }
      for (const maxVersion of ['TLSv1', 'TLSv1.1'] as const) {
        const r = await handshake(server.port, { ...LEGACY_CLIENT, maxVersion });
        expect(r.error, `${maxVersion} handshake`).to.not.equal(undefined);
        expect(r.error!.code).to.match(/PROTOCOL_VERSION|UNSUPPORTED_PROTOCOL|WRONG_VERSION/);
      }
    });

    it('negotiates TLS 1.2 and 1.3; TLS 1.2 uses an AEAD cipher and refuses CBC-only clients', async () => {
      const v13 = await handshake(server.port, { minVersion: 'TLSv1.3' });
      expect(v13.protocol).to.equal('TLSv1.3');
      const v12 = await handshake(server.port, { maxVersion: 'TLSv1.2' });
      expect(v12.protocol).to.equal('TLSv1.2');
      expect(v12.cipher).to.match(/GCM|CHACHA20/);
      const cbc = await handshake(server.port, CBC_ONLY_CLIENT);
      expect(cbc.error, `negotiated ${cbc.cipher}`).to.not.equal(undefined);
    });
  });

  describe('the real `keyless serve` process, stdout and stderr captured to a file', function () {
    let dir: string;
    let dataDir: string;
    let logFile: string;
    let child: ChildProcess;
    const masterKey = randomBytes(32);
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      KEYLESS_ROOT_ACCESS_KEY: 'PROCESSROOT',
      KEYLESS_ROOT_SECRET_KEY: `proc-root-secret-${randomBytes(12).toString('hex')}`,
      KEYLESS_MASTER_KEY: masterKey.toString('hex'),
    };

    before(async () => {
      dir = mkdtempSync(join(tmpdir(), 'keyless-secrets-proc-'));
      dataDir = join(dir, 'data');
      logFile = join(dir, 'serve.log');
      const port = await freePort();
      const fd = openSync(logFile, 'w');
      child = spawn(process.execPath, [BIN, 'serve', '--address', `127.0.0.1:${port}`, '--data', dataDir], { env, stdio: ['ignore', fd, fd] });
      closeSync(fd);
      const caFile = join(dataDir, 'certs', 'ca.pem');
      const deadline = Date.now() + 20_000;
      for (;;) {
        if (child.exitCode !== null) throw new Error(`keyless serve exited: ${readFileSync(logFile, 'utf8')}`);
        if (existsSync(caFile) && readFileSync(logFile, 'utf8').includes('listening')) break;
        if (Date.now() > deadline) throw new Error('keyless serve did not start');
        await sleep(100);
      }
    });
    after(async () => {
      if (child && child.exitCode === null) {
        child.kill('SIGTERM');
        await new Promise((r) => child.once('exit', r));
      }
      if (dir) rmSync(dir, { recursive: true, force: true });
    });

    it('no secret, token, signature, master key or private key in stdout/stderr, the CLI output or any error response', async function () {
      const port = Number(/listening on https:\/\/127\.0\.0\.1:(\d+)/.exec(readFileSync(logFile, 'utf8'))![1]);
      const ex = await scenario(
        {
          port, ca: readFileSync(join(dataDir, 'certs', 'ca.pem'), 'utf8'), dataDir,
          root: { accessKeyId: env.KEYLESS_ROOT_ACCESS_KEY!, secretAccessKey: env.KEYLESS_ROOT_SECRET_KEY! },
          cli: (args) => runCliProcess([...args, '--data', dataDir], env),
        },
        dir,
      );
      child.kill('SIGTERM');
      await new Promise((r) => (child.exitCode !== null ? r(undefined) : child.once('exit', r)));
      const text = readFileSync(logFile, 'utf8');
      expect(text).to.include('"msg":"request"');
      assertNoExposure(ex, text, { masterKeyHex: masterKey.toString('hex'), masterKeyBase64: masterKey.toString('base64') });
      expect(existsSync(join(dataDir, 'master.key')), 'no key file when KEYLESS_MASTER_KEY is set').to.equal(false);
    });
  });
});
