import { createHash } from 'node:crypto';
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import { decodeName, type DistinguishedName } from './distinguished-name.js';

/** OIDs of the extensions chain validation reads. */
export const OID = {
  basicConstraints: '2.5.29.19',
  keyUsage: '2.5.29.15',
  extKeyUsage: '2.5.29.37',
  subjectAltName: '2.5.29.17',
  clientAuth: '1.3.6.1.5.5.7.3.2',
} as const;

/**
 * Critical extensions Keyless understands. RFC 5280 section 4.2: a certificate with a critical
 * extension the validator does not recognise must be rejected. Name constraints and policy
 * extensions are enforced by the pkijs path validation that runs last.
 */
export const KNOWN_CRITICAL_EXTENSIONS = new Set<string>([
  OID.basicConstraints, OID.keyUsage, OID.extKeyUsage, OID.subjectAltName,
  '2.5.29.14', '2.5.29.35', // subject / authority key identifiers
  '2.5.29.30', // name constraints
  '2.5.29.32', '2.5.29.33', '2.5.29.36', '2.5.29.54', // certificate policies, mappings, constraints, inhibitAnyPolicy
]);

/** One certificate, decoded once, with the facts validation and mapping need. */
export interface ParsedCertificate {
  readonly der: Buffer;
  readonly cert: pkijs.Certificate;
  readonly fingerprintSha256: string;
  readonly subject: DistinguishedName;
  readonly issuer: DistinguishedName;
  readonly serialHex: string;
  readonly notBefore: Date;
  readonly notAfter: Date;
  /** basicConstraints cA (false when the extension is absent). */
  readonly isCa: boolean;
  readonly pathLenConstraint?: number;
  /** undefined when the certificate has no keyUsage extension. */
  readonly keyCertSign?: boolean;
  /** undefined when the certificate has no extendedKeyUsage extension. */
  readonly extKeyUsage?: string[];
  readonly criticalExtensions: string[];
  readonly selfIssued: boolean;
  readonly sanUris: string[];
  readonly sanDns: string[];
  readonly sanEmails: string[];
}

/** Parses DER; throws a plain Error (callers turn it into a stable rejection). */
export function parseCertificate(der: Buffer): ParsedCertificate {
  const asn = asn1js.fromBER(new Uint8Array(der));
  if (asn.offset === -1) throw new Error('not DER');
  const cert = new pkijs.Certificate({ schema: asn.result });
  const ext = (oid: string): pkijs.Extension | undefined => cert.extensions?.find((e) => e.extnID === oid);

  const bc = ext(OID.basicConstraints)?.parsedValue as pkijs.BasicConstraints | undefined;
  const pathLen = bc?.pathLenConstraint;
  const pathLenConstraint =
    pathLen === undefined ? undefined : typeof pathLen === 'number' ? pathLen : pathLen.valueBlock.valueDec;

  const ku = ext(OID.keyUsage)?.parsedValue as asn1js.BitString | undefined;
  // keyCertSign is bit 5 of the KeyUsage BIT STRING (RFC 5280 section 4.2.1.3): 0x04 of byte 0.
  const keyCertSign = ku === undefined ? undefined : ((ku.valueBlock.valueHexView[0] ?? 0) & 0x04) !== 0;

  const eku = ext(OID.extKeyUsage)?.parsedValue as pkijs.ExtKeyUsage | undefined;
  const san = ext(OID.subjectAltName)?.parsedValue as pkijs.AltName | undefined;
  const names = san?.altNames ?? [];
  const pick = (type: number): string[] =>
    names.filter((n) => n.type === type && typeof n.value === 'string').map((n) => n.value as string);

  const serialBytes = Buffer.from(cert.serialNumber.valueBlock.valueHexView);
  let serialHex = serialBytes.toString('hex');
  while (serialHex.length > 2 && serialHex.startsWith('00')) serialHex = serialHex.slice(2);

  return {
    der,
    cert,
    fingerprintSha256: createHash('sha256').update(der).digest('hex'),
    subject: decodeName(cert.subject),
    issuer: decodeName(cert.issuer),
    serialHex,
    notBefore: cert.notBefore.value,
    notAfter: cert.notAfter.value,
    isCa: bc?.cA === true,
    ...(pathLenConstraint !== undefined ? { pathLenConstraint } : {}),
    ...(keyCertSign !== undefined ? { keyCertSign } : {}),
    ...(eku !== undefined ? { extKeyUsage: [...eku.keyPurposes] } : {}),
    criticalExtensions: (cert.extensions ?? []).filter((e) => e.critical).map((e) => e.extnID),
    selfIssued: cert.subject.isEqual(cert.issuer),
    sanUris: pick(6),
    sanDns: pick(2),
    sanEmails: pick(1),
  };
}

/** Splits a PEM bundle into DER certificates (other PEM blocks are ignored). */
export function pemToDer(pem: string): Buffer[] {
  const out: Buffer[] = [];
  const re = /-----BEGIN CERTIFICATE-----([\s\S]*?)-----END CERTIFICATE-----/g;
  for (let m = re.exec(pem); m !== null; m = re.exec(pem)) {
    out.push(Buffer.from((m[1] ?? '').replace(/\s+/g, ''), 'base64'));
  }
  return out;
}
