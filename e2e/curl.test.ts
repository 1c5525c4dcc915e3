import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import { clientEnv } from './lib/client-env.js';
import { run } from './lib/run.js';
import { startServer, type E2eServer } from './lib/server.js';

/** Plain curl, trusting only Keyless's development CA. */
describe('e2e: curl against keyless serve', function () {
  this.timeout(60_000);
  let server: E2eServer;
  before(async () => {
    server = await startServer();
  });
  after(async () => {
    await server?.stop();
  });
  const curl = (args: string[]) => run('curl', ['-sS', '--max-time', '20', '--cacert', server.caPath, ...args], { env: clientEnv(server) });

  for (const path of ['/health/live', '/minio/health/live']) {
    it(`GET ${path} answers 200 over verified TLS`, async () => {
      const r = await curl(['-o', '/dev/null', '-w', '%{http_code}', server.url + path]);
      expect(r.code, r.stderr).to.equal(0);
      expect(r.out).to.equal('200');
    });
  }

  it('TLS verification fails against the system bundle (the dev CA really is what is trusted)', async () => {
    const r = await run('curl', ['-sS', '--max-time', '20', '--cacert', '/etc/ssl/certs/ca-certificates.crt', server.url + '/health/live'], { env: process.env });
    expect(r.code).to.equal(60); // CURLE_PEER_FAILED_VERIFICATION
  });

  it('an unsigned request to a missing bucket gets S3 XML NoSuchBucket (404), as S3 answers every caller', async () => {
    const r = await curl(['-i', server.url + '/some-bucket/some-key']);
    expect(r.code, r.stderr).to.equal(0);
    expect(r.out).to.match(/^HTTP\/[\d.]+ 404/);
    expect(r.out).to.match(/content-type: application\/xml/i);
    expect(r.out).to.match(/x-amz-request-id: \S+/i);
    expect(r.out).to.contain('<Code>NoSuchBucket</Code>');
  });

  it('an unsigned ListBuckets (GET /) gets AccessDenied too', async () => {
    const r = await curl(['-w', '\n%{http_code}', server.url + '/']);
    expect(r.out).to.match(/\n403$/);
    expect(r.out).to.contain('<Code>AccessDenied</Code>');
  });

  it('the server log never contains the root secret key', () => {
    expect(readFileSync(server.logPath, 'utf8')).to.not.contain(server.secretKey);
  });

  it('a second server on its own port shuts down cleanly on SIGTERM (exit code 0, no SIGKILL needed)', async () => {
    const other = await startServer();
    expect(other.port).to.not.equal(server.port);
    const r = await run('curl', ['-sS', '--max-time', '20', '--cacert', other.caPath, '-o', '/dev/null', '-w', '%{http_code}', other.url + '/health/live'], { env: clientEnv(other) });
    expect(r.out).to.equal('200');
    const ended = await other.stop();
    expect(ended).to.deep.equal({ code: 0, signal: null, killed: false });
  });
});
