import { StsError } from '@keyless/core';
import { CERTIFICATE_REJECTIONS } from './certificate-rejections.js';
import { resolveMapping } from './map-certificate.js';
import { sessionIdentity } from '@keyless/core';
import type { StsDeps, StsHttpRequest, StsHttpResponse } from './sts-http.js';
import { readDuration } from './sts-params.js';
import { credentialsXml, successResponse } from './sts-xml.js';
import { rejection, validateClientChain } from './validate-client-chain.js';
import type { ValidatedCertificate } from './validated-certificate.js';

/**
 * AssumeRoleWithCertificate: the TLS client certificate is the authentication (no SigV4). The
 * chain is validated against the client CA bundle, mapped to policies and principal tags, and a
 * session is stored that expires after DurationSeconds, capped by the mapping and by the
 * certificate's notAfter.
 *
 * @see https://min.io/docs/minio/linux/developers/security-token-service/AssumeRoleWithCertificate.html
 */
export async function assumeRoleWithCertificate(
  req: StsHttpRequest,
  params: Map<string, string>,
  deps: StsDeps,
): Promise<StsHttpResponse> {
  if (!req.encrypted) throw new StsError('AccessDenied', CERTIFICATE_REJECTIONS.plainHttp);
  const now = deps.now();
  const cert = await validateClientChain(req.peerCertificates, deps.trust, now);
  const durationSeconds = readDuration(params, deps.maxDurationSeconds);

  const outcome = resolveMapping(cert, deps.mapping);
  if (!outcome.ok) {
    deps.log?.({ event: 'sts.certificate.denied', reason: outcome.reason, ...certificateFacts(cert) });
    throw rejection(outcome.reason, 'AccessDenied');
  }
  const { grant } = outcome;
  for (const policy of grant.policies) {
    if (!(await deps.policyExists(policy))) {
      deps.log?.({ event: 'sts.certificate.denied', reason: 'unknownPolicy', policy, ...certificateFacts(cert) });
      throw rejection('unknownPolicy', 'AccessDenied');
    }
  }

  const limits = [now.getTime() + durationSeconds * 1000, cert.notAfter.getTime()];
  if (grant.maxDurationSeconds !== undefined) limits.push(now.getTime() + grant.maxDurationSeconds * 1000);
  const expiresAt = new Date(Math.min(...limits));
  const parent = cert.subject.CN ?? cert.sanUris[0] ?? cert.sanDns[0] ?? cert.sanEmails[0] ?? `sha256:${cert.fingerprintSha256}`;

  const creds = await deps.credentials.issueTemporary({
    parent,
    policies: grant.policies,
    tags: grant.tags,
    expiresAt,
    certSerial: cert.serialHex,
    certFingerprint: cert.fingerprintSha256,
    certIssuer: cert.issuer.text,
    ...(cert.subject.CN !== undefined ? { subject: cert.subject.CN } : {}),
  });
  const identity = sessionIdentity({
    accessKey: creds.accessKeyId,
    parent,
    certFingerprint: cert.fingerprintSha256,
    ...(cert.subject.CN !== undefined ? { subject: cert.subject.CN } : {}),
  });
  deps.log?.({
    event: 'sts.certificate.issued',
    accessKey: creds.accessKeyId,
    policies: grant.policies,
    expiresAt: creds.expiration.toISOString(),
    ...certificateFacts(cert),
  });
  return successResponse(
    'AssumeRoleWithCertificate',
    {
      Credentials: credentialsXml(creds),
      AssumedRoleUser: { Arn: identity.arn, AssumedRoleId: identity.userId },
      SourceIdentity: cert.subject.CN,
    },
    req.requestId,
  );
}

function certificateFacts(cert: ValidatedCertificate): Record<string, unknown> {
  return {
    subject: cert.subject.text,
    issuer: cert.issuer.text,
    serial: cert.serialHex,
    fingerprint: cert.fingerprintSha256,
  };
}
