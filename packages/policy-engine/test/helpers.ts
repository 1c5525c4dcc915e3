/** Shared builders for the table-driven policy tests. */
import { expect } from 'chai';
import { evaluate, parsePolicy } from '../src/index.js';
import type { Decision, Policy, RequestContext } from '../src/index.js';

/** AWS documentation pages the cases cite. */
export const DOC = {
  operators: 'https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html',
  multi: 'https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-logic-multiple-context-keys-or-values.html',
  singleVsMulti: 'https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-single-vs-multi-valued-context-keys.html',
  variables: 'https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_variables.html',
  evaluation: 'https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic.html',
  session: 'https://docs.aws.amazon.com/IAM/latest/UserGuide/access_policies.html#policies_session',
  grammar: 'https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_grammar.html',
} as const;

export const ACCOUNT = '000000000000';
export const ALICE: RequestContext['principal'] = { arn: `arn:aws:iam::${ACCOUNT}:user/alice`, accountId: ACCOUNT, type: 'user' };
export const ANON: RequestContext['principal'] = { arn: '*', type: 'anonymous' };

/** A request context with sensible defaults. */
export function ctx(over: Partial<RequestContext> = {}): RequestContext {
  return {
    action: 's3:GetObject',
    resource: 'arn:aws:s3:::bucket/key',
    principal: ALICE,
    keys: {},
    ...over,
  };
}

/** A 2012-10-17 identity policy JSON from statements. */
export function doc(...statements: object[]): string {
  return JSON.stringify({ Version: '2012-10-17', Statement: statements });
}

/** Decision of one identity policy for `c`. */
export function decideIdentity(policy: string | Policy, c: RequestContext): Decision {
  const p = typeof policy === 'string' ? parsePolicy(policy) : policy;
  return evaluate({ identity: [{ name: 'p', policy: p }], ctx: c });
}

/** One row of a condition table: the Condition block, the request's keys, whether it holds. */
export interface ConditionCase {
  /** What the case shows; the AWS section it comes from is cited beside each row. */
  name: string;
  condition: object;
  keys: RequestContext['keys'];
  expected: boolean;
  version?: string;
}

/** Runs a table: each condition is put in an Allow statement; Allow iff the condition holds. */
export function conditionTable(cases: ConditionCase[]): void {
  for (const c of cases) {
    it(`${c.name} -> ${c.expected}`, () => {
      const json = JSON.stringify({
        Version: c.version ?? '2012-10-17',
        Statement: [{ Effect: 'Allow', Action: 's3:GetObject', Resource: '*', Condition: c.condition }],
      });
      const d = decideIdentity(json, ctx({ keys: c.keys }));
      expect(d.effect, JSON.stringify(d)).to.equal(c.expected ? 'Allow' : 'Deny');
      expect(d.reason).to.equal(c.expected ? 'allowed' : 'implicit-deny');
    });
  }
}
