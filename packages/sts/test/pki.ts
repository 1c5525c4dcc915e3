// Test fixtures: a tiny PKI minted with @peculiar/x509 on Node's webcrypto (it needs the
// reflect-metadata polyfill for its dependency injection container).
import 'reflect-metadata';
import type { webcrypto } from 'node:crypto';
import * as x509 from '@peculiar/x509';

type CryptoKeyPair = webcrypto.CryptoKeyPair;

x509.cryptoProvider.set(globalThis.crypto);

const ALG = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' } as const;
const DAY = 86_400_000;

/** A minted certificate with its key pair. */
export interface Issued {
  cert: x509.X509Certificate;
  keys: CryptoKeyPair;
  der: Buffer;
  pem: string;
}

/** Common options of {@link makeCa} and {@link makeLeaf}. */
export interface CertOptions {
  notBefore?: Date;
  notAfter?: Date;
  serial?: string;
  extraExtensions?: x509.Extension[];
}

let serialCounter = 1;
function nextSerial(): string {
  serialCounter += 1;
  return serialCounter.toString(16).padStart(4, '0');
}

async function finish(cert: x509.X509Certificate, keys: CryptoKeyPair): Promise<Issued> {
  return { cert, keys, der: Buffer.from(cert.rawData), pem: `${cert.toString('pem')}\n` };
}

/** A CA: self-signed when `issuer` is absent. */
export async function makeCa(
  name: string,
  opts: CertOptions & { issuer?: Issued; pathLen?: number; keyUsage?: number | null; isCa?: boolean; subjectName?: string } = {},
): Promise<Issued> {
  const keys = (await crypto.subtle.generateKey(ALG, true, ['sign', 'verify'])) as CryptoKeyPair;
  const extensions: x509.Extension[] = [new x509.BasicConstraintsExtension(opts.isCa ?? true, opts.pathLen, true)];
  const ku = opts.keyUsage === undefined ? x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign : opts.keyUsage;
  if (ku !== null) extensions.push(new x509.KeyUsagesExtension(ku, true));
  extensions.push(await x509.SubjectKeyIdentifierExtension.create(keys.publicKey));
  extensions.push(...(opts.extraExtensions ?? []));
  const subject = opts.subjectName ?? `CN=${name}, O=Keyless Test`;
  const common = {
    serialNumber: opts.serial ?? nextSerial(),
    notBefore: opts.notBefore ?? new Date(Date.now() - DAY),
    notAfter: opts.notAfter ?? new Date(Date.now() + 365 * DAY),
    signingAlgorithm: ALG,
    extensions,
  };
  const cert = opts.issuer === undefined
    ? await x509.X509CertificateGenerator.createSelfSigned({ ...common, name: subject, keys })
    : await x509.X509CertificateGenerator.create({
      ...common,
      subject,
      issuer: opts.issuer.cert.subject,
      publicKey: keys.publicKey,
      signingKey: opts.issuer.keys.privateKey,
    });
  return finish(cert, keys);
}

/** A leaf: clientAuth EKU unless `eku` says otherwise (`null` = no EKU extension). */
export async function makeLeaf(
  issuer: Issued,
  subject: string,
  opts: CertOptions & { eku?: string[] | null; san?: x509.JsonGeneralName[]; isCa?: boolean } = {},
): Promise<Issued> {
  const keys = (await crypto.subtle.generateKey(ALG, true, ['sign', 'verify'])) as CryptoKeyPair;
  const extensions: x509.Extension[] = [
    new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature, true),
  ];
  if (opts.isCa) extensions.push(new x509.BasicConstraintsExtension(true, undefined, true));
  const eku = opts.eku === undefined ? [x509.ExtendedKeyUsage.clientAuth] : opts.eku;
  if (eku !== null) extensions.push(new x509.ExtendedKeyUsageExtension(eku, false));
  if (opts.san !== undefined) extensions.push(new x509.SubjectAlternativeNameExtension(opts.san, false));
  extensions.push(...(opts.extraExtensions ?? []));
  const cert = await x509.X509CertificateGenerator.create({
    serialNumber: opts.serial ?? nextSerial(),
    subject,
    issuer: issuer.cert.subject,
    notBefore: opts.notBefore ?? new Date(Date.now() - DAY),
    notAfter: opts.notAfter ?? new Date(Date.now() + 30 * DAY),
    publicKey: keys.publicKey,
    signingKey: issuer.keys.privateKey,
    signingAlgorithm: ALG,
    extensions,
  });
  return finish(cert, keys);
}

/** The private key as PKCS#8 PEM (for a TLS client or server). */
export async function keyPem(issued: Issued): Promise<string> {
  const pkcs8 = Buffer.from(await crypto.subtle.exportKey('pkcs8', issued.keys.privateKey)).toString('base64');
  return `-----BEGIN PRIVATE KEY-----\n${pkcs8.match(/.{1,64}/g)!.join('\n')}\n-----END PRIVATE KEY-----\n`;
}

export { x509 };
export const DAY_MS = DAY;
