import type { CredentialStore } from '@keyless/core';
import type { CertificateMapping } from './certificate-mapping.js';
import type { TrustStore } from './trust-store.js';

/** One STS request, as the server hands it over (the small form body already read). */
export interface StsHttpRequest {
  method: string;
  /** Path as sent, still percent-encoded, no query. */
  rawPath: string;
  /** Query string without `?`, `''` if none. */
  rawQuery: string;
  /** Node's `IncomingMessage.rawHeaders`. */
  rawHeaders: string[];
  headers: Record<string, string | string[] | undefined>;
  /** The form body (the server limits it to 64 KiB); empty when there is none. */
  body: Buffer;
  /** DER, leaf first, then whatever intermediates the client sent. */
  peerCertificates: Buffer[];
  /** False for plain HTTP: AssumeRoleWithCertificate is then refused. */
  encrypted: boolean;
  sourceIp: string;
  requestId: string;
}

/** A rendered STS response. */
export interface StsHttpResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
}

/** What the STS handlers need; the server builds it once. */
export interface StsDeps {
  credentials: CredentialStore;
  /** The client CA bundle (`--client-ca`). */
  trust: TrustStore;
  /** From `--sts-mapping`; absent => the policy named after the subject CN. */
  mapping?: CertificateMapping;
  /** Root can call AssumeRole and GetCallerIdentity. */
  root: { accessKey: string; secretKey: string };
  region: string;
  /** Upper bound of DurationSeconds (`--sts-max-duration`, default 43200). */
  maxDurationSeconds: number;
  now: () => Date;
  /** Whether a policy name exists (built-in readwrite/readonly/writeonly or stored). */
  policyExists: (name: string) => Promise<boolean>;
  /** Reasons for operators (never secrets). */
  log?: (event: Record<string, unknown>) => void;
}
