import { request } from 'node:https';
import { XMLParser } from 'fast-xml-parser';
import type { TemporaryCredentials } from '@keyless/core';
import { STS_VERSION } from './sts-params.js';

/** Options of {@link requestCredentialsWithCertificate}. */
export interface CertificateCredentialsRequest {
  /** The Keyless endpoint, e.g. `https://keyless.example.org:9000`. */
  endpoint: string;
  certPem: string;
  keyPem: string;
  /** CA bundle that signed the server certificate; absent => the system roots. */
  caPem?: string;
  durationSeconds?: number;
}

/** Responses larger than this are not STS answers; stop reading. */
const MAX_RESPONSE_BYTES = 64 * 1024;

/**
 * Exchanges a client certificate for temporary credentials (`keyless credentials`). Parameters go
 * in the query string, so the same call works against MinIO.
 * @throws Error `Code: Message` for an STS error, or a plain Error for transport failures.
 */
export async function requestCredentialsWithCertificate(opts: CertificateCredentialsRequest): Promise<TemporaryCredentials> {
  const url = new URL(opts.endpoint);
  if (url.protocol !== 'https:') throw new Error('The endpoint must be an https:// URL.');
  const query = new URLSearchParams({ Action: 'AssumeRoleWithCertificate', Version: STS_VERSION });
  if (opts.durationSeconds !== undefined) query.set('DurationSeconds', String(opts.durationSeconds));
  const path = `${url.pathname.replace(/\/+$/, '')}/?${query.toString()}`;

  const { status, body } = await new Promise<{ status: number; body: string }>((resolve, reject) => {
    const req = request(
      {
        hostname: url.hostname.replace(/^\[|\]$/g, ''),
        port: url.port === '' ? 443 : Number(url.port),
        method: 'POST',
        path,
        cert: opts.certPem,
        key: opts.keyPem,
        ...(opts.caPem !== undefined ? { ca: opts.caPem } : {}),
        headers: { 'content-length': '0' },
      },
      (res) => {
        const chunks: Buffer[] = [];
        let size = 0;
        res.on('data', (chunk: Buffer) => {
          size += chunk.length;
          if (size > MAX_RESPONSE_BYTES) {
            req.destroy(new Error('The STS response is too large.'));
            return;
          }
          chunks.push(chunk);
        });
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end();
  });

  const doc = new XMLParser({ removeNSPrefix: true, parseTagValue: false, ignoreAttributes: true }).parse(body) as Record<string, any>;
  const error = doc.ErrorResponse?.Error;
  if (error !== undefined) throw new Error(`${String(error.Code)}: ${String(error.Message)}`);
  const creds = doc.AssumeRoleWithCertificateResponse?.AssumeRoleWithCertificateResult?.Credentials;
  if (status !== 200 || creds === undefined) throw new Error(`Unexpected STS response (HTTP ${status}).`);
  const expiration = new Date(String(creds.Expiration));
  if (typeof creds.AccessKeyId !== 'string' || typeof creds.SecretAccessKey !== 'string' ||
      typeof creds.SessionToken !== 'string' || Number.isNaN(expiration.getTime())) {
    throw new Error('The STS response lacks credentials.');
  }
  return { accessKeyId: creds.AccessKeyId, secretAccessKey: creds.SecretAccessKey, sessionToken: creds.SessionToken, expiration };
}
