import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { expect } from 'chai';
import fc from 'fast-check';
import { isS3Error, S3Error } from '@keyless/core';
import { FsObjectStore } from '../src/store/index.js';
import { XmlCodec } from '../src/xml/xml-codec.js';
import { HANDLERS, type HandlerDeps } from '../src/handlers/index.js';
import { resolveOperation } from '../src/resolve-operation.js';
import { rootPrincipal } from '../src/auth/authenticate.js';
import type { S3Request } from '../src/http/s3-request.js';
import type { ImplementedOperation } from '../src/operations.js';

/**
 * Property-based tests of XML request parsing: XmlCodec.parse and the handlers that read an XML
 * body (DeleteObjects, CompleteMultipartUpload, CreateBucketConfiguration and every other
 * Put* configuration), against the real disk store. Invariant: hostile documents only ever fail
 * with a client S3Error (4xx), never another exception. `FUZZ_RUNS` raises the number of cases.
 */
const RUNS = Number(process.env.FUZZ_RUNS) || 0;
const runs = (fallback: number) => ({ numRuns: RUNS || fallback });

const NAMES = [
  'Delete', 'Object', 'Key', 'VersionId', 'Quiet', 'CompleteMultipartUpload', 'Part', 'PartNumber', 'ETag', 'ChecksumCRC32', 'ChecksumSHA256',
  'CreateBucketConfiguration', 'LocationConstraint', 'Bucket', 'Tagging', 'TagSet', 'Tag', 'Value', 'VersioningConfiguration', 'Status', 'MfaDelete',
  'LifecycleConfiguration', 'Rule', 'ID', 'Filter', 'Prefix', 'And', 'Expiration', 'Days', 'Date', 'NoncurrentVersionExpiration', 'NoncurrentDays',
  'AbortIncompleteMultipartUpload', 'DaysAfterInitiation', 'CORSConfiguration', 'CORSRule', 'AllowedMethod', 'AllowedOrigin', 'AllowedHeader',
  'ExposeHeader', 'MaxAgeSeconds', 'ServerSideEncryptionConfiguration', 'ApplyServerSideEncryptionByDefault', 'SSEAlgorithm', 'KMSMasterKeyID',
  'BucketKeyEnabled', 'ObjectLockConfiguration', 'ObjectLockEnabled', 'DefaultRetention', 'Mode', 'Years', 'Retention', 'RetainUntilDate',
  'LegalHold', 'AccessControlPolicy', 'Owner', 'DisplayName', 'AccessControlList', 'Grant', 'Grantee', 'Permission', 'URI', 'EmailAddress',
  'OwnershipControls', 'ObjectOwnership', 'PublicAccessBlockConfiguration', 'BlockPublicAcls', 'IgnorePublicAcls', 'BlockPublicPolicy',
  'RestrictPublicBuckets', 'Size', 'x', 'a:b',
];

const text = fc.oneof(
  { arbitrary: fc.stringMatching(/^[A-Za-z0-9 ._\/-]{0,12}$/), weight: 6 },
  fc.constantFrom('', ' ', 'keep', 'obj', '1', '0', '-1', '10001', '99999999999999999999', 'true', 'false', 'Enabled', 'Suspended', 'GOVERNANCE',
    'COMPLIANCE', 'ON', 'OFF', 'AES256', 'aws:kms', 'GET', 'PUT', '*', 'https://a.example', '2030-01-01T00:00:00Z', 'not-a-date', 'NaN', '1e400',
    '"d41d8cd98f00b204e9800998ecf8427e"', 'BucketOwnerEnforced', 'FULL_CONTROL', 'us-east-1', 'eu-west-1', '&amp;', '&lt;&gt;', '&#x1;', '&#0;',
    '&#1114112;', '&nbsp;', '&', '<![CDATA[<x>&]]>', '<!-- c -->', '\u0000', '\uffff', '\ud800', 'é'),
  fc.string({ maxLength: 12 }).map((s) => s.replace(/[<&]/g, '')),
  fc.string({ unit: 'binary', maxLength: 8 }),
);

/** Random XML-ish documents: S3 element names nested up to a few levels, odd text, stray markup. */
const { node } = fc.letrec<{ node: string }>((tie) => ({
  node: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    text,
    fc.tuple(fc.constantFrom(...NAMES), fc.array(tie('node'), { maxLength: 4 }), fc.constantFrom('', ' xmlns="http://s3.amazonaws.com/doc/2006-03-01/"', ' a="1"', ' a=1', ' xmlns:xsi="x" xsi:type="CanonicalUser"'), fc.oneof({ arbitrary: fc.constant('close'), weight: 30 }, { arbitrary: fc.constant('self'), weight: 3 }, { arbitrary: fc.constantFrom('open', 'wrong'), weight: 1 }))
      .map(([name, kids, attr, end]) =>
        end === 'self' ? `<${name}${attr}/>` : end === 'open' ? `<${name}${attr}>${kids.join('')}` : end === 'wrong' ? `<${name}>${kids.join('')}</${name}x>` : `<${name}${attr}>${kids.join('')}</${name}>`,
      ),
  ),
}));
const prolog = fc.oneof(
  { arbitrary: fc.constantFrom('', '<?xml version="1.0" encoding="UTF-8"?>', '<?xml version="1.0"?>\n'), weight: 20 },
  { arbitrary: fc.constantFrom('<!DOCTYPE x>', '<!DOCTYPE x [<!ENTITY e "e">]>', '\ufeff', '<?pi x?>'), weight: 1 },
);
const documentFor = (root: string) =>
  fc.oneof(
    { arbitrary: fc.tuple(prolog, fc.array(node, { maxLength: 5 }), fc.constantFrom(...[root, root, root, 'Other'])) .map(([p, kids, r]) => `${p}<${r} xmlns="http://s3.amazonaws.com/doc/2006-03-01/">${kids.join('')}</${r}>`), weight: 6 },
    fc.tuple(prolog, node).map(([p, n]) => p + n),
    { arbitrary: fc.string({ maxLength: 200 }), weight: 1 },
  );

describe('fuzz: XML request parsing', function () {
  this.timeout(0);
  const xml = new XmlCodec();
  let dir: string;
  let store: FsObjectStore;
  let deps: HandlerDeps;
  const BUCKET = 'fuzz-bucket';
  let uploadId = '';

  function request(method: string, bucket: string, key: string | undefined, query: string, body: Buffer, extraHeaders: Record<string, string> = {}): S3Request {
    const q = new URLSearchParams(query);
    const headers = { 'content-length': String(body.length), ...extraHeaders };
    return {
      op: resolveOperation(method, bucket, key, q, headers),
      method, query: q, headers, principal: rootPrincipal('FUZZROOT'), requestId: 'fuzz', sourceIp: '127.0.0.1', secure: true, rawBody: Readable.from([body]),
    } as S3Request;
  }

  async function call(name: ImplementedOperation, req: S3Request): Promise<void> {
    expect(req.op.name).to.equal(name);
    try {
      await HANDLERS[name](req, deps);
    } catch (err) {
      if (!isS3Error(err)) throw new Error(`${name} threw a non-S3Error: ${err instanceof Error ? err.stack : String(err)}`);
      if ((err as S3Error).status >= 500 && (err as S3Error).code !== 'NotImplemented') throw new Error(`${name} answered ${(err as S3Error).status} ${(err as S3Error).code}`);
    }
  }

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'keyless-fuzz-xml-'));
    store = await FsObjectStore.open(dir);
    deps = {
      store,
      xml,
      region: 'us-east-1',
      owner: { id: 'fuzz-owner', displayName: 'fuzz' },
      // Authorization is not under test here: the root caller may do everything.
      authorize: async () => undefined,
      lookupCaller: async () => undefined,
      now: () => new Date(),
      validateBucketPolicy: () => undefined,
    };
    await HANDLERS.CreateBucket(request('PUT', BUCKET, undefined, '', Buffer.alloc(0)), deps);
    await HANDLERS.PutObject(request('PUT', BUCKET, 'obj', '', Buffer.from('data')), deps);
    const init = await HANDLERS.CreateMultipartUpload(request('POST', BUCKET, 'mp', 'uploads', Buffer.alloc(0)), deps);
    uploadId = String(((init.body as { xml: { InitiateMultipartUploadResult: { UploadId: string } } }).xml.InitiateMultipartUploadResult.UploadId));
  });
  after(async () => {
    await store?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('XmlCodec.parse on hostile text returns a document or throws MalformedXML, nothing else', () => {
    let parsedCount = 0;
    let total = 0;
    fc.assert(
      fc.property(fc.oneof({ arbitrary: documentFor('Delete'), weight: 4 }, fc.string({ unit: 'grapheme', maxLength: 300 })), fc.constantFrom('Delete', 'Delete', undefined, 'Tagging'), (doc, root) => {
        total++;
        try {
          const parsed = xml.parse(doc, root);
          expect(parsed).to.be.an('object');
          parsedCount++;
        } catch (err) {
          if (!isS3Error(err) || err.code !== 'MalformedXML') throw err;
        }
      }),
      runs(3000),
    );
    // The generator must reach past the well-formedness checks often, or the handlers below only see errors.
    expect(parsedCount / total, `${parsedCount} of ${total} documents parsed`).to.be.above(0.1);
  });

  it('XmlCodec.parse refuses any DOCTYPE and undefined entity, and survives 100,000-deep nesting', () => {
    for (const doc of ['<!DOCTYPE a [<!ENTITY x "y">]><a>&x;</a>', '<a>&x;</a>', '<a>&</a>', '<a>' + '<b>'.repeat(100_000) + '</b>'.repeat(100_000) + '</a>']) {
      expect(() => xml.parse(doc)).to.throw(S3Error).with.property('code', 'MalformedXML');
    }
    expect(xml.parse('<a><![CDATA[&x;]]>&amp;&#x41;</a>').a).to.equal('&x;&A');
  });

  it('render then parse returns every key unchanged (control characters, CR, entities, spaces)', () => {
    const key = fc.string({ unit: fc.oneof(fc.constantFrom('\u0000', '\u0001', '\t', '\n', '\r', '\u001f', '\u007f', '\u0085', '&', '<', '>', '"', "'", ' ', '&amp;', ']]>'), fc.string({ unit: 'grapheme', minLength: 1, maxLength: 1 })), minLength: 1, maxLength: 20 });
    fc.assert(
      fc.property(key, (k) => {
        const doc = xml.parse(xml.render({ Delete: { Object: { Key: k } } }), 'Delete');
        expect((doc.Object as { Key: string }).Key).to.equal(k);
      }),
      runs(2000),
    );
  });

  const bodies: [ImplementedOperation, string, string | undefined, string, string][] = [
    ['DeleteObjects', 'POST', undefined, 'delete', 'Delete'],
    ['CompleteMultipartUpload', 'POST', 'mp', 'uploadId=UPLOAD', 'CompleteMultipartUpload'],
    ['CreateBucket', 'PUT', undefined, '', 'CreateBucketConfiguration'],
    ['PutBucketVersioning', 'PUT', undefined, 'versioning', 'VersioningConfiguration'],
    ['PutBucketTagging', 'PUT', undefined, 'tagging', 'Tagging'],
    ['PutObjectTagging', 'PUT', 'obj', 'tagging', 'Tagging'],
    ['PutBucketLifecycleConfiguration', 'PUT', undefined, 'lifecycle', 'LifecycleConfiguration'],
    ['PutBucketCors', 'PUT', undefined, 'cors', 'CORSConfiguration'],
    ['PutBucketEncryption', 'PUT', undefined, 'encryption', 'ServerSideEncryptionConfiguration'],
    ['PutObjectLockConfiguration', 'PUT', undefined, 'object-lock', 'ObjectLockConfiguration'],
    ['PutObjectRetention', 'PUT', 'obj', 'retention', 'Retention'],
    ['PutObjectLegalHold', 'PUT', 'obj', 'legal-hold', 'LegalHold'],
    ['PutBucketAcl', 'PUT', undefined, 'acl', 'AccessControlPolicy'],
    ['PutObjectAcl', 'PUT', 'obj', 'acl', 'AccessControlPolicy'],
    ['PutBucketOwnershipControls', 'PUT', undefined, 'ownershipControls', 'OwnershipControls'],
    ['PutPublicAccessBlock', 'PUT', undefined, 'publicAccessBlock', 'PublicAccessBlockConfiguration'],
  ];
  for (const [name, method, key, query, root] of bodies) {
    if (!(name in HANDLERS)) continue;
    it(`${name}: hostile <${root}> bodies fail only with a client S3Error`, async () => {
      await fc.assert(
        fc.asyncProperty(documentFor(root), async (doc) => {
          const body = Buffer.from(doc, 'utf8');
          // CreateBucket on the existing bucket would stop at BucketAlreadyOwnedByYou after parsing: use a fresh name.
          const bucket = name === 'CreateBucket' ? 'fuzz-new-bucket' : BUCKET;
          const md5 = createHash('md5').update(body).digest('base64');
          await call(name, request(method, bucket, key, query.replace('UPLOAD', encodeURIComponent(uploadId)), body, { 'content-md5': md5 }));
          if (name === 'CreateBucket') await store.deleteBucket('fuzz-new-bucket').catch(() => undefined);
        }),
        runs(name === 'DeleteObjects' || name === 'CompleteMultipartUpload' || name === 'CreateBucket' ? 600 : 200),
      );
    });
  }
});
