import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { expect } from 'chai';
import type { ObjectTag } from '@keyless/core';
import { FsObjectStore } from '../src/store/index.js';
import { XmlCodec } from '../src/xml/xml-codec.js';
import { LIFECYCLE_CONFIG, parseLifecycleConfiguration } from '../src/lifecycle/lifecycle-configuration.js';
import { LifecycleWorker } from '../src/lifecycle/lifecycle-worker.js';

const DAY = 86_400_000;
const xml = new XmlCodec();

/**
 * The lifecycle worker against the real disk store: time is moved by passing `now` to `runOnce`,
 * relative to when the objects were written.
 */
describe('LifecycleWorker (FsObjectStore)', function () {
  let dir: string;
  let store: FsObjectStore;
  let logs: Record<string, unknown>[];
  let worker: LifecycleWorker;

  const put = (bucket: string, key: string, data = 'x', tags?: ObjectTag[]) =>
    store.putObject({ bucket, key, body: Readable.from([Buffer.from(data)]), headers: {}, userMetadata: {}, tags });
  const keys = async (bucket: string) => (await store.listObjects(bucket, { maxKeys: 1000 })).objects.map((o) => o.key);
  const versions = async (bucket: string) =>
    (await store.listObjectVersions(bucket, { maxKeys: 1000 })).versions.map((v) => (v.kind === 'version' ? `${v.info.key}:v` : `${v.marker.key}:dm`));
  async function configure(bucket: string, rules: string): Promise<void> {
    const config = parseLifecycleConfiguration(xml.parse(`<LifecycleConfiguration>${rules}</LifecycleConfiguration>`, 'LifecycleConfiguration'));
    await store.putBucketConfig(bucket, LIFECYCLE_CONFIG, JSON.stringify(config));
  }
  const inDays = (days: number) => new Date(Date.now() + days * DAY);

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'keyless-lifecycle-'));
    store = await FsObjectStore.open(dir);
    logs = [];
    worker = new LifecycleWorker({ store, log: (e) => logs.push(e), intervalMs: 3600_000, pageSize: 2 });
  });
  afterEach(async () => {
    await worker.stop();
    await store.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('expires current objects by prefix once Days (rounded to midnight UTC) have passed', async () => {
    await store.createBucket('b', { region: 'us-east-1' });
    for (const k of ['logs/1', 'logs/2', 'logs/3', 'keep/1']) await put('b', k);
    await configure('b', '<Rule><ID>logs</ID><Filter><Prefix>logs/</Prefix></Filter><Status>Enabled</Status><Expiration><Days>1</Days></Expiration></Rule>');
    // Written today, one day: due at the second midnight from now at the latest, never before tomorrow's.
    expect((await worker.runOnce(new Date())).expired).to.equal(0);
    const report = await worker.runOnce(inDays(2));
    expect(report).to.deep.include({ buckets: 1, expired: 3, failures: 0 });
    expect(await keys('b')).to.deep.equal(['keep/1']);
    expect(logs.some((e) => e.msg === 'lifecycle applied' && e.bucket === 'b' && e.expired === 3)).to.equal(true);
  });

  it('applies Date rules, skips Disabled rules and buckets without a configuration', async () => {
    await store.createBucket('dated', { region: 'us-east-1' });
    await store.createBucket('plain', { region: 'us-east-1' });
    await put('dated', 'a');
    await put('plain', 'a');
    await configure('dated', `
      <Rule><ID>off</ID><Filter/><Status>Disabled</Status><Expiration><Days>1</Days></Expiration></Rule>
      <Rule><ID>date</ID><Filter/><Status>Enabled</Status><Expiration><Date>2100-01-01T00:00:00Z</Date></Expiration></Rule>`);
    expect((await worker.runOnce(inDays(30))).expired).to.equal(0);
    expect((await worker.runOnce(new Date('2100-01-01T00:00:00Z'))).expired).to.equal(1);
    expect(await keys('dated')).to.deep.equal([]);
    expect(await keys('plain')).to.deep.equal(['a']);
  });

  it('filters by tags and object size', async () => {
    await store.createBucket('b', { region: 'us-east-1' });
    await put('b', 'tmp-small', 'x', [{ key: 'class', value: 'tmp' }]);
    await put('b', 'tmp-big', 'x'.repeat(100), [{ key: 'class', value: 'tmp' }]);
    await put('b', 'other-big', 'x'.repeat(100), [{ key: 'class', value: 'keep' }]);
    await configure('b', `<Rule><ID>t</ID><Filter><And><Tag><Key>class</Key><Value>tmp</Value></Tag><ObjectSizeGreaterThan>10</ObjectSizeGreaterThan></And></Filter>
      <Status>Enabled</Status><Expiration><Days>1</Days></Expiration></Rule>`);
    await worker.runOnce(inDays(3));
    expect(await keys('b')).to.deep.equal(['other-big', 'tmp-small']);
  });

  it('in a versioned bucket: expiring the current version adds a delete marker; noncurrent versions expire after NoncurrentDays keeping NewerNoncurrentVersions', async () => {
    await store.createBucket('v', { region: 'us-east-1' });
    await store.setBucketVersioning('v', 'Enabled');
    for (let i = 0; i < 4; i++) await put('v', 'doc', `v${i}`);
    await configure('v', `<Rule><ID>nc</ID><Filter/><Status>Enabled</Status>
      <NoncurrentVersionExpiration><NoncurrentDays>1</NoncurrentDays><NewerNoncurrentVersions>1</NewerNoncurrentVersions></NoncurrentVersionExpiration></Rule>`);
    expect((await worker.runOnce(new Date())).noncurrentExpired).to.equal(0);
    // 3 noncurrent versions; the newest noncurrent one is kept.
    expect((await worker.runOnce(inDays(2))).noncurrentExpired).to.equal(2);
    expect(await versions('v')).to.deep.equal(['doc:v', 'doc:v']);
    const latest = await store.getObjectInfo('v', 'doc');
    expect(latest.size).to.equal(2);

    await configure('v', '<Rule><ID>cur</ID><Filter/><Status>Enabled</Status><Expiration><Days>1</Days></Expiration></Rule>');
    expect((await worker.runOnce(inDays(2))).expired).to.equal(1);
    expect(await versions('v')).to.deep.equal(['doc:dm', 'doc:v', 'doc:v']);
    expect(await keys('v')).to.deep.equal([]);
  });

  it('removes an expired object delete marker once no version is left behind it', async () => {
    await store.createBucket('v', { region: 'us-east-1' });
    await store.setBucketVersioning('v', 'Enabled');
    await put('v', 'gone');
    await store.deleteObject('v', 'gone');
    await put('v', 'alive');
    await store.deleteObject('v', 'alive');
    await put('v', 'alive');
    await configure('v', `<Rule><ID>all</ID><Filter/><Status>Enabled</Status><Expiration><ExpiredObjectDeleteMarker>true</ExpiredObjectDeleteMarker></Expiration>
      <NoncurrentVersionExpiration><NoncurrentDays>1</NoncurrentDays></NoncurrentVersionExpiration></Rule>`);
    // Now: nothing is due yet, and "gone" still has its noncurrent version behind the marker.
    expect(await worker.runOnce(new Date())).to.deep.include({ noncurrentExpired: 0, deleteMarkersRemoved: 0 });
    const report = await worker.runOnce(inDays(2));
    // gone: its version expires, then the lonely marker goes; alive: the noncurrent version and marker go.
    expect(report).to.deep.include({ noncurrentExpired: 2, deleteMarkersRemoved: 2, failures: 0 });
    expect(await versions('v')).to.deep.equal(['alive:v']);
  });

  it('aborts incomplete multipart uploads DaysAfterInitiation after they started, by prefix', async () => {
    await store.createBucket('m', { region: 'us-east-1' });
    const upload = (key: string) => store.createMultipartUpload({ bucket: 'm', key, headers: {}, userMetadata: {} });
    const a = await upload('tmp/a');
    await upload('tmp/b');
    await upload('tmp/c');
    const kept = await upload('keep/a');
    await configure('m', '<Rule><ID>mpu</ID><Filter><Prefix>tmp/</Prefix></Filter><Status>Enabled</Status><AbortIncompleteMultipartUpload><DaysAfterInitiation>2</DaysAfterInitiation></AbortIncompleteMultipartUpload></Rule>');
    expect((await worker.runOnce(inDays(1))).uploadsAborted).to.equal(0);
    expect((await worker.runOnce(inDays(3))).uploadsAborted).to.equal(3);
    const left = (await store.listMultipartUploads('m', { maxUploads: 100 })).uploads.map((u) => u.uploadId);
    expect(left).to.deep.equal([kept.uploadId]);
    expect(left).to.not.include(a.uploadId);
  });

  it('bounds the work of one run per bucket; the next run continues', async () => {
    const bounded = new LifecycleWorker({ store, log: () => undefined, intervalMs: 3600_000, pageSize: 2, maxActionsPerBucket: 3 });
    await store.createBucket('b', { region: 'us-east-1' });
    for (let i = 0; i < 7; i++) await put('b', `k${i}`);
    await configure('b', '<Rule><ID>all</ID><Filter/><Status>Enabled</Status><Expiration><Days>1</Days></Expiration></Rule>');
    expect((await bounded.runOnce(inDays(2))).expired).to.equal(3);
    expect((await bounded.runOnce(inDays(2))).expired).to.equal(3);
    expect((await bounded.runOnce(inDays(2))).expired).to.equal(1);
    expect(await keys('b')).to.deep.equal([]);
  });

  it('start() runs on the timer and stop() waits for the run in progress', async () => {
    const timed = new LifecycleWorker({ store, log: () => undefined, intervalMs: 20 });
    await store.createBucket('b', { region: 'us-east-1' });
    await put('b', 'old');
    await configure('b', '<Rule><ID>past</ID><Filter/><Status>Enabled</Status><Expiration><Date>2000-01-01T00:00:00Z</Date></Expiration></Rule>');
    timed.start();
    const deadline = Date.now() + 5000;
    while ((await keys('b')).length > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
    await timed.stop();
    expect(await keys('b')).to.deep.equal([]);
  });
});
