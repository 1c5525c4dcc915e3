/**
 * Benchmark (prints figures, asserts nothing): evaluation of a realistic 20-statement identity
 * policy with conditions, plus a bucket policy and a session policy, taken from a PolicyCache as
 * the server does per request. Run: `node packages/policy-engine/dist/bench/evaluate.bench.js`.
 */
import { PolicyCache, evaluate } from '../src/index.js';
import type { EvaluateInput, RequestContext } from '../src/index.js';

const ACCOUNT = '000000000000';
const statements: object[] = [];
const actions = ['s3:GetObject', 's3:PutObject', 's3:DeleteObject', 's3:ListBucket', 's3:Get*', 's3:*Object*', 's3:ListAllMyBuckets'];
for (let i = 0; i < 18; i++) {
  statements.push({
    Sid: `Team${i}`,
    Effect: 'Allow',
    Action: [actions[i % actions.length], actions[(i + 3) % actions.length]],
    Resource: [`arn:aws:s3:::team-${i}/*`, `arn:aws:s3:::team-${i}`, `arn:aws:s3:::shared/\${aws:username}/*`],
    Condition: {
      IpAddress: { 'aws:SourceIp': ['10.0.0.0/8', '192.168.0.0/16', '2001:db8::/32'] },
      StringLike: { 's3:prefix': ['home/${aws:username}/*', 'public/*'] },
      StringEqualsIfExists: { 'aws:PrincipalTag/x509Subject/O': 'Example Corp' },
      DateLessThan: { 'aws:CurrentTime': '2099-01-01T00:00:00Z' },
    },
  });
}
statements.push({ Sid: 'DenyInsecure', Effect: 'Deny', Action: 's3:*', Resource: '*', Condition: { Bool: { 'aws:SecureTransport': 'false' } } });
statements.push({ Sid: 'DenySecrets', Effect: 'Deny', Action: 's3:*', Resource: 'arn:aws:s3:::*/secret/*', Condition: { 'ForAnyValue:StringNotEquals': { 'aws:TagKeys': ['ok'] } } });
const identityJson = JSON.stringify({ Version: '2012-10-17', Statement: statements });
const bucketJson = JSON.stringify({
  Version: '2012-10-17',
  Statement: [
    { Sid: 'Public', Effect: 'Allow', Principal: '*', Action: 's3:GetObject', Resource: 'arn:aws:s3:::team-3/public/*' },
    { Sid: 'Acct', Effect: 'Allow', Principal: { AWS: ACCOUNT }, Action: 's3:ListBucket', Resource: 'arn:aws:s3:::team-3', Condition: { StringLike: { 's3:prefix': 'x/*' } } },
  ],
});
const sessionJson = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 's3:*', Resource: 'arn:aws:s3:::team-*' }] });

const cache = new PolicyCache();
const principal = { arn: `arn:aws:sts::${ACCOUNT}:assumed-role/cert/alice`, accountId: ACCOUNT, type: 'session' };
const keys = (extra: Record<string, string | string[]>): RequestContext['keys'] => ({
  'aws:username': 'alice',
  'aws:userid': 'AROA:alice',
  'aws:SourceIp': '10.1.2.3',
  'aws:SecureTransport': 'true',
  'aws:CurrentTime': '2025-06-01T12:00:00Z',
  'aws:EpochTime': '1748779200',
  'aws:PrincipalTag/x509Subject/CN': 'alice',
  ...extra,
});
const requests: RequestContext[] = [
  { action: 's3:GetObject', resource: 'arn:aws:s3:::team-17/a/b.txt', principal, keys: keys({}) },
  { action: 's3:PutObject', resource: 'arn:aws:s3:::shared/alice/x', principal, keys: keys({ 's3:prefix': 'home/alice/x' }) },
  { action: 's3:ListBucket', resource: 'arn:aws:s3:::team-3', principal, keys: keys({ 's3:prefix': 'public/a' }) },
  { action: 's3:DeleteObject', resource: 'arn:aws:s3:::nope/x', principal, keys: keys({}) },
  { action: 's3:GetObject', resource: 'arn:aws:s3:::team-1/secret/x', principal, keys: keys({ 'aws:TagKeys': ['a'] }) },
];

function run(ctx: RequestContext): void {
  const input: EvaluateInput = {
    identity: [{ name: 'team', policy: cache.get('team', identityJson) }],
    session: [{ name: 'session', policy: cache.get('session', sessionJson) }],
    resource: { name: 'bucket', policy: cache.get('bucket', bucketJson, { kind: 'resource' }) },
    ctx,
  };
  if (evaluate(input).effect === undefined) throw new Error('unreachable');
}

const BATCH = 200;
const SAMPLES = 2000;
for (let i = 0; i < 20000; i++) run(requests[i % requests.length]!); // warm-up (JIT)
const perEval: number[] = [];
for (let s = 0; s < SAMPLES; s++) {
  const ctx = requests[s % requests.length]!;
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < BATCH; i++) run(ctx);
  perEval.push(Number(process.hrtime.bigint() - t0) / BATCH / 1000);
}
perEval.sort((a, b) => a - b);
const pct = (p: number): string => perEval[Math.min(perEval.length - 1, Math.floor(p * perEval.length))]!.toFixed(3);
console.log(`policy-engine evaluate: 20-statement identity policy with conditions + session + bucket policy (cached)`);
console.log(`  ${SAMPLES} samples x ${BATCH} evaluations: median ${pct(0.5)} us, p99 ${pct(0.99)} us, min ${perEval[0]!.toFixed(3)} us per evaluation`);
