/**
 * The stable reasons a client certificate is refused. They are part of the wire contract (clients
 * and runbooks match on them) and are listed in `packages/sts/README.md`: change one only together
 * with that page. No message ever carries library error text.
 */
export const CERTIFICATE_REJECTIONS = {
  plainHttp: 'AssumeRoleWithCertificate requires HTTPS with a TLS client certificate.',
  noCertificate: 'No client certificate was presented.',
  unparsable: 'A certificate presented by the client could not be parsed.',
  multipleLeaves: 'More than one leaf (non-CA) certificate was presented.',
  tooManyIntermediates: 'More than 10 intermediate certificates were presented.',
  untrusted: 'The client certificate is not issued by a trusted certificate authority.',
  leafExpired: 'The client certificate has expired.',
  leafNotYetValid: 'The client certificate is not yet valid.',
  issuerExpired: 'A certificate authority in the chain has expired.',
  issuerNotYetValid: 'A certificate authority in the chain is not yet valid.',
  leafIsCa: 'The client certificate is a CA certificate, not a leaf certificate.',
  noClientAuth: 'The client certificate has an extended key usage without clientAuth.',
  issuerNotCa: 'A certificate issuing the chain is not a CA (basic constraints).',
  issuerNoKeyCertSign: 'A certificate issuing the chain lacks the keyCertSign key usage.',
  pathLength: 'The certificate chain violates a path length constraint.',
  criticalExtension: 'A certificate in the chain has an unsupported critical extension.',
  chainInvalid: 'The certificate chain failed validation.',
  unmapped: 'The client certificate does not map to any policy.',
  unknownPolicy: 'A policy mapped to the client certificate does not exist.',
  authorityNotAllowed: 'The certificate authority is not allowed to issue this identity.',
} as const;

/** A key of {@link CERTIFICATE_REJECTIONS}. */
export type CertificateRejection = keyof typeof CERTIFICATE_REJECTIONS;
