import { once } from 'node:events';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TLSSocket } from 'node:tls';
import { expect } from 'chai';
import type { SqliteCredentialStore } from '@keyless/credential-store';
import {
  credentialProcessOutput,
  handleStsRequest,
  isStsRequest,
  requestCredentialsWithCertificate,
  TrustStore,
} from '../src/index.js';
import { makeDeps, openStore } from './fixtures.js';
import { keyPem, makeCa, makeLeaf, x509, type Issued } from './pki.js';

/** The peer chain as the server passes it: DER, leaf first, stopping at a self-issued loop. */
function peerChain(socket: TLSSocket): Buffer[] {
  const out: Buffer[] = [];
  const seen = new Set<string>();
  let cert = socket.getPeerCertificate(true);
  while (cert && cert.raw && !seen.has(cert.fingerprint256)) {
    seen.add(cert.fingerprint256);
    out.push(cert.raw);
    cert = cert.issuerCertificate;
  }
  return out;
}

describe('requestCredentialsWithCertificate against a real HTTPS listener', () => {
  let store: SqliteCredentialStore;
  let close: () => Promise<void>;
  let server: Server;
  let endpoint: string;
  let serverCa: Issued;
  let clientRoot: Issued;
  let clientInter: Issued;

  before(async () => {
    ({ store, close } = await openStore());
    serverCa = await makeCa('Server CA');
    const serverCert = await makeLeaf(serverCa, 'CN=localhost', {
      eku: [x509.ExtendedKeyUsage.serverAuth],
      san: [{ type: 'dns', value: 'localhost' }, { type: 'ip', value: '127.0.0.1' }],
    });
    clientRoot = await makeCa('Client Root');
    clientInter = await makeCa('Client Intermediate', { issuer: clientRoot });
    const deps = makeDeps(store, TrustStore.fromPem(clientRoot.pem));
    server = createServer(
      { cert: serverCert.pem, key: await keyPem(serverCert), requestCert: true, rejectUnauthorized: false, ca: clientRoot.pem },
      (req, res) => {
        const chunks: Buffer[] = [];
        req.on('data', (c: Buffer) => chunks.push(c));
        req.on('end', () => {
          const [rawPath = '/', rawQuery = ''] = (req.url ?? '/').split(/\?(.*)/s);
          if (!isStsRequest(req.method ?? '', rawPath, rawQuery, req.headers)) {
            res.writeHead(404).end();
            return;
          }
          void handleStsRequest({
            method: req.method ?? '',
            rawPath,
            rawQuery,
            rawHeaders: req.rawHeaders,
            headers: req.headers,
            body: Buffer.concat(chunks),
            peerCertificates: peerChain(req.socket as TLSSocket),
            encrypted: true,
            sourceIp: req.socket.remoteAddress ?? '',
            requestId: 'REQ-HTTPS',
          }, deps).then((r) => res.writeHead(r.status, r.headers).end(r.body));
        });
      },
    );
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    endpoint = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(async () => {
    server.close();
    await close();
  });

  it('exchanges a client certificate (with its intermediate) for credentials', async () => {
    const leaf = await makeLeaf(clientInter, 'CN=app1');
    const creds = await requestCredentialsWithCertificate({
      endpoint,
      certPem: leaf.pem + clientInter.pem,
      keyPem: await keyPem(leaf),
      caPem: serverCa.pem,
      durationSeconds: 900,
    });
    expect(creds.accessKeyId).to.match(/^ASIA/);
    expect(creds.expiration.getTime() - Date.now()).to.be.within(890_000, 901_000);
    const session = await store.getSession(creds.accessKeyId);
    expect(session!.secretKey).to.equal(creds.secretAccessKey);
    expect(session!.parent).to.equal('app1');
  });

  it('throws "Code: Message" for an STS error', async () => {
    const stranger = await makeCa('Stranger');
    const leaf = await makeLeaf(stranger, 'CN=app1');
    let error: unknown;
    try {
      await requestCredentialsWithCertificate({ endpoint, certPem: leaf.pem, keyPem: await keyPem(leaf), caPem: serverCa.pem });
    } catch (err) {
      error = err;
    }
    expect(String((error as Error)?.message)).to.equal(
      'InvalidCertificate: The client certificate is not issued by a trusted certificate authority.',
    );
  });

  it('refuses to talk to a server it does not trust', async () => {
    const leaf = await makeLeaf(clientRoot, 'CN=app1');
    let error: unknown;
    try {
      await requestCredentialsWithCertificate({ endpoint, certPem: leaf.pem, keyPem: await keyPem(leaf), caPem: clientRoot.pem });
    } catch (err) {
      error = err;
    }
    expect(error).to.be.instanceOf(Error);
    expect((error as NodeJS.ErrnoException).code).to.be.a('string');
  });
});

describe('credentialProcessOutput', () => {
  it('prints the AWS credential_process JSON', () => {
    const out = JSON.parse(credentialProcessOutput({
      accessKeyId: 'ASIAAAAAAAAAAAAAAAAA',
      secretAccessKey: 's'.repeat(40),
      sessionToken: 'token',
      expiration: new Date('2030-01-02T03:04:05.678Z'),
    }));
    expect(out).to.deep.equal({
      Version: 1,
      AccessKeyId: 'ASIAAAAAAAAAAAAAAAAA',
      SecretAccessKey: 's'.repeat(40),
      SessionToken: 'token',
      Expiration: '2030-01-02T03:04:05Z',
    });
  });
});

describe('TrustStore', () => {
  it('re-reads the bundle file when it changes, at most once per second, keeping the last good one', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'keyless-trust-'));
    try {
      const a = await makeCa('CA A');
      const b = await makeCa('CA B');
      const file = join(dir, 'client-ca.pem');
      writeFileSync(file, a.pem);
      let clock = 1_000_000;
      const errors: string[] = [];
      const trust = TrustStore.fromFile(file, { clock: () => clock, onReloadError: (m) => errors.push(m) });
      expect(trust.anchors().map((c) => c.subject.CN)).to.deep.equal(['CA A']);
      expect(trust.version()).to.equal(1);

      writeFileSync(file, a.pem + b.pem);
      clock += 500; // within the second: not checked yet
      expect(trust.anchors()).to.have.length(1);
      clock += 600;
      expect(trust.anchors().map((c) => c.subject.CN)).to.deep.equal(['CA A', 'CA B']);
      expect(trust.version()).to.equal(2);
      expect(trust.pem()).to.equal(a.pem + b.pem);

      writeFileSync(file, 'garbage');
      clock += 1100;
      expect(trust.anchors()).to.have.length(2);
      expect(errors).to.have.length(1);
      expect(errors[0]).to.contain('no PEM certificate');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('refuses an empty bundle', () => {
    expect(() => TrustStore.fromPem('')).to.throw(Error, /no PEM certificate/);
  });
});
