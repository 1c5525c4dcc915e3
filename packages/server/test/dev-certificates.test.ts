import { expect } from 'chai';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { X509Certificate } from 'node:crypto';
import { checkServerIdentity, type PeerCertificate } from 'node:tls';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ensureDevCertificates } from '../src/certs/dev-certificates.js';

/** The dev PKI `keyless serve` generates when no --tls-cert is given. */
describe('dev certificates', function () {
  this.timeout(20_000);
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'keyless-devcert-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  function identityError(pem: string, host: string): Error | undefined {
    const cert = new X509Certificate(pem);
    return checkServerIdentity(host, { subject: { CN: 'localhost' }, subjectaltname: cert.subjectAltName } as unknown as PeerCertificate);
  }

  it('creates a CA and a server certificate for localhost and 127.0.0.1 once, keys 0600, signed by the CA', async () => {
    const first = await ensureDevCertificates(dir);
    expect(first.created).to.equal(true);
    expect(statSync(first.caKey).mode & 0o777).to.equal(0o600);
    expect(statSync(first.serverKey).mode & 0o777).to.equal(0o600);
    const ca = new X509Certificate(readFileSync(first.caCert));
    const server = new X509Certificate(readFileSync(first.serverCert));
    expect(ca.ca).to.equal(true);
    expect(server.verify(ca.publicKey)).to.equal(true);
    expect(identityError(readFileSync(first.serverCert, 'utf8'), 'localhost')).to.equal(undefined);
    expect(identityError(readFileSync(first.serverCert, 'utf8'), '127.0.0.1')).to.equal(undefined);
    const again = await ensureDevCertificates(dir);
    expect(again.created).to.equal(false);
    expect(readFileSync(again.serverCert, 'utf8')).to.equal(readFileSync(first.serverCert, 'utf8'));
  });

  it('re-issues the server certificate (same CA) when a --domain needs *.domain for virtual-hosted buckets', async () => {
    const first = await ensureDevCertificates(dir);
    const caBefore = readFileSync(first.caCert, 'utf8');
    expect(identityError(readFileSync(first.serverCert, 'utf8'), 'photos.s3.test')).to.be.an('error');
    const second = await ensureDevCertificates(dir, ['s3.test', '*.s3.test']);
    expect(second.created).to.equal(true);
    expect(readFileSync(second.caCert, 'utf8')).to.equal(caBefore);
    const pem = readFileSync(second.serverCert, 'utf8');
    expect(identityError(pem, 'photos.s3.test')).to.equal(undefined);
    expect(identityError(pem, 's3.test')).to.equal(undefined);
    expect(new X509Certificate(pem).verify(new X509Certificate(caBefore).publicKey)).to.equal(true);
  });
});
