import { expect } from 'chai';
import { S3Error } from '../errors/s3-errors.js';
import type { ObjectInfo } from '../object-store.js';
import {
  bodyOf,
  expectRejectsWith,
  expectS3Error,
  failingBody,
  getBytes,
  md5Hex,
  patternBytes,
  putText,
  readAll,
  slowBody,
} from './contract-helpers.js';
import type { ContractContext } from './object-store-contract.js';

/** PutObject, GetObject, HeadObject, DeleteObject: bytes, metadata, ranges, atomicity. */
export function objectContract(ctx: ContractContext): void {
  describe('objects', () => {
    it('PutObject then GetObject round-trips the bytes, size and MD5 ETag', async () => {
      const data = patternBytes(300_000, 7);
      const put = await ctx.store.putObject({ bucket: ctx.bucket, key: 'big', body: bodyOf(data, 7), headers: {}, userMetadata: {} });
      expect(put.size).to.equal(data.length);
      expect(put.etag).to.equal(md5Hex(data));
      expect(put.storageClass).to.equal('STANDARD');
      expect(put.partsCount).to.equal(undefined);
      expect(put.lastModified).to.be.instanceOf(Date);
      const { info, range, body } = await ctx.store.openObject(ctx.bucket, 'big');
      expect(range).to.equal(undefined);
      expect(info.etag).to.equal(put.etag);
      expect((await readAll(body)).equals(data)).to.equal(true);
    });

    it('an empty object has size 0, the MD5 of nothing and an empty body', async () => {
      const put = await putText(ctx.store, ctx.bucket, 'empty', '');
      expect(put.size).to.equal(0);
      expect(put.etag).to.equal('d41d8cd98f00b204e9800998ecf8427e');
      expect((await getBytes(ctx.store, ctx.bucket, 'empty')).length).to.equal(0);
    });

    it('headers, user metadata, checksums and storage class round-trip', async () => {
      const headers = {
        contentType: 'text/plain; charset=utf-8',
        contentEncoding: 'gzip',
        contentDisposition: 'attachment; filename="a.txt"',
        contentLanguage: 'fr',
        cacheControl: 'max-age=60',
        expires: 'Wed, 21 Oct 2099 07:28:00 GMT',
      };
      const userMetadata = { color: 'blue', 'x-odd': 'éü ✓' };
      const put = await ctx.store.putObject({
        bucket: ctx.bucket,
        key: 'meta',
        body: bodyOf('hello'),
        headers,
        userMetadata,
        storageClass: 'REDUCED_REDUNDANCY',
        finalize: () => ({ checksums: { CRC32: 'NhCmhg==' } }),
      });
      const opened = await ctx.store.openObject(ctx.bucket, 'meta');
      expect((await readAll(opened.body)).toString()).to.equal('hello');
      for (const info of [put, await ctx.store.getObjectInfo(ctx.bucket, 'meta'), opened.info]) {
        expect(info.headers).to.deep.equal(headers);
        expect(info.userMetadata).to.deep.equal(userMetadata);
        expect(info.checksums).to.deep.equal({ CRC32: 'NhCmhg==' });
        expect(info.storageClass).to.equal('REDUCED_REDUNDANCY');
        expect(info.bucket).to.equal(ctx.bucket);
        expect(info.key).to.equal('meta');
      }
      const listed = await ctx.store.listObjects(ctx.bucket, { maxKeys: 10 });
      expect(listed.objects[0]?.etag).to.equal(md5Hex('hello'));
      expect(listed.objects[0]?.size).to.equal(5);
    });

    it('overwriting replaces bytes and metadata', async () => {
      await ctx.store.putObject({ bucket: ctx.bucket, key: 'k', body: bodyOf('first version'), headers: { contentType: 'a/b' }, userMetadata: { a: '1' } });
      const second = await ctx.store.putObject({ bucket: ctx.bucket, key: 'k', body: bodyOf('2nd'), headers: {}, userMetadata: { b: '2' } });
      const info = await ctx.store.getObjectInfo(ctx.bucket, 'k');
      expect(info.etag).to.equal(second.etag);
      expect(info.size).to.equal(3);
      expect(info.headers).to.deep.equal({});
      expect(info.userMetadata).to.deep.equal({ b: '2' });
      expect((await getBytes(ctx.store, ctx.bucket, 'k')).toString()).to.equal('2nd');
      expect((await ctx.store.listObjects(ctx.bucket, { maxKeys: 10 })).objects.map((o) => o.key)).to.deep.equal(['k']);
    });

    it('DeleteObject removes the object; deleting a missing key succeeds', async () => {
      await putText(ctx.store, ctx.bucket, 'k', 'v');
      await ctx.store.deleteObject(ctx.bucket, 'k');
      await expectS3Error(ctx.store.getObjectInfo(ctx.bucket, 'k'), 'NoSuchKey');
      await expectS3Error(ctx.store.openObject(ctx.bucket, 'k'), 'NoSuchKey');
      await ctx.store.deleteObject(ctx.bucket, 'k');
      await ctx.store.deleteObject(ctx.bucket, 'never-existed');
      expect((await ctx.store.listObjects(ctx.bucket, { maxKeys: 10 })).objects).to.deep.equal([]);
    });

    it('object operations on a missing bucket throw NoSuchBucket', async () => {
      await expectS3Error(putText(ctx.store, 'missing', 'k', 'v'), 'NoSuchBucket');
      await expectS3Error(ctx.store.getObjectInfo('missing', 'k'), 'NoSuchBucket');
      await expectS3Error(ctx.store.openObject('missing', 'k'), 'NoSuchBucket');
      await expectS3Error(ctx.store.deleteObject('missing', 'k'), 'NoSuchBucket');
      await expectS3Error(ctx.store.listObjects('missing', { maxKeys: 10 }), 'NoSuchBucket');
    });

    it('ranges: first byte, last byte, middle, whole', async () => {
      const data = patternBytes(200_000, 3);
      await ctx.store.putObject({ bucket: ctx.bucket, key: 'r', body: bodyOf(data, 3), headers: {}, userMetadata: {} });
      for (const range of [
        { start: 0, end: 0 },
        { start: data.length - 1, end: data.length - 1 },
        { start: 1000, end: 150_000 },
        { start: 0, end: data.length - 1 },
      ]) {
        let seen: ObjectInfo | undefined;
        const opened = await ctx.store.openObject(ctx.bucket, 'r', (info) => {
          seen = info;
          return range;
        });
        expect(seen?.size).to.equal(data.length);
        expect(opened.range).to.deep.equal(range);
        expect((await readAll(opened.body)).equals(data.subarray(range.start, range.end + 1))).to.equal(true);
      }
    });

    it('an error thrown by the range selector reaches the caller', async () => {
      await putText(ctx.store, ctx.bucket, 'r', 'abc');
      const refusal = new S3Error('InvalidRange');
      await expectRejectsWith(
        ctx.store.openObject(ctx.bucket, 'r', () => {
          throw refusal;
        }),
        refusal,
      );
    });

    it("keys 'a', 'a/', 'a/b', '../x', 'a//b', '//' coexist as distinct objects", async () => {
      const keys = ['a', 'a/', 'a/b', '../x', 'a//b', '//', '.', '..', 'a/./b', 'a\\b', ' '];
      for (const key of keys) await putText(ctx.store, ctx.bucket, key, `content of ${key}`);
      for (const key of keys) expect((await getBytes(ctx.store, ctx.bucket, key)).toString()).to.equal(`content of ${key}`);
      const listed = await ctx.store.listObjects(ctx.bucket, { maxKeys: 1000 });
      expect(listed.objects.map((o) => o.key)).to.have.members(keys);
      expect(listed.objects).to.have.length(keys.length);
      await ctx.store.deleteObject(ctx.bucket, 'a/');
      expect((await getBytes(ctx.store, ctx.bucket, 'a')).toString()).to.equal('content of a');
      expect((await getBytes(ctx.store, ctx.bucket, 'a/b')).toString()).to.equal('content of a/b');
    });

    it('1024-byte keys (ASCII and multi-byte) are stored and listed', async () => {
      const ascii = 'k'.repeat(1024);
      const multi = 'é'.repeat(512);
      expect(Buffer.byteLength(multi)).to.equal(1024);
      await putText(ctx.store, ctx.bucket, ascii, 'ascii');
      await putText(ctx.store, ctx.bucket, multi, 'multi');
      expect((await getBytes(ctx.store, ctx.bucket, ascii)).toString()).to.equal('ascii');
      expect((await getBytes(ctx.store, ctx.bucket, multi)).toString()).to.equal('multi');
      const listed = await ctx.store.listObjects(ctx.bucket, { maxKeys: 10 });
      expect(listed.objects.map((o) => o.key)).to.deep.equal([ascii, multi]);
    });

    it('a body stream failing midway rejects with its own error and changes nothing', async () => {
      await putText(ctx.store, ctx.bucket, 'k', 'previous');
      const mismatch = new S3Error('XAmzContentSHA256Mismatch');
      await expectRejectsWith(
        ctx.store.putObject({ bucket: ctx.bucket, key: 'k', body: failingBody(patternBytes(100_000, 1), mismatch), headers: {}, userMetadata: {} }),
        mismatch,
      );
      expect((await getBytes(ctx.store, ctx.bucket, 'k')).toString()).to.equal('previous');
      const bad = new S3Error('BadDigest');
      await expectRejectsWith(
        ctx.store.putObject({ bucket: ctx.bucket, key: 'new', body: failingBody(Buffer.from('x'), bad), headers: {}, userMetadata: {} }),
        bad,
      );
      await expectS3Error(ctx.store.getObjectInfo(ctx.bucket, 'new'), 'NoSuchKey');
      expect((await ctx.store.listObjects(ctx.bucket, { maxKeys: 10 })).objects.map((o) => o.key)).to.deep.equal(['k']);
    });

    it('finalize throwing aborts the write', async () => {
      await putText(ctx.store, ctx.bucket, 'k', 'previous');
      const bad = new S3Error('BadDigest');
      let calls = 0;
      const finalize = (): never => {
        calls++;
        throw bad;
      };
      await expectRejectsWith(ctx.store.putObject({ bucket: ctx.bucket, key: 'k', body: bodyOf('next'), headers: {}, userMetadata: {}, finalize }), bad);
      await expectRejectsWith(ctx.store.putObject({ bucket: ctx.bucket, key: 'other', body: bodyOf('next'), headers: {}, userMetadata: {}, finalize }), bad);
      expect(calls).to.equal(2);
      expect((await getBytes(ctx.store, ctx.bucket, 'k')).toString()).to.equal('previous');
      await expectS3Error(ctx.store.getObjectInfo(ctx.bucket, 'other'), 'NoSuchKey');
    });

    it('precondition sees the current object and throwing refuses the write', async () => {
      const seen: (ObjectInfo | undefined)[] = [];
      const first = await ctx.store.putObject({
        bucket: ctx.bucket,
        key: 'k',
        body: bodyOf('v1'),
        headers: {},
        userMetadata: {},
        precondition: (current) => void seen.push(current),
      });
      expect(seen).to.deep.equal([undefined]);
      const failed = new S3Error('PreconditionFailed');
      await expectRejectsWith(
        ctx.store.putObject({
          bucket: ctx.bucket,
          key: 'k',
          body: bodyOf('v2'),
          headers: {},
          userMetadata: {},
          precondition: (current) => {
            seen.push(current);
            throw failed;
          },
        }),
        failed,
      );
      expect(seen[1]?.etag).to.equal(first.etag);
      expect((await getBytes(ctx.store, ctx.bucket, 'k')).toString()).to.equal('v1');
    });

    it('two concurrent PutObjects to one key end with exactly one complete body', async () => {
      const a = patternBytes(150_000, 11);
      const b = patternBytes(150_000, 12);
      const [pa, pb] = await Promise.all([
        ctx.store.putObject({ bucket: ctx.bucket, key: 'race', body: slowBody(a, 10), headers: {}, userMetadata: {} }),
        ctx.store.putObject({ bucket: ctx.bucket, key: 'race', body: slowBody(b, 10), headers: {}, userMetadata: {} }),
      ]);
      expect(pa.etag).to.equal(md5Hex(a));
      expect(pb.etag).to.equal(md5Hex(b));
      const stored = await getBytes(ctx.store, ctx.bucket, 'race');
      expect(stored.equals(a) || stored.equals(b), 'one writer wins whole').to.equal(true);
      expect((await ctx.store.getObjectInfo(ctx.bucket, 'race')).etag).to.equal(md5Hex(stored));
    });

    it('an opened stream survives a concurrent DeleteObject', async () => {
      const data = patternBytes(500_000, 5);
      await ctx.store.putObject({ bucket: ctx.bucket, key: 'k', body: bodyOf(data), headers: {}, userMetadata: {} });
      const { body } = await ctx.store.openObject(ctx.bucket, 'k');
      await ctx.store.deleteObject(ctx.bucket, 'k');
      expect((await readAll(body)).equals(data)).to.equal(true);
      await expectS3Error(ctx.store.openObject(ctx.bucket, 'k'), 'NoSuchKey');
    });

    it('an opened stream survives a concurrent overwrite, and the next open sees the new bytes', async () => {
      const old = patternBytes(500_000, 8);
      await ctx.store.putObject({ bucket: ctx.bucket, key: 'k', body: bodyOf(old), headers: {}, userMetadata: {} });
      const { body } = await ctx.store.openObject(ctx.bucket, 'k', () => ({ start: 10, end: 400_000 }));
      // Start reading, overwrite mid-stream, then read on.
      const iterator = body[Symbol.asyncIterator]() as AsyncIterator<Buffer>;
      const chunks: Buffer[] = [];
      const first = await iterator.next();
      expect(first.done).to.equal(false);
      chunks.push(first.value);
      await putText(ctx.store, ctx.bucket, 'k', 'replacement');
      for (let next = await iterator.next(); !next.done; next = await iterator.next()) chunks.push(next.value);
      expect(Buffer.concat(chunks).equals(old.subarray(10, 400_001))).to.equal(true);
      expect((await getBytes(ctx.store, ctx.bucket, 'k')).toString()).to.equal('replacement');
    });
  });
}
