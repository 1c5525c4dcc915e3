import { expect } from 'chai';
import { isStsError, type StsErrorCode } from '@keyless/core';
import { CERTIFICATE_REJECTIONS, TrustStore, validateClientChain, type CertificateRejection } from '../src/index.js';
import { DAY_MS, makeCa, makeLeaf, x509, type Issued } from './pki.js';

async function expectRejected(
  promise: Promise<unknown>,
  reason: CertificateRejection,
  code: StsErrorCode = 'InvalidCertificate',
): Promise<void> {
  try {
    await promise;
  } catch (err) {
    expect(isStsError(err), String(err)).to.equal(true);
    expect((err as { code: string }).code).to.equal(code);
    expect((err as Error).message).to.equal(CERTIFICATE_REJECTIONS[reason]);
    return;
  }
  expect.fail(`expected rejection "${reason}"`);
}

describe('validateClientChain', () => {
  let root: Issued;
  let intermediate: Issued;
  let trust: TrustStore;
  const now = (): Date => new Date();

  before(async () => {
    root = await makeCa('Test Root');
    intermediate = await makeCa('Test Intermediate', { issuer: root, pathLen: 0 });
    trust = TrustStore.fromPem(root.pem);
  });

  it('accepts a leaf issued by a trusted root and reports its facts', async () => {
    const leaf = await makeLeaf(root, 'CN=app1, O=Acme, OU=payments, OU=eu', {
      serial: '00ab12',
      san: [{ type: 'url', value: 'spiffe://example.org/ns/prod/sa/app1' }, { type: 'dns', value: 'app1.example.org' }, { type: 'email', value: 'ops@example.org' }],
    });
    const v = await validateClientChain([leaf.der], trust, now());
    expect(v.subject.CN).to.equal('app1');
    expect(v.subject.O).to.equal('Acme');
    expect(v.subject.OU).to.deep.equal(['payments', 'eu']);
    expect(v.issuer.CN).to.equal('Test Root');
    expect(v.serialHex).to.equal('ab12');
    expect(v.fingerprintSha256).to.equal(Buffer.from(await leaf.cert.getThumbprint('SHA-256')).toString('hex'));
    expect(v.issuerCaFingerprint).to.equal(Buffer.from(await root.cert.getThumbprint('SHA-256')).toString('hex'));
    expect(v.sanUris).to.deep.equal(['spiffe://example.org/ns/prod/sa/app1']);
    expect(v.sanDns).to.deep.equal(['app1.example.org']);
    expect(v.sanEmails).to.deep.equal(['ops@example.org']);
    expect(v.notAfter.getTime()).to.equal(leaf.cert.notAfter.getTime());
    expect(v.authorities.map((a) => a.subject.CN)).to.deep.equal(['Test Root']);
  });

  it('builds the path through an intermediate the client sent', async () => {
    const leaf = await makeLeaf(intermediate, 'CN=app2');
    const v = await validateClientChain([leaf.der, intermediate.der], trust, now());
    expect(v.authorities.map((a) => a.subject.CN)).to.deep.equal(['Test Intermediate', 'Test Root']);
    expect(v.issuer.CN).to.equal('Test Intermediate');
  });

  it('also accepts the root itself sent along, and duplicate intermediates', async () => {
    const leaf = await makeLeaf(intermediate, 'CN=app2b');
    const v = await validateClientChain([leaf.der, intermediate.der, intermediate.der, root.der], trust, now());
    expect(v.subject.CN).to.equal('app2b');
  });

  it('rejects a leaf whose intermediate was not sent', async () => {
    const leaf = await makeLeaf(intermediate, 'CN=app3');
    await expectRejected(validateClientChain([leaf.der], trust, now()), 'untrusted');
  });

  it('rejects a leaf from an untrusted CA, even one with the same name as a trusted CA', async () => {
    const other = await makeCa('Other Root');
    await expectRejected(validateClientChain([(await makeLeaf(other, 'CN=app4')).der], trust, now()), 'untrusted');
    const impostor = await makeCa('Test Root');
    await expectRejected(validateClientChain([(await makeLeaf(impostor, 'CN=app4')).der, impostor.der], trust, now()), 'untrusted');
  });

  it('trusts every CA of a bundle with several CAs', async () => {
    const second = await makeCa('Second Root');
    const both = TrustStore.fromPem(root.pem + second.pem);
    expect((await validateClientChain([(await makeLeaf(second, 'CN=s')).der], both, now())).subject.CN).to.equal('s');
    expect((await validateClientChain([(await makeLeaf(root, 'CN=r')).der], both, now())).subject.CN).to.equal('r');
  });

  it('rejects an expired leaf and a leaf not yet valid', async () => {
    const expired = await makeLeaf(root, 'CN=old', { notBefore: new Date(Date.now() - 10 * DAY_MS), notAfter: new Date(Date.now() - DAY_MS) });
    await expectRejected(validateClientChain([expired.der], trust, now()), 'leafExpired');
    const future = await makeLeaf(root, 'CN=new', { notBefore: new Date(Date.now() + DAY_MS), notAfter: new Date(Date.now() + 10 * DAY_MS) });
    await expectRejected(validateClientChain([future.der], trust, now()), 'leafNotYetValid');
    // The same certificate is fine at a time inside its validity.
    const v = await validateClientChain([future.der], trust, new Date(Date.now() + 2 * DAY_MS));
    expect(v.subject.CN).to.equal('new');
  });

  it('rejects an expired intermediate', async () => {
    const old = await makeCa('Old Intermediate', { issuer: root, notBefore: new Date(Date.now() - 10 * DAY_MS), notAfter: new Date(Date.now() - DAY_MS) });
    const leaf = await makeLeaf(old, 'CN=app5', { notBefore: new Date(Date.now() - 5 * DAY_MS) });
    await expectRejected(validateClientChain([leaf.der, old.der], trust, now()), 'issuerExpired');
  });

  it('rejects a leaf whose extended key usage lacks clientAuth', async () => {
    const server = await makeLeaf(root, 'CN=server', { eku: [x509.ExtendedKeyUsage.serverAuth] });
    await expectRejected(validateClientChain([server.der], trust, now()), 'noClientAuth');
  });

  it('accepts a leaf without any extended key usage, and one with clientAuth among others', async () => {
    const none = await makeLeaf(root, 'CN=noeku', { eku: null });
    expect((await validateClientChain([none.der], trust, now())).subject.CN).to.equal('noeku');
    const both = await makeLeaf(root, 'CN=both', { eku: [x509.ExtendedKeyUsage.serverAuth, x509.ExtendedKeyUsage.clientAuth] });
    expect((await validateClientChain([both.der], trust, now())).subject.CN).to.equal('both');
  });

  it('rejects a leaf that is a CA', async () => {
    const caLeaf = await makeLeaf(root, 'CN=sneaky', { isCa: true });
    await expectRejected(validateClientChain([caLeaf.der], trust, now()), 'leafIsCa');
  });

  it('rejects an issuer without keyCertSign', async () => {
    const noSign = await makeCa('No Sign', { issuer: root, keyUsage: x509.KeyUsageFlags.digitalSignature });
    const leaf = await makeLeaf(noSign, 'CN=app6');
    await expectRejected(validateClientChain([leaf.der, noSign.der], trust, now()), 'issuerNoKeyCertSign');
  });

  it('rejects an issuer that is not a CA (cA false)', async () => {
    const notCa = await makeCa('Not A CA', { issuer: root, isCa: false });
    const leaf = await makeLeaf(notCa, 'CN=app7');
    // A non-CA among the sent certificates is a second leaf.
    await expectRejected(validateClientChain([leaf.der, notCa.der], trust, now()), 'multipleLeaves');
    // Trusted directly, it still cannot issue.
    await expectRejected(validateClientChain([leaf.der], TrustStore.fromPem(notCa.pem), now()), 'issuerNotCa');
  });

  it('rejects a chain that violates a path length constraint', async () => {
    // intermediate has pathLen 0: it may not issue another CA that issues the leaf.
    const sub = await makeCa('Sub CA', { issuer: intermediate });
    const leaf = await makeLeaf(sub, 'CN=app8');
    await expectRejected(validateClientChain([leaf.der, sub.der, intermediate.der], trust, now()), 'pathLength');
    // The same depth is fine under a root without a constraint.
    const open = await makeCa('Open Intermediate', { issuer: root });
    const sub2 = await makeCa('Sub CA 2', { issuer: open });
    const leaf2 = await makeLeaf(sub2, 'CN=app9');
    expect((await validateClientChain([leaf2.der, sub2.der, open.der], trust, now())).subject.CN).to.equal('app9');
  });

  it('rejects more than 10 intermediates', async () => {
    const chain: Issued[] = [];
    let issuer = root;
    for (let i = 0; i < 11; i++) {
      issuer = await makeCa(`Level ${i}`, { issuer });
      chain.unshift(issuer);
    }
    const leaf = await makeLeaf(issuer, 'CN=deep');
    await expectRejected(validateClientChain([leaf.der, ...chain.map((c) => c.der)], trust, now()), 'tooManyIntermediates');
    // Ten are accepted.
    const leaf10 = await makeLeaf(chain[1]!, 'CN=ten');
    expect((await validateClientChain([leaf10.der, ...chain.slice(1).map((c) => c.der)], trust, now())).subject.CN).to.equal('ten');
  });

  it('terminates on a loop of intermediates that never reaches a trusted CA', async () => {
    // A and B certify each other (same names, same keys), neither is trusted.
    const a = await makeCa('Loop A');
    const b = await makeCa('Loop B', { issuer: a });
    const aByB = await x509.X509CertificateGenerator.create({
      serialNumber: '7777', subject: a.cert.subject, issuer: b.cert.subject, notBefore: new Date(Date.now() - DAY_MS),
      notAfter: new Date(Date.now() + DAY_MS), publicKey: a.keys.publicKey, signingKey: b.keys.privateKey,
      signingAlgorithm: { name: 'ECDSA', hash: 'SHA-256' },
      extensions: [new x509.BasicConstraintsExtension(true, undefined, true), new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign, true)],
    });
    const leaf = await makeLeaf(a, 'CN=looped');
    await expectRejected(
      validateClientChain([leaf.der, Buffer.from(aByB.rawData), b.der], trust, now()),
      'untrusted',
    );
  });

  it('rejects no certificate, garbage, and two leaves', async () => {
    await expectRejected(validateClientChain([], trust, now()), 'noCertificate', 'MissingAuthenticationToken');
    await expectRejected(validateClientChain([Buffer.from('not a certificate')], trust, now()), 'unparsable');
    const one = await makeLeaf(root, 'CN=one');
    const two = await makeLeaf(root, 'CN=two');
    await expectRejected(validateClientChain([one.der, two.der], trust, now()), 'multipleLeaves');
  });

  it('rejects an unsupported critical extension', async () => {
    const odd = new x509.Extension('1.3.6.1.4.1.99999.1', true, new Uint8Array([0x05, 0x00]));
    const leaf = await makeLeaf(root, 'CN=odd', { extraExtensions: [odd] });
    await expectRejected(validateClientChain([leaf.der], trust, now()), 'criticalExtension');
  });
});
