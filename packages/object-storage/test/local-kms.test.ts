import { expect } from 'chai';
import { randomBytes } from 'node:crypto';
import { isS3Error } from '@keyless/core';
import { DEFAULT_KMS_KEY_ID, kmsKeyIdOf, LocalKms } from '../src/sse/local-kms.js';
import { encryptionContextFrom } from '../src/sse/kms-headers.js';

function codeOf(f: () => unknown): string {
  try {
    f();
  } catch (err) {
    if (isS3Error(err)) return err.code;
    throw err;
  }
  return 'accepted';
}

describe('local KMS', () => {
  const master = randomBytes(32);

  it('reduces key ARNs and alias ARNs to key ids and alias names, whatever region and account', () => {
    expect(kmsKeyIdOf('arn:aws:kms:eu-west-1:111122223333:key/abc')).to.equal('abc');
    expect(kmsKeyIdOf('arn:aws:kms:us-east-1:000000000000:alias/aws/s3')).to.equal('alias/aws/s3');
    expect(kmsKeyIdOf('alias/x')).to.equal('alias/x');
    expect(kmsKeyIdOf('plain-id')).to.equal('plain-id');
  });

  it('reports ARNs in its region; no key id is the default key', () => {
    const kms = new LocalKms(master, 'eu-central-1');
    expect(kms.keyArn('k1')).to.equal('arn:aws:kms:eu-central-1:000000000000:key/k1');
    expect(kms.keyArn(undefined)).to.equal(`arn:aws:kms:eu-central-1:000000000000:${DEFAULT_KMS_KEY_ID}`);
    expect(kms.keyArn('  ')).to.equal(`arn:aws:kms:eu-central-1:000000000000:${DEFAULT_KMS_KEY_ID}`);
  });

  it('derives one key per key id, the same for every form of the id and across instances', () => {
    const a = new LocalKms(master, 'us-east-1');
    const b = new LocalKms(master, 'eu-west-1');
    expect(a.keyEncryptionKey('k1').equals(b.keyEncryptionKey('arn:aws:kms:us-east-1:000000000000:key/k1'))).to.equal(true);
    expect(a.keyEncryptionKey('k1').equals(a.keyEncryptionKey('k2'))).to.equal(false);
    expect(a.keyEncryptionKey('k1').equals(new LocalKms(randomBytes(32), 'us-east-1').keyEncryptionKey('k1'))).to.equal(false);
  });

  it('restricts writes to the allowed ids (plus the default key) when a list is given', () => {
    const kms = new LocalKms(master, 'us-east-1', ['a', 'arn:aws:kms:us-east-1:1:key/b']);
    expect(codeOf(() => kms.keyArn('a'))).to.equal('accepted');
    expect(codeOf(() => kms.keyArn('b'))).to.equal('accepted');
    expect(codeOf(() => kms.keyArn(undefined))).to.equal('accepted');
    expect(codeOf(() => kms.keyArn('c'))).to.equal('KMS.NotFoundException');
    expect(codeOf(() => new LocalKms(master, 'us-east-1').keyArn('c'))).to.equal('accepted');
    expect(codeOf(() => kms.keyArn('x'.repeat(2049)))).to.equal('InvalidArgument');
    expect(codeOf(() => kms.keyArn('a\nb'))).to.equal('InvalidArgument');
  });

  it('accepts an encryption context only as base64 JSON of a string-to-string map', () => {
    const b64 = (s: string) => Buffer.from(s).toString('base64');
    expect(codeOf(() => encryptionContextFrom(b64('{"a":"b"}')))).to.equal('accepted');
    expect(codeOf(() => encryptionContextFrom(b64('{}')))).to.equal('accepted');
    for (const bad of ['***', b64('{"a":1}'), b64('[]'), b64('null'), b64('{'), '']) {
      expect(codeOf(() => encryptionContextFrom(bad)), bad).to.equal('InvalidArgument');
    }
  });
});
