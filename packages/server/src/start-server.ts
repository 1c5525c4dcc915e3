import { createServer, type Server } from 'node:https';
import { mkdirSync, readFileSync, unwatchFile, watchFile } from 'node:fs';
import { createHash, constants as tlsConstants } from 'node:crypto';
import { resolve } from 'node:path';
import { S3Api, FsObjectStore, LifecycleWorker } from '@keyless/object-storage';
import { loadMasterKey, SqliteCredentialStore } from '@keyless/credential-store';
import { builtinPolicies } from '@keyless/policy-engine';
import { parseMappingFile, TrustStore, type StsDeps } from '@keyless/sts';
import { SigningKeyCache } from '@keyless/sigv4';
import { createApp } from './create-app.js';
import { answerClientError } from './client-error.js';
import { ensureDevCertificates } from './certs/dev-certificates.js';
import { resolveRootCredentials, type RootCredentials } from './root-credentials.js';
import { parseAddress, type ServeOptions } from './serve-options.js';
import type { Logger } from './logger.js';

/** A running Keyless server. */
export interface RunningServer {
  url: string;
  port: number;
  root: RootCredentials;
  /** The CA bundle clients should trust (the dev CA when certificates were generated). */
  caBundle?: string;
  clientCa?: string;
  server: Server;
  /** The bucket lifecycle worker (started); tests call `runOnce(now)` on it. */
  lifecycle: LifecycleWorker;
  close(): Promise<void>;
}

/** How often expired STS sessions are purged; they are kept an hour past expiry so clients get ExpiredToken, not InvalidAccessKeyId. */
const PURGE_INTERVAL_MS = 60_000;
const PURGE_GRACE_MS = 3600_000;

/** The TLS cipher suites offered: TLS 1.3's, then ECDHE with AES-GCM or ChaCha20-Poly1305 for TLS 1.2 (Mozilla "intermediate"). */
const TLS_CIPHERS = [
  'TLS_AES_128_GCM_SHA256', 'TLS_AES_256_GCM_SHA384', 'TLS_CHACHA20_POLY1305_SHA256',
  'ECDHE-ECDSA-AES128-GCM-SHA256', 'ECDHE-RSA-AES128-GCM-SHA256', 'ECDHE-ECDSA-AES256-GCM-SHA384', 'ECDHE-RSA-AES256-GCM-SHA384',
  'ECDHE-ECDSA-CHACHA20-POLY1305', 'ECDHE-RSA-CHACHA20-POLY1305',
].join(':');

/** Default time between lifecycle runs: S3 applies rules about once a day; an hour keeps expiry close to due. */
const LIFECYCLE_INTERVAL_MS = 3600_000;

/** The lifecycle interval: option, else `KEYLESS_LIFECYCLE_INTERVAL` (seconds), else one hour. */
function lifecycleInterval(opts: ServeOptions, env: NodeJS.ProcessEnv): number {
  if (opts.lifecycleIntervalMs !== undefined) return opts.lifecycleIntervalMs;
  const seconds = Number(env.KEYLESS_LIFECYCLE_INTERVAL);
  if (env.KEYLESS_LIFECYCLE_INTERVAL === undefined) return LIFECYCLE_INTERVAL_MS;
  if (!Number.isFinite(seconds) || seconds <= 0) throw new Error('KEYLESS_LIFECYCLE_INTERVAL must be a positive number of seconds');
  return Math.max(100, Math.round(seconds * 1000));
}

/**
 * The lifecycle debug day (`KEYLESS_LIFECYCLE_DAY_SECONDS`, for test suites only), in ms: lifecycle
 * "days" become that many seconds, as RGW's `rgw_lc_debug_interval`. Unset: real days.
 */
function lifecycleDebugDayMs(env: NodeJS.ProcessEnv): number | undefined {
  const raw = env.KEYLESS_LIFECYCLE_DAY_SECONDS;
  if (raw === undefined || raw === '') return undefined;
  const seconds = Number(raw);
  if (!Number.isFinite(seconds) || seconds <= 0) throw new Error('KEYLESS_LIFECYCLE_DAY_SECONDS must be a positive number of seconds');
  return Math.round(seconds * 1000);
}

/** The key ids SSE-KMS writes may name (`KEYLESS_KMS_KEYS`, comma-separated); undefined = any. */
function kmsKeyIds(env: NodeJS.ProcessEnv): string[] | undefined {
  const ids = (env.KEYLESS_KMS_KEYS ?? '').split(',').map((s) => s.trim()).filter((s) => s !== '');
  return ids.length > 0 ? ids : undefined;
}

/**
 * Builds every dependency (the only place that chooses implementations) and starts the single
 * HTTPS listener serving S3 and STS.
 */
export async function startServer(opts: ServeOptions, log: Logger, env: NodeJS.ProcessEnv = process.env): Promise<RunningServer> {
  const { host, port } = parseAddress(opts.address);
  const debugDayMs = lifecycleDebugDayMs(env);
  const dataDir = resolve(opts.dataDir);
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const credentials = await SqliteCredentialStore.open({ dataDir, env });
  const store = await FsObjectStore.open(dataDir);
  const root = await resolveRootCredentials(credentials, env);

  let certFile = opts.tlsCert;
  let keyFile = opts.tlsKey;
  let clientCa = opts.clientCa;
  let caBundle: string | undefined;
  if ((certFile === undefined) !== (keyFile === undefined)) throw new Error('--tls-cert and --tls-key go together');
  if (certFile === undefined) {
    const names = [...(host === '0.0.0.0' || host === '::' ? [] : [host]), ...(opts.domain ? [opts.domain, `*.${opts.domain}`] : [])];
    const dev = await ensureDevCertificates(dataDir, names);
    certFile = dev.serverCert;
    keyFile = dev.serverKey;
    caBundle = dev.caCert;
    clientCa ??= dev.caCert;
  }
  // `cat a.pem b.pem` joins END and BEGIN on one line when a.pem lacks its final newline (the dev
  // CA's does): OpenSSL then loads no CA at all and advertises none, while the STS parses them all.
  const readClientCa = () => (clientCa ? readFileSync(clientCa, 'utf8').replace(/-----END CERTIFICATE-----[ \t]*(?=-----BEGIN)/g, '-----END CERTIFICATE-----\n') : undefined);
  const tlsOptions = () => ({
    cert: readFileSync(certFile as string),
    key: readFileSync(keyFile as string),
    // Advertise only the configured client CAs: S3 clients without certificates are unaffected,
    // browsers are not prompted, and STS callers know which certificate to present.
    ca: readClientCa(),
    requestCert: true,
    rejectUnauthorized: false,
    minVersion: 'TLSv1.2' as const,
    // TLS 1.2 with forward-secret AEAD suites only (Node's default list also allows CBC ones); TLS 1.3 suites are all AEAD.
    ciphers: TLS_CIPHERS,
    // No session tickets: a resumed session keeps only the peer's leaf, not the intermediates it
    // sent, so AssumeRoleWithCertificate through an intermediate would fail on every reconnection.
    secureOptions: tlsConstants.SSL_OP_NO_TICKET,
  });

  const builtins = builtinPolicies();
  const sts: StsDeps = {
    credentials,
    trust: clientCa ? TrustStore.fromFile(clientCa) : TrustStore.fromPem(''),
    mapping: opts.stsMapping ? parseMappingFile(readFileSync(opts.stsMapping, 'utf8')) : undefined,
    root: { accessKey: root.accessKey, secretKey: root.secretKey },
    region: opts.region,
    maxDurationSeconds: opts.stsMaxDuration,
    now: () => new Date(),
    policyExists: async (name) => name in builtins || (await credentials.getPolicy(name)) !== undefined,
    log,
  };
  const s3 = new S3Api({
    store,
    credentials,
    root: { accessKey: root.accessKey, secretKey: root.secretKey },
    region: opts.region,
    domain: opts.domain,
    owner: { id: createHash('sha256').update(`keyless:${root.accessKey}`).digest('hex'), displayName: 'keyless' },
    now: () => new Date(),
    log,
    keyCache: new SigningKeyCache(),
    // SSE-S3 keys are sealed under a key derived from the same master key material as the credential store's.
    sseMasterKey: loadMasterKey(dataDir, env),
    // SSE-KMS keys come from a local KMS deriving them from that same master key (see LocalKms).
    kmsKeyIds: kmsKeyIds(env),
  });
  const app = createApp({ s3, sts, log });
  const headersMs = opts.timeouts?.headersMs ?? 30_000;
  // Node checks headersTimeout only every connectionsCheckingInterval (30 s by default): check at
  // least twice per timeout so a shortened limit is enforced on time.
  const server = createServer({ ...tlsOptions(), connectionsCheckingInterval: Math.min(30_000, Math.max(100, Math.floor(headersMs / 2))) }, app.callback());
  server.on('clientError', (err, socket) => answerClientError(err, socket));
  // Slow clients must not hold the server: headers within 30 s, and a socket idle for 2 minutes is closed.
  server.headersTimeout = headersMs;
  server.requestTimeout = 0;
  server.timeout = opts.timeouts?.idleMs ?? 120_000;
  server.keepAliveTimeout = 5_000;

  if (clientCa) watchFile(clientCa, { interval: 1000 }, () => {
    try {
      server.setSecureContext(tlsOptions());
    } catch (err) {
      log({ msg: 'client CA bundle reload failed', error: String(err) });
    }
  });
  const purge = setInterval(() => {
    credentials.purgeExpired(new Date(Date.now() - PURGE_GRACE_MS)).catch((err) => log({ msg: 'session purge failed', error: String(err) }));
  }, PURGE_INTERVAL_MS);
  purge.unref();
  const lifecycle = new LifecycleWorker({ store, log, intervalMs: lifecycleInterval(opts, env), debugDayMs });
  lifecycle.start();

  await new Promise<void>((ok, fail) => {
    server.once('error', fail);
    server.listen(port, host, () => {
      server.off('error', fail);
      ok();
    });
  });
  const actualPort = (server.address() as { port: number }).port;
  const urlHost = host.includes(':') ? `[${host}]` : host === '0.0.0.0' ? '127.0.0.1' : host;
  return {
    url: `https://${urlHost}:${actualPort}`,
    port: actualPort,
    root,
    caBundle,
    clientCa,
    server,
    lifecycle,
    async close() {
      await lifecycle.stop();
      clearInterval(purge);
      if (clientCa) unwatchFile(clientCa);
      await new Promise<void>((ok) => {
        server.close(() => ok());
        server.closeAllConnections();
      });
      await store.close();
      await credentials.close();
    },
  };
}
