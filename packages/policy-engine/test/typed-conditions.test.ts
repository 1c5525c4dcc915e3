/**
 * Numeric, Date, Bool, Binary, IP address, ARN and Null condition operators, from "IAM JSON policy
 * elements: Condition operators".
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html
 */
import { conditionTable } from './helpers.js';

describe('Numeric condition operators (#Conditions_Numeric)', () => {
  conditionTable([
    // Doc example: NumericLessThanEquals s3:max-keys 10.
    { name: 'NumericLessThanEquals below', condition: { NumericLessThanEquals: { 's3:max-keys': '10' } }, keys: { 's3:max-keys': '5' }, expected: true },
    { name: 'NumericLessThanEquals equal', condition: { NumericLessThanEquals: { 's3:max-keys': '10' } }, keys: { 's3:max-keys': '10' }, expected: true },
    { name: 'NumericLessThanEquals above', condition: { NumericLessThanEquals: { 's3:max-keys': '10' } }, keys: { 's3:max-keys': '11' }, expected: false },
    { name: 'NumericLessThan equal is false', condition: { NumericLessThan: { 's3:max-keys': '10' } }, keys: { 's3:max-keys': '10' }, expected: false },
    { name: 'NumericLessThan below', condition: { NumericLessThan: { 's3:max-keys': '10' } }, keys: { 's3:max-keys': '9.5' }, expected: true },
    { name: 'NumericGreaterThan above', condition: { NumericGreaterThan: { 's3:max-keys': 10 } }, keys: { 's3:max-keys': '11' }, expected: true },
    { name: 'NumericGreaterThan equal is false', condition: { NumericGreaterThan: { 's3:max-keys': 10 } }, keys: { 's3:max-keys': '10' }, expected: false },
    { name: 'NumericGreaterThanEquals equal', condition: { NumericGreaterThanEquals: { 's3:max-keys': '10' } }, keys: { 's3:max-keys': '10' }, expected: true },
    { name: 'NumericEquals compares numerically (10 == 10.0)', condition: { NumericEquals: { 's3:max-keys': '10' } }, keys: { 's3:max-keys': '10.0' }, expected: true },
    { name: 'NumericEquals different', condition: { NumericEquals: { 's3:max-keys': '10' } }, keys: { 's3:max-keys': '11' }, expected: false },
    { name: 'NumericNotEquals different', condition: { NumericNotEquals: { 's3:max-keys': '10' } }, keys: { 's3:max-keys': '11' }, expected: true },
    { name: 'NumericNotEquals equal', condition: { NumericNotEquals: { 's3:max-keys': '10' } }, keys: { 's3:max-keys': '10' }, expected: false },
    { name: 'negative numbers', condition: { NumericLessThan: { 'aws:x': '0' } }, keys: { 'aws:x': '-3' }, expected: true },
    // Missing-key rule (page header).
    { name: 'NumericLessThan on a missing key is false', condition: { NumericLessThan: { 's3:max-keys': '10' } }, keys: {}, expected: false },
    { name: 'NumericNotEquals on a missing key is true', condition: { NumericNotEquals: { 's3:max-keys': '10' } }, keys: {}, expected: true },
    { name: 'NumericLessThanIfExists on a missing key is true', condition: { NumericLessThanIfExists: { 's3:max-keys': '10' } }, keys: {}, expected: true },
    // A request value that is not a number cannot satisfy a numeric comparison.
    { name: 'unparseable request value is false', condition: { NumericLessThan: { 's3:max-keys': '10' } }, keys: { 's3:max-keys': 'ten' }, expected: false },
    { name: 'unparseable request value is false for NumericNotEquals too', condition: { NumericNotEquals: { 's3:max-keys': '10' } }, keys: { 's3:max-keys': 'ten' }, expected: false },
    { name: 'several values OR-ed', condition: { NumericEquals: { 's3:max-keys': ['1', '2'] } }, keys: { 's3:max-keys': '2' }, expected: true },
  ]);
});

describe('Date condition operators (#Conditions_Date)', () => {
  conditionTable([
    // Doc example: DateGreaterThan aws:TokenIssueTime "2020-01-01T00:00:01Z".
    { name: 'DateGreaterThan later ISO time', condition: { DateGreaterThan: { 'aws:TokenIssueTime': '2020-01-01T00:00:01Z' } }, keys: { 'aws:TokenIssueTime': '2020-06-01T00:00:00Z' }, expected: true },
    { name: 'DateGreaterThan earlier ISO time', condition: { DateGreaterThan: { 'aws:TokenIssueTime': '2020-01-01T00:00:01Z' } }, keys: { 'aws:TokenIssueTime': '2019-06-01T00:00:00Z' }, expected: false },
    { name: 'DateLessThan CurrentTime', condition: { DateLessThan: { 'aws:CurrentTime': '2030-12-31T23:59:59Z' } }, keys: { 'aws:CurrentTime': '2025-01-01T00:00:00Z' }, expected: true },
    { name: 'DateLessThanEquals equal instant, different notation', condition: { DateLessThanEquals: { 'aws:CurrentTime': '2025-01-01T01:00:00+01:00' } }, keys: { 'aws:CurrentTime': '2025-01-01T00:00:00Z' }, expected: true },
    // "You can ... specify ... epoch (UNIX) time" for date values.
    { name: 'epoch seconds in the policy', condition: { DateGreaterThanEquals: { 'aws:EpochTime': '1577836800' } }, keys: { 'aws:EpochTime': '1577836800' }, expected: true },
    { name: 'epoch policy vs ISO request', condition: { DateEquals: { 'aws:CurrentTime': 1577836800 } }, keys: { 'aws:CurrentTime': '2020-01-01T00:00:00Z' }, expected: true },
    { name: 'date-only value is midnight UTC', condition: { DateEquals: { 'aws:CurrentTime': '2020-01-01' } }, keys: { 'aws:CurrentTime': '2020-01-01T00:00:00Z' }, expected: true },
    { name: 'DateNotEquals different', condition: { DateNotEquals: { 'aws:CurrentTime': '2020-01-01T00:00:00Z' } }, keys: { 'aws:CurrentTime': '2020-01-02T00:00:00Z' }, expected: true },
    { name: 'DateNotEquals equal', condition: { DateNotEquals: { 'aws:CurrentTime': '2020-01-01T00:00:00Z' } }, keys: { 'aws:CurrentTime': '2020-01-01T00:00:00Z' }, expected: false },
    { name: 'DateGreaterThan on a missing key is false', condition: { DateGreaterThan: { 'aws:TokenIssueTime': '2020-01-01T00:00:00Z' } }, keys: {}, expected: false },
    { name: 'DateGreaterThanIfExists on a missing key is true', condition: { DateGreaterThanIfExists: { 'aws:TokenIssueTime': '2020-01-01T00:00:00Z' } }, keys: {}, expected: true },
    { name: 'unparseable request date is false', condition: { DateLessThan: { 'aws:CurrentTime': '2030-01-01T00:00:00Z' } }, keys: { 'aws:CurrentTime': 'yesterday' }, expected: false },
  ]);
});

describe('Bool condition operator (#Conditions_Boolean)', () => {
  conditionTable([
    // Doc example: "Bool": {"aws:SecureTransport": "true"}.
    { name: 'Bool true matches true', condition: { Bool: { 'aws:SecureTransport': 'true' } }, keys: { 'aws:SecureTransport': 'true' }, expected: true },
    { name: 'Bool true does not match false', condition: { Bool: { 'aws:SecureTransport': 'true' } }, keys: { 'aws:SecureTransport': 'false' }, expected: false },
    { name: 'Bool values are case-insensitive', condition: { Bool: { 'aws:SecureTransport': 'TRUE' } }, keys: { 'aws:SecureTransport': 'True' }, expected: true },
    { name: 'Bool JSON boolean in the policy', condition: { Bool: { 'aws:SecureTransport': false } }, keys: { 'aws:SecureTransport': 'false' }, expected: true },
    { name: 'Bool on a missing key is false', condition: { Bool: { 'aws:MultiFactorAuthPresent': 'false' } }, keys: {}, expected: false },
    // Doc: BoolIfExists aws:MultiFactorAuthPresent — true when the key is absent.
    { name: 'BoolIfExists on a missing key is true', condition: { BoolIfExists: { 'aws:MultiFactorAuthPresent': 'false' } }, keys: {}, expected: true },
  ]);
});

describe('BinaryEquals (#Conditions_BinaryEquals)', () => {
  conditionTable([
    // Doc: "the value in the policy is a base-64 encoded representation of the binary value".
    { name: 'same base64', condition: { BinaryEquals: { 'key:bin': 'QmluYXJ5VmFsdWVJbkJhc2U2NA==' } }, keys: { 'key:bin': 'QmluYXJ5VmFsdWVJbkJhc2U2NA==' }, expected: true },
    { name: 'different bytes', condition: { BinaryEquals: { 'key:bin': 'QmluYXJ5VmFsdWVJbkJhc2U2NA==' } }, keys: { 'key:bin': 'b3RoZXI=' }, expected: false },
    { name: 'missing padding is the same bytes', condition: { BinaryEquals: { 'key:bin': 'YWJjZA==' } }, keys: { 'key:bin': 'YWJjZA' }, expected: true },
    { name: 'missing key is false', condition: { BinaryEquals: { 'key:bin': 'YWJjZA==' } }, keys: {}, expected: false },
    { name: 'BinaryEqualsIfExists missing key is true', condition: { BinaryEqualsIfExists: { 'key:bin': 'YWJjZA==' } }, keys: {}, expected: true },
  ]);
});

describe('IpAddress / NotIpAddress (#Conditions_IPAddress)', () => {
  conditionTable([
    // Doc example: "IpAddress": {"aws:SourceIp": "203.0.113.0/24"}.
    { name: 'IPv4 inside the /24', condition: { IpAddress: { 'aws:SourceIp': '203.0.113.0/24' } }, keys: { 'aws:SourceIp': '203.0.113.77' }, expected: true },
    { name: 'IPv4 outside the /24', condition: { IpAddress: { 'aws:SourceIp': '203.0.113.0/24' } }, keys: { 'aws:SourceIp': '203.0.114.1' }, expected: false },
    { name: 'bare address means /32', condition: { IpAddress: { 'aws:SourceIp': '192.0.2.10' } }, keys: { 'aws:SourceIp': '192.0.2.10' }, expected: true },
    { name: 'bare address does not match a neighbour', condition: { IpAddress: { 'aws:SourceIp': '192.0.2.10' } }, keys: { 'aws:SourceIp': '192.0.2.11' }, expected: false },
    { name: '/0 matches every IPv4 address', condition: { IpAddress: { 'aws:SourceIp': '0.0.0.0/0' } }, keys: { 'aws:SourceIp': '8.8.8.8' }, expected: true },
    { name: 'host bits set in the policy block are ignored', condition: { IpAddress: { 'aws:SourceIp': '10.1.2.3/8' } }, keys: { 'aws:SourceIp': '10.200.0.1' }, expected: true },
    // Doc example: IPv6 "2001:DB8:1234:5678::/64".
    { name: 'IPv6 inside the /64', condition: { IpAddress: { 'aws:SourceIp': '2001:DB8:1234:5678::/64' } }, keys: { 'aws:SourceIp': '2001:db8:1234:5678:abcd::1' }, expected: true },
    { name: 'IPv6 outside the /64', condition: { IpAddress: { 'aws:SourceIp': '2001:DB8:1234:5678::/64' } }, keys: { 'aws:SourceIp': '2001:db8:1234:5679::1' }, expected: false },
    { name: 'IPv4 request never matches an IPv6 block', condition: { IpAddress: { 'aws:SourceIp': '::/0' } }, keys: { 'aws:SourceIp': '10.0.0.1' }, expected: false },
    { name: 'IPv4-mapped IPv6 request compares as IPv4', condition: { IpAddress: { 'aws:SourceIp': '127.0.0.0/8' } }, keys: { 'aws:SourceIp': '::ffff:127.0.0.1' }, expected: true },
    { name: 'several blocks OR-ed', condition: { IpAddress: { 'aws:SourceIp': ['10.0.0.0/8', '192.168.0.0/16'] } }, keys: { 'aws:SourceIp': '192.168.4.4' }, expected: true },
    { name: 'NotIpAddress outside', condition: { NotIpAddress: { 'aws:SourceIp': '203.0.113.0/24' } }, keys: { 'aws:SourceIp': '198.51.100.1' }, expected: true },
    { name: 'NotIpAddress inside', condition: { NotIpAddress: { 'aws:SourceIp': '203.0.113.0/24' } }, keys: { 'aws:SourceIp': '203.0.113.1' }, expected: false },
    { name: 'IpAddress on a missing key is false', condition: { IpAddress: { 'aws:SourceIp': '0.0.0.0/0' } }, keys: {}, expected: false },
    { name: 'NotIpAddress on a missing key is true', condition: { NotIpAddress: { 'aws:SourceIp': '10.0.0.0/8' } }, keys: {}, expected: true },
    { name: 'garbage request address is false', condition: { IpAddress: { 'aws:SourceIp': '0.0.0.0/0' } }, keys: { 'aws:SourceIp': 'not-an-ip' }, expected: false },
  ]);
});

describe('ARN condition operators (#Conditions_ARN)', () => {
  const SRC = 'arn:aws:sns:us-east-1:123456789012:my-topic';
  conditionTable([
    // Doc example: ArnEquals aws:SourceArn "arn:aws:sns:REGION:123456789012:TOPIC-ID".
    { name: 'ArnEquals exact', condition: { ArnEquals: { 'aws:SourceArn': SRC } }, keys: { 'aws:SourceArn': SRC }, expected: true },
    { name: 'ArnEquals different topic', condition: { ArnEquals: { 'aws:SourceArn': SRC } }, keys: { 'aws:SourceArn': SRC + '2' }, expected: false },
    // Doc: "Each of the six colon-delimited components of the ARN is checked separately and each can include ... wildcards".
    { name: 'ArnLike wildcard region', condition: { ArnLike: { 'aws:SourceArn': 'arn:aws:sns:*:123456789012:my-topic' } }, keys: { 'aws:SourceArn': SRC }, expected: true },
    { name: 'ArnEquals also takes wildcards', condition: { ArnEquals: { 'aws:SourceArn': 'arn:aws:sns:us-east-?:123456789012:*' } }, keys: { 'aws:SourceArn': SRC }, expected: true },
    { name: 'a wildcard does not cross a component', condition: { ArnLike: { 'aws:SourceArn': 'arn:aws:*:123456789012:my-topic' } }, keys: { 'aws:SourceArn': SRC }, expected: false },
    { name: 'resource part keeps its colons', condition: { ArnLike: { 'aws:SourceArn': 'arn:aws:logs:*:*:log-group:*' } }, keys: { 'aws:SourceArn': 'arn:aws:logs:eu-west-1:1:log-group:g:log-stream:s' }, expected: true },
    { name: 'not an ARN does not match', condition: { ArnLike: { 'aws:SourceArn': '*' } }, keys: { 'aws:SourceArn': 'nope' }, expected: false },
    { name: 'ArnNotEquals different', condition: { ArnNotEquals: { 'aws:SourceArn': SRC } }, keys: { 'aws:SourceArn': 'arn:aws:sns:us-east-1:123456789012:other' }, expected: true },
    { name: 'ArnNotLike matching', condition: { ArnNotLike: { 'aws:SourceArn': 'arn:aws:sns:*:*:*' } }, keys: { 'aws:SourceArn': SRC }, expected: false },
    // Doc names ArnNotLike explicitly in the missing-key rule.
    { name: 'ArnNotLike on a missing key is true', condition: { ArnNotLike: { 'aws:SourceArn': 'arn:aws:sns:*:*:*' } }, keys: {}, expected: true },
    { name: 'ArnLike on a missing key is false', condition: { ArnLike: { 'aws:SourceArn': 'arn:aws:sns:*:*:*' } }, keys: {}, expected: false },
    { name: 'ArnLikeIfExists on a missing key is true', condition: { ArnLikeIfExists: { 'aws:SourceArn': 'arn:aws:sns:*:*:*' } }, keys: {}, expected: true },
  ]);
});

describe('Null condition operator (#Conditions_Null)', () => {
  conditionTable([
    // Doc: "true (the key doesn't exist — it is null) or false (the key exists and its value is not null)".
    { name: 'Null true with the key absent', condition: { Null: { 'aws:TokenIssueTime': 'true' } }, keys: {}, expected: true },
    { name: 'Null true with the key present', condition: { Null: { 'aws:TokenIssueTime': 'true' } }, keys: { 'aws:TokenIssueTime': '2020-01-01T00:00:00Z' }, expected: false },
    { name: 'Null false with the key present', condition: { Null: { 'aws:TokenIssueTime': 'false' } }, keys: { 'aws:TokenIssueTime': '2020-01-01T00:00:00Z' }, expected: true },
    { name: 'Null false with the key absent', condition: { Null: { 'aws:TokenIssueTime': 'false' } }, keys: {}, expected: false },
    { name: 'Null takes JSON booleans', condition: { Null: { 'aws:TokenIssueTime': true } }, keys: { 'aws:TokenIssueTime': undefined }, expected: true },
    { name: 'Null on a multivalued key with values', condition: { Null: { 'aws:TagKeys': 'false' } }, keys: { 'aws:TagKeys': ['a'] }, expected: true },
    { name: 'Null: an empty list is an absent key', condition: { Null: { 'aws:TagKeys': 'true' } }, keys: { 'aws:TagKeys': [] }, expected: true },
  ]);
});
