import type { DistinguishedName } from './distinguished-name.js';

/** A certificate authority on the validated path, from the leaf's issuer up to the trust anchor. */
export interface ValidatedAuthority {
  subject: DistinguishedName;
  fingerprintSha256: string;
}

/** A client certificate that passed {@link validateClientChain}: the facts mapping and sessions use. */
export interface ValidatedCertificate {
  subject: DistinguishedName;
  issuer: DistinguishedName;
  /** Lower-case hex, without a leading zero sign byte. */
  serialHex: string;
  /** Lower-case hex SHA-256 of the leaf's DER. */
  fingerprintSha256: string;
  notBefore: Date;
  notAfter: Date;
  sanUris: string[];
  sanDns: string[];
  sanEmails: string[];
  /** Lower-case hex SHA-256 of the trust anchor (the CA from the `--client-ca` bundle) that the chain ends at. */
  issuerCaFingerprint: string;
  /** Every CA on the path: the leaf's issuer first, the trust anchor last. */
  authorities: ValidatedAuthority[];
}
