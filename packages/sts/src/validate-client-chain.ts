import * as pkijs from 'pkijs';
import { StsError, type StsErrorCode } from '@keyless/core';
import { CERTIFICATE_REJECTIONS, type CertificateRejection } from './certificate-rejections.js';
import { KNOWN_CRITICAL_EXTENSIONS, OID, parseCertificate, type ParsedCertificate } from './parsed-certificate.js';
import type { TrustStore } from './trust-store.js';
import type { ValidatedCertificate } from './validated-certificate.js';

/** At most this many intermediates are accepted from a client (and searched when building a path). */
export const MAX_INTERMEDIATES = 10;

/** An {@link StsError} whose message is a stable {@link CERTIFICATE_REJECTIONS} reason. */
export function rejection(reason: CertificateRejection, code: StsErrorCode = 'InvalidCertificate'): StsError {
  return new StsError(code, CERTIFICATE_REJECTIONS[reason]);
}

/**
 * Validates a TLS client chain (DER, leaf first, then whatever intermediates the client sent)
 * against the trust store only, at `now`:
 * a path is built from the leaf through the sent intermediates to a CA of the bundle, checking each
 * signature; then every certificate on it must be valid now, every issuer a CA (basic constraints)
 * allowed to sign certificates (keyCertSign when keyUsage is present) within its path length, the
 * leaf must not be a CA and, if it has an extended key usage, must include clientAuth. Finally the
 * path goes through pkijs' RFC 5280 validation (name constraints, policies).
 *
 * @throws StsError with a stable message from {@link CERTIFICATE_REJECTIONS}.
 * @see https://datatracker.ietf.org/doc/html/rfc5280#section-6
 */
export async function validateClientChain(
  chain: Buffer[],
  trust: TrustStore,
  now: Date,
): Promise<ValidatedCertificate> {
  if (chain.length === 0) throw rejection('noCertificate', 'MissingAuthenticationToken');
  if (chain.length - 1 > MAX_INTERMEDIATES) throw rejection('tooManyIntermediates');
  let parsed: ParsedCertificate[];
  try {
    parsed = chain.map(parseCertificate);
  } catch {
    throw rejection('unparsable');
  }
  const [leaf, ...sent] = parsed as [ParsedCertificate, ...ParsedCertificate[]];
  const pool = new Map<string, ParsedCertificate>();
  for (const c of sent) {
    if (c.fingerprintSha256 === leaf.fingerprintSha256) continue;
    if (!c.isCa) throw rejection('multipleLeaves');
    pool.set(c.fingerprintSha256, c);
  }
  if (leaf.isCa) throw rejection('leafIsCa');
  if (leaf.extKeyUsage !== undefined && !leaf.extKeyUsage.includes(OID.clientAuth)) throw rejection('noClientAuth');

  const anchors = trust.anchors();
  const engine = new pkijs.CryptoEngine({ name: 'node', crypto: globalThis.crypto });
  const issuers = await buildPath(leaf, anchors, [...pool.values()], engine);
  if (issuers === undefined) throw rejection('untrusted');
  const path = [leaf, ...issuers];

  for (const c of path) {
    if (c.criticalExtensions.some((oid) => !KNOWN_CRITICAL_EXTENSIONS.has(oid))) throw rejection('criticalExtension');
  }
  if (now < leaf.notBefore) throw rejection('leafNotYetValid');
  if (now > leaf.notAfter) throw rejection('leafExpired');
  let intermediatesBelow = 0;
  for (const issuer of issuers) {
    if (!issuer.isCa) throw rejection('issuerNotCa');
    if (issuer.keyCertSign === false) throw rejection('issuerNoKeyCertSign');
    if (issuer.pathLenConstraint !== undefined && intermediatesBelow > issuer.pathLenConstraint) {
      throw rejection('pathLength');
    }
    if (now < issuer.notBefore) throw rejection('issuerNotYetValid');
    if (now > issuer.notAfter) throw rejection('issuerExpired');
    // RFC 5280 6.1.4 (l): self-issued intermediates do not count against path length.
    if (!issuer.selfIssued) intermediatesBelow += 1;
  }

  const anchor = issuers[issuers.length - 1]!;
  const rfc5280 = new pkijs.CertificateChainValidationEngine({
    certs: path.slice(0, -1).map((c) => c.cert),
    trustedCerts: [anchor.cert],
    checkDate: now,
  });
  let ok = false;
  try {
    ok = (await rfc5280.verify({}, engine)).result;
  } catch {
    ok = false;
  }
  if (!ok) throw rejection('chainInvalid');

  return {
    subject: leaf.subject,
    issuer: leaf.issuer,
    serialHex: leaf.serialHex,
    fingerprintSha256: leaf.fingerprintSha256,
    notBefore: leaf.notBefore,
    notAfter: leaf.notAfter,
    sanUris: leaf.sanUris,
    sanDns: leaf.sanDns,
    sanEmails: leaf.sanEmails,
    issuerCaFingerprint: anchor.fingerprintSha256,
    authorities: issuers.map((c) => ({ subject: c.subject, fingerprintSha256: c.fingerprintSha256 })),
  };
}

/**
 * Depth-first search from `cert` to a trust anchor: candidates are anchors, then sent
 * intermediates, whose subject equals the issuer name and whose key verifies the signature.
 * Certificates already on the path are skipped, so a loop (A issued by B issued by A) ends the
 * branch instead of recursing forever. @returns the issuers, trust anchor last.
 */
async function buildPath(
  cert: ParsedCertificate,
  anchors: readonly ParsedCertificate[],
  pool: readonly ParsedCertificate[],
  engine: pkijs.ICryptoEngine,
  visited: ReadonlySet<string> = new Set([cert.fingerprintSha256]),
): Promise<ParsedCertificate[] | undefined> {
  const anchorPrints = new Set(anchors.map((a) => a.fingerprintSha256));
  const candidates = [...anchors, ...pool.filter((p) => !anchorPrints.has(p.fingerprintSha256))];
  for (const candidate of candidates) {
    if (!cert.cert.issuer.isEqual(candidate.cert.subject)) continue;
    if (visited.has(candidate.fingerprintSha256)) continue;
    if (!(await signedBy(cert, candidate, engine))) continue;
    if (anchorPrints.has(candidate.fingerprintSha256)) return [candidate];
    if (visited.size > MAX_INTERMEDIATES) continue;
    const rest = await buildPath(candidate, anchors, pool, engine, new Set([...visited, candidate.fingerprintSha256]));
    if (rest !== undefined) return [candidate, ...rest];
  }
  return undefined;
}

async function signedBy(cert: ParsedCertificate, issuer: ParsedCertificate, engine: pkijs.ICryptoEngine): Promise<boolean> {
  try {
    return await cert.cert.verify(issuer.cert, engine);
  } catch {
    // Unsupported algorithm or malformed key: not a usable issuer.
    return false;
  }
}
