import { mkdtemp, readFile, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { Readable } from 'node:stream';
import { expect } from 'chai';
import { isS3Error, type S3Error } from '@keyless/core';
import { objectStoreContract } from '@keyless/core/testing';
import { FsObjectStore, type BlobStoreFaults } from '../src/store/index.js';

async function tempDir(): Promise<string> {
  return mkdtemp(join(tmpdir(), 'keyless-fs-store-'));
}

/** Every file under `dir`, relative to it. */
async function walk(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true, recursive: true })) {
    if (entry.isFile()) out.push(relative(dir, join(entry.parentPath, entry.name)));
  }
  return out.sort();
}

async function blobFiles(dataDir: string): Promise<string[]> {
  return (await walk(join(dataDir, 'blobs'))).map((p) => `blobs/${p}`);
}

function body(data: string | Buffer): Readable {
  return Readable.from([typeof data === 'string' ? Buffer.from(data) : data]);
}

async function text(store: FsObjectStore, bucket: string, key: string): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of (await store.openObject(bucket, key)).body) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString();
}

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (err) {
    return err;
  }
  throw new Error('expected a rejection');
}

objectStoreContract('FsObjectStore', async () => {
  const dir = await tempDir();
  const store = await FsObjectStore.open(dir);
  return { store, cleanup: () => rm(dir, { recursive: true, force: true }) };
});

describe('FsObjectStore on disk', () => {
  let dir: string;
  let store: FsObjectStore;

  beforeEach(async () => {
    dir = await tempDir();
    store = await FsObjectStore.open(dir);
    await store.createBucket('b', { region: 'us-east-1' });
  });

  afterEach(async () => {
    await store.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('stores blobs as blobs/<2 hex>/<32 hex>, never named after keys', async () => {
    const keys = ['../x', 'a/b', '//', 'a//b', 'tmp', 'meta.db', 'blobs/00/x'];
    for (const key of keys) await store.putObject({ bucket: 'b', key, body: body(key), headers: {}, userMetadata: {} });
    const blobs = await blobFiles(dir);
    expect(blobs).to.have.length(keys.length);
    for (const path of blobs) {
      const [, shard, name] = path.split('/');
      expect(name).to.match(/^[0-9a-f]{32}$/);
      expect(shard).to.equal(name!.slice(0, 2));
    }
    const files = await walk(dir);
    expect(files.filter((f) => !f.startsWith('blobs/') && !f.startsWith('meta.db'))).to.deep.equal([]);
    expect((await readdir(join(dir, 'tmp')))).to.deep.equal([]);
    for (const key of keys) expect(await text(store, 'b', key)).to.equal(key);
  });

  it('leaks no blob through overwrite, delete, concurrent PUTs, multipart and abort', async () => {
    const put = (key: string, data: string | Buffer) => store.putObject({ bucket: 'b', key, body: body(data), headers: {}, userMetadata: {} });
    await put('k', 'one');
    await put('k', 'two');
    await put('gone', 'x');
    await store.deleteObject('b', 'gone');
    await Promise.all([put('race', 'a'.repeat(100_000)), put('race', 'b'.repeat(100_000)), put('race', 'c')]);
    expect(await blobFiles(dir)).to.have.length(2);

    const big = Buffer.alloc(5 * 1024 * 1024, 1);
    const { uploadId } = await store.createMultipartUpload({ bucket: 'b', key: 'mp', headers: {}, userMetadata: {} });
    const p1 = await store.uploadPart({ bucket: 'b', key: 'mp', uploadId, partNumber: 1, body: body(big) });
    await store.uploadPart({ bucket: 'b', key: 'mp', uploadId, partNumber: 2, body: body('replaced') });
    const p2 = await store.uploadPart({ bucket: 'b', key: 'mp', uploadId, partNumber: 2, body: body('second') });
    await store.uploadPart({ bucket: 'b', key: 'mp', uploadId, partNumber: 3, body: body('unlisted') });
    expect(await blobFiles(dir)).to.have.length(5);
    await store.completeMultipartUpload({ bucket: 'b', key: 'mp', uploadId, parts: [p1, p2] });
    expect(await blobFiles(dir)).to.have.length(4);

    const aborted = await store.createMultipartUpload({ bucket: 'b', key: 'ab', headers: {}, userMetadata: {} });
    await store.uploadPart({ bucket: 'b', key: 'ab', uploadId: aborted.uploadId, partNumber: 1, body: body('p') });
    await store.abortMultipartUpload('b', 'ab', aborted.uploadId);
    await put('mp', 'small again');
    expect(await blobFiles(dir)).to.have.length(3);
  });

  it('open() deletes temp files and orphan blobs but keeps referenced ones', async () => {
    await store.putObject({ bucket: 'b', key: 'kept', body: body('kept'), headers: {}, userMetadata: {} });
    const { uploadId } = await store.createMultipartUpload({ bucket: 'b', key: 'mp', headers: {}, userMetadata: {} });
    const part = await store.uploadPart({ bucket: 'b', key: 'mp', uploadId, partNumber: 1, body: body('part') });
    await store.close();
    const referenced = await blobFiles(dir);
    expect(referenced).to.have.length(2);
    await writeFile(join(dir, 'tmp', 'interrupted-write'), 'partial');
    const orphan = join(dir, 'blobs', 'ab', 'ab'.padEnd(32, '0'));
    await writeFile(orphan, 'orphan');

    store = await FsObjectStore.open(dir);
    expect(await readdir(join(dir, 'tmp'))).to.deep.equal([]);
    expect(await blobFiles(dir)).to.deep.equal(referenced);
    expect(await text(store, 'b', 'kept')).to.equal('kept');
    await store.completeMultipartUpload({ bucket: 'b', key: 'mp', uploadId, parts: [part] });
    expect(await text(store, 'b', 'mp')).to.equal('part');
  });

  it('a full disk fails the write with XMinioStorageFull; reads go on and writes resume once space returns', async () => {
    await store.close();
    let full = false;
    const faults: BlobStoreFaults = {
      beforeWrite() {
        if (full) throw Object.assign(new Error('no space left on device'), { code: 'ENOSPC', errno: -28 });
      },
    };
    store = await FsObjectStore.open(dir, { faults });
    await store.putObject({ bucket: 'b', key: 'k', body: body('before'), headers: {}, userMetadata: {} });
    const { uploadId } = await store.createMultipartUpload({ bucket: 'b', key: 'mp', headers: {}, userMetadata: {} });
    full = true;

    const err = await rejection(store.putObject({ bucket: 'b', key: 'k', body: body('after'), headers: {}, userMetadata: {} }));
    expect(isS3Error(err)).to.equal(true);
    expect((err as S3Error).code).to.equal('XMinioStorageFull');
    expect((err as S3Error).status).to.equal(507);
    const partErr = await rejection(store.uploadPart({ bucket: 'b', key: 'mp', uploadId, partNumber: 1, body: body('p') }));
    expect((partErr as S3Error).code).to.equal('XMinioStorageFull');

    expect(await text(store, 'b', 'k')).to.equal('before');
    expect(await readdir(join(dir, 'tmp'))).to.deep.equal([]);
    expect(await blobFiles(dir)).to.have.length(1);
    expect((await store.listParts('b', 'mp', uploadId, { maxParts: 10 })).parts).to.deep.equal([]);

    full = false;
    await store.putObject({ bucket: 'b', key: 'k', body: body('after'), headers: {}, userMetadata: {} });
    expect(await text(store, 'b', 'k')).to.equal('after');
  });

  it('a stream over a large manifest opens parts lazily, keeps them through a delete, then unlinks them', async () => {
    await store.close();
    store = await FsObjectStore.open(dir, { eagerOpens: 1 });
    const big = [Buffer.alloc(5 * 1024 * 1024, 1), Buffer.alloc(5 * 1024 * 1024, 2), Buffer.from('end')];
    const { uploadId } = await store.createMultipartUpload({ bucket: 'b', key: 'mp', headers: {}, userMetadata: {} });
    const parts = [];
    for (const [i, data] of big.entries()) parts.push(await store.uploadPart({ bucket: 'b', key: 'mp', uploadId, partNumber: i + 1, body: body(data) }));
    await store.completeMultipartUpload({ bucket: 'b', key: 'mp', uploadId, parts });
    const { body: stream } = await store.openObject('b', 'mp');
    await store.deleteObject('b', 'mp');
    await store.putObject({ bucket: 'b', key: 'mp', body: body('new'), headers: {}, userMetadata: {} });
    // The stream's blobs (one open, two not yet) are pinned: their unlink waits for the reader.
    expect(await blobFiles(dir)).to.have.length(4);
    const chunks: Buffer[] = [];
    for await (const chunk of stream) chunks.push(chunk as Buffer);
    expect(Buffer.concat(chunks).equals(Buffer.concat(big))).to.equal(true);
    // The unlink follows the stream's close asynchronously.
    for (let i = 0; i < 50 && (await blobFiles(dir)).length > 1; i++) await new Promise((resolve) => setTimeout(resolve, 10));
    expect(await blobFiles(dir)).to.have.length(1);
    expect(await text(store, 'b', 'mp')).to.equal('new');
  });

  it('refuses to open a damaged meta.db', async () => {
    await store.close();
    const db = join(dir, 'meta.db');
    const bytes = await readFile(db);
    // Overwrite everything after the header page: the schema and the tables are gone.
    bytes.fill(0x5a, 4096);
    await writeFile(db, bytes);
    await rm(join(dir, 'meta.db-wal'), { force: true });
    await rm(join(dir, 'meta.db-shm'), { force: true });
    const err = await rejection(FsObjectStore.open(dir));
    expect(err).to.be.instanceOf(Error);
    // afterEach closes `store` and removes `dir`: give it a healthy one.
    await rm(dir, { recursive: true, force: true });
    dir = await tempDir();
    store = await FsObjectStore.open(dir);
  });

  it('reopening keeps buckets, configurations, objects, uploads and parts; integrity_check is ok', async () => {
    await store.createBucket('other', { region: 'eu-central-1' });
    await store.putBucketConfig('b', 'policy', '{"p":1}');
    const put = await store.putObject({
      bucket: 'b',
      key: 'é/\u{1F600}',
      body: body('payload'),
      headers: { contentType: 'text/plain' },
      userMetadata: { m: 'v' },
      finalize: () => ({ checksums: { SHA256: 'xyz=' } }),
    });
    const big = Buffer.alloc(5 * 1024 * 1024, 7);
    const done = await store.createMultipartUpload({ bucket: 'b', key: 'mp', headers: {}, userMetadata: {} });
    const parts = [
      await store.uploadPart({ bucket: 'b', key: 'mp', uploadId: done.uploadId, partNumber: 1, body: body(big) }),
      await store.uploadPart({ bucket: 'b', key: 'mp', uploadId: done.uploadId, partNumber: 2, body: body('tail') }),
    ];
    const mp = await store.completeMultipartUpload({ bucket: 'b', key: 'mp', uploadId: done.uploadId, parts });
    const open = await store.createMultipartUpload({ bucket: 'b', key: 'open', headers: {}, userMetadata: { u: '1' }, checksumAlgorithm: 'CRC32' });
    await store.uploadPart({ bucket: 'b', key: 'open', uploadId: open.uploadId, partNumber: 4, body: body('four') });
    await store.close();

    store = await FsObjectStore.open(dir);
    expect(store.integrityCheck()).to.deep.equal(['ok']);
    expect((await store.listBuckets()).map((x) => [x.name, x.region])).to.deep.equal([['b', 'us-east-1'], ['other', 'eu-central-1']]);
    expect(await store.getBucketConfig('b', 'policy')).to.equal('{"p":1}');
    expect(await store.getObjectInfo('b', 'é/\u{1F600}')).to.deep.equal(put);
    expect(await text(store, 'b', 'é/\u{1F600}')).to.equal('payload');
    expect(await store.getObjectInfo('b', 'mp')).to.deep.equal(mp);
    expect((await text(store, 'b', 'mp')).length).to.equal(big.length + 4);
    expect(await store.getMultipartUpload('b', 'open', open.uploadId)).to.deep.equal(open);
    const listed = await store.listParts('b', 'open', open.uploadId, { maxParts: 10 });
    expect(listed.parts.map((p) => [p.partNumber, p.size])).to.deep.equal([[4, 4]]);
    expect((await stat(join(dir, 'meta.db'))).isFile()).to.equal(true);
  });
});
