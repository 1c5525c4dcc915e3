/**
 * MinIO's built-in canned policies, so a certificate whose CN is `readwrite` (MinIO's default
 * mapping) gets the same rights as on MinIO.
 *
 * @see https://min.io/docs/minio/linux/administration/identity-access-management/policy-based-access-control.html#built-in-policies
 */

const doc = (actions: string[]): string =>
  JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: actions, Resource: ['arn:aws:s3:::*'] }] });

/** Policy name -> JSON document: `readwrite`, `readonly`, `writeonly`. Returns a fresh object each call. */
export function builtinPolicies(): Record<string, string> {
  return {
    readwrite: doc(['s3:*']),
    readonly: doc(['s3:GetBucketLocation', 's3:GetObject']),
    writeonly: doc(['s3:PutObject']),
  };
}
