import { createHash } from 'node:crypto';
import { expect } from 'chai';
import { S3Error } from '../errors/s3-errors.js';
import type { ObjectStore } from '../object-store.js';
import { bodyOf, expectRejectsWith, expectS3Error, failingBody, getBytes, md5Hex, patternBytes, putText, readAll } from './contract-helpers.js';
import type { ContractContext } from './object-store-contract.js';

const MiB = 1024 * 1024;

interface Uploaded {
  uploadId: string;
  parts: { partNumber: number; etag: string }[];
  data: Buffer[];
}

/** Creates an upload for `key` and uploads one part per size (numbered from 1). */
async function uploadParts(store: ObjectStore, bucket: string, key: string, sizes: number[]): Promise<Uploaded> {
  const { uploadId } = await store.createMultipartUpload({ bucket, key, headers: {}, userMetadata: {} });
  const parts: Uploaded['parts'] = [];
  const data: Buffer[] = [];
  for (const [i, size] of sizes.entries()) {
    const bytes = patternBytes(size, 100 + i);
    const part = await store.uploadPart({ bucket, key, uploadId, partNumber: i + 1, body: bodyOf(bytes, 4) });
    expect(part.etag).to.equal(md5Hex(bytes));
    parts.push({ partNumber: i + 1, etag: part.etag });
    data.push(bytes);
  }
  return { uploadId, parts, data };
}

function multipartEtag(etags: string[]): string {
  const md5 = createHash('md5');
  for (const etag of etags) md5.update(Buffer.from(etag, 'hex'));
  return `${md5.digest('hex')}-${etags.length}`;
}

/** CreateMultipartUpload, UploadPart, CompleteMultipartUpload, AbortMultipartUpload, ListParts, ListMultipartUploads. */
export function multipartContract(ctx: ContractContext): void {
  describe('multipart uploads', () => {
    it('completes 5 MiB + 5 MiB + 1 byte into the right bytes, ETag, size and metadata', async () => {
      const created = await ctx.store.createMultipartUpload({
        bucket: ctx.bucket,
        key: 'mp',
        headers: { contentType: 'video/mp4' },
        userMetadata: { origin: 'test' },
        storageClass: 'STANDARD_IA',
        checksumAlgorithm: 'SHA256',
      });
      expect(created.uploadId).to.match(/^[A-Za-z0-9._~-]+$/);
      const fetched = await ctx.store.getMultipartUpload(ctx.bucket, 'mp', created.uploadId);
      expect(fetched).to.deep.include({ bucket: ctx.bucket, key: 'mp', uploadId: created.uploadId, storageClass: 'STANDARD_IA', checksumAlgorithm: 'SHA256' });
      expect(fetched.headers).to.deep.equal({ contentType: 'video/mp4' });
      const data = [patternBytes(5 * MiB, 1), patternBytes(5 * MiB, 2), Buffer.from('!')];
      const etags: string[] = [];
      // Upload out of order: part numbers, not arrival order, define the layout.
      for (const n of [2, 3, 1]) {
        const part = await ctx.store.uploadPart({ bucket: ctx.bucket, key: 'mp', uploadId: created.uploadId, partNumber: n, body: bodyOf(data[n - 1]!, 5) });
        expect(part.partNumber).to.equal(n);
        expect(part.size).to.equal(data[n - 1]!.length);
        etags[n - 1] = part.etag;
      }
      const info = await ctx.store.completeMultipartUpload({
        bucket: ctx.bucket,
        key: 'mp',
        uploadId: created.uploadId,
        parts: etags.map((etag, i) => ({ partNumber: i + 1, etag: `"${etag}"` })),
      });
      const whole = Buffer.concat(data);
      expect(info.etag).to.equal(multipartEtag(data.map((d) => md5Hex(d))));
      expect(info.size).to.equal(whole.length);
      expect(info.partsCount).to.equal(3);
      expect(info.storageClass).to.equal('STANDARD_IA');
      const stored = await ctx.store.getObjectInfo(ctx.bucket, 'mp');
      expect(stored).to.deep.include({ etag: info.etag, size: whole.length, partsCount: 3 });
      expect(stored.headers).to.deep.equal({ contentType: 'video/mp4' });
      expect(stored.userMetadata).to.deep.equal({ origin: 'test' });
      expect((await getBytes(ctx.store, ctx.bucket, 'mp')).equals(whole)).to.equal(true);
      // The upload is over.
      await expectS3Error(ctx.store.getMultipartUpload(ctx.bucket, 'mp', created.uploadId), 'NoSuchUpload');
      await expectS3Error(ctx.store.listParts(ctx.bucket, 'mp', created.uploadId, { maxParts: 10 }), 'NoSuchUpload');
      await expectS3Error(ctx.store.abortMultipartUpload(ctx.bucket, 'mp', created.uploadId), 'NoSuchUpload');
      await expectS3Error(
        ctx.store.uploadPart({ bucket: ctx.bucket, key: 'mp', uploadId: created.uploadId, partNumber: 1, body: bodyOf('x') }),
        'NoSuchUpload',
      );
      expect((await ctx.store.listMultipartUploads(ctx.bucket, { maxUploads: 10 })).uploads).to.deep.equal([]);

      // Ranges across part boundaries.
      const boundary = 5 * MiB;
      for (const range of [
        { start: 0, end: 0 },
        { start: whole.length - 1, end: whole.length - 1 },
        { start: boundary - 2, end: boundary + 1 },
        { start: 2 * boundary - 1, end: 2 * boundary },
        { start: 100, end: 2 * boundary - 100 },
        { start: boundary, end: whole.length - 1 },
      ]) {
        const bytes = await getBytes(ctx.store, ctx.bucket, 'mp', range);
        expect(bytes.equals(whole.subarray(range.start, range.end + 1)), JSON.stringify(range)).to.equal(true);
      }
    });

    it('a single small part completes with the ETag md5(md5)-1', async () => {
      const up = await uploadParts(ctx.store, ctx.bucket, 'one', [10]);
      const info = await ctx.store.completeMultipartUpload({ bucket: ctx.bucket, key: 'one', uploadId: up.uploadId, parts: up.parts });
      expect(info.etag).to.equal(multipartEtag([md5Hex(up.data[0]!)]));
      expect((await getBytes(ctx.store, ctx.bucket, 'one')).equals(up.data[0]!)).to.equal(true);
    });

    it('re-uploading a part number replaces the part', async () => {
      const { uploadId } = await ctx.store.createMultipartUpload({ bucket: ctx.bucket, key: 'k', headers: {}, userMetadata: {} });
      const first = await ctx.store.uploadPart({ bucket: ctx.bucket, key: 'k', uploadId, partNumber: 1, body: bodyOf('first') });
      const second = await ctx.store.uploadPart({ bucket: ctx.bucket, key: 'k', uploadId, partNumber: 1, body: bodyOf('second') });
      const listed = await ctx.store.listParts(ctx.bucket, 'k', uploadId, { maxParts: 10 });
      expect(listed.parts.map((p) => [p.partNumber, p.etag])).to.deep.equal([[1, second.etag]]);
      await expectS3Error(ctx.store.completeMultipartUpload({ bucket: ctx.bucket, key: 'k', uploadId, parts: [{ partNumber: 1, etag: first.etag }] }), 'InvalidPart');
      await ctx.store.completeMultipartUpload({ bucket: ctx.bucket, key: 'k', uploadId, parts: [{ partNumber: 1, etag: second.etag }] });
      expect((await getBytes(ctx.store, ctx.bucket, 'k')).toString()).to.equal('second');
    });

    it('InvalidPart for a missing part or a wrong ETag; the upload stays usable', async () => {
      const up = await uploadParts(ctx.store, ctx.bucket, 'k', [5 * MiB, 3]);
      const complete = (parts: { partNumber: number; etag: string }[]) => ctx.store.completeMultipartUpload({ bucket: ctx.bucket, key: 'k', uploadId: up.uploadId, parts });
      await expectS3Error(complete([up.parts[0]!, { partNumber: 3, etag: up.parts[1]!.etag }]), 'InvalidPart');
      await expectS3Error(complete([up.parts[0]!, { partNumber: 2, etag: md5Hex('other') }]), 'InvalidPart');
      await expectS3Error(ctx.store.getObjectInfo(ctx.bucket, 'k'), 'NoSuchKey');
      await complete(up.parts);
      expect((await getBytes(ctx.store, ctx.bucket, 'k')).equals(Buffer.concat(up.data))).to.equal(true);
    });

    it('InvalidPartOrder for descending or repeated part numbers', async () => {
      const up = await uploadParts(ctx.store, ctx.bucket, 'k', [5 * MiB, 5 * MiB]);
      const complete = (parts: { partNumber: number; etag: string }[]) => ctx.store.completeMultipartUpload({ bucket: ctx.bucket, key: 'k', uploadId: up.uploadId, parts });
      await expectS3Error(complete([up.parts[1]!, up.parts[0]!]), 'InvalidPartOrder');
      await expectS3Error(complete([up.parts[0]!, up.parts[0]!]), 'InvalidPartOrder');
      await expectS3Error(ctx.store.getObjectInfo(ctx.bucket, 'k'), 'NoSuchKey');
    });

    it('EntityTooSmall when a part other than the last is under 5 MiB', async () => {
      const up = await uploadParts(ctx.store, ctx.bucket, 'k', [5 * MiB - 1, 1]);
      await expectS3Error(ctx.store.completeMultipartUpload({ bucket: ctx.bucket, key: 'k', uploadId: up.uploadId, parts: up.parts }), 'EntityTooSmall');
      await expectS3Error(ctx.store.getObjectInfo(ctx.bucket, 'k'), 'NoSuchKey');
      expect((await ctx.store.getMultipartUpload(ctx.bucket, 'k', up.uploadId)).uploadId).to.equal(up.uploadId);
    });

    it('parts left out of the completion are not part of the object', async () => {
      const up = await uploadParts(ctx.store, ctx.bucket, 'k', [5 * MiB, 7, 9]);
      await ctx.store.completeMultipartUpload({ bucket: ctx.bucket, key: 'k', uploadId: up.uploadId, parts: [up.parts[0]!, up.parts[2]!] });
      const bytes = await getBytes(ctx.store, ctx.bucket, 'k');
      expect(bytes.equals(Buffer.concat([up.data[0]!, up.data[2]!]))).to.equal(true);
      expect((await ctx.store.getObjectInfo(ctx.bucket, 'k')).partsCount).to.equal(2);
    });

    it('NoSuchUpload for an unknown id, an id of another key, or an aborted upload', async () => {
      await expectS3Error(ctx.store.getMultipartUpload(ctx.bucket, 'k', 'no-such-upload-id'), 'NoSuchUpload');
      const up = await uploadParts(ctx.store, ctx.bucket, 'k', [4]);
      await expectS3Error(ctx.store.getMultipartUpload(ctx.bucket, 'other-key', up.uploadId), 'NoSuchUpload');
      await expectS3Error(ctx.store.completeMultipartUpload({ bucket: ctx.bucket, key: 'other-key', uploadId: up.uploadId, parts: up.parts }), 'NoSuchUpload');
      await ctx.store.abortMultipartUpload(ctx.bucket, 'k', up.uploadId);
      await expectS3Error(ctx.store.getMultipartUpload(ctx.bucket, 'k', up.uploadId), 'NoSuchUpload');
      await expectS3Error(ctx.store.completeMultipartUpload({ bucket: ctx.bucket, key: 'k', uploadId: up.uploadId, parts: up.parts }), 'NoSuchUpload');
      await expectS3Error(ctx.store.uploadPart({ bucket: ctx.bucket, key: 'k', uploadId: up.uploadId, partNumber: 2, body: bodyOf('x') }), 'NoSuchUpload');
      await expectS3Error(ctx.store.abortMultipartUpload(ctx.bucket, 'k', up.uploadId), 'NoSuchUpload');
      expect((await ctx.store.listMultipartUploads(ctx.bucket, { maxUploads: 10 })).uploads).to.deep.equal([]);
      await expectS3Error(ctx.store.getObjectInfo(ctx.bucket, 'k'), 'NoSuchKey');
      await expectS3Error(ctx.store.createMultipartUpload({ bucket: 'missing', key: 'k', headers: {}, userMetadata: {} }), 'NoSuchBucket');
    });

    it('UploadPart with a failing body rejects with its error and stores no part; finalize checksums are kept', async () => {
      const { uploadId } = await ctx.store.createMultipartUpload({ bucket: ctx.bucket, key: 'k', headers: {}, userMetadata: {} });
      const bad = new S3Error('XAmzContentSHA256Mismatch');
      await expectRejectsWith(ctx.store.uploadPart({ bucket: ctx.bucket, key: 'k', uploadId, partNumber: 1, body: failingBody(Buffer.from('abc'), bad) }), bad);
      const refused = new S3Error('BadDigest');
      await expectRejectsWith(
        ctx.store.uploadPart({ bucket: ctx.bucket, key: 'k', uploadId, partNumber: 2, body: bodyOf('x'), finalize: () => { throw refused; } }),
        refused,
      );
      expect((await ctx.store.listParts(ctx.bucket, 'k', uploadId, { maxParts: 10 })).parts).to.deep.equal([]);
      await ctx.store.uploadPart({ bucket: ctx.bucket, key: 'k', uploadId, partNumber: 3, body: bodyOf('ok'), finalize: () => ({ checksums: { SHA256: 'abc=' } }) });
      const parts = (await ctx.store.listParts(ctx.bucket, 'k', uploadId, { maxParts: 10 })).parts;
      expect(parts.map((p) => [p.partNumber, p.size, p.etag, p.checksums])).to.deep.equal([[3, 2, md5Hex('ok'), { SHA256: 'abc=' }]]);
    });

    it('ListParts pages with partNumberMarker', async () => {
      const up = await uploadParts(ctx.store, ctx.bucket, 'k', [1, 2, 3, 4, 5]);
      const seen: number[] = [];
      let marker: number | undefined;
      const pages: boolean[] = [];
      for (;;) {
        const page = await ctx.store.listParts(ctx.bucket, 'k', up.uploadId, { partNumberMarker: marker, maxParts: 2 });
        expect(page.upload.uploadId).to.equal(up.uploadId);
        seen.push(...page.parts.map((p) => p.partNumber));
        pages.push(page.isTruncated);
        if (!page.isTruncated) break;
        expect(page.nextPartNumberMarker).to.equal(page.parts[page.parts.length - 1]!.partNumber);
        marker = page.nextPartNumberMarker;
      }
      expect(seen).to.deep.equal([1, 2, 3, 4, 5]);
      expect(pages).to.deep.equal([true, true, false]);
      const tail = await ctx.store.listParts(ctx.bucket, 'k', up.uploadId, { partNumberMarker: 3, maxParts: 100 });
      expect(tail.parts.map((p) => [p.partNumber, p.size])).to.deep.equal([[4, 4], [5, 5]]);
      expect(tail.isTruncated).to.equal(false);
    });

    it('ListMultipartUploads orders by key then upload id, folds prefixes and pages with markers', async () => {
      const ids: Record<string, string[]> = {};
      for (const key of ['b', 'a/1', 'c/x', 'b', 'a/2', 'd']) {
        const { uploadId } = await ctx.store.createMultipartUpload({ bucket: ctx.bucket, key, headers: {}, userMetadata: {} });
        (ids[key] ??= []).push(uploadId);
      }
      for (const list of Object.values(ids)) list.sort();
      const all = await ctx.store.listMultipartUploads(ctx.bucket, { maxUploads: 1000 });
      expect(all.uploads.map((u) => [u.key, u.uploadId])).to.deep.equal([
        ['a/1', ids['a/1']![0]],
        ['a/2', ids['a/2']![0]],
        ['b', ids['b']![0]],
        ['b', ids['b']![1]],
        ['c/x', ids['c/x']![0]],
        ['d', ids['d']![0]],
      ]);
      expect(all.isTruncated).to.equal(false);
      const folded = await ctx.store.listMultipartUploads(ctx.bucket, { delimiter: '/', maxUploads: 1000 });
      expect(folded.uploads.map((u) => u.key)).to.deep.equal(['b', 'b', 'd']);
      expect(folded.commonPrefixes).to.deep.equal(['a/', 'c/']);
      const under = await ctx.store.listMultipartUploads(ctx.bucket, { prefix: 'a/', maxUploads: 1000 });
      expect(under.uploads.map((u) => u.key)).to.deep.equal(['a/1', 'a/2']);

      // Page one entry at a time: both uploads of 'b' need the upload-id marker.
      for (const delimiter of [undefined, '/']) {
        const entries: string[] = [];
        let keyMarker: string | undefined;
        let uploadIdMarker: string | undefined;
        for (let n = 0; n < 20; n++) {
          const page = await ctx.store.listMultipartUploads(ctx.bucket, { delimiter, keyMarker, uploadIdMarker, maxUploads: 1 });
          entries.push(...page.uploads.map((u) => `${u.key}#${u.uploadId}`), ...page.commonPrefixes);
          if (!page.isTruncated) break;
          keyMarker = page.nextKeyMarker;
          uploadIdMarker = page.nextUploadIdMarker;
        }
        const expected = delimiter
          ? ['a/', `b#${ids['b']![0]}`, `b#${ids['b']![1]}`, 'c/', `d#${ids['d']![0]}`]
          : all.uploads.map((u) => `${u.key}#${u.uploadId}`);
        expect(entries, String(delimiter)).to.deep.equal(expected);
      }
      const afterB = await ctx.store.listMultipartUploads(ctx.bucket, { keyMarker: 'b', maxUploads: 1000 });
      expect(afterB.uploads.map((u) => u.key)).to.deep.equal(['c/x', 'd']);
    });

    it('AbortMultipartUpload removes the upload and its parts', async () => {
      const up = await uploadParts(ctx.store, ctx.bucket, 'k', [3, 3]);
      await ctx.store.abortMultipartUpload(ctx.bucket, 'k', up.uploadId);
      expect((await ctx.store.listMultipartUploads(ctx.bucket, { maxUploads: 10 })).uploads).to.deep.equal([]);
      await expectS3Error(ctx.store.listParts(ctx.bucket, 'k', up.uploadId, { maxParts: 10 }), 'NoSuchUpload');
      await expectS3Error(ctx.store.getObjectInfo(ctx.bucket, 'k'), 'NoSuchKey');
    });

    it('concurrent completes of one upload: one wins, the other gets NoSuchUpload', async () => {
      const up = await uploadParts(ctx.store, ctx.bucket, 'k', [5 * MiB, 10]);
      const input = { bucket: ctx.bucket, key: 'k', uploadId: up.uploadId, parts: up.parts };
      const results = await Promise.allSettled([ctx.store.completeMultipartUpload(input), ctx.store.completeMultipartUpload(input)]);
      expect(results.filter((r) => r.status === 'fulfilled')).to.have.length(1);
      const rejected = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
      expect(rejected).to.have.length(1);
      expect((rejected[0]!.reason as S3Error).code).to.equal('NoSuchUpload');
      expect((await getBytes(ctx.store, ctx.bucket, 'k')).equals(Buffer.concat(up.data))).to.equal(true);
    });

    it('the precondition of a completion sees the current object and may refuse it', async () => {
      const previous = await putText(ctx.store, ctx.bucket, 'k', 'previous');
      const up = await uploadParts(ctx.store, ctx.bucket, 'k', [6]);
      const failed = new S3Error('PreconditionFailed');
      let seen: string | undefined;
      await expectRejectsWith(
        ctx.store.completeMultipartUpload({
          bucket: ctx.bucket,
          key: 'k',
          uploadId: up.uploadId,
          parts: up.parts,
          precondition: (current) => {
            seen = current?.etag;
            throw failed;
          },
        }),
        failed,
      );
      expect(seen).to.equal(previous.etag);
      expect((await getBytes(ctx.store, ctx.bucket, 'k')).toString()).to.equal('previous');
      await ctx.store.completeMultipartUpload({ bucket: ctx.bucket, key: 'k', uploadId: up.uploadId, parts: up.parts });
      expect((await getBytes(ctx.store, ctx.bucket, 'k')).equals(up.data[0]!)).to.equal(true);
    });

    it('an opened stream of a multipart object survives DeleteObject and overwrite', async () => {
      const up = await uploadParts(ctx.store, ctx.bucket, 'k', [5 * MiB, 1000]);
      await ctx.store.completeMultipartUpload({ bucket: ctx.bucket, key: 'k', uploadId: up.uploadId, parts: up.parts });
      const whole = Buffer.concat(up.data);
      const a = await ctx.store.openObject(ctx.bucket, 'k');
      const b = await ctx.store.openObject(ctx.bucket, 'k', () => ({ start: 5 * MiB - 10, end: 5 * MiB + 10 }));
      await putText(ctx.store, ctx.bucket, 'k', 'overwritten');
      const c = await ctx.store.openObject(ctx.bucket, 'k');
      await ctx.store.deleteObject(ctx.bucket, 'k');
      expect((await readAll(a.body)).equals(whole)).to.equal(true);
      expect((await readAll(b.body)).equals(whole.subarray(5 * MiB - 10, 5 * MiB + 11))).to.equal(true);
      expect((await readAll(c.body)).toString()).to.equal('overwritten');
    });
  });
}
