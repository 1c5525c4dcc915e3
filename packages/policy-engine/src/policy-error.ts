/**
 * A policy document that IAM would reject (`MalformedPolicyDocument`). The message always starts with
 * the offending element's path, e.g. `Statement[2].Condition: unknown operator "StringEqualz"`, so an
 * administrator can find the mistake without reading our source.
 *
 * @see https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_grammar.html
 */
export class PolicyError extends Error {
  /** The element path the error is about (`Statement[2].Condition`, `Version`, `Policy`). */
  readonly element: string;

  constructor(element: string, detail: string) {
    super(`${element}: ${detail}`);
    this.name = 'PolicyError';
    this.element = element;
  }
}
