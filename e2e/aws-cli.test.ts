import { expect } from 'chai';
import { createHash, randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { clientEnv } from './lib/client-env.js';
import { run, type RunResult } from './lib/run.js';
import { startServer, type E2eServer } from './lib/server.js';

const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');

/** The installed aws CLI v1 (botocore >= 1.36: CRC32 trailers in aws-chunked bodies by default) at default settings. */
describe('e2e: aws CLI against keyless serve', function () {
  this.timeout(120_000);
  let server: E2eServer;
  let tmp: string;
  const bucket = 'cli-e2e';

  const aws = (args: string[], env: NodeJS.ProcessEnv = {}) =>
    run('aws', ['--endpoint-url', server.url, '--ca-bundle', server.caPath, ...args], { env: clientEnv(server, env) });
  const ok = async (args: string[]): Promise<RunResult> => {
    const r = await aws(args);
    expect(r.code, `aws ${args.join(' ')}\nstderr: ${r.stderr}\nserver log:\n${server.logTail(10)}`).to.equal(0);
    return r;
  };
  const json = async (args: string[]) => JSON.parse((await ok([...args, '--output', 'json'])).out) as Record<string, any>;

  before(async () => {
    server = await startServer();
    tmp = mkdtempSync(join(tmpdir(), 'keyless-e2e-cli-'));
  });
  after(async () => {
    await server?.stop();
    if (tmp) rmSync(tmp, { recursive: true, force: true });
  });

  it('s3 mb creates the bucket', async () => {
    await ok(['s3', 'mb', `s3://${bucket}`]);
    const r = await ok(['s3', 'ls']);
    expect(r.out).to.contain(bucket);
  });

  it('s3 cp uploads 2 MB (single PUT) and 20 MB (multipart) and downloads identical bytes', async () => {
    const small = randomBytes(2_000_000);
    const big = randomBytes(20_000_000);
    writeFileSync(join(tmp, 'small'), small);
    writeFileSync(join(tmp, 'big'), big);
    await ok(['s3', 'cp', join(tmp, 'small'), `s3://${bucket}/data/small`]);
    await ok(['s3', 'cp', join(tmp, 'big'), `s3://${bucket}/data/big`]);
    await ok(['s3', 'cp', `s3://${bucket}/data/small`, join(tmp, 'small.out')]);
    await ok(['s3', 'cp', `s3://${bucket}/data/big`, join(tmp, 'big.out')]);
    expect(sha256(readFileSync(join(tmp, 'small.out')))).to.equal(sha256(small));
    expect(sha256(readFileSync(join(tmp, 'big.out')))).to.equal(sha256(big));
    const head = await json(['s3api', 'head-object', '--bucket', bucket, '--key', 'data/big']);
    expect(head['ContentLength']).to.equal(20_000_000);
    // A multipart ETag is "<md5 of part md5s>-<part count>".
    expect(head['ETag']).to.match(/^"[0-9a-f]{32}-\d+"$/);
  });

  it('s3 ls --recursive lists both objects with their sizes', async () => {
    const r = await ok(['s3', 'ls', '--recursive', `s3://${bucket}/`]);
    const lines = r.out.trim().split('\n');
    expect(lines).to.have.length(2);
    expect(r.out).to.match(/\s2000000 data\/small/);
    expect(r.out).to.match(/\s20000000 data\/big/);
  });

  it('s3 cp s3://... - streams the object to stdout', async () => {
    const r = await ok(['s3', 'cp', `s3://${bucket}/data/small`, '-']);
    expect(sha256(r.stdout)).to.equal(sha256(readFileSync(join(tmp, 'small'))));
  });

  it('s3api put-object with metadata; head-object shows it', async () => {
    writeFileSync(join(tmp, 'meta.txt'), 'hello metadata\n');
    await ok(['s3api', 'put-object', '--bucket', bucket, '--key', 'meta/one.txt', '--body', join(tmp, 'meta.txt'),
      '--metadata', 'color=blue,owner=e2e', '--content-type', 'text/plain']);
    const head = await json(['s3api', 'head-object', '--bucket', bucket, '--key', 'meta/one.txt']);
    expect(head['Metadata']).to.deep.equal({ color: 'blue', owner: 'e2e' });
    expect(head['ContentType']).to.equal('text/plain');
    expect(head['ContentLength']).to.equal(15);
  });

  it('s3api list-objects-v2 with prefix and delimiter groups common prefixes', async () => {
    const all = await json(['s3api', 'list-objects-v2', '--bucket', bucket, '--delimiter', '/']);
    expect((all['CommonPrefixes'] as { Prefix: string }[]).map((p) => p.Prefix).sort()).to.deep.equal(['data/', 'meta/']);
    expect(all['Contents']).to.equal(undefined);
    const data = await json(['s3api', 'list-objects-v2', '--bucket', bucket, '--prefix', 'data/', '--delimiter', '/']);
    expect((data['Contents'] as { Key: string }[]).map((c) => c.Key).sort()).to.deep.equal(['data/big', 'data/small']);
    // The CLI merges pages and drops KeyCount; --no-paginate shows the single response as sent.
    const raw = await json(['s3api', 'list-objects-v2', '--bucket', bucket, '--prefix', 'data/', '--no-paginate']);
    expect(raw['KeyCount']).to.equal(2);
    expect(raw['IsTruncated']).to.equal(false);
  });

  it('s3api get-object --range returns exactly the requested bytes', async () => {
    const out = join(tmp, 'range.out');
    const meta = await json(['s3api', 'get-object', '--bucket', bucket, '--key', 'data/big', '--range', 'bytes=100-1099', out]);
    expect(meta['ContentLength']).to.equal(1000);
    expect(meta['ContentRange']).to.equal('bytes 100-1099/20000000');
    expect(readFileSync(out).equals(readFileSync(join(tmp, 'big')).subarray(100, 1100))).to.equal(true);
  });

  it('s3api copy-object copies bytes and metadata', async () => {
    await ok(['s3api', 'copy-object', '--bucket', bucket, '--key', 'meta/copy.txt', '--copy-source', `${bucket}/meta/one.txt`]);
    const head = await json(['s3api', 'head-object', '--bucket', bucket, '--key', 'meta/copy.txt']);
    expect(head['Metadata']).to.deep.equal({ color: 'blue', owner: 'e2e' });
    const r = await ok(['s3', 'cp', `s3://${bucket}/meta/copy.txt`, '-']);
    expect(r.out).to.equal('hello metadata\n');
  });

  it('s3api delete-objects deletes several keys at once', async () => {
    const del = await json(['s3api', 'delete-objects', '--bucket', bucket, '--delete',
      JSON.stringify({ Objects: [{ Key: 'meta/one.txt' }, { Key: 'meta/copy.txt' }] })]);
    expect((del['Deleted'] as { Key: string }[]).map((d) => d.Key).sort()).to.deep.equal(['meta/copy.txt', 'meta/one.txt']);
    expect(del['Errors']).to.equal(undefined);
    const list = await json(['s3api', 'list-objects-v2', '--bucket', bucket, '--prefix', 'meta/', '--no-paginate']);
    expect(list['KeyCount']).to.equal(0);
    expect(list['Contents']).to.equal(undefined);
  });

  it('s3 sync uploads a directory tree and a second sync is a no-op', async () => {
    const src = join(tmp, 'tree');
    mkdirSync(join(src, 'sub', 'deeper'), { recursive: true });
    writeFileSync(join(src, 'a.txt'), 'a');
    writeFileSync(join(src, 'sub', 'b.bin'), randomBytes(3000));
    writeFileSync(join(src, 'sub', 'deeper', 'c.txt'), 'see');
    await ok(['s3', 'sync', src, `s3://${bucket}/tree`]);
    const ls = await ok(['s3', 'ls', '--recursive', `s3://${bucket}/tree/`]);
    expect(ls.out.trim().split('\n').map((l) => l.trim().split(/\s+/).pop()).sort()).to.deep.equal(
      ['tree/a.txt', 'tree/sub/b.bin', 'tree/sub/deeper/c.txt']);
    const again = await ok(['s3', 'sync', src, `s3://${bucket}/tree`]);
    expect(again.out.trim()).to.equal('');
    const back = join(tmp, 'tree.back');
    await ok(['s3', 'sync', `s3://${bucket}/tree`, back]);
    expect(readFileSync(join(back, 'sub', 'b.bin')).equals(readFileSync(join(src, 'sub', 'b.bin')))).to.equal(true);
    expect(readFileSync(join(back, 'sub', 'deeper', 'c.txt'), 'utf8')).to.equal('see');
  });

  it('keys with spaces, unicode, plus and percent signs, and an empty object, round-trip', async () => {
    const keys = ['odd/with space.txt', 'odd/ünïcødé-日本.txt', 'odd/a+b=c&d.txt', 'odd/100%.txt'];
    for (const [n, key] of keys.entries()) {
      writeFileSync(join(tmp, `odd${n}`), `content ${n}`);
      await ok(['s3', 'cp', join(tmp, `odd${n}`), `s3://${bucket}/${key}`]);
    }
    writeFileSync(join(tmp, 'empty'), '');
    await ok(['s3', 'cp', join(tmp, 'empty'), `s3://${bucket}/odd/empty`]);
    const list = await json(['s3api', 'list-objects-v2', '--bucket', bucket, '--prefix', 'odd/']);
    expect((list['Contents'] as { Key: string }[]).map((c) => c.Key).sort()).to.deep.equal([...keys, 'odd/empty'].sort());
    for (const [n, key] of keys.entries()) {
      const r = await ok(['s3', 'cp', `s3://${bucket}/${key}`, '-']);
      expect(r.out, key).to.equal(`content ${n}`);
    }
    const head = await json(['s3api', 'head-object', '--bucket', bucket, '--key', 'odd/empty']);
    expect(head['ContentLength']).to.equal(0);
    expect(head['ETag']).to.equal('"d41d8cd98f00b204e9800998ecf8427e"');
    await ok(['s3', 'rm', '--recursive', `s3://${bucket}/odd/`]);
  });

  it('a wrong secret key gets SignatureDoesNotMatch', async () => {
    const r = await aws(['s3', 'ls', `s3://${bucket}`], { AWS_SECRET_ACCESS_KEY: 'definitely-wrong-secret' });
    expect(r.code).to.not.equal(0);
    expect(r.stderr).to.contain('SignatureDoesNotMatch');
  });

  it('aws s3 presign (SigV4) gives a URL curl can fetch; a tampered one is refused', async () => {
    // CLI v1 presigns S3 URLs with SigV2 unless the config asks for s3v4; Keyless is SigV4-only by design.
    const cfg = join(tmp, 'aws-s3v4.cfg');
    writeFileSync(cfg, '[default]\ns3 =\n    signature_version = s3v4\n');
    const p = await aws(['s3', 'presign', `s3://${bucket}/data/small`, '--expires-in', '300'], { AWS_CONFIG_FILE: cfg });
    expect(p.code, p.stderr).to.equal(0);
    const url = p.out.trim();
    expect(url).to.match(/^https:\/\/127\.0\.0\.1:\d+\/cli-e2e\/data\/small\?.*X-Amz-Signature=/);
    const out = join(tmp, 'presigned.out');
    const c = await run('curl', ['-sS', '--cacert', server.caPath, '-o', out, '-w', '%{http_code}', url], { env: clientEnv(server) });
    expect(c.out).to.equal('200');
    expect(sha256(readFileSync(out))).to.equal(sha256(readFileSync(join(tmp, 'small'))));
    const bad = await run('curl', ['-sS', '--cacert', server.caPath, '-w', '\n%{http_code}', url.replace('data/small', 'data/big')], { env: clientEnv(server) });
    expect(bad.out).to.match(/\n403$/);
    expect(bad.out).to.contain('<Code>SignatureDoesNotMatch</Code>');
  });

  it('a default aws s3 presign URL (SigV2, as aws CLI v1 signs it) downloads the object; a tampered one is refused', async () => {
    const p = await ok(['s3', 'presign', `s3://${bucket}/data/small`]);
    expect(p.out).to.contain('Signature=');
    const file = join(tmp, 'presigned-v2.out');
    const c = await run('curl', ['-sS', '--cacert', server.caPath, '-o', file, '-w', '%{http_code}', p.out.trim()], { env: clientEnv(server) });
    expect(c.out).to.equal('200');
    expect(sha256(readFileSync(file))).to.equal(sha256(readFileSync(join(tmp, 'small'))));
    const tampered = p.out.trim().replace('data/small', 'data/big');
    const bad = await run('curl', ['-sS', '--cacert', server.caPath, '-w', '\n%{http_code}', tampered], { env: clientEnv(server) });
    expect(bad.out).to.match(/\n403$/);
    expect(bad.out).to.contain('<Code>SignatureDoesNotMatch</Code>');
  });

  it('s3 rm --recursive empties the bucket and rb removes it', async () => {
    await ok(['s3', 'rm', '--recursive', `s3://${bucket}`]);
    const list = await json(['s3api', 'list-objects-v2', '--bucket', bucket, '--no-paginate']);
    expect(list['KeyCount']).to.equal(0);
    await ok(['s3', 'rb', `s3://${bucket}`]);
    const r = await aws(['s3api', 'head-bucket', '--bucket', bucket]);
    expect(r.code).to.not.equal(0);
    expect(r.stderr).to.match(/404|Not Found/);
  });
});
