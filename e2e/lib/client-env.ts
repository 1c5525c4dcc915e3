import type { E2eServer } from './server.js';

/**
 * Environment for aws CLI / boto3 / curl children: Keyless's credentials and, crucially, its CA — the
 * surrounding environment points AWS_CA_BUNDLE, SSL_CERT_FILE etc. at the system bundle, which does not
 * contain the development CA. Config files are disabled so no profile on this machine leaks in.
 */
export function clientEnv(server: E2eServer, overrides: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  return {
    ...process.env,
    AWS_ACCESS_KEY_ID: server.accessKey,
    AWS_SECRET_ACCESS_KEY: server.secretKey,
    AWS_DEFAULT_REGION: server.region,
    AWS_REGION: server.region,
    AWS_CA_BUNDLE: server.caPath,
    REQUESTS_CA_BUNDLE: server.caPath,
    CURL_CA_BUNDLE: server.caPath,
    SSL_CERT_FILE: server.caPath,
    AWS_CONFIG_FILE: '/dev/null',
    AWS_SHARED_CREDENTIALS_FILE: '/dev/null',
    AWS_SESSION_TOKEN: undefined,
    AWS_PROFILE: undefined,
    AWS_EC2_METADATA_DISABLED: 'true',
    AWS_PAGER: '',
    ...overrides,
  };
}
