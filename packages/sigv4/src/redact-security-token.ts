/** What a redacted credential value is replaced with. */
export const REDACTED = 'REDACTED';

/**
 * Replaces the session token inside a canonical request or SigV2 string to sign with
 * {@link REDACTED}: the `x-amz-security-token:` header line and the `X-Amz-Security-Token=` query
 * parameter. `SignatureDoesNotMatch` errors echo these texts to help clients debug their signer;
 * the session token is a bearer secret and must never come back in an error body (or a log).
 */
export function redactSecurityToken(text: string): string {
  return text
    .replace(/^(x-amz-security-token:).*$/gim, `$1${REDACTED}`)
    .replace(/((?:^|[?&\n])X-Amz-Security-Token=)[^&\n]*/gi, `$1${REDACTED}`);
}
