import { webcrypto, KeyObject, randomBytes, X509Certificate } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
// @peculiar/x509's dependency injection needs the Reflect metadata polyfill loaded first.
import 'reflect-metadata';
import * as x509 from '@peculiar/x509';

// @peculiar/x509 (rather than hand-built ASN.1 with pkijs) because minting certificates with the
// right extensions is its whole purpose and it is widely used; pkijs stays the validator in `sts`.
const ALG = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' } as const;
const DAY = 24 * 3600 * 1000;

/** Paths of the development PKI under `DATA/certs/`. */
export interface DevCertificatePaths {
  caCert: string;
  caKey: string;
  serverCert: string;
  serverKey: string;
}

/** A certificate and its private key, PEM. */
export interface IssuedCertificate {
  certPem: string;
  keyPem: string;
}

function crypto(): webcrypto.Crypto {
  // Set per call (no module-level state): the provider is the process's own WebCrypto.
  x509.cryptoProvider.set(webcrypto as never);
  return webcrypto;
}

function keyPem(key: webcrypto.CryptoKey): string {
  return KeyObject.from(key).export({ type: 'pkcs8', format: 'pem' }).toString();
}

function serial(): string {
  const b = randomBytes(16);
  b[0] &= 0x7f; // positive INTEGER
  return b.toString('hex');
}

/** Creates a self-signed CA (10 years) for development. */
export async function createDevCa(commonName = 'Keyless development CA'): Promise<IssuedCertificate> {
  const c = crypto();
  const keys = (await c.subtle.generateKey(ALG, true, ['sign', 'verify'])) as webcrypto.CryptoKeyPair;
  const now = Date.now();
  const cert = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: serial(),
    name: `CN=${commonName}`,
    notBefore: new Date(now - DAY),
    notAfter: new Date(now + 3650 * DAY),
    signingAlgorithm: ALG,
    keys: keys as never,
    extensions: [
      new x509.BasicConstraintsExtension(true, undefined, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true),
      await x509.SubjectKeyIdentifierExtension.create(keys.publicKey as never),
    ],
  });
  return { certPem: cert.toString('pem'), keyPem: keyPem(keys.privateKey) };
}

/** What `issueCertificate` signs. */
export interface IssueOptions {
  caCertPem: string;
  caKeyPem: string;
  commonName: string;
  /** 'client' adds clientAuth, 'server' adds serverAuth and the SANs. */
  usage: 'client' | 'server';
  days?: number;
  dnsNames?: string[];
  ipAddresses?: string[];
  uris?: string[];
  organizationalUnit?: string;
}

/** Issues a leaf certificate from a CA (P-256 key generated here). */
export async function issueCertificate(opts: IssueOptions): Promise<IssuedCertificate> {
  const c = crypto();
  const ca = new x509.X509Certificate(opts.caCertPem);
  const caKey = await c.subtle.importKey('pkcs8', pemBody(opts.caKeyPem), ALG, false, ['sign']);
  const keys = (await c.subtle.generateKey(ALG, true, ['sign', 'verify'])) as webcrypto.CryptoKeyPair;
  const now = Date.now();
  const san = [
    ...(opts.dnsNames ?? []).map((value) => ({ type: 'dns' as const, value })),
    ...(opts.ipAddresses ?? []).map((value) => ({ type: 'ip' as const, value })),
    ...(opts.uris ?? []).map((value) => ({ type: 'url' as const, value })),
  ];
  const subject = `CN=${escapeDn(opts.commonName)}${opts.organizationalUnit ? `, OU=${escapeDn(opts.organizationalUnit)}` : ''}`;
  const cert = await x509.X509CertificateGenerator.create({
    serialNumber: serial(),
    subject,
    issuer: ca.subject,
    notBefore: new Date(now - 60_000),
    notAfter: new Date(Math.min(now + (opts.days ?? 365) * DAY, ca.notAfter.getTime())),
    signingAlgorithm: ALG,
    publicKey: keys.publicKey as never,
    signingKey: caKey as never,
    extensions: [
      new x509.BasicConstraintsExtension(false, undefined, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature | x509.KeyUsageFlags.keyEncipherment, true),
      new x509.ExtendedKeyUsageExtension([opts.usage === 'client' ? x509.ExtendedKeyUsage.clientAuth : x509.ExtendedKeyUsage.serverAuth]),
      ...(san.length ? [new x509.SubjectAlternativeNameExtension(san)] : []),
      await x509.SubjectKeyIdentifierExtension.create(keys.publicKey as never),
      await x509.AuthorityKeyIdentifierExtension.create(ca, false),
    ],
  });
  return { certPem: cert.toString('pem'), keyPem: keyPem(keys.privateKey) };
}

function escapeDn(value: string): string {
  return value.replace(/([,+"\\<>;=#])/g, '\\$1');
}

function pemBody(pem: string): ArrayBuffer {
  const b64 = pem.replace(/-----[^-]+-----/g, '').replace(/\s+/g, '');
  const buf = Buffer.from(b64, 'base64');
  return buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength) as ArrayBuffer;
}

/**
 * Makes sure `DATA/certs/` holds a development CA and a server certificate for localhost,
 * 127.0.0.1, ::1 and `extraHosts` (a `*.domain` entry covers virtual-hosted buckets). The CA is
 * created once; the server certificate is re-issued when it does not cover a requested name (so
 * adding `--domain` later works). Keys are written 0600. Returns the paths and whether anything
 * was created.
 */
export async function ensureDevCertificates(dataDir: string, extraHosts: string[] = []): Promise<DevCertificatePaths & { created: boolean }> {
  const dir = join(dataDir, 'certs');
  const paths = { caCert: join(dir, 'ca.pem'), caKey: join(dir, 'ca-key.pem'), serverCert: join(dir, 'server.pem'), serverKey: join(dir, 'server-key.pem') };
  const isIp = (h: string) => /^[\d.]+$|:/.test(h);
  const hosts = [...new Set(['localhost', ...extraHosts.filter((h) => !isIp(h))])];
  const ips = [...new Set(['127.0.0.1', '::1', ...extraHosts.filter(isIp)])];
  if (Object.values(paths).every((p) => existsSync(p)) && covers(readFileSync(paths.serverCert, 'utf8'), hosts, ips)) {
    return { ...paths, created: false };
  }
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  let ca: IssuedCertificate;
  if (existsSync(paths.caCert) && existsSync(paths.caKey)) {
    ca = { certPem: readFileSync(paths.caCert, 'utf8'), keyPem: readFileSync(paths.caKey, 'utf8') };
  } else {
    ca = await createDevCa();
    writeFileSync(paths.caKey, ca.keyPem, { mode: 0o600 });
    writeFileSync(paths.caCert, ca.certPem);
  }
  const server = await issueCertificate({ caCertPem: ca.certPem, caKeyPem: ca.keyPem, commonName: 'localhost', usage: 'server', days: 825, dnsNames: hosts, ipAddresses: ips });
  writeFileSync(paths.serverKey, server.keyPem, { mode: 0o600 });
  writeFileSync(paths.serverCert, server.certPem);
  return { ...paths, created: true };
}

/** True when the certificate's SANs list every host name and IP address. */
function covers(certPem: string, hosts: string[], ips: string[]): boolean {
  let san: string;
  try {
    san = new X509Certificate(certPem).subjectAltName ?? '';
  } catch {
    return false;
  }
  const entries = new Set(san.split(',').map((e) => e.trim()));
  const normalizeIp = (ip: string) => (ip === '::1' ? '0:0:0:0:0:0:0:1' : ip.toUpperCase());
  return hosts.every((h) => entries.has(`DNS:${h}`)) && ips.every((ip) => entries.has(`IP Address:${ip}`) || entries.has(`IP Address:${normalizeIp(ip)}`));
}
