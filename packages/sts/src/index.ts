/**
 * @keyless/sts — the Security Token Service: AssumeRoleWithCertificate (TLS client certificate,
 * pkijs chain validation, mapping to policies and principal tags), AssumeRole and
 * GetCallerIdentity (SigV4), and the client `keyless credentials` uses.
 */
export type { StsHttpRequest, StsHttpResponse, StsDeps } from './sts-http.js';
export { isStsRequest } from './is-sts-request.js';
export { handleStsRequest } from './handle-sts-request.js';
export { TrustStore, type TrustStoreFileOptions } from './trust-store.js';
export { validateClientChain, MAX_INTERMEDIATES } from './validate-client-chain.js';
export type { ValidatedCertificate, ValidatedAuthority } from './validated-certificate.js';
export type { DistinguishedName } from './distinguished-name.js';
export { CERTIFICATE_REJECTIONS, type CertificateRejection } from './certificate-rejections.js';
export { parseMappingFile, type CertificateMapping, type MappingRule, type AuthorityLimit } from './certificate-mapping.js';
export { mapCertificate, type CertificateGrant } from './map-certificate.js';
export { certificateTags, CERTIFICATE_TAG_NAMES } from './principal-tags.js';
export { sessionIdentity, CERTIFICATE_ROLE_NAME, type SessionIdentity } from '@keyless/core';
export { ROOT_SESSION_POLICIES } from './assume-role.js';
export { STS_XMLNS } from './sts-xml.js';
export { credentialProcessOutput } from './credential-process-output.js';
export { requestCredentialsWithCertificate, type CertificateCredentialsRequest } from './request-credentials-with-certificate.js';
