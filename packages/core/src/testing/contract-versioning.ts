import { createHash } from 'node:crypto';
import { expect } from 'chai';
import type { ObjectStore } from '../object-store.js';
import { bodyOf, expectS3Error, getBytes, patternBytes, putText, readAll } from './contract-helpers.js';
import type { ContractContext } from './object-store-contract.js';

const MiB = 1024 * 1024;

async function versionIds(store: ObjectStore, bucket: string, prefix?: string): Promise<string[]> {
  const res = await store.listObjectVersions(bucket, { prefix, maxKeys: 1000 });
  return res.versions.map((v) => (v.kind === 'version' ? `${v.info.key}:${v.info.versionId}` : `${v.marker.key}:${v.marker.versionId}:DM`));
}

/** Versioning, delete markers, ListObjectVersions, per-version attributes and Object Lock rules. */
export function versioningContract(ctx: ContractContext): void {
  describe('versioning', () => {
    it('an unversioned bucket keeps one null version per key; delete removes it', async () => {
      expect((await ctx.store.getBucket(ctx.bucket))?.versioning).to.equal(undefined);
      const a = await putText(ctx.store, ctx.bucket, 'k', 'one');
      const b = await putText(ctx.store, ctx.bucket, 'k', 'two');
      expect(a.versionId).to.equal('null');
      expect(b.versionId).to.equal('null');
      expect(await versionIds(ctx.store, ctx.bucket)).to.deep.equal(['k:null']);
      const del = await ctx.store.deleteObject(ctx.bucket, 'k');
      expect(del).to.deep.equal({ deleteMarker: false });
      expect(await versionIds(ctx.store, ctx.bucket)).to.deep.equal([]);
    });

    it('Enabled: each write is a new version, newest first; reads by id; latest is listed', async () => {
      await ctx.store.setBucketVersioning(ctx.bucket, 'Enabled');
      expect((await ctx.store.getBucket(ctx.bucket))?.versioning).to.equal('Enabled');
      const v1 = await putText(ctx.store, ctx.bucket, 'k', 'one');
      const v2 = await putText(ctx.store, ctx.bucket, 'k', 'two');
      expect(v1.versionId).to.be.a('string').and.not.equal('null');
      expect(v2.versionId).to.not.equal(v1.versionId);
      expect((await getBytes(ctx.store, ctx.bucket, 'k')).toString()).to.equal('two');
      const old = await ctx.store.openObject(ctx.bucket, 'k', undefined, { versionId: v1.versionId });
      expect((await readAll(old.body)).toString()).to.equal('one');
      expect(old.info.isLatest).to.equal(false);
      expect((await ctx.store.getObjectInfo(ctx.bucket, 'k', { versionId: v2.versionId })).isLatest).to.equal(true);
      expect(await versionIds(ctx.store, ctx.bucket)).to.deep.equal([`k:${v2.versionId}`, `k:${v1.versionId}`]);
      const listed = await ctx.store.listObjects(ctx.bucket, { maxKeys: 10 });
      expect(listed.objects.map((o) => [o.key, o.versionId])).to.deep.equal([['k', v2.versionId]]);
    });

    it('a delete without id adds a marker: the key reads NoSuchKey with x-amz-delete-marker, versions remain', async () => {
      await ctx.store.setBucketVersioning(ctx.bucket, 'Enabled');
      const v1 = await putText(ctx.store, ctx.bucket, 'k', 'one');
      await putText(ctx.store, ctx.bucket, 'other', 'x');
      const del = await ctx.store.deleteObject(ctx.bucket, 'k');
      expect(del.deleteMarker).to.equal(true);
      expect(del.versionId).to.be.a('string').and.not.equal('null');
      const err = await expectS3Error(ctx.store.getObjectInfo(ctx.bucket, 'k'), 'NoSuchKey');
      expect(err.headers).to.deep.include({ 'x-amz-delete-marker': 'true', 'x-amz-version-id': del.versionId });
      const onMarker = await expectS3Error(ctx.store.getObjectInfo(ctx.bucket, 'k', { versionId: del.versionId }), 'MethodNotAllowed');
      expect(onMarker.headers['x-amz-delete-marker']).to.equal('true');
      await expectS3Error(getBytes(ctx.store, ctx.bucket, 'k'), 'NoSuchKey');
      expect((await ctx.store.listObjects(ctx.bucket, { maxKeys: 10 })).objects.map((o) => o.key)).to.deep.equal(['other']);
      const versions = await ctx.store.listObjectVersions(ctx.bucket, { maxKeys: 10 });
      expect(versions.versions.map((v) => v.kind)).to.deep.equal(['deleteMarker', 'version', 'version']);
      const marker = versions.versions[0]!;
      expect(marker.kind === 'deleteMarker' && marker.marker.isLatest).to.equal(true);
      // The bucket is not empty while versions or markers remain.
      await expectS3Error(ctx.store.deleteBucket(ctx.bucket), 'BucketNotEmpty');
      // Removing the marker by id brings v1 back as latest.
      expect(await ctx.store.deleteObject(ctx.bucket, 'k', { versionId: del.versionId })).to.deep.equal({ versionId: del.versionId, deleteMarker: true });
      const back = await ctx.store.getObjectInfo(ctx.bucket, 'k');
      expect(back.versionId).to.equal(v1.versionId);
      expect(back.isLatest).to.equal(true);
    });

    it('a delete with id removes that version for good; unknown and malformed ids', async () => {
      await ctx.store.setBucketVersioning(ctx.bucket, 'Enabled');
      const v1 = await putText(ctx.store, ctx.bucket, 'k', 'one');
      const v2 = await putText(ctx.store, ctx.bucket, 'k', 'two');
      expect(await ctx.store.deleteObject(ctx.bucket, 'k', { versionId: v2.versionId })).to.deep.equal({ versionId: v2.versionId, deleteMarker: false });
      expect((await getBytes(ctx.store, ctx.bucket, 'k')).toString()).to.equal('one');
      expect((await ctx.store.getObjectInfo(ctx.bucket, 'k')).versionId).to.equal(v1.versionId);
      await expectS3Error(ctx.store.getObjectInfo(ctx.bucket, 'k', { versionId: v2.versionId }), 'NoSuchVersion');
      await expectS3Error(ctx.store.getObjectInfo(ctx.bucket, 'k', { versionId: 'not a version' }), 'InvalidArgument');
      await expectS3Error(ctx.store.getObjectInfo(ctx.bucket, 'k', { versionId: 'null' }), 'NoSuchVersion');
      // Deleting a version that does not exist succeeds, as S3.
      expect((await ctx.store.deleteObject(ctx.bucket, 'k', { versionId: v2.versionId })).deleteMarker).to.equal(false);
    });

    it('Suspended: writes and deletes replace the null version, older versions stay', async () => {
      const before = await putText(ctx.store, ctx.bucket, 'k', 'pre-versioning');
      expect(before.versionId).to.equal('null');
      await ctx.store.setBucketVersioning(ctx.bucket, 'Enabled');
      const v1 = await putText(ctx.store, ctx.bucket, 'k', 'one');
      await ctx.store.setBucketVersioning(ctx.bucket, 'Suspended');
      const n1 = await putText(ctx.store, ctx.bucket, 'k', 'null-1');
      expect(n1.versionId).to.equal('null');
      // The first null version (pre-versioning) was replaced: null, v1 remain, null newest.
      expect(await versionIds(ctx.store, ctx.bucket)).to.deep.equal(['k:null', `k:${v1.versionId}`]);
      const del = await ctx.store.deleteObject(ctx.bucket, 'k');
      expect(del).to.deep.equal({ versionId: 'null', deleteMarker: true });
      expect(await versionIds(ctx.store, ctx.bucket)).to.deep.equal(['k:null:DM', `k:${v1.versionId}`]);
      await expectS3Error(ctx.store.getObjectInfo(ctx.bucket, 'k'), 'NoSuchKey');
      await ctx.store.deleteObject(ctx.bucket, 'k', { versionId: 'null' });
      expect((await getBytes(ctx.store, ctx.bucket, 'k')).toString()).to.equal('one');
    });

    it('ListObjectVersions pages with key and version-id markers and folds common prefixes', async () => {
      await ctx.store.setBucketVersioning(ctx.bucket, 'Enabled');
      const ids: string[] = [];
      for (const key of ['a', 'a', 'a', 'b', 'dir/x', 'dir/y', 'c']) ids.push(`${key}:${(await putText(ctx.store, ctx.bucket, key, key)).versionId}`);
      await ctx.store.deleteObject(ctx.bucket, 'b');
      const all = await versionIds(ctx.store, ctx.bucket);
      expect(all).to.have.length(8);
      // Page through two at a time and get the same sequence.
      const paged: string[] = [];
      let keyMarker: string | undefined;
      let versionIdMarker: string | undefined;
      for (let i = 0; i < 10; i++) {
        const page = await ctx.store.listObjectVersions(ctx.bucket, { maxKeys: 3, keyMarker, versionIdMarker });
        paged.push(...page.versions.map((v) => (v.kind === 'version' ? `${v.info.key}:${v.info.versionId}` : `${v.marker.key}:${v.marker.versionId}:DM`)));
        if (!page.isTruncated) break;
        keyMarker = page.nextKeyMarker;
        versionIdMarker = page.nextVersionIdMarker;
      }
      expect(paged).to.deep.equal(all);
      // key-marker alone skips every version of that key.
      const afterA = await ctx.store.listObjectVersions(ctx.bucket, { maxKeys: 100, keyMarker: 'a' });
      expect(afterA.versions.every((v) => (v.kind === 'version' ? v.info.key : v.marker.key) !== 'a')).to.equal(true);
      const folded = await ctx.store.listObjectVersions(ctx.bucket, { maxKeys: 100, delimiter: '/' });
      expect(folded.commonPrefixes).to.deep.equal(['dir/']);
      expect(folded.versions).to.have.length(6);
      await expectS3Error(ctx.store.listObjectVersions(ctx.bucket, { maxKeys: 1, keyMarker: 'a', versionIdMarker: 'bogus' }), 'InvalidArgument');
    });

    it('multipart completion in an Enabled bucket adds a version with its parts', async () => {
      await ctx.store.setBucketVersioning(ctx.bucket, 'Enabled');
      const v1 = await putText(ctx.store, ctx.bucket, 'mp', 'small');
      const { uploadId } = await ctx.store.createMultipartUpload({ bucket: ctx.bucket, key: 'mp', headers: {}, userMetadata: {}, extras: { attributes: { acl: 'public-read' } } });
      const p1 = await ctx.store.uploadPart({ bucket: ctx.bucket, key: 'mp', uploadId, partNumber: 1, body: bodyOf(patternBytes(5 * MiB, 3)) });
      const p2 = await ctx.store.uploadPart({ bucket: ctx.bucket, key: 'mp', uploadId, partNumber: 3, body: bodyOf('tail') });
      const done = await ctx.store.completeMultipartUpload({
        bucket: ctx.bucket, key: 'mp', uploadId, parts: [{ partNumber: 1, etag: p1.etag }, { partNumber: 3, etag: p2.etag }],
      });
      expect(done.versionId).to.not.equal(v1.versionId);
      expect(done.attributes).to.deep.equal({ acl: 'public-read' });
      expect(done.parts?.map((p) => [p.partNumber, p.size])).to.deep.equal([[1, 5 * MiB], [3, 4]]);
      expect((await getBytes(ctx.store, ctx.bucket, 'mp', undefined)).length).to.equal(5 * MiB + 4);
      expect((await getBytes(ctx.store, ctx.bucket, 'mp')).subarray(-4).toString()).to.equal('tail');
      expect((await ctx.store.getObjectInfo(ctx.bucket, 'mp', { versionId: v1.versionId })).size).to.equal(5);
    });
  });

  describe('multipart checksums', () => {
    it('COMPOSITE: checksum of the part checksums, suffixed -N; listed part checksums must match', async () => {
      const sha = (b: Buffer) => createHash('sha256').update(b).digest();
      const { uploadId, checksumType } = await ctx.store.createMultipartUpload({ bucket: ctx.bucket, key: 'c', headers: {}, userMetadata: {}, checksumAlgorithm: 'SHA256' });
      expect(checksumType).to.equal('COMPOSITE');
      const data = [patternBytes(5 * MiB, 9), Buffer.from('end')];
      const parts = [];
      for (const [i, d] of data.entries()) {
        const part = await ctx.store.uploadPart({
          bucket: ctx.bucket, key: 'c', uploadId, partNumber: i + 1, body: bodyOf(d), finalize: () => ({ checksums: { SHA256: sha(d).toString('base64') } }),
        });
        parts.push({ partNumber: i + 1, etag: part.etag, checksums: { SHA256: part.checksums.SHA256! } });
      }
      await expectS3Error(
        ctx.store.completeMultipartUpload({ bucket: ctx.bucket, key: 'c', uploadId, parts: [parts[0]!, { ...parts[1]!, checksums: { SHA256: parts[0]!.checksums.SHA256 } }] }),
        'InvalidPart',
      );
      const done = await ctx.store.completeMultipartUpload({ bucket: ctx.bucket, key: 'c', uploadId, parts });
      const expected = `${sha(Buffer.concat(data.map(sha))).toString('base64')}-2`;
      expect(done.checksums).to.deep.equal({ SHA256: expected });
      expect(done.checksumType).to.equal('COMPOSITE');
      const info = await ctx.store.getObjectInfo(ctx.bucket, 'c');
      expect(info.checksums).to.deep.equal({ SHA256: expected });
      expect(info.parts?.map((p) => p.checksums.SHA256)).to.deep.equal(data.map((d) => sha(d).toString('base64')));
    });
  });

  describe('per-version attributes, tags and Object Lock', () => {
    it('write-time attributes and tags round-trip; updateObjectAttributes patches one version', async () => {
      await ctx.store.setBucketVersioning(ctx.bucket, 'Enabled');
      const v1 = await ctx.store.putObject({
        bucket: ctx.bucket, key: 'k', body: bodyOf('1'), headers: {}, userMetadata: {},
        attributes: { acl: 'private', other: 'x' }, tags: [{ key: 'b', value: '2' }, { key: 'a', value: '1' }],
      });
      const v2 = await putText(ctx.store, ctx.bucket, 'k', '2');
      expect(v2.attributes).to.deep.equal({});
      expect(v2.tags).to.equal(undefined);
      const patched = await ctx.store.updateObjectAttributes(ctx.bucket, 'k', v1.versionId, { acl: 'public-read', other: undefined });
      expect(patched.attributes).to.deep.equal({ acl: 'public-read' });
      const again = await ctx.store.getObjectInfo(ctx.bucket, 'k', { versionId: v1.versionId });
      expect(again.attributes).to.deep.equal({ acl: 'public-read' });
      expect(again.tags).to.deep.equal([{ key: 'b', value: '2' }, { key: 'a', value: '1' }]);
      expect(again.etag).to.equal(v1.etag);
      expect(again.lastModified.getTime()).to.equal(v1.lastModified.getTime());
      // Without an id the latest version is patched.
      await ctx.store.updateObjectVersion(ctx.bucket, 'k', undefined, { tags: [{ key: 't', value: 'v' }], attributes: { acl: 'private' } });
      const latest = await ctx.store.getObjectInfo(ctx.bucket, 'k');
      expect(latest.versionId).to.equal(v2.versionId);
      expect(latest.tags).to.deep.equal([{ key: 't', value: 'v' }]);
      expect(latest.attributes).to.deep.equal({ acl: 'private' });
      await ctx.store.updateObjectVersion(ctx.bucket, 'k', undefined, { tags: [] });
      expect((await ctx.store.getObjectInfo(ctx.bucket, 'k')).tags).to.equal(undefined);
      // A refusing precondition changes nothing.
      const refusal = new Error('no');
      await ctx.store.updateObjectAttributes(ctx.bucket, 'k', undefined, { acl: 'x' }, () => { throw refusal; }).catch((e) => expect(e).to.equal(refusal));
      expect((await ctx.store.getObjectInfo(ctx.bucket, 'k')).attributes).to.deep.equal({ acl: 'private' });
      await expectS3Error(ctx.store.updateObjectAttributes(ctx.bucket, 'missing', undefined, { a: 'b' }), 'NoSuchKey');
    });

    it('Object Lock: lock buckets are versioned and cannot be suspended; locked versions are not deletable', async () => {
      await ctx.store.createBucket('locked-bucket', { region: 'us-east-1', objectLockEnabled: true });
      const b = 'locked-bucket';
      expect(await ctx.store.getBucket(b)).to.deep.include({ versioning: 'Enabled', objectLockEnabled: true });
      await expectS3Error(ctx.store.setBucketVersioning(b, 'Suspended'), 'InvalidBucketState');
      const future = new Date(Date.now() + 3600_000);
      const gov = await ctx.store.putObject({ bucket: b, key: 'g', body: bodyOf('g'), headers: {}, userMetadata: {}, retention: { mode: 'GOVERNANCE', retainUntil: future } });
      const comp = await ctx.store.putObject({ bucket: b, key: 'c', body: bodyOf('c'), headers: {}, userMetadata: {}, retention: { mode: 'COMPLIANCE', retainUntil: future } });
      const held = await ctx.store.putObject({ bucket: b, key: 'h', body: bodyOf('h'), headers: {}, userMetadata: {}, legalHold: true });
      expect((await ctx.store.getObjectInfo(b, 'g')).retention).to.deep.equal({ mode: 'GOVERNANCE', retainUntil: future });
      await expectS3Error(ctx.store.deleteObject(b, 'g', { versionId: gov.versionId }), 'AccessDenied');
      await expectS3Error(ctx.store.deleteObject(b, 'c', { versionId: comp.versionId, bypassGovernanceRetention: true }), 'AccessDenied');
      await expectS3Error(ctx.store.deleteObject(b, 'h', { versionId: held.versionId, bypassGovernanceRetention: true }), 'AccessDenied');
      // A delete without id only adds a marker: allowed.
      expect((await ctx.store.deleteObject(b, 'c')).deleteMarker).to.equal(true);
      expect((await ctx.store.getObjectInfo(b, 'c', { versionId: comp.versionId })).size).to.equal(1);
      // GOVERNANCE yields to the bypass; a lifted legal hold frees the version.
      await ctx.store.deleteObject(b, 'g', { versionId: gov.versionId, bypassGovernanceRetention: true });
      await ctx.store.updateObjectVersion(b, 'h', held.versionId, { legalHold: false });
      await ctx.store.deleteObject(b, 'h', { versionId: held.versionId });
      await expectS3Error(ctx.store.getObjectInfo(b, 'h', { versionId: held.versionId }), 'NoSuchVersion');
    });

    it('enableObjectLock needs versioning Enabled', async () => {
      await expectS3Error(ctx.store.enableObjectLock(ctx.bucket), 'InvalidBucketState');
      await ctx.store.setBucketVersioning(ctx.bucket, 'Enabled');
      await ctx.store.enableObjectLock(ctx.bucket);
      expect((await ctx.store.getBucket(ctx.bucket))?.objectLockEnabled).to.equal(true);
    });
  });
}
