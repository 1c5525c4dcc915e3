import type { TemporaryCredentials } from '@keyless/core';
import { rfc3339 } from './sts-xml.js';

/**
 * The JSON an AWS `credential_process` prints: `{"Version":1,"AccessKeyId",...,"Expiration"}`.
 * @see https://docs.aws.amazon.com/sdkref/latest/guide/feature-process-credentials.html
 */
export function credentialProcessOutput(creds: TemporaryCredentials): string {
  return JSON.stringify({
    Version: 1,
    AccessKeyId: creds.accessKeyId,
    SecretAccessKey: creds.secretAccessKey,
    SessionToken: creds.sessionToken,
    Expiration: rfc3339(creds.expiration),
  });
}
