import { expect } from 'chai';
import { spawn } from 'node:child_process';
import { randomBytes, webcrypto, KeyObject } from 'node:crypto';
import { appendFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { Agent, request as httpsRequest } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
// @peculiar/x509's dependency injection needs the Reflect metadata polyfill loaded first.
import 'reflect-metadata';
import * as x509 from '@peculiar/x509';
import { SignatureV4 } from '@smithy/signature-v4';
import { startServer, type RunningServer } from '../src/start-server.js';
import { SERVE_DEFAULTS } from '../src/serve-options.js';
import { main } from '../src/cli/main.js';
import { errorCode, parseXml, S3TestClient, Sha256, type S3RequestSpec, type TestResponse } from './support/s3-client.js';

/**
 * The certificate STS through the real server (`startServer`, one HTTPS listener): client
 * certificates minted per run with @peculiar/x509 under a client CA of the test's own, a mapping
 * file, the CLI (`policy put`, `session list|revoke`) run in-process against the same data dir.
 */

const ALG = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' } as const;
const MIN = 60_000;
const DAY = 24 * 3600_000;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A certificate with its key pair (PEM forms for TLS). */
interface Minted {
  cert: x509.X509Certificate;
  keys: webcrypto.CryptoKeyPair;
  certPem: string;
  keyPem: string;
}

interface LeafOptions {
  ou?: string;
  uris?: string[];
  notAfter?: Date;
  serial?: string;
}

function randomSerial(): string {
  const b = randomBytes(16);
  b[0] = (b[0]! & 0x3f) | 0x01; // positive, no leading zero octet
  return b.toString('hex');
}

async function keyPair(): Promise<webcrypto.CryptoKeyPair> {
  return (await webcrypto.subtle.generateKey(ALG, true, ['sign', 'verify'])) as webcrypto.CryptoKeyPair;
}

function minted(cert: x509.X509Certificate, keys: webcrypto.CryptoKeyPair): Minted {
  return { cert, keys, certPem: cert.toString('pem'), keyPem: KeyObject.from(keys.privateKey).export({ type: 'pkcs8', format: 'pem' }).toString() };
}

/** A CA: self-signed root when `issuer` is absent, else an intermediate signed by it. */
async function makeCa(cn: string, issuer?: Minted): Promise<Minted> {
  const keys = await keyPair();
  const now = Date.now();
  const cert = await x509.X509CertificateGenerator.create({
    serialNumber: randomSerial(),
    subject: `CN=${cn}`,
    issuer: issuer ? issuer.cert.subject : `CN=${cn}`,
    notBefore: new Date(now - DAY),
    notAfter: new Date(now + 30 * DAY),
    signingAlgorithm: ALG,
    publicKey: keys.publicKey as never,
    signingKey: (issuer ?? { keys }).keys.privateKey as never,
    extensions: [
      new x509.BasicConstraintsExtension(true, issuer ? 0 : undefined, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true),
      await x509.SubjectKeyIdentifierExtension.create(keys.publicKey as never),
    ],
  });
  return minted(cert, keys);
}

/** A client (clientAuth) leaf certificate signed by `issuer`. */
async function makeLeaf(cn: string, issuer: Minted, opts: LeafOptions = {}): Promise<Minted> {
  const keys = await keyPair();
  const now = Date.now();
  const uris = opts.uris ?? [];
  const cert = await x509.X509CertificateGenerator.create({
    serialNumber: opts.serial ?? randomSerial(),
    subject: `CN=${cn}${opts.ou ? `, OU=${opts.ou}` : ''}`,
    issuer: issuer.cert.subject,
    notBefore: new Date(now - 5 * MIN),
    notAfter: opts.notAfter ?? new Date(now + 10 * DAY),
    signingAlgorithm: ALG,
    publicKey: keys.publicKey as never,
    signingKey: issuer.keys.privateKey as never,
    extensions: [
      new x509.BasicConstraintsExtension(false, undefined, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature, true),
      new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.clientAuth]),
      ...(uris.length ? [new x509.SubjectAlternativeNameExtension(uris.map((value) => ({ type: 'url' as const, value })))] : []),
      await x509.AuthorityKeyIdentifierExtension.create(issuer.cert, false),
    ],
  });
  return minted(cert, keys);
}

interface Creds {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken: string;
  expiration: string;
}

interface StsAnswer {
  status: number;
  text: string;
  doc: Record<string, any>;
  code?: string;
  message?: string;
}

/** Runs a child process (async: the server under test lives in this process), bounded. */
function runChild(cmd: string, args: string[], timeoutMs = 10_000): Promise<{ code: number | null; out: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (b: Buffer) => (out += b.toString('utf8')));
    child.stderr.on('data', (b: Buffer) => (out += b.toString('utf8')));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, out });
    });
  });
}

/** The CNs in the listener's CertificateRequest, as `openssl s_client` prints them. */
async function advertisedCaNames(port: number): Promise<string[]> {
  const r = await runChild('openssl', ['s_client', '-connect', `127.0.0.1:${port}`, '-tls1_2'], 10_000);
  const section = /Acceptable client certificate CA names\n((?:.*\n)*?)(?:Client Certificate Types|Requested Signature Algorithms)/.exec(r.out);
  if (!section) throw new Error(`no CA names in openssl output:\n${r.out}`);
  return section[1]!.trim().split('\n').map((l) => /CN\s*=\s*(.*)$/.exec(l.trim())?.[1] ?? l.trim());
}

describe('STS through the server (in-process)', function () {
  this.timeout(60_000);
  let dir: string;
  let dataDir: string;
  let clientCaFile: string;
  let server: RunningServer;
  let serverCa: string;
  let root: S3TestClient;
  let env: NodeJS.ProcessEnv;
  let rootCa: Minted;
  let intermediate: Minted;
  let app1: Minted;
  let app2: Minted;
  let payments: Minted;
  const logs: Record<string, unknown>[] = [];
  const ROOT = { accessKeyId: 'STSTESTROOTKEY', secretAccessKey: 'sts-test-root-secret-0123456789' };

  /** Runs the real CLI in-process against the server's data directory. */
  async function cli(args: string[]): Promise<{ code: number; out: string[]; err: string[] }> {
    const out: string[] = [];
    const err: string[] = [];
    const code = await main([...args, '--data', dataDir], { out: (l) => out.push(l), err: (l) => err.push(l), env });
    return { code, out, err };
  }

  async function putPolicy(name: string, statements: unknown[]): Promise<void> {
    const file = join(dir, `${name}.json`);
    writeFileSync(file, JSON.stringify({ Version: '2012-10-17', Statement: statements }));
    const r = await cli(['policy', 'put', name, file]);
    expect(r.code, r.err.join('\n')).to.equal(0);
  }

  /** POSTs an STS request over TLS, presenting `cert` (leaf [+ chain] PEM) when given. */
  function sts(opts: { cert?: string; key?: string; query?: string; form?: string; headers?: Record<string, string> }): Promise<StsAnswer> {
    const body = opts.form ?? '';
    const headers: Record<string, string> = { 'content-length': String(Buffer.byteLength(body)), ...(opts.headers ?? {}) };
    if (opts.form !== undefined) headers['content-type'] = 'application/x-www-form-urlencoded; charset=utf-8';
    return new Promise((resolve, reject) => {
      const req = httpsRequest(
        { host: '127.0.0.1', port: server.port, method: 'POST', path: '/' + (opts.query ? `?${opts.query}` : ''), headers, ca: serverCa, agent: false,
          ...(opts.cert ? { cert: opts.cert, key: opts.key } : {}), timeout: 10_000 },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => {
            const text = Buffer.concat(chunks).toString('utf8');
            const doc = parseXml(text);
            resolve({ status: res.statusCode ?? 0, text, doc, code: doc.ErrorResponse?.Error?.Code, message: doc.ErrorResponse?.Error?.Message });
          });
        },
      );
      req.on('timeout', () => req.destroy(new Error('STS request timed out')));
      req.on('error', reject);
      req.end(body);
    });
  }

  const ARWC = 'Action=AssumeRoleWithCertificate&Version=2011-06-15';

  /** AssumeRoleWithCertificate (query form) expected to succeed. */
  async function credsFor(who: Minted, chain: Minted[] = [], extra = ''): Promise<Creds> {
    const r = await sts({ cert: [who, ...chain].map((m) => m.certPem.trimEnd() + '\n').join(''), key: who.keyPem, query: ARWC + extra });
    expect(r.status, r.text).to.equal(200);
    const c = r.doc.AssumeRoleWithCertificateResponse.AssumeRoleWithCertificateResult.Credentials;
    return { accessKeyId: c.AccessKeyId, secretAccessKey: c.SecretAccessKey, sessionToken: c.SessionToken, expiration: c.Expiration };
  }

  const s3 = (spec: S3RequestSpec, creds?: Partial<Creds>) =>
    root.send(creds ? { ...spec, credentials: { accessKeyId: creds.accessKeyId!, secretAccessKey: creds.secretAccessKey!, ...(creds.sessionToken !== undefined ? { sessionToken: creds.sessionToken } : {}) } } : spec);
  const getAs = (creds: Partial<Creds>, key: string) => s3({ method: 'GET', bucket: 'apps', key }, creds);
  const putAs = (creds: Partial<Creds>, key: string, body = 'x') => s3({ method: 'PUT', bucket: 'apps', key, body }, creds);

  /** An STS request signed with SigV4 (service `sts`), form body. */
  async function signedSts(credentials: { accessKeyId: string; secretAccessKey: string; sessionToken?: string }, form: string): Promise<StsAnswer> {
    const signer = new SignatureV4({ credentials, region: 'us-east-1', service: 'sts', sha256: Sha256 });
    const signed = await signer.sign({
      method: 'POST', protocol: 'https:', hostname: '127.0.0.1', port: server.port, path: '/', query: {},
      headers: { host: `127.0.0.1:${server.port}`, 'content-type': 'application/x-www-form-urlencoded; charset=utf-8' }, body: form,
    });
    return sts({ form, headers: signed.headers as Record<string, string> });
  }

  before(async () => {
    x509.cryptoProvider.set(webcrypto as never);
    dir = mkdtempSync(join(tmpdir(), 'keyless-sts-server-'));
    dataDir = join(dir, 'data');
    env = { KEYLESS_ROOT_ACCESS_KEY: ROOT.accessKeyId, KEYLESS_ROOT_SECRET_KEY: ROOT.secretAccessKey, KEYLESS_MASTER_KEY: randomBytes(32).toString('hex') };
    rootCa = await makeCa('STS Test Root CA');
    intermediate = await makeCa('STS Test Issuing CA', rootCa);
    app1 = await makeLeaf('app1', rootCa, { ou: 'apps' });
    app2 = await makeLeaf('app2', rootCa, { ou: 'apps' });
    payments = await makeLeaf('payments-api', rootCa, { uris: ['spiffe://keyless.test/ns/payments/sa/api'] });
    clientCaFile = join(dir, 'client-ca.pem');
    writeFileSync(clientCaFile, rootCa.certPem);
    const mappingFile = join(dir, 'mapping.json');
    writeFileSync(mappingFile, JSON.stringify({
      version: 1,
      fallbackToSubjectCN: true,
      rules: [
        { match: { sanUri: 'spiffe://keyless.test/ns/{ns}/sa/{sa}' }, policies: ['ns-{ns}'], tags: { namespace: '{ns}', serviceAccount: '{sa}' } },
        { match: { subjectOU: 'apps' }, policies: ['apps'] },
      ],
    }));
    server = await startServer(
      { ...SERVE_DEFAULTS, address: '127.0.0.1:0', dataDir, clientCa: clientCaFile, stsMapping: mappingFile, stsMaxDuration: 7200 },
      (e) => logs.push(e),
      env,
    );
    serverCa = readFileSync(server.caBundle!, 'utf8');
    root = new S3TestClient({ port: server.port, ca: serverCa, ...ROOT });
    // One policy serves every app through the CN principal tag.
    await putPolicy('apps', [{ Effect: 'Allow', Action: ['s3:GetObject', 's3:PutObject'], Resource: ['arn:aws:s3:::apps/${aws:PrincipalTag/x509Subject/CN}/*'] }]);
    await putPolicy('ns-payments', [{ Effect: 'Allow', Action: ['s3:GetObject'], Resource: ['arn:aws:s3:::apps/${aws:PrincipalTag/namespace}/*'] }]);
    expect((await s3({ method: 'PUT', bucket: 'apps' })).status).to.equal(200);
    for (const key of ['app1/a.txt', 'app2/b.txt', 'payments/p.txt']) expect((await s3({ method: 'PUT', bucket: 'apps', key, body: key })).status).to.equal(200);
  });

  after(async () => {
    await server?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  describe('AssumeRoleWithCertificate', function () {
    it('query form: returns ASIA credentials, the x509 assumed-role and a default duration of 3600 s', async () => {
      const before = Date.now();
      const r = await sts({ cert: app1.certPem, key: app1.keyPem, query: ARWC });
      expect(r.status, r.text).to.equal(200);
      const result = r.doc.AssumeRoleWithCertificateResponse.AssumeRoleWithCertificateResult;
      expect(result.Credentials.AccessKeyId).to.match(/^ASIA[A-Z0-9]{16}$/);
      expect(result.Credentials.SecretAccessKey).to.have.length(40);
      expect(result.Credentials.SessionToken).to.be.a('string').and.not.equal('');
      expect(result.AssumedRoleUser.Arn).to.equal('arn:aws:sts::000000000000:assumed-role/x509/app1');
      expect(result.SourceIdentity).to.equal('app1');
      const exp = new Date(result.Credentials.Expiration).getTime();
      expect(exp).to.be.within(before + 3600_000 - 2000, Date.now() + 3600_000 + 1000);
    });

    it('form-body form (AWS SDK style) with DurationSeconds works too', async () => {
      const before = Date.now();
      const r = await sts({ cert: app1.certPem, key: app1.keyPem, form: `${ARWC}&DurationSeconds=900` });
      expect(r.status, r.text).to.equal(200);
      const exp = new Date(r.doc.AssumeRoleWithCertificateResponse.AssumeRoleWithCertificateResult.Credentials.Expiration).getTime();
      expect(exp).to.be.within(before + 900_000 - 2000, Date.now() + 900_000 + 1000);
    });

    it('DurationSeconds: 900..--sts-max-duration (7200 here) is accepted, outside it InvalidParameterValue', async () => {
      const before = Date.now();
      const c = await credsFor(app1, [], '&DurationSeconds=7200');
      expect(new Date(c.expiration).getTime()).to.be.within(before + 7200_000 - 2000, Date.now() + 7200_000 + 1000);
      for (const d of ['899', '7201', 'abc']) {
        const r = await sts({ cert: app1.certPem, key: app1.keyPem, query: `${ARWC}&DurationSeconds=${d}` });
        expect(r.status, d).to.equal(400);
        expect(r.code, d).to.equal('InvalidParameterValue');
      }
    });

    it('without a client certificate: MissingAuthenticationToken (403)', async () => {
      const r = await sts({ query: ARWC });
      expect(r.status).to.equal(403);
      expect(r.code).to.equal('MissingAuthenticationToken');
      expect(r.message).to.equal('No client certificate was presented.');
    });

    it('a certificate from an untrusted CA: 400 InvalidCertificate', async () => {
      const rogueCa = await makeCa('STS Test Root CA'); // same name, different key
      const rogue = await makeLeaf('app1', rogueCa, { ou: 'apps' });
      const r = await sts({ cert: rogue.certPem, key: rogue.keyPem, query: ARWC });
      expect(r.status, r.text).to.equal(400);
      expect(r.code).to.equal('InvalidCertificate');
      expect(r.message).to.equal('The client certificate is not issued by a trusted certificate authority.');
    });

    it('a chain through an intermediate: the client sends leaf + intermediate', async () => {
      const leaf = await makeLeaf('app2', intermediate, { ou: 'apps' });
      const c = await credsFor(leaf, [intermediate]);
      expect((await getAs(c, 'app2/b.txt')).status).to.equal(200);
      // Without the intermediate the path cannot be built.
      const r = await sts({ cert: leaf.certPem, key: leaf.keyPem, query: ARWC });
      expect(r.status).to.equal(400);
      expect(r.code).to.equal('InvalidCertificate');
    });

    // Node's https.Agent caches TLS sessions; a resumed session would carry only the leaf.
    it('a client resuming its TLS session (one https.Agent) still presents its chain', async () => {
      const leaf = await makeLeaf('app2', intermediate, { ou: 'apps' });
      const agent = new Agent({ keepAlive: false, maxCachedSessions: 10 });
      try {
        const results: Array<{ status: number; reused: boolean; text: string }> = [];
        for (let i = 0; i < 3; i++) {
          results.push(await new Promise((resolve, reject) => {
            const req = httpsRequest({ host: '127.0.0.1', port: server.port, method: 'POST', path: `/?${ARWC}`, headers: { 'content-length': '0' }, ca: serverCa, agent,
              cert: leaf.certPem.trimEnd() + '\n' + intermediate.certPem, key: leaf.keyPem }, (res) => {
              let text = '';
              res.on('data', (b: Buffer) => (text += b.toString('utf8')));
              res.on('end', () => resolve({ status: res.statusCode ?? 0, reused: (res.socket as import('node:tls').TLSSocket).isSessionReused(), text }));
            });
            req.on('error', reject);
            req.end();
          }));
        }
        for (const r of results) expect(r.status, `reused=${r.reused} ${r.text}`).to.equal(200);
      } finally {
        agent.destroy();
      }
    });

    it('keyless credentials with a leaf+intermediate file prints credential_process JSON that works for S3', async () => {
      const leaf = await makeLeaf('app2', intermediate, { ou: 'apps' });
      const certFile = join(dir, 'chain.pem');
      const keyFile = join(dir, 'chain-key.pem');
      const caFile = join(dir, 'server-ca.pem');
      writeFileSync(certFile, leaf.certPem.trimEnd() + '\n' + intermediate.certPem);
      writeFileSync(keyFile, leaf.keyPem);
      writeFileSync(caFile, serverCa);
      const out: string[] = [];
      const err: string[] = [];
      const code = await main(['credentials', '--endpoint', `https://127.0.0.1:${server.port}`, '--cert', certFile, '--key', keyFile, '--ca', caFile, '--duration', '900'],
        { out: (l) => out.push(l), err: (l) => err.push(l), env });
      expect(code, err.join('\n')).to.equal(0);
      const doc = JSON.parse(out.join('\n')) as { Version: number; AccessKeyId: string; SecretAccessKey: string; SessionToken: string; Expiration: string };
      expect(doc.Version).to.equal(1);
      expect(new Date(doc.Expiration).getTime()).to.be.within(Date.now() + 880_000, Date.now() + 901_000);
      expect((await getAs({ accessKeyId: doc.AccessKeyId, secretAccessKey: doc.SecretAccessKey, sessionToken: doc.SessionToken }, 'app2/b.txt')).status).to.equal(200);
    });

    it('a certificate that maps to no existing policy: AccessDenied', async () => {
      const stray = await makeLeaf('no-such-policy', rootCa);
      const r = await sts({ cert: stray.certPem, key: stray.keyPem, query: ARWC });
      expect(r.status).to.equal(403);
      expect(r.code).to.equal('AccessDenied');
      expect(r.message).to.equal('A policy mapped to the client certificate does not exist.');
    });
  });

  describe('S3 with certificate session credentials', function () {
    let c1: Creds;
    before(async () => {
      c1 = await credsFor(app1);
    });

    it('one policy with ${aws:PrincipalTag/x509Subject/CN}: each app reads and writes only its own prefix', async () => {
      const g = await getAs(c1, 'app1/a.txt');
      expect(g.status, g.text).to.equal(200);
      expect(g.text).to.equal('app1/a.txt');
      expect((await putAs(c1, 'app1/new.txt')).status).to.equal(200);
      const denied = await getAs(c1, 'app2/b.txt');
      expect(denied.status).to.equal(403);
      expect(errorCode(denied)).to.equal('AccessDenied');
      const deniedPut = await putAs(c1, 'app2/evil.txt');
      expect(errorCode(deniedPut)).to.equal('AccessDenied');
      const c2 = await credsFor(app2);
      expect((await getAs(c2, 'app2/b.txt')).status).to.equal(200);
      expect(errorCode(await getAs(c2, 'app1/a.txt'))).to.equal('AccessDenied');
    });

    it('outside the policy (ListBuckets, another bucket): AccessDenied', async () => {
      expect(errorCode(await s3({ method: 'GET' }, c1))).to.equal('AccessDenied');
      expect(errorCode(await s3({ method: 'PUT', bucket: 'other-bucket' }, c1))).to.equal('AccessDenied');
    });

    it('missing session token -> AccessDenied, wrong token -> InvalidToken, unknown ASIA key -> InvalidAccessKeyId', async () => {
      const noToken = await getAs({ accessKeyId: c1.accessKeyId, secretAccessKey: c1.secretAccessKey }, 'app1/a.txt');
      expect(noToken.status).to.equal(403);
      expect(errorCode(noToken)).to.equal('AccessDenied');
      const wrong = await getAs({ ...c1, sessionToken: c1.sessionToken.slice(0, -4) + 'AAAA' }, 'app1/a.txt');
      expect(errorCode(wrong)).to.equal('InvalidToken');
      const unknown = await getAs({ ...c1, accessKeyId: 'ASIA' + 'Z'.repeat(16) }, 'app1/a.txt');
      expect(errorCode(unknown)).to.equal('InvalidAccessKeyId');
    });

    it('SPIFFE URI template mapping: ns-{ns} policy and the namespace tag from the capture', async () => {
      const c = await credsFor(payments);
      expect((await getAs(c, 'payments/p.txt')).status).to.equal(200);
      expect(errorCode(await getAs(c, 'app1/a.txt'))).to.equal('AccessDenied');
    });

    it('editing the mapped policy (policy put) changes what a live session may do', async () => {
      const c = await credsFor(payments);
      expect(errorCode(await putAs(c, 'payments/new.txt'))).to.equal('AccessDenied');
      await putPolicy('ns-payments', [{ Effect: 'Allow', Action: ['s3:GetObject', 's3:PutObject'], Resource: ['arn:aws:s3:::apps/${aws:PrincipalTag/namespace}/*'] }]);
      expect((await putAs(c, 'payments/new.txt')).status).to.equal(200);
      await putPolicy('ns-payments', [{ Effect: 'Allow', Action: ['s3:PutObject'], Resource: ['arn:aws:s3:::apps/${aws:PrincipalTag/namespace}/*'] }]);
      expect(errorCode(await getAs(c, 'payments/p.txt'))).to.equal('AccessDenied');
    });

    it('GetCallerIdentity with the session names the x509 assumed role', async () => {
      const r = await signedSts(c1, 'Action=GetCallerIdentity&Version=2011-06-15');
      expect(r.status, r.text).to.equal(200);
      const id = r.doc.GetCallerIdentityResponse.GetCallerIdentityResult;
      expect(id.Arn).to.equal('arn:aws:sts::000000000000:assumed-role/x509/app1');
      expect(id.Account).to.equal('000000000000');
    });

    it('a certificate expiring seconds after issue: Expiration is clamped to notAfter, then S3 answers ExpiredToken', async () => {
      const notAfter = new Date(Math.ceil((Date.now() + 4000) / 1000) * 1000);
      const shortLived = await makeLeaf('app1', rootCa, { ou: 'apps', notAfter });
      const c = await credsFor(shortLived);
      expect(c.expiration).to.equal(notAfter.toISOString().replace(/\.\d{3}Z$/, 'Z'));
      expect((await getAs(c, 'app1/a.txt')).status).to.equal(200);
      let last: TestResponse | undefined;
      const deadline = Date.now() + 10_000;
      while (Date.now() < deadline) {
        last = await getAs(c, 'app1/a.txt');
        if (last.status !== 200) break;
        await sleep(250);
      }
      expect(last!.status, last!.text).to.equal(400);
      expect(errorCode(last!)).to.equal('ExpiredToken');
      const who = await signedSts(c, 'Action=GetCallerIdentity&Version=2011-06-15');
      expect(who.code, who.text).to.equal('ExpiredToken');
      // The certificate itself is now refused by the STS.
      const again = await sts({ cert: shortLived.certPem, key: shortLived.keyPem, query: ARWC });
      expect(again.code).to.equal('InvalidCertificate');
      expect(again.message).to.equal('The client certificate has expired.');
    });
  });

  describe('keyless session list / revoke against live sessions', function () {
    it('session list shows the session with its parent, policies, state, serial and fingerprint', async () => {
      const c = await credsFor(app2);
      const r = await cli(['session', 'list']);
      expect(r.code, r.err.join('\n')).to.equal(0);
      const line = r.out.find((l) => l.startsWith(c.accessKeyId + '\t'));
      expect(line, r.out.join('\n')).to.be.a('string');
      const cols = line!.split('\t');
      expect(cols[1]).to.equal('app2');
      expect(cols[2]).to.equal('apps');
      expect(new Date(cols[3]!).getTime()).to.be.closeTo(new Date(c.expiration).getTime(), 1000);
      expect(cols[4]).to.equal('live');
      expect(cols[5]).to.equal(app2.cert.serialNumber.toLowerCase());
      expect(cols[6]).to.equal(Buffer.from(await app2.cert.getThumbprint('SHA-256')).toString('hex'));
    });

    it('revoke --access-key while the session is in use: the next request is InvalidAccessKeyId', async () => {
      const c = await credsFor(app1);
      const other = await credsFor(app1);
      expect((await getAs(c, 'app1/a.txt')).status).to.equal(200);
      const r = await cli(['session', 'revoke', '--access-key', c.accessKeyId]);
      expect(r.code, r.err.join('\n')).to.equal(0);
      expect(r.out).to.deep.equal(['revoked 1 session']);
      const after = await getAs(c, 'app1/a.txt');
      expect(after.status).to.equal(403);
      expect(errorCode(after)).to.equal('InvalidAccessKeyId');
      expect((await getAs(other, 'app1/a.txt')).status, 'another session of the same certificate is untouched').to.equal(200);
    });

    // A leading zero nibble (0A...) and a high first octet (DER 00 8F...: openssl prints 8F...).
    for (const first of ['0a', '008f']) {
      it(`revoke --cert-serial in the format \`openssl x509 -serial\` prints (serial ${first}...) revokes every session of that certificate`, async () => {
        const leaf = await makeLeaf('app1', rootCa, { ou: 'apps', serial: first + randomBytes(15).toString('hex') });
        const a = await credsFor(leaf);
        const b = await credsFor(leaf);
        const bystander = await credsFor(app1);
        const certFile = join(dir, `serial-${first}.pem`);
        writeFileSync(certFile, leaf.certPem);
        const ossl = await runChild('openssl', ['x509', '-noout', '-serial', '-in', certFile]);
        expect(ossl.code, ossl.out).to.equal(0);
        const serial = /^serial=([0-9A-F]+)\s*$/.exec(ossl.out)?.[1];
        expect(serial, ossl.out).to.be.a('string');
        const r = await cli(['session', 'revoke', '--cert-serial', serial!]);
        expect(r.code, r.err.join('\n')).to.equal(0);
        expect(r.out).to.deep.equal(['revoked 2 sessions']);
        expect(errorCode(await getAs(a, 'app1/a.txt'))).to.equal('InvalidAccessKeyId');
        expect(errorCode(await getAs(b, 'app1/a.txt'))).to.equal('InvalidAccessKeyId');
        expect((await getAs(bystander, 'app1/a.txt')).status).to.equal(200);
      });
    }

    it('revoke --cert-fingerprint (openssl -fingerprint -sha256 form, with colons)', async () => {
      const leaf = await makeLeaf('app2', rootCa, { ou: 'apps' });
      const c = await credsFor(leaf);
      const certFile = join(dir, 'fp-leaf.pem');
      writeFileSync(certFile, leaf.certPem);
      const ossl = await runChild('openssl', ['x509', '-noout', '-fingerprint', '-sha256', '-in', certFile]);
      const fp = /Fingerprint=([0-9A-F:]+)/i.exec(ossl.out)?.[1];
      expect(fp, ossl.out).to.match(/^([0-9A-F]{2}:){31}[0-9A-F]{2}$/);
      const r = await cli(['session', 'revoke', '--cert-fingerprint', fp!]);
      expect(r.out).to.deep.equal(['revoked 1 session']);
      expect(errorCode(await getAs(c, 'app2/b.txt'))).to.equal('InvalidAccessKeyId');
    });

    it('revoke --subject CN revokes every session of that subject', async () => {
      const leaf = await makeLeaf('app-doomed', rootCa, { ou: 'apps' });
      const a = await credsFor(leaf);
      const b = await credsFor(leaf);
      expect((await putAs(a, 'app-doomed/x')).status).to.equal(200);
      const r = await cli(['session', 'revoke', '--subject', 'app-doomed']);
      expect(r.out).to.deep.equal(['revoked 2 sessions']);
      expect(errorCode(await putAs(a, 'app-doomed/y'))).to.equal('InvalidAccessKeyId');
      expect(errorCode(await putAs(b, 'app-doomed/y'))).to.equal('InvalidAccessKeyId');
      const list = await cli(['session', 'list']);
      expect(list.out.filter((l) => l.split('\t')[1] === 'app-doomed')).to.deep.equal([]);
    });

    it('revoke without exactly one selector is a usage error (exit 2)', async () => {
      expect((await cli(['session', 'revoke'])).code).to.equal(2);
      expect((await cli(['session', 'revoke', '--subject', 'a', '--access-key', 'b'])).code).to.equal(2);
    });
  });

  describe('AssumeRole and GetCallerIdentity with SigV4', function () {
    it('root AssumeRole (service sts) returns a readwrite session; GetCallerIdentity names it', async () => {
      const r = await signedSts(ROOT, 'Action=AssumeRole&Version=2011-06-15&RoleArn=arn%3Aaws%3Aiam%3A%3A000000000000%3Arole%2Fx&RoleSessionName=s1');
      expect(r.status, r.text).to.equal(200);
      const result = r.doc.AssumeRoleResponse.AssumeRoleResult;
      expect(result.AssumedRoleUser.Arn).to.equal(`arn:aws:sts::000000000000:assumed-role/${ROOT.accessKeyId}/s1`);
      const c = { accessKeyId: result.Credentials.AccessKeyId, secretAccessKey: result.Credentials.SecretAccessKey, sessionToken: result.Credentials.SessionToken };
      expect(c.accessKeyId).to.match(/^ASIA/);
      expect((await getAs(c, 'app2/b.txt')).status).to.equal(200);
      const who = await signedSts(c, 'Action=GetCallerIdentity&Version=2011-06-15');
      expect(who.status, who.text).to.equal(200);
      expect(who.doc.GetCallerIdentityResponse.GetCallerIdentityResult.Arn).to.equal(`arn:aws:sts::000000000000:assumed-role/${ROOT.accessKeyId}/s1`);
      const rootWho = await signedSts(ROOT, 'Action=GetCallerIdentity&Version=2011-06-15');
      expect(rootWho.doc.GetCallerIdentityResponse.GetCallerIdentityResult.Arn).to.equal('arn:aws:iam::000000000000:root');
    });

    it('a session cannot AssumeRole again (no chaining)', async () => {
      const c = await credsFor(app1);
      const r = await signedSts(c, 'Action=AssumeRole&Version=2011-06-15&RoleArn=arn%3Aaws%3Aiam%3A%3A000000000000%3Arole%2Fx&RoleSessionName=s2');
      expect(r.status).to.equal(403);
      expect(r.code).to.equal('AccessDenied');
    });
  });

  describe('the listener', function () {
    it('S3 requests from a client presenting a certificate (trusted or not) are unaffected', async () => {
      const rogue = await makeLeaf('rogue', await makeCa('Rogue CA'));
      for (const who of [app1, rogue]) {
        const path = '/apps/app1/a.txt';
        const signed = await root.signer().sign({ method: 'GET', protocol: 'https:', hostname: '127.0.0.1', port: server.port, path, query: {}, headers: { host: `127.0.0.1:${server.port}` } });
        const res = await new Promise<{ status: number; body: string }>((resolve, reject) => {
          const req = httpsRequest({ host: '127.0.0.1', port: server.port, path, method: 'GET', headers: signed.headers, ca: serverCa, cert: who.certPem, key: who.keyPem, agent: false }, (r) => {
            let body = '';
            r.on('data', (b: Buffer) => (body += b.toString('utf8')));
            r.on('end', () => resolve({ status: r.statusCode ?? 0, body }));
          });
          req.on('error', reject);
          req.end();
        });
        expect(res.status).to.equal(200);
        expect(res.body).to.equal('app1/a.txt');
      }
    });

    it('plain HTTP to the port gets no HTTP answer (HTTPS only)', async () => {
      const outcome = await new Promise<string>((resolve) => {
        const req = httpRequest({ host: '127.0.0.1', port: server.port, method: 'POST', path: `/?${ARWC}`, headers: { 'content-length': '0' }, timeout: 5000 }, (res) => {
          res.resume();
          resolve(`status ${res.statusCode}`);
        });
        req.on('timeout', () => req.destroy(new Error('timeout')));
        req.on('error', (e) => resolve(`error ${(e as NodeJS.ErrnoException).code ?? e.message}`));
        req.end();
      });
      expect(outcome).to.match(/^error /);
    });

    it('advertises only the configured client CAs in the certificate request', async () => {
      expect(await advertisedCaNames(server.port)).to.deep.equal(['STS Test Root CA']);
    });

    it('the client CA bundle is re-read on change: a certificate from an appended CA works without restart', async () => {
      const newCa = await makeCa('STS Test Second CA');
      const leaf = await makeLeaf('app1', newCa, { ou: 'apps' });
      const refused = await sts({ cert: leaf.certPem, key: leaf.keyPem, query: ARWC });
      expect(refused.code).to.equal('InvalidCertificate');
      // Appended as `cat` would: the file (like the dev CA's ca.pem) has no final newline.
      expect(readFileSync(clientCaFile, 'utf8').endsWith('\n')).to.equal(false);
      appendFileSync(clientCaFile, newCa.certPem);
      let last: StsAnswer | undefined;
      const deadline = Date.now() + 5000;
      while (Date.now() < deadline) {
        last = await sts({ cert: leaf.certPem, key: leaf.keyPem, query: ARWC });
        if (last.status === 200) break;
        await sleep(200);
      }
      expect(last!.status, last!.text).to.equal(200);
      const c = last!.doc.AssumeRoleWithCertificateResponse.AssumeRoleWithCertificateResult.Credentials;
      expect((await getAs({ accessKeyId: c.AccessKeyId, secretAccessKey: c.SecretAccessKey, sessionToken: c.SessionToken }, 'app1/a.txt')).status).to.equal(200);
      // The listener now advertises both CAs (setSecureContext after the file changed).
      let names: string[] = [];
      for (let i = 0; i < 20 && names.length < 2; i++) {
        names = await advertisedCaNames(server.port);
        if (names.length < 2) await sleep(200);
      }
      expect(names).to.deep.equal(['STS Test Root CA', 'STS Test Second CA']);
    });
  });
});
