/**
 * The authorization decision, following AWS's policy evaluation logic for a single account:
 *
 * 1. an explicit Deny in any policy (identity, session, bucket) wins;
 * 2. otherwise an Allow is needed from an identity policy or from the bucket policy (union: same
 *    account);
 * 3. session policies are a ceiling: when present, the Allow from step 2 also needs an Allow from a
 *    session policy, except a bucket-policy Allow that names the session's own ARN, which AWS adds
 *    after the session is created and does not limit;
 * 4. everything else is an implicit deny.
 *
 * Anonymous requests are granted only by bucket-policy statements whose Principal is `*`. The root
 * principal is implicitly allowed by its identity (as the AWS account root user) but is still subject
 * to explicit Denies.
 *
 * @see https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic.html
 * @see https://docs.aws.amazon.com/IAM/latest/UserGuide/access_policies.html#policies_session
 */
import type { CompiledStatement, MatchInput } from './compile-statement.js';
import { matchStatement } from './compile-statement.js';
import { KeyLookup } from './key-lookup.js';
import type { Policy } from './parse-policy.js';
import type { RequestContext } from './request-context.js';

/** A policy with the name it is known by (logged in decisions). */
export interface NamedPolicy {
  name: string;
  policy: Policy;
}

/** Everything {@link evaluate} needs. */
export interface EvaluateInput {
  /** Identity policies of the principal. */
  identity: NamedPolicy[];
  /** Session policies (from STS): a ceiling on the identity and bucket-policy permissions. */
  session?: NamedPolicy[];
  /** The bucket policy, if the bucket has one. */
  resource?: NamedPolicy;
  ctx: RequestContext;
}

/** The outcome with its explanation (for server logs, never for clients). */
export interface Decision {
  effect: 'Allow' | 'Deny';
  /** `explicit-deny`, `allowed`, `implicit-deny`, or `session-policy` (no session policy statement allows). */
  reason: string;
  /** The deciding statement, if any: the policy's name and the statement's Sid or index. */
  statement?: { policy: string; sid?: string; index: number };
}

interface Hit {
  readonly policy: string;
  readonly st: CompiledStatement;
}

function ref(h: Hit): NonNullable<Decision['statement']> {
  return h.st.sid !== undefined ? { policy: h.policy, sid: h.st.sid, index: h.st.index } : { policy: h.policy, index: h.st.index };
}

/** Decides whether `input.ctx` is allowed. Pure and synchronous; never throws for parsed policies. */
export function evaluate(input: EvaluateInput): Decision {
  const { ctx } = input;
  const action = String(ctx.action).toLowerCase();
  const colon = action.indexOf(':');
  const m: MatchInput = {
    ctx,
    action,
    universal: ctx.resource === '*' ? `arn:aws:${colon > 0 ? action.slice(0, colon) : '*'}:::*` : undefined,
    look: new KeyLookup(ctx),
  };
  const anonymous = ctx.principal.type === 'anonymous';
  let identityAllow: Hit | undefined;
  let sessionAllow: Hit | undefined;
  let resourceAllow: Hit | undefined;
  let exactAllow: Hit | undefined; // bucket-policy Allow naming the session ARN itself

  // Returns a Deny hit, or records the first Allow (kept by `keep`) and carries on looking for Denies.
  const scan = (p: NamedPolicy, haveAllow: () => boolean, keep: (h: Hit, exact: boolean) => void): Hit | undefined => {
    for (const st of p.policy.statements) {
      if (st.effect === 'Allow' && haveAllow()) continue;
      const who = matchStatement(st, m);
      if (who === 'none') continue;
      if (st.effect === 'Deny') return { policy: p.name, st };
      // Anonymous callers: only a bucket-policy statement with Principal "*" grants anything.
      if (anonymous && !(st.principal && !st.notPrincipal && st.principal.any)) continue;
      keep({ policy: p.name, st }, who === 'exact-session');
    }
    return undefined;
  };

  const sessions = anonymous ? [] : (input.session ?? []);
  const groups: [NamedPolicy[], () => boolean, (h: Hit, exact: boolean) => void][] = [
    [anonymous ? [] : input.identity, () => identityAllow !== undefined, (h) => { identityAllow = h; }],
    [sessions, () => sessionAllow !== undefined, (h) => { sessionAllow = h; }],
    [input.resource ? [input.resource] : [], () => exactAllow !== undefined || (resourceAllow !== undefined && sessions.length === 0),
      (h, exact) => { resourceAllow ??= h; if (exact) exactAllow ??= h; }],
  ];
  for (const [policies, haveAllow, keep] of groups) {
    for (const p of policies) {
      const deny = scan(p, haveAllow, keep);
      if (deny) return { effect: 'Deny', reason: 'explicit-deny', statement: ref(deny) };
    }
  }

  const root = ctx.principal.type === 'root';
  const granted = identityAllow ?? resourceAllow;
  if (sessions.length > 0) {
    if (exactAllow) return { effect: 'Allow', reason: 'allowed', statement: ref(exactAllow) };
    if (!granted && !root) return { effect: 'Deny', reason: 'implicit-deny' };
    if (!sessionAllow) return { effect: 'Deny', reason: 'session-policy' };
    return { effect: 'Allow', reason: 'allowed', statement: ref(granted ?? sessionAllow) };
  }
  if (granted) return { effect: 'Allow', reason: 'allowed', statement: ref(granted) };
  if (root) return { effect: 'Allow', reason: 'allowed' };
  return { effect: 'Deny', reason: 'implicit-deny' };
}
