import { expect } from 'chai';
import { startTestServer, type TestServer } from './s3-test-server.js';
import { expectLive, expectUnchanged, snapshot, type StoreSnapshot } from './hostile-checks.js';

/**
 * Registers the mocha hooks the hostile-input suites share: before all, a test server with
 * `bucket` holding one object (`keep`); before each test, a snapshot of the store; after each,
 * the checks that the server still serves and that nothing was written. `onStart` receives the
 * server as soon as it runs (before the bucket is created), so the suite can keep it in a variable.
 */
export function useHostileServer(bucket: string, onStart: (t: TestServer) => void, opts?: Parameters<typeof startTestServer>[0]): void {
  let t: TestServer | undefined;
  let baseline: StoreSnapshot;

  before(async () => {
    t = await startTestServer(opts);
    onStart(t);
    expect((await t.client.send({ method: 'PUT', bucket })).status).to.equal(200);
    expect((await t.client.send({ method: 'PUT', bucket, key: 'keep', body: 'kept' })).status).to.equal(200);
  });
  after(async () => {
    await t?.close();
  });
  beforeEach(async () => {
    baseline = await snapshot(t!, [bucket]);
  });
  afterEach(async () => {
    await expectLive(t!);
    await expectUnchanged(t!, baseline, [bucket]);
  });
}
