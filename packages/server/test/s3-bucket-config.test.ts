import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import { Agent } from 'node:https';
import * as S3 from '@aws-sdk/client-s3';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import { arr, errorCode, parseXml, type TestResponse } from './support/s3-client.js';
import { startTestServer, TEST_ROOT, type TestServer } from './support/s3-test-server.js';

/**
 * Issue 5, bucket configuration sub-resources over HTTP: tagging, ownership controls, Block Public
 * Access settings and default encryption (Put/Get/Delete, validation, the 404 codes).
 */
const XMLNS = 'xmlns="http://s3.amazonaws.com/doc/2006-03-01/"';

function tagging(tags: [string, string][]): string {
  return `<Tagging ${XMLNS}><TagSet>${tags.map(([k, v]) => `<Tag><Key>${k}</Key><Value>${v}</Value></Tag>`).join('')}</TagSet></Tagging>`;
}

function expectError(res: TestResponse, status: number, code: string): void {
  expect(res.status, res.text).to.equal(status);
  expect(errorCode(res)).to.equal(code);
}

describe('S3 HTTP: bucket configuration (tagging, ownership, public access block, encryption)', function () {
  let t: TestServer;
  const B = 'config-bucket';
  before(async () => {
    t = await startTestServer();
    expect((await t.client.send({ method: 'PUT', bucket: B })).status).to.equal(200);
  });
  after(async () => {
    await t?.close();
  });
  const send = (...a: Parameters<TestServer['client']['send']>) => t.client.send(...a);

  describe('bucket tagging', () => {
    it('answers NoSuchTagSet (404) before any tags are set', async () => {
      expectError(await send({ method: 'GET', bucket: B, query: { tagging: '' } }), 404, 'NoSuchTagSet');
    });

    it('puts (204), gets back the same tags in order, and deletes (204)', async () => {
      const put = await send({ method: 'PUT', bucket: B, query: { tagging: '' }, body: tagging([['project', 'keyless'], ['cost-center', 'a b+c=d.e_f:g/h@i-j'], ['empty', '']]) });
      expect(put.status, put.text).to.equal(204);
      const get = await send({ method: 'GET', bucket: B, query: { tagging: '' } });
      expect(get.status).to.equal(200);
      const tags = arr(parseXml(get).Tagging.TagSet.Tag).map((x: any) => [x.Key, x.Value]);
      expect(tags).to.deep.equal([['project', 'keyless'], ['cost-center', 'a b+c=d.e_f:g/h@i-j'], ['empty', '']]);
      const del = await send({ method: 'DELETE', bucket: B, query: { tagging: '' } });
      expect(del.status).to.equal(204);
      expectError(await send({ method: 'GET', bucket: B, query: { tagging: '' } }), 404, 'NoSuchTagSet');
    });

    it('replaces the whole tag set on a second put', async () => {
      await send({ method: 'PUT', bucket: B, query: { tagging: '' }, body: tagging([['a', '1'], ['b', '2']]) });
      await send({ method: 'PUT', bucket: B, query: { tagging: '' }, body: tagging([['c', '3']]) });
      const tags = arr(parseXml(await send({ method: 'GET', bucket: B, query: { tagging: '' } })).Tagging.TagSet.Tag);
      expect(tags.map((x: any) => x.Key)).to.deep.equal(['c']);
    });

    const invalid: [string, [string, string][]][] = [
      ['duplicate keys', [['k', '1'], ['k', '2']]],
      ['a key over 128 characters', [['k'.repeat(129), 'v']]],
      ['a value over 256 characters', [['k', 'v'.repeat(257)]]],
      ['an empty key', [['', 'v']]],
      ['an aws: key', [['aws:reserved', 'v']]],
      ['a character tags do not allow', [['bad*key', 'v']]],
      ['51 tags', Array.from({ length: 51 }, (_, i) => [`k${i}`, 'v'] as [string, string])],
    ];
    for (const [why, tags] of invalid) {
      it(`refuses ${why} with InvalidTag and keeps the previous tags`, async () => {
        await send({ method: 'PUT', bucket: B, query: { tagging: '' }, body: tagging([['keep', 'me']]) });
        expectError(await send({ method: 'PUT', bucket: B, query: { tagging: '' }, body: tagging(tags) }), 400, 'InvalidTag');
        const kept = arr(parseXml(await send({ method: 'GET', bucket: B, query: { tagging: '' } })).Tagging.TagSet.Tag);
        expect(kept.map((x: any) => x.Key)).to.deep.equal(['keep']);
      });
    }

    it('accepts exactly 50 tags and keys/values at their length limits', async () => {
      const tags = Array.from({ length: 50 }, (_, i) => [`${String(i).padStart(2, '0')}${'k'.repeat(126)}`, 'v'.repeat(256)] as [string, string]);
      expect((await send({ method: 'PUT', bucket: B, query: { tagging: '' }, body: tagging(tags) })).status).to.equal(204);
      expect(arr(parseXml(await send({ method: 'GET', bucket: B, query: { tagging: '' } })).Tagging.TagSet.Tag)).to.have.length(50);
    });

    it('refuses malformed XML with MalformedXML', async () => {
      expectError(await send({ method: 'PUT', bucket: B, query: { tagging: '' }, body: '<Tagging><TagSet><Tag><Key>x</Key>' }), 400, 'MalformedXML');
      expectError(await send({ method: 'PUT', bucket: B, query: { tagging: '' }, body: `<Tagging ${XMLNS}><TagSet><Tag><Key>no-value</Key></Tag></TagSet></Tagging>` }), 400, 'MalformedXML');
    });

    it('answers NoSuchBucket for a missing bucket', async () => {
      expectError(await send({ method: 'GET', bucket: 'no-such-config-bucket', query: { tagging: '' } }), 404, 'NoSuchBucket');
    });
  });

  describe('ownership controls', () => {
    const body = (o: string) => `<OwnershipControls ${XMLNS}><Rule><ObjectOwnership>${o}</ObjectOwnership></Rule></OwnershipControls>`;

    it('answers OwnershipControlsNotFoundError (404) on a new bucket (ACLs enabled by default)', async () => {
      expectError(await send({ method: 'GET', bucket: B, query: { ownershipControls: '' } }), 404, 'OwnershipControlsNotFoundError');
    });

    it('puts, gets and deletes each ownership setting', async () => {
      for (const o of ['BucketOwnerPreferred', 'ObjectWriter', 'BucketOwnerEnforced']) {
        const put = await send({ method: 'PUT', bucket: B, query: { ownershipControls: '' }, body: body(o) });
        expect(put.status, put.text).to.equal(200);
        const get = await send({ method: 'GET', bucket: B, query: { ownershipControls: '' } });
        expect(parseXml(get).OwnershipControls.Rule.ObjectOwnership).to.equal(o);
      }
      expect((await send({ method: 'DELETE', bucket: B, query: { ownershipControls: '' } })).status).to.equal(204);
      expectError(await send({ method: 'GET', bucket: B, query: { ownershipControls: '' } }), 404, 'OwnershipControlsNotFoundError');
    });

    it('refuses an unknown ownership value or a missing rule with MalformedXML', async () => {
      expectError(await send({ method: 'PUT', bucket: B, query: { ownershipControls: '' }, body: body('Nobody') }), 400, 'MalformedXML');
      expectError(await send({ method: 'PUT', bucket: B, query: { ownershipControls: '' }, body: `<OwnershipControls ${XMLNS}></OwnershipControls>` }), 400, 'MalformedXML');
    });

    it('CreateBucket records x-amz-object-ownership and refuses an unknown value', async () => {
      expect((await send({ method: 'PUT', bucket: 'owner-enforced', headers: { 'x-amz-object-ownership': 'BucketOwnerEnforced' } })).status).to.equal(200);
      const get = await send({ method: 'GET', bucket: 'owner-enforced', query: { ownershipControls: '' } });
      expect(parseXml(get).OwnershipControls.Rule.ObjectOwnership).to.equal('BucketOwnerEnforced');
      expectError(await send({ method: 'PUT', bucket: 'owner-bad', headers: { 'x-amz-object-ownership': 'Everyone' } }), 400, 'InvalidArgument');
      expect((await send({ method: 'HEAD', bucket: 'owner-bad' })).status).to.equal(404);
    });
  });

  describe('public access block', () => {
    const body = (flags: Record<string, string>) =>
      `<PublicAccessBlockConfiguration ${XMLNS}>${Object.entries(flags).map(([k, v]) => `<${k}>${v}</${k}>`).join('')}</PublicAccessBlockConfiguration>`;

    it('answers NoSuchPublicAccessBlockConfiguration (404) before one is set', async () => {
      expectError(await send({ method: 'GET', bucket: B, query: { publicAccessBlock: '' } }), 404, 'NoSuchPublicAccessBlockConfiguration');
    });

    it('puts, gets (absent flags false) and deletes', async () => {
      const put = await send({ method: 'PUT', bucket: B, query: { publicAccessBlock: '' }, body: body({ BlockPublicAcls: 'true', RestrictPublicBuckets: 'TRUE' }) });
      expect(put.status, put.text).to.equal(200);
      const doc = parseXml(await send({ method: 'GET', bucket: B, query: { publicAccessBlock: '' } })).PublicAccessBlockConfiguration;
      expect(doc).to.deep.include({ BlockPublicAcls: 'true', IgnorePublicAcls: 'false', BlockPublicPolicy: 'false', RestrictPublicBuckets: 'true' });
      expect((await send({ method: 'DELETE', bucket: B, query: { publicAccessBlock: '' } })).status).to.equal(204);
      expectError(await send({ method: 'GET', bucket: B, query: { publicAccessBlock: '' } }), 404, 'NoSuchPublicAccessBlockConfiguration');
    });

    it('refuses a flag that is not a boolean with MalformedXML', async () => {
      expectError(await send({ method: 'PUT', bucket: B, query: { publicAccessBlock: '' }, body: body({ BlockPublicAcls: 'yes' }) }), 400, 'MalformedXML');
    });
  });

  describe('default encryption', () => {
    const body = (alg: string, extra = '') =>
      `<ServerSideEncryptionConfiguration ${XMLNS}><Rule><ApplyServerSideEncryptionByDefault><SSEAlgorithm>${alg}</SSEAlgorithm>${extra}</ApplyServerSideEncryptionByDefault><BucketKeyEnabled>true</BucketKeyEnabled></Rule></ServerSideEncryptionConfiguration>`;

    it('answers ServerSideEncryptionConfigurationNotFoundError (404) before one is set', async () => {
      expectError(await send({ method: 'GET', bucket: B, query: { encryption: '' } }), 404, 'ServerSideEncryptionConfigurationNotFoundError');
    });

    it('puts AES256, gets it back with BucketKeyEnabled, deletes it (204)', async () => {
      const put = await send({ method: 'PUT', bucket: B, query: { encryption: '' }, body: body('AES256') });
      expect(put.status, put.text).to.equal(200);
      const rule = parseXml(await send({ method: 'GET', bucket: B, query: { encryption: '' } })).ServerSideEncryptionConfiguration.Rule;
      expect(rule.ApplyServerSideEncryptionByDefault.SSEAlgorithm).to.equal('AES256');
      expect(rule.BucketKeyEnabled).to.equal('true');
      expect((await send({ method: 'DELETE', bucket: B, query: { encryption: '' } })).status).to.equal(204);
      expectError(await send({ method: 'GET', bucket: B, query: { encryption: '' } }), 404, 'ServerSideEncryptionConfigurationNotFoundError');
    });

    it('answers NotImplemented for aws:kms:dsse and keeps no configuration (aws:kms: s3-sse-kms.test.ts)', async () => {
      expectError(await send({ method: 'PUT', bucket: B, query: { encryption: '' }, body: body('aws:kms:dsse', '<KMSMasterKeyID>key-1</KMSMasterKeyID>') }), 501, 'NotImplemented');
      expectError(await send({ method: 'GET', bucket: B, query: { encryption: '' } }), 404, 'ServerSideEncryptionConfigurationNotFoundError');
    });

    it('refuses an unknown algorithm (MalformedXML) and a KMS key with AES256 (InvalidArgument)', async () => {
      expectError(await send({ method: 'PUT', bucket: B, query: { encryption: '' }, body: body('ROT13') }), 400, 'MalformedXML');
      expectError(await send({ method: 'PUT', bucket: B, query: { encryption: '' }, body: body('AES256', '<KMSMasterKeyID>k</KMSMasterKeyID>') }), 400, 'InvalidArgument');
    });
  });

  describe('with the AWS SDK v3 (its own XML serializers and parsers)', () => {
    /** Catches an SDK error's name and status. */
    async function failure(p: Promise<unknown>): Promise<string> {
      try {
        await p;
      } catch (err) {
        const e = err as { name: string; $metadata: { httpStatusCode?: number } };
        return `${e.name} ${e.$metadata.httpStatusCode}`;
      }
      return 'no error';
    }

    it('round-trips CORS, tagging, ACLs, ownership, public access block and encryption', async () => {
      const ca = readFileSync(t.running.caBundle as string, 'utf8');
      const c = new S3.S3Client({
        region: 'us-east-1', endpoint: `https://127.0.0.1:${t.running.port}`, forcePathStyle: true,
        credentials: { accessKeyId: TEST_ROOT.accessKeyId, secretAccessKey: TEST_ROOT.secretAccessKey },
        requestHandler: new NodeHttpHandler({ httpsAgent: new Agent({ ca, checkServerIdentity: () => undefined }) }),
      });
      try {
        const SB = 'sdk-config-bucket';
        await c.send(new S3.CreateBucketCommand({ Bucket: SB, ACL: 'public-read', ObjectOwnership: 'ObjectWriter' }));
        const acl = await c.send(new S3.GetBucketAclCommand({ Bucket: SB }));
        expect(acl.Grants?.map((g) => `${g.Grantee?.Type} ${g.Grantee?.URI ?? g.Grantee?.ID} ${g.Permission}`)).to.deep.equal([
          'Group http://acs.amazonaws.com/groups/global/AllUsers READ', `CanonicalUser ${acl.Owner?.ID} FULL_CONTROL`,
        ]);
        expect((await c.send(new S3.GetBucketOwnershipControlsCommand({ Bucket: SB }))).OwnershipControls?.Rules?.[0].ObjectOwnership).to.equal('ObjectWriter');

        const rule = { ID: 'r1', AllowedOrigins: ['https://a.test'], AllowedMethods: ['GET', 'PUT'], AllowedHeaders: ['*'], ExposeHeaders: ['ETag'], MaxAgeSeconds: 10 };
        await c.send(new S3.PutBucketCorsCommand({ Bucket: SB, CORSConfiguration: { CORSRules: [rule] } }));
        expect((await c.send(new S3.GetBucketCorsCommand({ Bucket: SB }))).CORSRules).to.deep.equal([rule]);

        await c.send(new S3.PutBucketTaggingCommand({ Bucket: SB, Tagging: { TagSet: [{ Key: 'team', Value: 'storage' }] } }));
        expect((await c.send(new S3.GetBucketTaggingCommand({ Bucket: SB }))).TagSet).to.deep.equal([{ Key: 'team', Value: 'storage' }]);

        const pab = { BlockPublicAcls: false, IgnorePublicAcls: true, BlockPublicPolicy: true, RestrictPublicBuckets: false };
        await c.send(new S3.PutPublicAccessBlockCommand({ Bucket: SB, PublicAccessBlockConfiguration: pab }));
        expect((await c.send(new S3.GetPublicAccessBlockCommand({ Bucket: SB }))).PublicAccessBlockConfiguration).to.deep.equal(pab);

        const enc = { Rules: [{ ApplyServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' as const }, BucketKeyEnabled: true }] };
        await c.send(new S3.PutBucketEncryptionCommand({ Bucket: SB, ServerSideEncryptionConfiguration: enc }));
        expect((await c.send(new S3.GetBucketEncryptionCommand({ Bucket: SB }))).ServerSideEncryptionConfiguration).to.deep.equal(enc);

        await c.send(new S3.PutObjectCommand({ Bucket: SB, Key: 'k', Body: 'x', ACL: 'authenticated-read' }));
        const objAcl = await c.send(new S3.GetObjectAclCommand({ Bucket: SB, Key: 'k' }));
        expect(objAcl.Grants?.map((g) => `${g.Grantee?.URI ?? 'owner'} ${g.Permission}`)).to.deep.equal(['http://acs.amazonaws.com/groups/global/AuthenticatedUsers READ', 'owner FULL_CONTROL']);

        await c.send(new S3.DeleteBucketCorsCommand({ Bucket: SB }));
        await c.send(new S3.DeleteBucketTaggingCommand({ Bucket: SB }));
        await c.send(new S3.DeletePublicAccessBlockCommand({ Bucket: SB }));
        await c.send(new S3.DeleteBucketEncryptionCommand({ Bucket: SB }));
        await c.send(new S3.DeleteBucketOwnershipControlsCommand({ Bucket: SB }));
        expect(await failure(c.send(new S3.GetBucketCorsCommand({ Bucket: SB })))).to.equal('NoSuchCORSConfiguration 404');
        expect(await failure(c.send(new S3.GetBucketTaggingCommand({ Bucket: SB })))).to.equal('NoSuchTagSet 404');
        expect(await failure(c.send(new S3.GetPublicAccessBlockCommand({ Bucket: SB })))).to.equal('NoSuchPublicAccessBlockConfiguration 404');
        expect(await failure(c.send(new S3.GetBucketEncryptionCommand({ Bucket: SB })))).to.equal('ServerSideEncryptionConfigurationNotFoundError 404');
        expect(await failure(c.send(new S3.GetBucketOwnershipControlsCommand({ Bucket: SB })))).to.equal('OwnershipControlsNotFoundError 404');
      } finally {
        c.destroy();
      }
    });
  });
});
