import { expect } from 'chai';
import { mapCertificate, parseMappingFile, type ValidatedCertificate } from '../src/index.js';

const ROOT_FP = 'aa'.repeat(32);
const INTER_FP = 'bb'.repeat(32);

function cert(over: Partial<ValidatedCertificate> = {}): ValidatedCertificate {
  return {
    subject: { CN: 'app1', O: 'Acme', OU: ['payments', 'eu'], text: 'CN=app1,O=Acme,OU=payments,OU=eu' },
    issuer: { CN: 'Issuing CA', O: 'Acme', OU: [], text: 'CN=Issuing CA,O=Acme' },
    serialHex: '01',
    fingerprintSha256: 'cc'.repeat(32),
    notBefore: new Date('2024-01-01T00:00:00Z'),
    notAfter: new Date('2025-01-01T00:00:00Z'),
    sanUris: ['spiffe://prod.example.org/ns/billing/sa/invoicer'],
    sanDns: ['invoicer.billing.svc'],
    sanEmails: ['ops@example.org'],
    issuerCaFingerprint: ROOT_FP,
    authorities: [
      { subject: { CN: 'Issuing CA', OU: [], text: 'CN=Issuing CA' }, fingerprintSha256: INTER_FP },
      { subject: { CN: 'Root CA', OU: [], text: 'CN=Root CA' }, fingerprintSha256: ROOT_FP },
    ],
    ...over,
  };
}

describe('mapCertificate', () => {
  it('maps to the policy named after the subject CN by default, with Roles Anywhere principal tags', () => {
    const grant = mapCertificate(cert(), undefined);
    expect(grant?.policies).to.deep.equal(['app1']);
    expect(grant?.maxDurationSeconds).to.equal(undefined);
    expect(grant?.tags).to.deep.equal({
      'x509Subject/CN': 'app1',
      'x509Subject/O': 'Acme',
      'x509Subject/OU': 'payments',
      'x509Issuer/CN': 'Issuing CA',
      'x509Issuer/O': 'Acme',
      'x509SAN/URI': 'spiffe://prod.example.org/ns/billing/sa/invoicer',
      'x509SAN/DNS': 'invoicer.billing.svc',
      'x509SAN/Email': 'ops@example.org',
    });
  });

  it('maps nothing by default when there is no CN or it is not a policy name', () => {
    expect(mapCertificate(cert({ subject: { OU: [], text: '' } }), undefined)).to.equal(undefined);
    expect(mapCertificate(cert({ subject: { CN: 'a b/c', OU: [], text: '' } }), undefined)).to.equal(undefined);
  });

  it('maps SPIFFE IDs through templates, first matching rule wins', () => {
    const mapping = parseMappingFile(JSON.stringify({
      rules: [
        { match: { sanUri: 'spiffe://prod.example.org/ns/{ns}/sa/{sa}' }, policies: ['ns-{ns}', 'app-{sa}', 'ns-{ns}'], tags: { namespace: '{ns}', cn: '{x509Subject/CN}' }, maxDurationSeconds: 1800 },
        { match: {}, policies: ['catch-all'] },
      ],
    }));
    const grant = mapCertificate(cert(), mapping);
    expect(grant?.policies).to.deep.equal(['ns-billing', 'app-invoicer']);
    expect(grant?.tags.namespace).to.equal('billing');
    expect(grant?.tags.cn).to.equal('app1');
    expect(grant?.tags['x509SAN/URI']).to.equal('spiffe://prod.example.org/ns/billing/sa/invoicer');
    expect(grant?.maxDurationSeconds).to.equal(1800);
    // {name} does not cross "/": a deeper path falls through to the next rule.
    const deeper = cert({ sanUris: ['spiffe://prod.example.org/ns/a/b/sa/c'] });
    expect(mapCertificate(deeper, mapping)?.policies).to.deep.equal(['catch-all']);
  });

  it('matches OU (any value), O, issuer CN, DNS (case-insensitive) and email, all fields ANDed', () => {
    const mapping = parseMappingFile(JSON.stringify({
      rules: [
        { match: { subjectOU: 'eu', subjectO: 'Acme', issuerCN: 'Issuing *' }, policies: ['eu-team'] },
        { match: { sanDns: '{svc}.billing.svc' }, policies: ['svc-{svc}'] },
        { match: { sanEmail: '*@example.org' }, policies: ['mail'] },
      ],
    }));
    expect(mapCertificate(cert(), mapping)?.policies).to.deep.equal(['eu-team']);
    const noEu = cert({ subject: { CN: 'x', O: 'Acme', OU: ['us'], text: '' }, sanDns: ['API.Billing.SVC'] });
    expect(mapCertificate(noEu, mapping)?.policies).to.deep.equal(['svc-API']);
    const mailOnly = cert({ subject: { OU: [], text: '' }, sanDns: [] });
    expect(mapCertificate(mailOnly, mapping)?.policies).to.deep.equal(['mail']);
    expect(mapCertificate(cert({ subject: { OU: [], text: '' }, sanDns: [], sanEmails: [] }), mapping)).to.equal(undefined);
  });

  it('falls back to the CN only when asked to', () => {
    const strict = parseMappingFile(JSON.stringify({ rules: [{ match: { subjectCN: 'nobody' }, policies: ['p'] }] }));
    expect(mapCertificate(cert(), strict)).to.equal(undefined);
    const lenient = parseMappingFile(JSON.stringify({ fallbackToSubjectCN: true, rules: [] }));
    expect(mapCertificate(cert(), lenient)?.policies).to.deep.equal(['app1']);
  });

  it('refuses a template result that is not a valid policy name', () => {
    const mapping = parseMappingFile(JSON.stringify({ rules: [{ match: { subjectCN: '{name}' }, policies: ['p-{name}'] }] }));
    expect(mapCertificate(cert({ subject: { CN: 'evil name', OU: [], text: '' } }), mapping)).to.equal(undefined);
    expect(mapCertificate(cert(), mapping)?.policies).to.deep.equal(['p-app1']);
  });

  it('limits which CA may mint which identities, and for how long', () => {
    const mapping = parseMappingFile(JSON.stringify({
      authorities: [
        { name: 'prod', fingerprint: INTER_FP.match(/../g)!.join(':').toUpperCase(), maxDurationSeconds: 3600, allow: [{ sanUri: 'spiffe://prod.example.org/*' }] },
        { name: 'dev', subjectCN: 'Dev CA', maxDurationSeconds: 900 },
      ],
      rules: [
        { match: { authority: 'dev' }, policies: ['dev'] },
        { match: { authority: 'prod', sanUri: 'spiffe://prod.example.org/ns/{ns}/*' }, policies: ['ns-{ns}'], maxDurationSeconds: 7200 },
      ],
    }));
    const grant = mapCertificate(cert(), mapping);
    expect(grant?.policies).to.deep.equal(['ns-billing']);
    expect(grant?.maxDurationSeconds).to.equal(3600); // the authority's limit beats the rule's
    // The prod CA may not mint identities outside its trust domain.
    expect(mapCertificate(cert({ sanUris: ['spiffe://dev.example.org/ns/x/sa/y'] }), mapping)).to.equal(undefined);
    // A dev-CA certificate claiming a prod identity only gets the dev rule.
    const dev = cert({ authorities: [{ subject: { CN: 'Dev CA', OU: [], text: '' }, fingerprintSha256: 'dd'.repeat(32) }] });
    expect(mapCertificate(dev, mapping)).to.deep.include({ policies: ['dev'], maxDurationSeconds: 900 });
    // A CA that is not listed maps nothing.
    const other = cert({ authorities: [{ subject: { CN: 'Other', OU: [], text: '' }, fingerprintSha256: 'ee'.repeat(32) }] });
    expect(mapCertificate(other, mapping)).to.equal(undefined);
  });
});

describe('parseMappingFile', () => {
  const bad: Array<[string, unknown, RegExp]> = [
    ['not JSON', '{', /not valid JSON/],
    ['unknown top-level field', { rule: [] }, /unknown field "rule"/],
    ['wrong version', { version: 2 }, /version/],
    ['rule without policies', { rules: [{ match: {} }] }, /rules\[0\]\.policies: must be an array/],
    ['empty policies', { rules: [{ policies: [] }] }, /at least one policy/],
    ['unknown match field', { rules: [{ match: { subjectXX: 'a' }, policies: ['p'] }] }, /rules\[0\]\.match: unknown field "subjectXX"/],
    ['unknown template variable', { rules: [{ match: { subjectCN: '{a}' }, policies: ['p-{b}'] }] }, /unknown variable \{b\}/],
    ['bad capture', { rules: [{ match: { subjectCN: '{a' }, policies: ['p'] }] }, /rules\[0\]\.match\.subjectCN/],
    ['duplicate capture', { rules: [{ match: { subjectCN: '{a}', sanUri: '{a}' }, policies: ['p'] }] }, /used twice/],
    ['too short duration', { rules: [{ policies: ['p'], maxDurationSeconds: 60 }] }, /maxDurationSeconds: must be an integer >= 900/],
    ['x509 tag override', { rules: [{ policies: ['p'], tags: { 'x509Subject/CN': 'x' } }] }, /not a valid tag key/],
    ['authority without identity', { authorities: [{ name: 'a' }] }, /needs "fingerprint" or "subjectCN"/],
    ['bad fingerprint', { authorities: [{ name: 'a', fingerprint: 'abc' }] }, /SHA-256 fingerprint/],
    ['unknown authority', { rules: [{ match: { authority: 'x' }, policies: ['p'] }] }, /no authority named "x"/],
    ['duplicate authority', { authorities: [{ name: 'a', subjectCN: 'A' }, { name: 'a', subjectCN: 'B' }] }, /used twice/],
  ];
  for (const [title, doc, message] of bad) {
    it(`rejects ${title} with a clear message`, () => {
      expect(() => parseMappingFile(typeof doc === 'string' ? doc : JSON.stringify(doc))).to.throw(Error, message);
    });
  }

  it('accepts an empty mapping (which maps nothing)', () => {
    const m = parseMappingFile('{}');
    expect(m.rules).to.deep.equal([]);
    expect(m.fallbackToSubjectCN).to.equal(false);
  });
});
