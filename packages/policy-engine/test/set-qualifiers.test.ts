/**
 * ForAllValues / ForAnyValue, from "Set operators for multivalued context keys" in
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-single-vs-multi-valued-context-keys.html
 * and https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-logic-multiple-context-keys-or-values.html
 */
import { conditionTable } from './helpers.js';

const TAGS = ['environment', 'cost-center'];

describe('Set qualifiers', () => {
  describe('ForAllValues', () => {
    conditionTable([
      // Doc: "true if every context key value in the request matches at least one context key value in the policy".
      { name: 'every request value is in the policy set', condition: { 'ForAllValues:StringEquals': { 'aws:TagKeys': TAGS } }, keys: { 'aws:TagKeys': ['environment'] }, expected: true },
      { name: 'all request values in the set', condition: { 'ForAllValues:StringEquals': { 'aws:TagKeys': TAGS } }, keys: { 'aws:TagKeys': ['cost-center', 'environment'] }, expected: true },
      { name: 'one request value outside the set', condition: { 'ForAllValues:StringEquals': { 'aws:TagKeys': TAGS } }, keys: { 'aws:TagKeys': ['environment', 'owner'] }, expected: false },
      // Doc (surprising): "It also returns true if there are no context keys in the request".
      { name: 'SURPRISE: missing key is true', condition: { 'ForAllValues:StringEquals': { 'aws:TagKeys': TAGS } }, keys: {}, expected: true },
      // Doc: "... or if the context key value resolves to a null data set, such as an empty string".
      { name: 'SURPRISE: empty string is a null data set (true)', condition: { 'ForAllValues:StringEquals': { 'aws:TagKeys': TAGS } }, keys: { 'aws:TagKeys': '' }, expected: true },
      { name: 'SURPRISE: empty list is true', condition: { 'ForAllValues:StringEquals': { 'aws:TagKeys': TAGS } }, keys: { 'aws:TagKeys': [] }, expected: true },
      { name: 'single-valued key treated as a one-element set', condition: { 'ForAllValues:StringEquals': { 'aws:TagKeys': TAGS } }, keys: { 'aws:TagKeys': 'environment' }, expected: true },
      { name: 'ForAllValues:StringLike every value matches a pattern', condition: { 'ForAllValues:StringLike': { 'aws:TagKeys': ['env*', 'cost-*'] } }, keys: { 'aws:TagKeys': ['env-a', 'cost-b'] }, expected: true },
      { name: 'ForAllValues:StringLike one value matches no pattern', condition: { 'ForAllValues:StringLike': { 'aws:TagKeys': ['env*'] } }, keys: { 'aws:TagKeys': ['env-a', 'x'] }, expected: false },
      { name: 'ForAllValues:StringEqualsIgnoreCase', condition: { 'ForAllValues:StringEqualsIgnoreCase': { 'aws:TagKeys': TAGS } }, keys: { 'aws:TagKeys': ['Environment', 'COST-CENTER'] }, expected: true },
      // Multiple values page, negated operators with set qualifiers: every value must match none of the policy values.
      { name: 'ForAllValues:StringNotEquals none of the values listed', condition: { 'ForAllValues:StringNotEquals': { 'aws:TagKeys': ['secret'] } }, keys: { 'aws:TagKeys': ['a', 'b'] }, expected: true },
      { name: 'ForAllValues:StringNotEquals one value listed', condition: { 'ForAllValues:StringNotEquals': { 'aws:TagKeys': ['secret'] } }, keys: { 'aws:TagKeys': ['a', 'secret'] }, expected: false },
      { name: 'ForAllValues:StringNotEquals missing key is true', condition: { 'ForAllValues:StringNotEquals': { 'aws:TagKeys': ['secret'] } }, keys: {}, expected: true },
      { name: 'qualifier names are case-insensitive', condition: { 'forallvalues:StringEquals': { 'aws:TagKeys': TAGS } }, keys: { 'aws:TagKeys': ['owner'] }, expected: false },
    ]);
  });

  describe('ForAnyValue', () => {
    conditionTable([
      // Doc: "true if any one of the context key values in the request matches any one of the context key values in the policy".
      { name: 'one request value in the set', condition: { 'ForAnyValue:StringEquals': { 'aws:TagKeys': TAGS } }, keys: { 'aws:TagKeys': ['owner', 'environment'] }, expected: true },
      { name: 'no request value in the set', condition: { 'ForAnyValue:StringEquals': { 'aws:TagKeys': TAGS } }, keys: { 'aws:TagKeys': ['owner', 'team'] }, expected: false },
      // Doc: "returns false if there are no context keys in the request, or ... a null data set".
      { name: 'missing key is false', condition: { 'ForAnyValue:StringEquals': { 'aws:TagKeys': TAGS } }, keys: {}, expected: false },
      { name: 'empty string is false', condition: { 'ForAnyValue:StringEquals': { 'aws:TagKeys': TAGS } }, keys: { 'aws:TagKeys': '' }, expected: false },
      { name: 'empty list is false', condition: { 'ForAnyValue:StringEquals': { 'aws:TagKeys': TAGS } }, keys: { 'aws:TagKeys': [] }, expected: false },
      { name: 'ForAnyValue:StringLike', condition: { 'ForAnyValue:StringLike': { 'aws:TagKeys': 'cost-*' } }, keys: { 'aws:TagKeys': ['a', 'cost-center'] }, expected: true },
      { name: 'ForAnyValue:StringNotEquals: one value not listed', condition: { 'ForAnyValue:StringNotEquals': { 'aws:TagKeys': ['a'] } }, keys: { 'aws:TagKeys': ['a', 'b'] }, expected: true },
      { name: 'ForAnyValue:StringNotEquals: every value listed', condition: { 'ForAnyValue:StringNotEquals': { 'aws:TagKeys': ['a', 'b'] } }, keys: { 'aws:TagKeys': ['a', 'b'] }, expected: false },
      { name: 'ForAnyValue:StringNotEquals missing key is false', condition: { 'ForAnyValue:StringNotEquals': { 'aws:TagKeys': ['a'] } }, keys: {}, expected: false },
      // ...IfExists with a set qualifier: absent key -> true.
      { name: 'ForAnyValue:StringEqualsIfExists missing key is true', condition: { 'ForAnyValue:StringEqualsIfExists': { 'aws:TagKeys': TAGS } }, keys: {}, expected: true },
      { name: 'ForAnyValue:StringEqualsIfExists present without match is false', condition: { 'ForAnyValue:StringEqualsIfExists': { 'aws:TagKeys': TAGS } }, keys: { 'aws:TagKeys': ['x'] }, expected: false },
    ]);
  });

  describe('multivalued keys without a qualifier', () => {
    conditionTable([
      // Single- vs multi-valued page: a single-valued operator on a multivalued key matches when any value matches.
      { name: 'StringEquals holds when any value equals', condition: { StringEquals: { 'aws:TagKeys': 'environment' } }, keys: { 'aws:TagKeys': ['owner', 'environment'] }, expected: true },
      { name: 'StringNotEquals is false when any value equals', condition: { StringNotEquals: { 'aws:TagKeys': 'environment' } }, keys: { 'aws:TagKeys': ['owner', 'environment'] }, expected: false },
    ]);
  });
});
