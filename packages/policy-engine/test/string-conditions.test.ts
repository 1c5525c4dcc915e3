/**
 * String condition operators, from "IAM JSON policy elements: Condition operators" > "String
 * condition operators" and the missing-key rule at the top of that page.
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html#Conditions_String
 */
import { conditionTable } from './helpers.js';

describe('String condition operators', () => {
  describe('StringEquals / StringNotEquals (case-sensitive exact match)', () => {
    conditionTable([
      // Condition element page: StringEquals "johndoe" — "Users named JohnDoe are denied access".
      { name: 'StringEquals exact value', condition: { StringEquals: { 'aws:username': 'johndoe' } }, keys: { 'aws:username': 'johndoe' }, expected: true },
      { name: 'StringEquals is case-sensitive', condition: { StringEquals: { 'aws:username': 'johndoe' } }, keys: { 'aws:username': 'JohnDoe' }, expected: false },
      // Condition element page: "Context key names are not case-sensitive" (aws:SourceIP == AWS:SourceIp).
      { name: 'key names are case-insensitive (policy side)', condition: { StringEquals: { 'AWS:UserName': 'johndoe' } }, keys: { 'aws:username': 'johndoe' }, expected: true },
      { name: 'key names are case-insensitive (request side)', condition: { StringEquals: { 'aws:username': 'johndoe' } }, keys: { 'AWS:USERNAME': 'johndoe' }, expected: true },
      // Condition operators page: "If the key ... is not present in the request context, the values do not match and the condition is false".
      { name: 'StringEquals on a missing key is false', condition: { StringEquals: { 'aws:username': 'johndoe' } }, keys: {}, expected: false },
      // Multiple values / keys page: values of one key are OR'ed.
      { name: 'several values are OR-ed', condition: { StringEquals: { 'aws:username': ['a', 'johndoe'] } }, keys: { 'aws:username': 'johndoe' }, expected: true },
      { name: 'several values, none equal', condition: { StringEquals: { 'aws:username': ['a', 'b'] } }, keys: { 'aws:username': 'johndoe' }, expected: false },
      // Multiple values / keys page: several keys in one operator are AND'ed.
      { name: 'several keys are AND-ed (both hold)', condition: { StringEquals: { 'aws:username': 'j', 's3:prefix': 'p/' } }, keys: { 'aws:username': 'j', 's3:prefix': 'p/' }, expected: true },
      { name: 'several keys are AND-ed (one fails)', condition: { StringEquals: { 'aws:username': 'j', 's3:prefix': 'p/' } }, keys: { 'aws:username': 'j', 's3:prefix': 'q/' }, expected: false },
      // Multiple values / keys page: several operators are AND'ed.
      { name: 'several operators are AND-ed', condition: { StringEquals: { 'aws:username': 'j' }, StringLike: { 's3:prefix': 'home/*' } }, keys: { 'aws:username': 'j', 's3:prefix': 'other/' }, expected: false },
      { name: 'StringEquals with a wildcard is literal', condition: { StringEquals: { 's3:prefix': 'a*' } }, keys: { 's3:prefix': 'abc' }, expected: false },
      { name: 'StringEquals with a literal asterisk value', condition: { StringEquals: { 's3:prefix': 'a*' } }, keys: { 's3:prefix': 'a*' }, expected: true },
      { name: 'number values are compared as strings', condition: { StringEquals: { 's3:max-keys': 10 } }, keys: { 's3:max-keys': '10' }, expected: true },
      { name: 'empty string value equals an empty key', condition: { StringEquals: { 's3:prefix': '' } }, keys: { 's3:prefix': '' }, expected: true },
      { name: 'StringNotEquals with a different value', condition: { StringNotEquals: { 'aws:username': 'johndoe' } }, keys: { 'aws:username': 'jane' }, expected: true },
      { name: 'StringNotEquals with the same value', condition: { StringNotEquals: { 'aws:username': 'johndoe' } }, keys: { 'aws:username': 'johndoe' }, expected: false },
      { name: 'StringNotEquals is case-sensitive', condition: { StringNotEquals: { 'aws:username': 'johndoe' } }, keys: { 'aws:username': 'JOHNDOE' }, expected: true },
      // Condition operators page: negated operator on an absent key is true.
      { name: 'StringNotEquals on a missing key is true', condition: { StringNotEquals: { 'aws:username': 'johndoe' } }, keys: {}, expected: true },
      // Multiple values page, "negated matching condition operators": NOT (v1 OR v2).
      { name: 'StringNotEquals with several values: equal to one is false', condition: { StringNotEquals: { 'aws:username': ['a', 'b'] } }, keys: { 'aws:username': 'b' }, expected: false },
      { name: 'StringNotEquals with several values: equal to none is true', condition: { StringNotEquals: { 'aws:username': ['a', 'b'] } }, keys: { 'aws:username': 'c' }, expected: true },
    ]);
  });

  describe('StringEqualsIgnoreCase / StringNotEqualsIgnoreCase', () => {
    conditionTable([
      // Condition element page: StringEqualsIgnoreCase "matches users named johndoe or JohnDoe".
      { name: 'StringEqualsIgnoreCase matches another case', condition: { StringEqualsIgnoreCase: { 'aws:username': 'johndoe' } }, keys: { 'aws:username': 'JohnDoe' }, expected: true },
      { name: 'StringEqualsIgnoreCase policy value upper-case', condition: { StringEqualsIgnoreCase: { 'aws:username': 'JOHNDOE' } }, keys: { 'aws:username': 'johndoe' }, expected: true },
      { name: 'StringEqualsIgnoreCase different value', condition: { StringEqualsIgnoreCase: { 'aws:username': 'johndoe' } }, keys: { 'aws:username': 'jane' }, expected: false },
      { name: 'StringEqualsIgnoreCase missing key', condition: { StringEqualsIgnoreCase: { 'aws:username': 'johndoe' } }, keys: {}, expected: false },
      { name: 'StringNotEqualsIgnoreCase same value other case', condition: { StringNotEqualsIgnoreCase: { 'aws:username': 'johndoe' } }, keys: { 'aws:username': 'JOHNdoe' }, expected: false },
      { name: 'StringNotEqualsIgnoreCase different value', condition: { StringNotEqualsIgnoreCase: { 'aws:username': 'johndoe' } }, keys: { 'aws:username': 'jane' }, expected: true },
      { name: 'StringNotEqualsIgnoreCase missing key', condition: { StringNotEqualsIgnoreCase: { 'aws:username': 'johndoe' } }, keys: {}, expected: true },
    ]);
  });

  describe('StringLike / StringNotLike (case-sensitive, * and ? wildcards)', () => {
    conditionTable([
      // Variables page example: "s3:prefix": ["marketing/*"].
      { name: 'StringLike prefix wildcard', condition: { StringLike: { 's3:prefix': 'marketing/*' } }, keys: { 's3:prefix': 'marketing/2024/q1' }, expected: true },
      { name: 'StringLike * matches the empty string', condition: { StringLike: { 's3:prefix': 'marketing/*' } }, keys: { 's3:prefix': 'marketing/' }, expected: true },
      { name: 'StringLike requires the literal part', condition: { StringLike: { 's3:prefix': 'marketing/*' } }, keys: { 's3:prefix': 'sales/x' }, expected: false },
      { name: 'StringLike ? matches exactly one character', condition: { StringLike: { 's3:prefix': 'a?c' } }, keys: { 's3:prefix': 'abc' }, expected: true },
      { name: 'StringLike ? does not match zero characters', condition: { StringLike: { 's3:prefix': 'a?c' } }, keys: { 's3:prefix': 'ac' }, expected: false },
      { name: 'StringLike ? does not match two characters', condition: { StringLike: { 's3:prefix': 'a?c' } }, keys: { 's3:prefix': 'abbc' }, expected: false },
      { name: 'StringLike is case-sensitive', condition: { StringLike: { 's3:prefix': 'Marketing/*' } }, keys: { 's3:prefix': 'marketing/x' }, expected: false },
      { name: 'StringLike without wildcard is an exact match', condition: { StringLike: { 's3:prefix': 'abc' } }, keys: { 's3:prefix': 'abcd' }, expected: false },
      { name: 'StringLike wildcard in the middle', condition: { StringLike: { 'aws:PrincipalTag/x509Subject/CN': 'svc-*-prod' } }, keys: { 'aws:PrincipalTag/x509Subject/CN': 'svc-billing-prod' }, expected: true },
      { name: 'StringLike star needs backtracking', condition: { StringLike: { 's3:prefix': '*a*b' } }, keys: { 's3:prefix': 'xaxbxab' }, expected: true },
      { name: 'StringLike star alone matches anything', condition: { StringLike: { 's3:prefix': '*' } }, keys: { 's3:prefix': 'anything/at/all' }, expected: true },
      { name: 'StringLike star alone on a missing key is false', condition: { StringLike: { 's3:prefix': '*' } }, keys: {}, expected: false },
      { name: 'StringLike several patterns OR-ed', condition: { StringLike: { 's3:prefix': ['a/*', 'b/*'] } }, keys: { 's3:prefix': 'b/1' }, expected: true },
      { name: 'StringNotLike with a matching value', condition: { StringNotLike: { 's3:prefix': 'private/*' } }, keys: { 's3:prefix': 'private/x' }, expected: false },
      { name: 'StringNotLike with a non-matching value', condition: { StringNotLike: { 's3:prefix': 'private/*' } }, keys: { 's3:prefix': 'public/x' }, expected: true },
      // Condition operators page names StringNotLike explicitly: absent key -> true.
      { name: 'StringNotLike on a missing key is true', condition: { StringNotLike: { 's3:prefix': 'private/*' } }, keys: {}, expected: true },
    ]);
  });

  describe('...IfExists on string operators', () => {
    // Condition operators page, "...IfExists condition operators": "If the policy key is present in the
    // context of the request, process the key as specified in the policy. If the key is not present,
    // evaluate the condition element as true."
    conditionTable([
      { name: 'StringEqualsIfExists on a missing key is true', condition: { StringEqualsIfExists: { 'ec2:InstanceType': 't1.micro' } }, keys: {}, expected: true },
      { name: 'StringEqualsIfExists present and equal', condition: { StringEqualsIfExists: { 'ec2:InstanceType': 't1.micro' } }, keys: { 'ec2:InstanceType': 't1.micro' }, expected: true },
      { name: 'StringEqualsIfExists present and different', condition: { StringEqualsIfExists: { 'ec2:InstanceType': 't1.micro' } }, keys: { 'ec2:InstanceType': 'm5.large' }, expected: false },
      { name: 'StringLikeIfExists present and matching', condition: { StringLikeIfExists: { 's3:prefix': 'home/*' } }, keys: { 's3:prefix': 'home/a' }, expected: true },
      { name: 'StringNotEqualsIfExists present and equal', condition: { StringNotEqualsIfExists: { 's3:prefix': 'x' } }, keys: { 's3:prefix': 'x' }, expected: false },
      { name: 'StringNotLikeIfExists on a missing key is true', condition: { StringNotLikeIfExists: { 's3:prefix': 'x*' } }, keys: {}, expected: true },
      { name: 'operator names are case-insensitive', condition: { stringequalsifexists: { 's3:prefix': 'x' } }, keys: { 's3:prefix': 'x' }, expected: true },
    ]);
  });
});
