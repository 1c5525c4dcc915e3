import { createHash } from 'node:crypto';
import { isS3Error, S3Error, type CredentialStore, type ObjectStore, type Principal } from '@keyless/core';
import { builtinPolicies, evaluate, PolicyCache, type Decision, type NamedPolicy, type Policy, type RequestContext } from '@keyless/policy-engine';
import { isPublicPolicy, POLICY_CONFIG } from '../handlers/policy-handlers.js';
import { aclAllows, restrictsPublicBuckets } from './acl-access.js';

/** One authorization question. */
export interface AuthzRequest {
  principal: Principal;
  action: string;
  bucket?: string;
  key?: string;
  /** Condition keys of the request (aws:SourceIp, s3:prefix, ...). */
  keys: Record<string, string | string[] | undefined>;
}

/** Where denied decisions are explained: the operator's log, never the client. */
export type AuthzLog = (event: Record<string, unknown>) => void;

/**
 * Evaluates identity, session and bucket policies for a request, then Block Public Access and ACL
 * grants (`applyPublicAccessRules`). Root is always allowed. Parsed policies are cached by text, so
 * an edited policy (CLI) takes effect on the next request.
 *
 * @see https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic.html
 */
export class Authorizer {
  private readonly cache = new PolicyCache();
  private readonly builtins = builtinPolicies();

  constructor(private readonly deps: { credentials: CredentialStore; store: ObjectStore; log: AuthzLog }) {}

  /** The resource ARN S3 uses for a bucket or object (or every resource for service-level calls). */
  static resourceArn(bucket?: string, key?: string): string {
    if (bucket === undefined) return 'arn:aws:s3:::*';
    return key === undefined ? `arn:aws:s3:::${bucket}` : `arn:aws:s3:::${bucket}/${key}`;
  }

  /** Evaluates and returns the decision. */
  async decide(req: AuthzRequest): Promise<Decision> {
    if (req.principal.type === 'root') return { effect: 'Allow', reason: 'root' };
    const identity = await this.namedPolicies(req.principal.policies);
    const session = req.principal.sessionPolicy !== undefined
      ? [{ name: 'session-policy', policy: this.cache.get(`session:${createHash('sha256').update(req.principal.sessionPolicy).digest('hex')}`, req.principal.sessionPolicy) }]
      : undefined;
    let resource: { name: string; policy: Policy } | undefined;
    let policyText: string | undefined;
    if (req.bucket !== undefined) {
      // Only a missing bucket means "no bucket policy": on any other failure, skipping the policy
      // would skip its Denies, so the request fails instead.
      const text = await this.deps.store.getBucketConfig(req.bucket, POLICY_CONFIG).catch((err: unknown) => {
        if (isS3Error(err) && err.code === 'NoSuchBucket') return undefined;
        throw err;
      });
      if (text !== undefined) resource = { name: `bucket-policy:${req.bucket}`, policy: this.cache.get(`bucket:${req.bucket}`, text, { kind: 'resource' }) };
      policyText = text;
    }
    const ctx: RequestContext = {
      action: req.action,
      resource: Authorizer.resourceArn(req.bucket, req.key),
      principal: { arn: req.principal.arn, type: req.principal.type },
      keys: await this.withExistingObjectTags(req, [...identity, ...(session ?? []), ...(resource ? [resource] : [])]),
    };
    const decision = evaluate({ identity, session, resource, ctx });
    if (req.bucket === undefined) return decision;
    return this.applyPublicAccessRules(req, req.bucket, decision, policyText, session && { session, ctx });
  }

  /**
   * Block Public Access and ACLs, on top of the policy decision: RestrictPublicBuckets takes from
   * anonymous callers what a public bucket policy gives them; otherwise an ACL grant allows what no
   * policy explicitly denies (within a session policy's ceiling).
   */
  private async applyPublicAccessRules(
    req: AuthzRequest, bucket: string, decision: Decision, policyText: string | undefined, ceiling: { session: NamedPolicy[]; ctx: RequestContext } | undefined,
  ): Promise<Decision> {
    const anonymous = req.principal.type === 'anonymous';
    if (anonymous && policyText !== undefined && decision.reason !== 'explicit-deny' && isPublicPolicy(policyText) && (await restrictsPublicBuckets(this.deps.store, bucket))) {
      return { effect: 'Deny', reason: 'restrict-public-buckets' };
    }
    if (decision.effect === 'Allow' || decision.reason !== 'implicit-deny') return decision;
    const versionId = typeof req.keys['s3:VersionId'] === 'string' ? req.keys['s3:VersionId'] : undefined;
    if (!(await aclAllows(this.deps.store, { principal: req.principal, action: req.action, bucket, key: req.key, versionId }))) return decision;
    if (ceiling && evaluate({ identity: ceiling.session, ctx: ceiling.ctx }).effect !== 'Allow') {
      return { effect: 'Deny', reason: 'session-policy' };
    }
    return { effect: 'Allow', reason: 'acl' };
  }

  /**
   * Adds `s3:ExistingObjectTag/<key>` condition keys — the tags of the object the request names —
   * but only when a policy in play mentions them, so ordinary requests pay no extra lookup.
   * @see https://docs.aws.amazon.com/AmazonS3/latest/userguide/tagging-and-policies.html
   */
  private async withExistingObjectTags(req: AuthzRequest, policies: { policy: Policy }[]): Promise<AuthzRequest['keys']> {
    if (req.bucket === undefined || req.key === undefined) return req.keys;
    if (!policies.some((p) => /ExistingObjectTag/i.test(p.policy.source ?? ''))) return req.keys;
    const versionId = typeof req.keys['s3:VersionId'] === 'string' ? req.keys['s3:VersionId'] : undefined;
    const info = await this.deps.store.getObjectInfo(req.bucket, req.key, { versionId }).catch(() => undefined);
    if (!info?.tags?.length) return req.keys;
    const keys = { ...req.keys };
    for (const tag of info.tags) keys[`s3:ExistingObjectTag/${tag.key}`] = tag.value;
    return keys;
  }

  /** Throws AccessDenied (and logs why) unless the request is allowed. */
  async authorize(req: AuthzRequest, requestId: string): Promise<void> {
    const decision = await this.decide(req);
    if (decision.effect === 'Allow') return;
    this.deps.log({
      msg: 'access denied',
      requestId,
      principal: req.principal.arn,
      action: req.action,
      resource: Authorizer.resourceArn(req.bucket, req.key),
      policies: req.principal.policies,
      reason: decision.reason,
      statement: decision.statement,
    });
    throw new S3Error('AccessDenied');
  }

  private async namedPolicies(names: readonly string[]): Promise<{ name: string; policy: Policy }[]> {
    const out: { name: string; policy: Policy }[] = [];
    for (const name of names) {
      const text = this.builtins[name] ?? (await this.deps.credentials.getPolicy(name))?.document;
      // A policy that was removed grants nothing (and the session keeps working for what remains).
      if (text !== undefined) out.push({ name, policy: this.cache.get(`policy:${name}`, text) });
    }
    return out;
  }
}
