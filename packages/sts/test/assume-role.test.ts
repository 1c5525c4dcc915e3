import { expect } from 'chai';
import { SignatureV4 } from '@smithy/signature-v4';
import type { ChecksumConstructor } from '@smithy/types';
import type { SqliteCredentialStore } from '@keyless/credential-store';
import { handleStsRequest, TrustStore, type StsHttpRequest } from '../src/index.js';
import { makeDeps, openStore, parseXml, ROOT, stsErrorOf } from './fixtures.js';
import { NodeSha256 } from '@keyless/core/testing';
import { makeCa } from './pki.js';

interface Creds { accessKeyId: string; secretAccessKey: string; sessionToken?: string }

/** Signs an STS form POST with the AWS SDK's own signer, as `aws sts ...` would send it. */
async function signedStsRequest(creds: Creds, form: Record<string, string>, opts: { region?: string; date?: Date } = {}): Promise<StsHttpRequest> {
  const signer = new SignatureV4({
    credentials: creds,
    region: opts.region ?? 'us-east-1',
    service: 'sts',
    sha256: NodeSha256 as unknown as ChecksumConstructor,
  });
  const body = new URLSearchParams(form).toString();
  const signed = await signer.sign(
    {
      method: 'POST',
      protocol: 'https:',
      hostname: 'keyless.test',
      port: 9000,
      path: '/',
      query: {},
      headers: { host: 'keyless.test:9000', 'content-type': 'application/x-www-form-urlencoded; charset=utf-8' },
      body,
    },
    { signingDate: opts.date ?? new Date() },
  );
  const headers = Object.fromEntries(Object.entries(signed.headers).map(([k, v]) => [k.toLowerCase(), String(v)]));
  return {
    method: 'POST',
    rawPath: '/',
    rawQuery: '',
    rawHeaders: Object.entries(signed.headers).flatMap(([k, v]) => [k, String(v)]),
    headers,
    body: Buffer.from(body),
    peerCertificates: [],
    encrypted: true,
    sourceIp: '127.0.0.1',
    requestId: 'REQ-AR',
  };
}

const ALICE = { accessKeyId: 'AKIAALICE00000000001', secretAccessKey: 'alice-secret-0123456789abcdefghijklmnopqr' };
const ROOT_CREDS = { accessKeyId: ROOT.accessKey, secretAccessKey: ROOT.secretKey };
const SESSION_POLICY = JSON.stringify({
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Action: ['s3:GetObject'], Resource: ['arn:aws:s3:::reports/*'] }],
});

describe('AssumeRole and GetCallerIdentity (SigV4 signed by @smithy/signature-v4)', () => {
  let store: SqliteCredentialStore;
  let close: () => Promise<void>;
  let trust: TrustStore;

  before(async () => {
    ({ store, close } = await openStore());
    trust = TrustStore.fromPem((await makeCa('Unused CA')).pem);
    await store.putUser({ accessKey: ALICE.accessKeyId, secretKey: ALICE.secretAccessKey, policies: ['readonly'] });
  });
  after(async () => close());

  it('AssumeRole for a static user with a session policy', async () => {
    const before = Date.now();
    const req = await signedStsRequest(ALICE, {
      Action: 'AssumeRole', Version: '2011-06-15', RoleArn: 'arn:aws:iam::000000000000:role/anything',
      RoleSessionName: 'nightly-report', DurationSeconds: '1800', Policy: SESSION_POLICY,
    });
    const res = await handleStsRequest(req, makeDeps(store, trust));
    expect(res.status, res.body).to.equal(200);
    const doc = parseXml(res).AssumeRoleResponse;
    expect(doc['@_xmlns']).to.equal('https://sts.amazonaws.com/doc/2011-06-15/');
    const result = doc.AssumeRoleResult;
    expect(result.Credentials.AccessKeyId).to.match(/^ASIA[A-Z2-7]{16}$/);
    expect(result.Credentials.SecretAccessKey).to.have.length(40);
    expect(new Date(result.Credentials.Expiration).getTime() - before).to.be.within(1800_000 - 2000, 1800_000 + 2000);
    expect(result.AssumedRoleUser.Arn).to.equal(`arn:aws:sts::000000000000:assumed-role/${ALICE.accessKeyId}/nightly-report`);
    expect(result.AssumedRoleUser.AssumedRoleId).to.equal(`${ALICE.accessKeyId}:nightly-report`);
    const session = await store.getSession(result.Credentials.AccessKeyId);
    expect(session!.parent).to.equal(ALICE.accessKeyId);
    expect(session!.policies).to.deep.equal(['readonly']);
    expect(session!.sessionPolicy).to.equal(SESSION_POLICY);
    expect(session!.subject).to.equal('nightly-report');
    expect(session!.certFingerprint).to.equal(undefined);
  });

  it('AssumeRole for root gives the readwrite policy', async () => {
    const res = await handleStsRequest(await signedStsRequest(ROOT_CREDS, { Action: 'AssumeRole', Version: '2011-06-15' }), makeDeps(store, trust));
    expect(res.status, res.body).to.equal(200);
    const key = parseXml(res).AssumeRoleResponse.AssumeRoleResult.Credentials.AccessKeyId;
    expect((await store.getSession(key))!.policies).to.deep.equal(['readwrite']);
  });

  it('rejects bad AssumeRole parameters', async () => {
    const deps = makeDeps(store, trust);
    const cases: Array<[Record<string, string>, number, string]> = [
      [{ Policy: '{"Statement":' }, 400, 'MalformedPolicyDocument'],
      [{ Policy: JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 's3:GetObject', Resource: `arn:aws:s3:::${'x'.repeat(2100)}` }] }) }, 400, 'PackedPolicyTooLarge'],
      [{ RoleSessionName: 'a' }, 400, 'InvalidParameterValue'],
      [{ RoleSessionName: 'has space' }, 400, 'InvalidParameterValue'],
      [{ DurationSeconds: '100' }, 400, 'InvalidParameterValue'],
    ];
    for (const [extra, status, code] of cases) {
      const res = await handleStsRequest(await signedStsRequest(ALICE, { Action: 'AssumeRole', Version: '2011-06-15', ...extra }), deps);
      expect(res.status, JSON.stringify(extra)).to.equal(status);
      expect(stsErrorOf(res).Code, JSON.stringify(extra)).to.equal(code);
    }
  });

  it('rejects bad signatures, unknown keys and unsigned requests', async () => {
    const deps = makeDeps(store, trust);
    const wrong = await signedStsRequest({ ...ALICE, secretAccessKey: 'x'.repeat(40) }, { Action: 'GetCallerIdentity', Version: '2011-06-15' });
    const r1 = await handleStsRequest(wrong, deps);
    expect([r1.status, stsErrorOf(r1).Code]).to.deep.equal([403, 'SignatureDoesNotMatch']);

    const unknown = await signedStsRequest({ accessKeyId: 'AKIANOBODY0000000000', secretAccessKey: 'y'.repeat(40) }, { Action: 'GetCallerIdentity' });
    const r2 = await handleStsRequest(unknown, deps);
    expect([r2.status, stsErrorOf(r2).Code]).to.deep.equal([403, 'InvalidClientTokenId']);

    const tampered = await signedStsRequest(ALICE, { Action: 'AssumeRole', Version: '2011-06-15', DurationSeconds: '900' });
    const r3 = await handleStsRequest({ ...tampered, body: Buffer.from(tampered.body.toString().replace('900', '901')) }, deps);
    expect(stsErrorOf(r3).Code).to.equal('SignatureDoesNotMatch');

    const old = await signedStsRequest(ALICE, { Action: 'GetCallerIdentity' }, { date: new Date(Date.now() - 3600_000) });
    expect(stsErrorOf(await handleStsRequest(old, deps)).Code).to.equal('RequestExpired');

    const unsigned: StsHttpRequest = { ...old, rawHeaders: ['host', 'keyless.test', 'content-type', 'application/x-www-form-urlencoded'] };
    const r4 = await handleStsRequest(unsigned, deps);
    expect([r4.status, stsErrorOf(r4).Code]).to.deep.equal([403, 'MissingAuthenticationToken']);
  });

  it('GetCallerIdentity for root, a user and a session', async () => {
    const deps = makeDeps(store, trust);
    const call = async (creds: Creds): Promise<Record<string, string>> => {
      const res = await handleStsRequest(await signedStsRequest(creds, { Action: 'GetCallerIdentity', Version: '2011-06-15' }), deps);
      expect(res.status, res.body).to.equal(200);
      const doc = parseXml(res).GetCallerIdentityResponse;
      expect(doc['@_xmlns']).to.equal('https://sts.amazonaws.com/doc/2011-06-15/');
      expect(doc.ResponseMetadata.RequestId).to.equal('REQ-AR');
      return doc.GetCallerIdentityResult;
    };
    expect(await call(ROOT_CREDS)).to.deep.equal({ Arn: 'arn:aws:iam::000000000000:root', UserId: '000000000000', Account: '000000000000' });
    expect(await call(ALICE)).to.deep.equal({ Arn: `arn:aws:iam::000000000000:user/${ALICE.accessKeyId}`, UserId: ALICE.accessKeyId, Account: '000000000000' });

    const assumed = await handleStsRequest(await signedStsRequest(ALICE, { Action: 'AssumeRole', RoleSessionName: 'me' }), deps);
    const c = parseXml(assumed).AssumeRoleResponse.AssumeRoleResult.Credentials;
    const session = { accessKeyId: c.AccessKeyId, secretAccessKey: c.SecretAccessKey, sessionToken: c.SessionToken };
    expect(await call(session)).to.deep.equal({
      Arn: `arn:aws:sts::000000000000:assumed-role/${ALICE.accessKeyId}/me`,
      UserId: `${ALICE.accessKeyId}:me`,
      Account: '000000000000',
    });

    // Sessions must present their token, and cannot chain AssumeRole.
    const noToken = await handleStsRequest(await signedStsRequest({ ...session, sessionToken: undefined } as Creds, { Action: 'GetCallerIdentity' }), deps);
    expect([noToken.status, stsErrorOf(noToken).Code]).to.deep.equal([403, 'InvalidClientTokenId']);
    const wrongToken = await handleStsRequest(await signedStsRequest({ ...session, sessionToken: 'forged' }, { Action: 'GetCallerIdentity' }), deps);
    expect(stsErrorOf(wrongToken).Code).to.equal('InvalidClientTokenId');
    const chained = await handleStsRequest(await signedStsRequest(session, { Action: 'AssumeRole' }), deps);
    expect([chained.status, stsErrorOf(chained).Code]).to.deep.equal([403, 'AccessDenied']);
  });

  it('answers ExpiredToken for an expired session', async () => {
    const creds = await store.issueTemporary({ parent: ALICE.accessKeyId, policies: ['readonly'], tags: {}, expiresAt: new Date(Date.now() - 1000) });
    const res = await handleStsRequest(
      await signedStsRequest({ accessKeyId: creds.accessKeyId, secretAccessKey: creds.secretAccessKey, sessionToken: creds.sessionToken }, { Action: 'GetCallerIdentity' }),
      makeDeps(store, trust),
    );
    expect([res.status, stsErrorOf(res).Code]).to.deep.equal([400, 'ExpiredToken']);
  });
});
