import { createHash, createHmac, randomBytes } from 'node:crypto';
import { execFile } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { expect } from 'chai';
import { errorCode, md5Hex, parseXml, type TestResponse } from './support/s3-client.js';
import { POLICY_ROOT, startPolicyServer, writeJson, type PolicyServer } from './policy-support/policy-server.js';
import { withCredentials } from '../src/cli/open-credentials.js';

/**
 * PostObject (browser form uploads) over HTTPS. Forms are built byte by byte here and their policies
 * signed with node:crypto exactly as AWS's "Browser-based uploads using POST (AWS Signature Version
 * 4)" describes: StringToSign = the base64 policy; signature = hex(HMAC-SHA256(signing key, it)).
 * @see https://docs.aws.amazon.com/AmazonS3/latest/API/sigv4-post-example.html
 */

const B = 'post-bucket';
const REGION = 'us-east-1';

interface Creds {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
}

interface FilePart {
  filename: string;
  content: Buffer | string;
  contentType?: string;
}

/** A multipart/form-data body: fields in order, then the file, then `after` fields. */
function multipart(fields: ([string, string] | [string, string, string])[], file?: FilePart, after: [string, string][] = []): { body: Buffer; contentType: string } {
  const boundary = `----keylessTest${randomBytes(8).toString('hex')}`;
  const parts: Buffer[] = [];
  // With a filename, a field looks like a file part (as a second <input type=file> sends it).
  const field = (name: string, value: string, filename?: string) =>
    parts.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${name}"${filename === undefined ? '' : `; filename="${filename}"`}\r\n\r\n${value}\r\n`));
  for (const [n, v, f] of fields) field(n, v, f);
  if (file) {
    parts.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${file.filename}"\r\nContent-Type: ${file.contentType ?? 'application/octet-stream'}\r\n\r\n`));
    parts.push(Buffer.from(file.content));
    parts.push(Buffer.from('\r\n'));
  }
  for (const [n, v] of after) field(n, v);
  parts.push(Buffer.from(`--${boundary}--\r\n`));
  return { body: Buffer.concat(parts), contentType: `multipart/form-data; boundary=${boundary}` };
}

function hmac(key: Buffer | string, data: string): Buffer {
  return createHmac('sha256', key).update(data).digest();
}

function amzDate(d: Date): string {
  return d.toISOString().replace(/[-:]/g, '').replace(/\.\d{3}/, '');
}

interface FormOptions {
  key?: string;
  /** Extra fields (before the file); each gets an exact-match condition unless `conditions` is given. */
  fields?: Record<string, string>;
  /** Replaces the automatic conditions for `key` and `fields` (the credential conditions stay). */
  conditions?: unknown[];
  /** Added to the conditions. */
  extraConditions?: unknown[];
  creds?: Creds;
  expiration?: Date;
  /** Corrupts the signature. */
  badSignature?: boolean;
  /** The bucket the policy names (default the test bucket). */
  bucket?: string;
}

/** The signed fields of a SigV4 POST form, with a policy covering every field. */
function signedFields(opts: FormOptions = {}): [string, string][] {
  const creds: Creds = opts.creds ?? POLICY_ROOT;
  const now = new Date();
  const date = amzDate(now);
  const credential = `${creds.accessKeyId}/${date.slice(0, 8)}/${REGION}/s3/aws4_request`;
  const key = opts.key ?? 'uploads/${filename}';
  const fields: [string, string][] = [['key', key], ...Object.entries(opts.fields ?? {})];
  const conditions: unknown[] = [
    { bucket: opts.bucket ?? B },
    ...(opts.conditions ?? [['starts-with', '$key', key.replace('${filename}', '')], ...Object.entries(opts.fields ?? {}).map(([n, v]) => ({ [n]: v }))]),
    ...(opts.extraConditions ?? []),
    { 'x-amz-algorithm': 'AWS4-HMAC-SHA256' },
    { 'x-amz-credential': credential },
    { 'x-amz-date': date },
    ...(creds.sessionToken ? [{ 'x-amz-security-token': creds.sessionToken }] : []),
  ];
  const policy = Buffer.from(JSON.stringify({ expiration: (opts.expiration ?? new Date(now.getTime() + 3600_000)).toISOString(), conditions })).toString('base64');
  const kSigning = hmac(hmac(hmac(hmac(`AWS4${creds.secretAccessKey}`, date.slice(0, 8)), REGION), 's3'), 'aws4_request');
  let signature = hmac(kSigning, policy).toString('hex');
  if (opts.badSignature) signature = signature.replace(/^./, (c) => (c === '0' ? '1' : '0'));
  return [
    ...fields,
    ['X-Amz-Algorithm', 'AWS4-HMAC-SHA256'],
    ['X-Amz-Credential', credential],
    ['X-Amz-Date', date],
    ...(creds.sessionToken ? [['X-Amz-Security-Token', creds.sessionToken] as [string, string]] : []),
    ['Policy', policy],
    ['X-Amz-Signature', signature],
  ];
}

describe('S3 HTTP: PostObject (browser form uploads)', function () {
  let t: PolicyServer;

  const post = (form: { body: Buffer; contentType: string }, bucket = B): Promise<TestResponse> =>
    t.root.raw({ method: 'POST', path: `/${bucket}`, headers: { 'content-type': form.contentType, 'content-length': String(form.body.length) }, body: form.body });
  const get = (key: string) => t.root.send({ method: 'GET', bucket: B, key });
  const exists = async (key: string) => (await t.root.send({ method: 'HEAD', bucket: B, key })).status === 200;
  const file = (content: Buffer | string = 'hello from a form', filename = 'hello.txt'): FilePart => ({ filename, content });

  function expectError(res: TestResponse, status: number, code: string, message?: string): void {
    expect(res.status, res.text).to.equal(status);
    expect(errorCode(res)).to.equal(code);
    if (message !== undefined) expect(parseXml(res).Error.Message).to.equal(message);
  }

  async function cliOk(...argv: string[]): Promise<void> {
    const r = await t.cli(...argv);
    expect(r.code, r.err.join('\n')).to.equal(0);
  }

  before(async () => {
    t = await startPolicyServer();
    expect((await t.root.send({ method: 'PUT', bucket: B })).status).to.equal(200);
  });
  after(async () => {
    await t?.close();
  });

  describe('signed uploads', function () {
    it('stores the file under the key with ${filename} substituted and answers 204 with ETag and Location', async () => {
      const content = Buffer.from('bytes of a browser upload');
      const res = await post(multipart(signedFields({ fields: { 'Content-Type': 'text/plain', 'x-amz-meta-origin': 'browser' } }), file(content, 'photo.txt')));
      expect(res.status, res.text).to.equal(204);
      expect(res.headers.etag).to.equal(`"${md5Hex(content)}"`);
      expect(res.headers.location).to.match(new RegExp(`^https://127\\.0\\.0\\.1:\\d+/${B}/uploads/photo\\.txt$`));
      const g = await get('uploads/photo.txt');
      expect(g.status).to.equal(200);
      expect(g.body.equals(content)).to.equal(true);
      expect(g.headers['content-type']).to.equal('text/plain');
      expect(g.headers['x-amz-meta-origin']).to.equal('browser');
    });

    it('success_action_status 201 answers the PostResponse document', async () => {
      const res = await post(multipart(signedFields({ key: 'status/201.txt', fields: { success_action_status: '201' } }), file('x')));
      expect(res.status, res.text).to.equal(201);
      const doc = parseXml(res).PostResponse;
      expect(doc.Bucket).to.equal(B);
      expect(doc.Key).to.equal('status/201.txt');
      expect(doc.ETag).to.equal(`"${md5Hex('x')}"`);
      expect(doc.Location).to.match(new RegExp(`/${B}/status/201\\.txt$`));
    });

    it('success_action_status 200 answers an empty 200', async () => {
      const res = await post(multipart(signedFields({ key: 'status/200.txt', fields: { success_action_status: '200' } }), file('x')));
      expect(res.status).to.equal(200);
      expect(res.body.length).to.equal(0);
      expect(await exists('status/200.txt')).to.equal(true);
    });

    it('success_action_redirect answers 303 to the URL with bucket, key and etag', async () => {
      const res = await post(multipart(signedFields({ key: 'redirect/r.txt', fields: { success_action_redirect: 'https://app.example/done?x=1' } }), file('r')));
      expect(res.status).to.equal(303);
      const loc = new URL(res.headers.location as string);
      expect(loc.origin + loc.pathname).to.equal('https://app.example/done');
      expect(loc.searchParams.get('x')).to.equal('1');
      expect(loc.searchParams.get('bucket')).to.equal(B);
      expect(loc.searchParams.get('key')).to.equal('redirect/r.txt');
      expect(loc.searchParams.get('etag')).to.equal(`"${md5Hex('r')}"`);
    });

    it('ignores fields after the file (they need no condition and are not stored)', async () => {
      const form = multipart(signedFields({ key: 'after/a.txt' }), file('a'), [['x-amz-meta-late', 'ignored'], ['unexpected', 'x']]);
      expect((await post(form)).status).to.equal(204);
      const g = await get('after/a.txt');
      expect(g.text).to.equal('a');
      expect(g.headers['x-amz-meta-late']).to.equal(undefined);
    });

    it('streams a large file (12 MiB) intact', async () => {
      const content = randomBytes(12 * 1024 * 1024);
      const res = await post(multipart(signedFields({ key: 'big/blob.bin' }), file(content, 'blob.bin')));
      expect(res.status, res.text).to.equal(204);
      expect(res.headers.etag).to.equal(`"${md5Hex(content)}"`);
      const g = await get('big/blob.bin');
      expect(createHash('sha256').update(g.body).digest('hex')).to.equal(createHash('sha256').update(content).digest('hex'));
    });

    it('accepts a Signature Version 2 form (AWSAccessKeyId + base64 HMAC-SHA1 of the policy), as boto2 and ceph s3-tests sign', async () => {
      const policyDoc = { expiration: new Date(Date.now() + 3600_000).toISOString(), conditions: [{ bucket: B }, ['starts-with', '$key', 'v2/'], { acl: 'private' }, ['starts-with', '$Content-Type', 'text/'], ['content-length-range', 0, 1024]] };
      const policy = Buffer.from(JSON.stringify(policyDoc)).toString('base64');
      const sign = (secret: string) => createHmac('sha1', secret).update(policy).digest('base64');
      const fields = (signature: string): [string, string][] => [['key', 'v2/${filename}'], ['AWSAccessKeyId', POLICY_ROOT.accessKeyId], ['acl', 'private'], ['signature', signature], ['policy', policy], ['Content-Type', 'text/plain']];
      const ok = await post(multipart(fields(sign(POLICY_ROOT.secretAccessKey)), file('signed with v2', 'v2.txt')));
      expect(ok.status, ok.text).to.equal(204);
      expect((await get('v2/v2.txt')).text).to.equal('signed with v2');
      expectError(await post(multipart(fields(sign('not-the-secret')), file('x', 'bad.txt'))), 403, 'SignatureDoesNotMatch');
      expect(await exists('v2/bad.txt')).to.equal(false);
      // The policy still binds: a key outside its prefix is refused.
      const outside: [string, string][] = fields(sign(POLICY_ROOT.secretAccessKey)).map(([n, v]) => (n === 'key' ? [n, 'elsewhere/x'] : [n, v]));
      expect((await post(multipart(outside, file('x')))).status).to.equal(403);
    });

    it('works with a form sent by curl -F', async () => {
      const path = join(t.fileDir, 'curl-upload.txt');
      writeFileSync(path, 'uploaded by curl');
      const args = ['-sS', '--cacert', t.running.caBundle as string, '-o', '/dev/null', '-w', '%{http_code}'];
      for (const [n, v] of signedFields({ key: 'curl/${filename}', fields: { success_action_status: '201' } })) args.push('-F', `${n}=${v}`);
      args.push('-F', `file=@${path}`, `${t.running.url}/${B}`);
      const { stdout } = await promisify(execFile)('curl', args);
      expect(stdout).to.equal('201');
      expect((await get('curl/curl-upload.txt')).text).to.equal('uploaded by curl');
    });
  });

  describe('policy enforcement', function () {
    it('an expired policy: AccessDenied "Policy expired."', async () => {
      const res = await post(multipart(signedFields({ key: 'exp/x', expiration: new Date(Date.now() - 1000) }), file()));
      expectError(res, 403, 'AccessDenied', 'Invalid according to Policy: Policy expired.');
      expect(await exists('exp/x')).to.equal(false);
    });

    it('a failed condition: AccessDenied naming it', async () => {
      const res = await post(multipart(signedFields({ key: 'elsewhere/x', conditions: [['starts-with', '$key', 'allowed/']] }), file()));
      expectError(res, 403, 'AccessDenied', 'Invalid according to Policy: Policy Condition failed: ["starts-with", "$key", "allowed/"]');
      expect(await exists('elsewhere/x')).to.equal(false);
    });

    it('a field no condition covers: AccessDenied', async () => {
      const fields = signedFields({ key: 'extra/x' });
      fields.splice(1, 0, ['x-amz-meta-sneaky', 'yes']);
      expectError(await post(multipart(fields, file())), 403, 'AccessDenied', 'Invalid according to Policy: Extra input fields: x-amz-meta-sneaky');
    });

    it('a part with a filename that is not `file` is a field like any other', async () => {
      const fields: ([string, string] | [string, string, string])[] = signedFields({ key: 'parts/x' });
      fields.splice(1, 0, ['x-amz-meta-attached', 'text', 'notes.txt']);
      expectError(await post(multipart(fields, file())), 403, 'AccessDenied', 'Invalid according to Policy: Extra input fields: x-amz-meta-attached');
      const covered: ([string, string] | [string, string, string])[] = signedFields({ key: 'parts/y', fields: { 'x-amz-meta-attached': 'text' } });
      covered.splice(1, 1, ['x-amz-meta-attached', 'text', 'notes.txt']);
      expect((await post(multipart(covered, file('y')))).status).to.equal(204);
      expect((await get('parts/y')).headers['x-amz-meta-attached']).to.equal('text');
    });

    it('x-ignore-* fields need no condition', async () => {
      const fields = signedFields({ key: 'ignore/x' });
      fields.splice(1, 0, ['x-ignore-tracking', '42']);
      expect((await post(multipart(fields, file()))).status).to.equal(204);
    });

    it('content-length-range: a larger file is EntityTooLarge, a smaller one EntityTooSmall, and nothing is stored', async () => {
      const range = ['content-length-range', 10, 20];
      const big = await post(multipart(signedFields({ key: 'range/big', extraConditions: [range] }), file('x'.repeat(21))));
      expectError(big, 400, 'EntityTooLarge');
      const small = await post(multipart(signedFields({ key: 'range/small', extraConditions: [range] }), file('x'.repeat(9))));
      expectError(small, 400, 'EntityTooSmall');
      expect(await exists('range/big')).to.equal(false);
      expect(await exists('range/small')).to.equal(false);
      expect((await post(multipart(signedFields({ key: 'range/ok', extraConditions: [range] }), file('x'.repeat(20))))).status).to.equal(204);
    });

    it('a wrong signature: SignatureDoesNotMatch; an unknown key: InvalidAccessKeyId', async () => {
      expectError(await post(multipart(signedFields({ key: 'sig/x', badSignature: true }), file())), 403, 'SignatureDoesNotMatch');
      expectError(await post(multipart(signedFields({ key: 'sig/y', creds: { accessKeyId: 'NOSUCHKEY', secretAccessKey: 'x' } }), file())), 403, 'InvalidAccessKeyId');
      expect(await exists('sig/x')).to.equal(false);
    });

    it('missing key field, missing file, missing signature fields: InvalidArgument', async () => {
      const noKey = signedFields().filter(([n]) => n !== 'key');
      expectError(await post(multipart(noKey, file())), 400, 'InvalidArgument');
      expectError(await post(multipart(signedFields({ key: 'nofile' }))), 400, 'InvalidArgument', 'POST requires exactly one file upload per request.');
      const noSig = signedFields({ key: 'nosig' }).filter(([n]) => n !== 'X-Amz-Signature');
      expectError(await post(multipart(noSig, file())), 400, 'InvalidArgument');
    });

    it('a body that is not multipart/form-data: MalformedPOSTRequest', async () => {
      const res = await t.root.raw({ method: 'POST', path: `/${B}`, headers: { 'content-type': 'text/plain', 'content-length': '5' }, body: 'hello' });
      expectError(res, 400, 'MalformedPOSTRequest');
      const broken = await post({ body: Buffer.from('--x\r\nnot a part'), contentType: 'multipart/form-data; boundary=x' });
      expectError(broken, 400, 'MalformedPOSTRequest');
    });

    it('a non-existent bucket: NoSuchBucket', async () => {
      const res = await post(multipart(signedFields({ key: 'x', bucket: 'no-such-post-bucket' }), file()), 'no-such-post-bucket');
      expectError(res, 404, 'NoSuchBucket');
    });
  });

  describe('authorization', function () {
    it('a user is authorized s3:PutObject on the key by its policies', async () => {
      await cliOk('policy', 'put', 'post-put', writeJson(t.fileDir, 'post-put.json', {
        Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 's3:PutObject', Resource: `arn:aws:s3:::${B}/users/*` }],
      }));
      await cliOk('user', 'add', 'poster', 'poster-secret-key', '--policy', 'post-put');
      const creds = { accessKeyId: 'poster', secretAccessKey: 'poster-secret-key' };
      expect((await post(multipart(signedFields({ key: 'users/p.txt', creds }), file()))).status).to.equal(204);
      expectError(await post(multipart(signedFields({ key: 'admin/p.txt', creds }), file())), 403, 'AccessDenied');
      expect(await exists('admin/p.txt')).to.equal(false);
    });

    it('an STS session needs its x-amz-security-token field: missing -> AccessDenied, wrong -> InvalidToken', async () => {
      const s = await withCredentials(t.dataDir, t.env, (store) => store.issueTemporary({ parent: 'post-session', policies: ['readwrite'], tags: {}, expiresAt: new Date(Date.now() + 3600_000) }));
      const creds = { accessKeyId: s.accessKeyId, secretAccessKey: s.secretAccessKey, sessionToken: s.sessionToken };
      expect((await post(multipart(signedFields({ key: 'sess/ok', creds }), file()))).status).to.equal(204);
      const noToken = signedFields({ key: 'sess/no', creds: { ...creds, sessionToken: undefined } });
      expectError(await post(multipart(noToken, file())), 403, 'AccessDenied');
      const wrong = signedFields({ key: 'sess/wrong', creds }).map(([n, v]) => [n, n === 'X-Amz-Security-Token' ? 'wrong-token' : v] as [string, string]);
      // The policy still names the real token, but the token is checked against the session first.
      expectError(await post(multipart(wrong, file())), 400, 'InvalidToken');
    });

    it('an anonymous form (no policy) needs a bucket policy allowing anonymous s3:PutObject', async () => {
      const anon = () => multipart([['key', 'public/anon.txt']], file('anonymous'));
      expectError(await post(anon()), 403, 'AccessDenied');
      const policy = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: '*', Action: 's3:PutObject', Resource: `arn:aws:s3:::${B}/public/*` }] });
      expect((await t.root.send({ method: 'PUT', bucket: B, query: { policy: '' }, body: policy })).status).to.equal(204);
      try {
        expect((await post(anon())).status).to.equal(204);
        expect((await get('public/anon.txt')).text).to.equal('anonymous');
      } finally {
        await t.root.send({ method: 'DELETE', bucket: B, query: { policy: '' } });
      }
    });
  });
});
