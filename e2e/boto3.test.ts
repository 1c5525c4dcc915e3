import { expect } from 'chai';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { clientEnv } from './lib/client-env.js';
import { run } from './lib/run.js';
import { PROJECT_ROOT, startServer, type E2eServer } from './lib/server.js';

/** boto3 (preinstalled) at default checksum settings, driven by e2e/py/boto3_roundtrip.py. */
describe('e2e: boto3 against keyless serve', function () {
  this.timeout(120_000);
  let server: E2eServer;
  let tmp: string;
  before(async () => {
    server = await startServer();
    tmp = mkdtempSync(join(tmpdir(), 'keyless-e2e-boto3-'));
  });
  after(async () => {
    await server?.stop();
    if (tmp) rmSync(tmp, { recursive: true, force: true });
  });

  it('put/get/list, multipart upload_file, download_file, delete round-trip with identical bytes', async () => {
    const r = await run('python3', [join(PROJECT_ROOT, 'e2e/py/boto3_roundtrip.py'), server.url, server.caPath, tmp], { env: clientEnv(server), timeoutMs: 100_000 });
    expect(r.code, `stderr:\n${r.stderr}\nserver log:\n${server.logTail(15)}`).to.equal(0);
    const res = JSON.parse(r.out) as Record<string, unknown>;
    expect(res['put_etag']).to.equal(`"${res['put_md5']}"`);
    expect(res['get_equal']).to.equal(true);
    expect(res['get_metadata']).to.deep.equal({ k: 'v' });
    // 12 MiB + 321 bytes in 5 MiB parts: three parts.
    expect(res['big_etag']).to.match(/^"[0-9a-f]{32}-3"$/);
    expect(res['big_size']).to.equal(12 * 1024 * 1024 + 321);
    expect(res['big_equal']).to.equal(true);
    expect(res['list_keys']).to.deep.equal(['big/obj.bin', 'small/obj.bin']);
    expect(res['list_delim']).to.deep.equal(['big/', 'small/']);
    expect(res['missing_error']).to.equal('NoSuchKey');
    expect(res['missing_status']).to.equal(404);
    expect(res['after_delete_count']).to.equal(0);
    expect(res['buckets_after']).to.deep.equal([]);
  });
});
