import {
  CompleteMultipartUploadCommand,
  CopyObjectCommand,
  CreateBucketCommand,
  CreateMultipartUploadCommand,
  DeleteBucketCommand,
  DeleteObjectsCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  NoSuchKey,
  PutObjectCommand,
  S3Client,
  S3ServiceException,
  UploadPartCommand,
} from '@aws-sdk/client-s3';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import { expect } from 'chai';
import { createHash, randomBytes } from 'node:crypto';
import https from 'node:https';
import { crc32 } from 'node:zlib';
import { Readable } from 'node:stream';
import { startServer, type E2eServer } from './lib/server.js';

const md5 = (b: Buffer) => createHash('md5').update(b).digest('hex');
const MiB = 1024 * 1024;
const crc32b64 = (b: Buffer) => {
  const out = Buffer.alloc(4);
  out.writeUInt32BE(crc32(b));
  return out.toString('base64');
};

/** Reads a GetObject body (an SDK stream) fully. */
async function bodyBytes(body: unknown): Promise<Buffer> {
  const b = body as { transformToByteArray(): Promise<Uint8Array> };
  return Buffer.from(await b.transformToByteArray());
}

/** Yields `total` bytes of `data` in chunks of at most `chunk`, so the SDK cannot know the length by itself. */
function chunked(data: Buffer, chunk: number): Readable {
  let off = 0;
  return new Readable({
    read() {
      if (off >= data.length) this.push(null);
      else {
        this.push(data.subarray(off, off + chunk));
        off += chunk;
      }
    },
  });
}

const MODES = [
  { name: 'default checksum settings', config: {} },
  { name: "requestChecksumCalculation 'WHEN_REQUIRED'", config: { requestChecksumCalculation: 'WHEN_REQUIRED' as const, responseChecksumValidation: 'WHEN_REQUIRED' as const } },
];

describe('e2e: @aws-sdk/client-s3 against keyless serve', function () {
  this.timeout(120_000);
  let server: E2eServer;
  before(async () => {
    server = await startServer();
  });
  after(async () => {
    await server?.stop();
  });

  for (const [i, mode] of MODES.entries()) {
    describe(mode.name, () => {
      let s3: S3Client;
      const bucket = `sdk-e2e-${i}`;
      const small = randomBytes(100_000);

      before(() => {
        s3 = new S3Client({
          endpoint: server.url,
          region: server.region,
          forcePathStyle: true,
          credentials: { accessKeyId: server.accessKey, secretAccessKey: server.secretKey },
          requestHandler: new NodeHttpHandler({ httpsAgent: new https.Agent({ ca: server.ca }) }),
          maxAttempts: 1,
          ...mode.config,
        });
      });
      after(() => s3?.destroy());

      it('CreateBucket, PutObject with metadata, GetObject and HeadObject', async () => {
        await s3.send(new CreateBucketCommand({ Bucket: bucket }));
        const put = await s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'dir/small.bin', Body: small, Metadata: { purpose: 'e2e' }, ContentType: 'application/x-test' }));
        expect(put.ETag).to.equal(`"${md5(small)}"`);
        if (i === 0) {
          // The SDK's default sends a CRC32 (in an aws-chunked trailer for streams, a header for buffers); the server echoes it once verified.
          expect(put.ChecksumCRC32).to.equal(crc32b64(small));
        }
        const got = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: 'dir/small.bin' }));
        expect((await bodyBytes(got.Body)).equals(small)).to.equal(true);
        expect(got.Metadata).to.deep.equal({ purpose: 'e2e' });
        const head = await s3.send(new HeadObjectCommand({ Bucket: bucket, Key: 'dir/small.bin' }));
        expect(head.ContentLength).to.equal(small.length);
        expect(head.ContentType).to.equal('application/x-test');
        expect(head.ETag).to.equal(`"${md5(small)}"`);
      });

      it('streams a Readable Body with ContentLength', async () => {
        const data = randomBytes(3 * MiB + 17);
        const put = await s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'dir/streamed.bin', Body: chunked(data, 64 * 1024), ContentLength: data.length }));
        if (i === 0) expect(put.ChecksumCRC32).to.equal(crc32b64(data));
        const got = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: 'dir/streamed.bin' }));
        expect(got.ContentLength).to.equal(data.length);
        expect(md5(await bodyBytes(got.Body))).to.equal(md5(data));
      });

      it('GetObject with Range returns 206 and the slice', async () => {
        const got = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: 'dir/small.bin', Range: 'bytes=10-19' }));
        expect(got.$metadata.httpStatusCode).to.equal(206);
        expect(got.ContentRange).to.equal(`bytes 10-19/${small.length}`);
        expect((await bodyBytes(got.Body)).equals(small.subarray(10, 20))).to.equal(true);
        const suffix = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: 'dir/small.bin', Range: 'bytes=-5' }));
        expect((await bodyBytes(suffix.Body)).equals(small.subarray(small.length - 5))).to.equal(true);
      });

      it('multipart upload with 5 MiB parts round-trips', async () => {
        const parts = [randomBytes(5 * MiB), randomBytes(5 * MiB), randomBytes(1234)];
        const key = 'mp/big.bin';
        const created = await s3.send(new CreateMultipartUploadCommand({ Bucket: bucket, Key: key }));
        expect(created.UploadId).to.be.a('string').and.not.equal('');
        const etags: string[] = [];
        for (const [n, body] of parts.entries()) {
          const r = await s3.send(new UploadPartCommand({ Bucket: bucket, Key: key, UploadId: created.UploadId, PartNumber: n + 1, Body: body }));
          expect(r.ETag).to.equal(`"${md5(body)}"`);
          etags.push(r.ETag!);
        }
        const done = await s3.send(new CompleteMultipartUploadCommand({
          Bucket: bucket, Key: key, UploadId: created.UploadId,
          MultipartUpload: { Parts: etags.map((ETag, n) => ({ ETag, PartNumber: n + 1 })) },
        }));
        const expectedEtag = md5(Buffer.concat(parts.map((p) => createHash('md5').update(p).digest()))) + '-3';
        expect(done.ETag).to.equal(`"${expectedEtag}"`);
        const got = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
        expect(got.ContentLength).to.equal(10 * MiB + 1234);
        expect(md5(await bodyBytes(got.Body))).to.equal(md5(Buffer.concat(parts)));
      });

      it('CopyObject and ListObjectsV2 with prefix and delimiter', async () => {
        const copy = await s3.send(new CopyObjectCommand({ Bucket: bucket, Key: 'copies/small.bin', CopySource: `${bucket}/dir/small.bin` }));
        expect(copy.CopyObjectResult?.ETag).to.equal(`"${md5(small)}"`);
        const top = await s3.send(new ListObjectsV2Command({ Bucket: bucket, Delimiter: '/' }));
        expect((top.CommonPrefixes ?? []).map((p) => p.Prefix).sort()).to.deep.equal(['copies/', 'dir/', 'mp/']);
        expect(top.KeyCount).to.equal(3);
        const dir = await s3.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: 'dir/' }));
        expect((dir.Contents ?? []).map((c) => [c.Key, c.Size])).to.deep.equal([['dir/small.bin', small.length], ['dir/streamed.bin', 3 * MiB + 17]]);
        const page = await s3.send(new ListObjectsV2Command({ Bucket: bucket, MaxKeys: 2 }));
        expect(page.IsTruncated).to.equal(true);
        expect(page.NextContinuationToken).to.be.a('string');
        const rest = await s3.send(new ListObjectsV2Command({ Bucket: bucket, MaxKeys: 2, ContinuationToken: page.NextContinuationToken }));
        expect([...(page.Contents ?? []), ...(rest.Contents ?? [])].map((c) => c.Key)).to.deep.equal(['copies/small.bin', 'dir/small.bin', 'dir/streamed.bin', 'mp/big.bin']);
      });

      it('GetObject of a missing key throws NoSuchKey (404)', async () => {
        let caught: unknown;
        try {
          await s3.send(new GetObjectCommand({ Bucket: bucket, Key: 'nope/missing' }));
        } catch (err) {
          caught = err;
        }
        expect(caught).to.be.instanceOf(NoSuchKey);
        const e = caught as S3ServiceException;
        expect(e.name).to.equal('NoSuchKey');
        expect(e.$metadata.httpStatusCode).to.equal(404);
      });

      it('DeleteObjects removes everything, then DeleteBucket', async () => {
        const keys = ['copies/small.bin', 'dir/small.bin', 'dir/streamed.bin', 'mp/big.bin'];
        const del = await s3.send(new DeleteObjectsCommand({ Bucket: bucket, Delete: { Objects: keys.map((Key) => ({ Key })) } }));
        expect((del.Deleted ?? []).map((d) => d.Key).sort()).to.deep.equal(keys);
        expect(del.Errors ?? []).to.deep.equal([]);
        const list = await s3.send(new ListObjectsV2Command({ Bucket: bucket }));
        expect(list.KeyCount).to.equal(0);
        await s3.send(new DeleteBucketCommand({ Bucket: bucket }));
      });
    });
  }
});
