import { createHash } from 'node:crypto';
import { expect } from 'chai';
import type { SqliteCredentialStore } from '@keyless/credential-store';
import { CERTIFICATE_REJECTIONS, handleStsRequest, isStsRequest, parseMappingFile, TrustStore } from '../src/index.js';
import { EXISTING_POLICIES, makeDeps, openStore, parseXml, stsErrorOf, stsRequest } from './fixtures.js';
import { makeCa, makeLeaf, type Issued } from './pki.js';

const NS = 'https://sts.amazonaws.com/doc/2011-06-15/';

describe('AssumeRoleWithCertificate', () => {
  let store: SqliteCredentialStore;
  let close: () => Promise<void>;
  let root: Issued;
  let intermediate: Issued;
  let trust: TrustStore;
  let app1: Issued;

  before(async () => {
    ({ store, close } = await openStore());
    root = await makeCa('STS Root');
    intermediate = await makeCa('STS Intermediate', { issuer: root });
    trust = TrustStore.fromPem(root.pem);
    app1 = await makeLeaf(intermediate, 'CN=app1, O=Acme, OU=payments', {
      serial: '0badc0de',
      san: [{ type: 'url', value: 'spiffe://prod.example.org/ns/billing/sa/invoicer' }, { type: 'dns', value: 'app1.example.org' }],
    });
  });
  after(async () => close());

  it('issues credentials for a valid certificate (query-string form), in MinIO XML plus AWS fields', async () => {
    const before = Date.now();
    const res = await handleStsRequest(stsRequest({ peerCertificates: [app1.der, intermediate.der] }), makeDeps(store, trust));
    expect(res.status, res.body).to.equal(200);
    expect(res.headers['Content-Type']).to.equal('text/xml');
    const doc = parseXml(res);
    const response = doc.AssumeRoleWithCertificateResponse;
    expect(response['@_xmlns']).to.equal(NS);
    expect(response.ResponseMetadata.RequestId).to.equal('REQ0001');
    const result = response.AssumeRoleWithCertificateResult;
    const c = result.Credentials;
    expect(c.AccessKeyId).to.match(/^ASIA[A-Z2-7]{16}$/);
    expect(c.SecretAccessKey).to.have.length(40);
    expect(c.SessionToken).to.be.a('string').and.not.equal('');
    expect(c.Expiration).to.match(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    const expiresIn = new Date(c.Expiration).getTime() - before;
    expect(expiresIn).to.be.within(3600_000 - 2000, 3600_000 + 2000);
    expect(result.SourceIdentity).to.equal('app1');
    expect(result.AssumedRoleUser.Arn).to.equal('arn:aws:sts::000000000000:assumed-role/x509/app1');
    expect(result.AssumedRoleUser.AssumedRoleId).to.equal('app1:app1');

    const session = await store.getSession(c.AccessKeyId);
    expect(session).to.not.equal(undefined);
    expect(session!.secretKey).to.equal(c.SecretAccessKey);
    expect(session!.sessionTokenHash).to.equal(createHash('sha256').update(c.SessionToken).digest('hex'));
    expect(session!.parent).to.equal('app1');
    expect(session!.subject).to.equal('app1');
    expect(session!.policies).to.deep.equal(['app1']);
    expect(session!.certSerial).to.equal('0badc0de');
    expect(session!.certFingerprint).to.equal(createHash('sha256').update(app1.der).digest('hex'));
    expect(session!.certIssuer).to.equal('CN=STS Intermediate,O=Keyless Test');
    expect(session!.tags).to.deep.include({
      'x509Subject/CN': 'app1',
      'x509Subject/O': 'Acme',
      'x509Subject/OU': 'payments',
      'x509Issuer/CN': 'STS Intermediate',
      'x509SAN/URI': 'spiffe://prod.example.org/ns/billing/sa/invoicer',
      'x509SAN/DNS': 'app1.example.org',
    });
  });

  it('accepts the parameters in a form body, as AWS SDKs send them', async () => {
    const req = stsRequest({ form: 'Action=AssumeRoleWithCertificate&Version=2011-06-15&DurationSeconds=900', peerCertificates: [app1.der, intermediate.der] });
    expect(isStsRequest(req.method, req.rawPath, req.rawQuery, req.headers)).to.equal(true);
    const before = Date.now();
    const res = await handleStsRequest(req, makeDeps(store, trust));
    expect(res.status, res.body).to.equal(200);
    const exp = new Date(parseXml(res).AssumeRoleWithCertificateResponse.AssumeRoleWithCertificateResult.Credentials.Expiration);
    expect(exp.getTime() - before).to.be.within(900_000 - 2000, 900_000 + 2000);
  });

  it('refuses plain HTTP', async () => {
    const res = await handleStsRequest(stsRequest({ encrypted: false, peerCertificates: [app1.der, intermediate.der] }), makeDeps(store, trust));
    expect(res.status).to.equal(403);
    expect(stsErrorOf(res)).to.deep.equal({ Type: 'Sender', Code: 'AccessDenied', Message: CERTIFICATE_REJECTIONS.plainHttp });
  });

  it('answers 4xx STS errors with stable messages for certificate faults', async () => {
    const deps = makeDeps(store, trust);
    const none = await handleStsRequest(stsRequest(), deps);
    expect(none.status).to.equal(403);
    expect(stsErrorOf(none)).to.deep.equal({ Type: 'Sender', Code: 'MissingAuthenticationToken', Message: CERTIFICATE_REJECTIONS.noCertificate });

    const stranger = await makeLeaf(await makeCa('Stranger CA'), 'CN=app1');
    const untrusted = await handleStsRequest(stsRequest({ peerCertificates: [stranger.der] }), deps);
    expect(untrusted.status).to.equal(400);
    expect(stsErrorOf(untrusted)).to.deep.equal({ Type: 'Sender', Code: 'InvalidCertificate', Message: CERTIFICATE_REJECTIONS.untrusted });
    expect(deps.logs.some((l) => l.event === 'sts.error' && l.reason === CERTIFICATE_REJECTIONS.untrusted)).to.equal(true);
  });

  it('answers AccessDenied (403, not 500) for a certificate that maps to no existing policy', async () => {
    const deps = makeDeps(store, trust);
    const unknown = await makeLeaf(root, 'CN=no-such-policy');
    const res = await handleStsRequest(stsRequest({ peerCertificates: [unknown.der] }), deps);
    expect(res.status).to.equal(403);
    expect(stsErrorOf(res)).to.deep.equal({ Type: 'Sender', Code: 'AccessDenied', Message: CERTIFICATE_REJECTIONS.unknownPolicy });
    expect(deps.logs.find((l) => l.event === 'sts.certificate.denied')).to.include({ policy: 'no-such-policy', reason: 'unknownPolicy' });

    const noCn = await makeLeaf(root, 'O=Acme');
    const res2 = await handleStsRequest(stsRequest({ peerCertificates: [noCn.der] }), deps);
    expect(res2.status).to.equal(403);
    expect(stsErrorOf(res2).Message).to.equal(CERTIFICATE_REJECTIONS.unmapped);
  });

  it('rejects bad DurationSeconds values with InvalidParameterValue', async () => {
    const deps = makeDeps(store, trust, { maxDurationSeconds: 7200 });
    for (const value of ['abc', '899', '7201', '1.5', '-900', '', '1e4']) {
      const res = await handleStsRequest(
        stsRequest({ rawQuery: `Action=AssumeRoleWithCertificate&Version=2011-06-15&DurationSeconds=${value}`, peerCertificates: [app1.der, intermediate.der] }),
        deps,
      );
      expect(res.status, value).to.equal(400);
      expect(stsErrorOf(res).Code, value).to.equal('InvalidParameterValue');
    }
    const ok = await handleStsRequest(
      stsRequest({ rawQuery: 'Action=AssumeRoleWithCertificate&Version=2011-06-15&DurationSeconds=7200', peerCertificates: [app1.der, intermediate.der] }),
      deps,
    );
    expect(ok.status).to.equal(200);
  });

  it('never lets credentials outlive the certificate', async () => {
    const shortLived = await makeLeaf(root, 'CN=app1', { notAfter: new Date(Date.now() + 20 * 60_000) });
    const res = await handleStsRequest(
      stsRequest({ rawQuery: 'Action=AssumeRoleWithCertificate&Version=2011-06-15&DurationSeconds=43200', peerCertificates: [shortLived.der] }),
      makeDeps(store, trust),
    );
    expect(res.status, res.body).to.equal(200);
    const c = parseXml(res).AssumeRoleWithCertificateResponse.AssumeRoleWithCertificateResult.Credentials;
    const notAfter = Math.floor(shortLived.cert.notAfter.getTime() / 1000) * 1000;
    expect(new Date(c.Expiration).getTime()).to.equal(notAfter);
    expect((await store.getSession(c.AccessKeyId))!.expiresAt.getTime()).to.equal(notAfter);
  });

  it('applies a mapping file: SPIFFE templates, several policies, tags, and the per-CA maximum duration', async () => {
    const mapping = parseMappingFile(JSON.stringify({
      authorities: [{ name: 'prod', subjectCN: 'STS Intermediate', maxDurationSeconds: 1800 }],
      rules: [{ match: { sanUri: 'spiffe://prod.example.org/ns/{ns}/sa/{sa}', authority: 'prod' }, policies: ['ns-{ns}', 'app-{sa}'], tags: { team: '{ns}' } }],
    }));
    const deps = makeDeps(store, trust, { mapping });
    const before = Date.now();
    const res = await handleStsRequest(stsRequest({ peerCertificates: [app1.der, intermediate.der] }), deps);
    expect(res.status, res.body).to.equal(200);
    const c = parseXml(res).AssumeRoleWithCertificateResponse.AssumeRoleWithCertificateResult.Credentials;
    expect(new Date(c.Expiration).getTime() - before).to.be.within(1800_000 - 2000, 1800_000 + 2000);
    const session = await store.getSession(c.AccessKeyId);
    expect(session!.policies).to.deep.equal(['ns-billing', 'app-invoicer']);
    expect(session!.tags.team).to.equal('billing');
    expect(session!.tags['x509Subject/CN']).to.equal('app1');

    // Issued directly by the root, the same identity is refused: only "prod" may mint it.
    const direct = await makeLeaf(root, 'CN=app1', { san: [{ type: 'url', value: 'spiffe://prod.example.org/ns/billing/sa/invoicer' }] });
    const denied = await handleStsRequest(stsRequest({ peerCertificates: [direct.der] }), deps);
    expect(denied.status).to.equal(403);
    expect(stsErrorOf(denied)).to.deep.equal({ Type: 'Sender', Code: 'AccessDenied', Message: CERTIFICATE_REJECTIONS.authorityNotAllowed });
  });

  it('validates Action and Version', async () => {
    const deps = makeDeps(store, trust);
    const cases: Array<[string, number, string]> = [
      ['Version=2011-06-15', 400, 'MissingAction'],
      ['Action=AssumeRoleWithWebIdentity&Version=2011-06-15', 400, 'InvalidAction'],
      ['Action=AssumeRoleWithCertificate&Version=2010-01-01', 400, 'InvalidParameterValue'],
    ];
    for (const [rawQuery, status, code] of cases) {
      const res = await handleStsRequest(stsRequest({ rawQuery, peerCertificates: [app1.der, intermediate.der] }), deps);
      expect(res.status, rawQuery).to.equal(status);
      expect(stsErrorOf(res).Code, rawQuery).to.equal(code);
    }
    // Version may be left out, as some MinIO clients do.
    const lenient = await handleStsRequest(stsRequest({ rawQuery: 'Action=AssumeRoleWithCertificate', peerCertificates: [app1.der, intermediate.der] }), deps);
    expect(lenient.status).to.equal(200);
    // A parameter repeated with another value in the body is refused.
    const twice = await handleStsRequest(
      stsRequest({ rawQuery: 'Action=AssumeRoleWithCertificate', form: 'Action=GetCallerIdentity', peerCertificates: [app1.der, intermediate.der] }),
      deps,
    );
    expect(stsErrorOf(twice).Code).to.equal('InvalidParameterCombination');
  });

  it('turns an unexpected failure into InternalFailure without internal text', async () => {
    const deps = makeDeps(store, trust, { policyExists: async () => { throw new Error('database is on fire'); } });
    const res = await handleStsRequest(stsRequest({ peerCertificates: [app1.der, intermediate.der] }), deps);
    expect(res.status).to.equal(500);
    expect(stsErrorOf(res).Code).to.equal('InternalFailure');
    expect(stsErrorOf(res).Type).to.equal('Receiver');
    expect(res.body).to.not.contain('fire');
    expect(deps.logs.some((l) => String(l.error).includes('database is on fire'))).to.equal(true);
  });

  it('recognises STS requests cheaply', () => {
    const form = { 'content-type': 'application/x-www-form-urlencoded' };
    expect(isStsRequest('POST', '/', 'Action=AssumeRoleWithCertificate&Version=2011-06-15', {})).to.equal(true);
    expect(isStsRequest('POST', '/', '', form)).to.equal(true);
    expect(isStsRequest('POST', '/', 'Version=1&Action=AssumeRole', {})).to.equal(true);
    expect(isStsRequest('GET', '/', 'Action=AssumeRole', {})).to.equal(false);
    expect(isStsRequest('POST', '/bucket', 'Action=AssumeRole', form)).to.equal(false);
    expect(isStsRequest('POST', '/', 'delete', { 'content-type': 'application/xml' })).to.equal(false);
    expect(isStsRequest('POST', '/', 'uploads', {})).to.equal(false);
    expect(EXISTING_POLICIES.has('app1')).to.equal(true);
  });
});
