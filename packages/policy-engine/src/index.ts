/**
 * @keyless/policy-engine: IAM JSON policies parsed and validated once, evaluated the AWS way.
 * Pure and synchronous: no I/O, no module state.
 */
export { PolicyError } from './policy-error.js';
export { parsePolicy, MAX_POLICY_CHARS, MAX_POLICY_DEPTH } from './parse-policy.js';
export type { Policy, ParseOptions } from './parse-policy.js';
export type { CompiledStatement } from './compile-statement.js';
export type { RequestContext } from './request-context.js';
export { evaluate } from './evaluate.js';
export type { Decision, EvaluateInput, NamedPolicy } from './evaluate.js';
export { builtinPolicies } from './builtin-policies.js';
export { PolicyCache } from './policy-cache.js';
