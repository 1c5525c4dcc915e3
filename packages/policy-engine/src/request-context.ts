/**
 * What is being asked, by whom, with which condition keys: the request context of the IAM docs.
 *
 * @see https://docs.aws.amazon.com/IAM/latest/UserGuide/intro-structure.html#intro-structure-request
 */
export interface RequestContext {
  /** The IAM action, e.g. `s3:GetObject` (matched case-insensitively). */
  action: string;
  /** `arn:aws:s3:::bucket/key`, `arn:aws:s3:::bucket`, or `*` for actions without a resource (ListAllMyBuckets). */
  resource: string;
  /** The authenticated caller. `type` is `root`, `user`, `session` or `anonymous`. */
  principal: { arn: string; accountId?: string; type: string };
  /**
   * Condition context keys (`aws:SourceIp`, `aws:username`, `aws:PrincipalTag/x509Subject/CN`,
   * `s3:prefix`, ...). Names are matched case-insensitively; an array is a multivalued key.
   * `aws:PrincipalArn`, `aws:PrincipalAccount`, `aws:PrincipalType`, `aws:CurrentTime` and
   * `aws:EpochTime` are derived from `principal` and the clock when absent.
   */
  keys: Record<string, string | string[] | undefined>;
}
