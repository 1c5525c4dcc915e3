import { expect } from 'chai';
import { bodyOf, expectS3Error, putText } from './contract-helpers.js';
import type { ContractContext } from './object-store-contract.js';

/** Buckets and bucket configurations. */
export function bucketContract(ctx: ContractContext): void {
  describe('buckets', () => {
    it('CreateBucket returns the bucket and GetBucket finds it', async () => {
      const info = await ctx.store.createBucket('photos', { region: 'eu-west-1' });
      expect(info.name).to.equal('photos');
      expect(info.region).to.equal('eu-west-1');
      expect(info.createdAt).to.be.instanceOf(Date);
      const found = await ctx.store.getBucket('photos');
      expect(found?.name).to.equal('photos');
      expect(found?.region).to.equal('eu-west-1');
      expect(found?.createdAt.getTime()).to.equal(info.createdAt.getTime());
      expect(await ctx.store.getBucket('nope')).to.equal(undefined);
    });

    it('CreateBucket of an existing bucket throws BucketAlreadyOwnedByYou', async () => {
      await expectS3Error(ctx.store.createBucket(ctx.bucket, { region: 'us-east-1' }), 'BucketAlreadyOwnedByYou');
    });

    it('ListBuckets returns all buckets sorted by name', async () => {
      for (const name of ['zeta', 'alpha', 'mid-bucket']) await ctx.store.createBucket(name, { region: 'us-east-1' });
      const names = (await ctx.store.listBuckets()).map((b) => b.name);
      expect(names).to.deep.equal(['alpha', 'contract-bucket', 'mid-bucket', 'zeta']);
    });

    it('DeleteBucket removes an empty bucket', async () => {
      await ctx.store.createBucket('gone', { region: 'us-east-1' });
      await ctx.store.deleteBucket('gone');
      expect(await ctx.store.getBucket('gone')).to.equal(undefined);
      expect((await ctx.store.listBuckets()).map((b) => b.name)).to.deep.equal([ctx.bucket]);
    });

    it('DeleteBucket of a missing bucket throws NoSuchBucket', async () => {
      await expectS3Error(ctx.store.deleteBucket('missing'), 'NoSuchBucket');
    });

    it('DeleteBucket of a bucket with objects throws BucketNotEmpty and keeps the objects', async () => {
      await putText(ctx.store, ctx.bucket, 'k', 'v');
      await expectS3Error(ctx.store.deleteBucket(ctx.bucket), 'BucketNotEmpty');
      expect(await ctx.store.getBucket(ctx.bucket)).to.not.equal(undefined);
      expect((await ctx.store.getObjectInfo(ctx.bucket, 'k')).size).to.equal(1);
    });

    it('DeleteBucket aborts uploads in progress', async () => {
      await ctx.store.createBucket('with-upload', { region: 'us-east-1' });
      const upload = await ctx.store.createMultipartUpload({ bucket: 'with-upload', key: 'k', headers: {}, userMetadata: {} });
      await ctx.store.uploadPart({ bucket: 'with-upload', key: 'k', uploadId: upload.uploadId, partNumber: 1, body: bodyOf('part') });
      await ctx.store.deleteBucket('with-upload');
      await ctx.store.createBucket('with-upload', { region: 'us-east-1' });
      await expectS3Error(ctx.store.getMultipartUpload('with-upload', 'k', upload.uploadId), 'NoSuchUpload');
      const uploads = await ctx.store.listMultipartUploads('with-upload', { maxUploads: 1000 });
      expect(uploads.uploads).to.deep.equal([]);
    });

    it('bucket configurations are set, replaced, read per kind and deleted', async () => {
      expect(await ctx.store.getBucketConfig(ctx.bucket, 'policy')).to.equal(undefined);
      await ctx.store.putBucketConfig(ctx.bucket, 'policy', '{"Version":"2012-10-17"}');
      await ctx.store.putBucketConfig(ctx.bucket, 'cors', '<CORSConfiguration/>');
      expect(await ctx.store.getBucketConfig(ctx.bucket, 'policy')).to.equal('{"Version":"2012-10-17"}');
      await ctx.store.putBucketConfig(ctx.bucket, 'policy', 'v2');
      expect(await ctx.store.getBucketConfig(ctx.bucket, 'policy')).to.equal('v2');
      expect(await ctx.store.getBucketConfig(ctx.bucket, 'cors')).to.equal('<CORSConfiguration/>');
      await ctx.store.putBucketConfig(ctx.bucket, 'policy', undefined);
      expect(await ctx.store.getBucketConfig(ctx.bucket, 'policy')).to.equal(undefined);
      expect(await ctx.store.getBucketConfig(ctx.bucket, 'cors')).to.equal('<CORSConfiguration/>');
      // Deleting a configuration that is not set is not an error.
      await ctx.store.putBucketConfig(ctx.bucket, 'lifecycle', undefined);
    });

    it('bucket configurations of a missing bucket throw NoSuchBucket', async () => {
      await expectS3Error(ctx.store.getBucketConfig('missing', 'policy'), 'NoSuchBucket');
      await expectS3Error(ctx.store.putBucketConfig('missing', 'policy', 'x'), 'NoSuchBucket');
    });

    it('a deleted and re-created bucket has no configurations left', async () => {
      await ctx.store.createBucket('again', { region: 'us-east-1' });
      await ctx.store.putBucketConfig('again', 'tagging', 'tags');
      await ctx.store.deleteBucket('again');
      await ctx.store.createBucket('again', { region: 'us-east-1' });
      expect(await ctx.store.getBucketConfig('again', 'tagging')).to.equal(undefined);
    });
  });
}
