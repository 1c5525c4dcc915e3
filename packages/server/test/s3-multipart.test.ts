import { createHash } from 'node:crypto';
import { expect } from 'chai';
import { arr, errorCode, md5Hex, parseXml, type S3RequestSpec } from './support/s3-client.js';
import { startTestServer, type TestServer } from './support/s3-test-server.js';

const B = 'multipart-bucket';
const MiB = 1024 * 1024;

/** S3's multipart ETag: MD5 of the concatenated binary part MD5s, then `-N`. */
function multipartEtag(parts: Buffer[]): string {
  const h = createHash('md5');
  for (const p of parts) h.update(createHash('md5').update(p).digest());
  return `${h.digest('hex')}-${parts.length}`;
}

function completeXml(parts: { n: number; etag: string }[]): string {
  return `<CompleteMultipartUpload xmlns="http://s3.amazonaws.com/doc/2006-03-01/">${parts.map((p) => `<Part><PartNumber>${p.n}</PartNumber><ETag>${p.etag}</ETag></Part>`).join('')}</CompleteMultipartUpload>`;
}

describe('S3 HTTP: multipart uploads', function () {
  let t: TestServer;
  const send = (spec: S3RequestSpec) => t.client.send(spec);
  const part1 = Buffer.alloc(5 * MiB, 'a');
  const part2 = Buffer.from('the small last part');

  async function create(key: string, headers: Record<string, string> = {}): Promise<string> {
    const res = await send({ method: 'POST', bucket: B, key, query: { uploads: '' }, headers });
    expect(res.status, res.text).to.equal(200);
    const doc = parseXml(res).InitiateMultipartUploadResult;
    expect(doc.Bucket).to.equal(B);
    expect(doc.Key).to.equal(key);
    expect(doc.UploadId).to.be.a('string').and.not.equal('');
    return doc.UploadId;
  }
  const upload = (key: string, uploadId: string, partNumber: string | number, body: Buffer | string) =>
    send({ method: 'PUT', bucket: B, key, query: { uploadId, partNumber: String(partNumber) }, body });
  const complete = (key: string, uploadId: string, xml: string) => send({ method: 'POST', bucket: B, key, query: { uploadId }, body: xml });

  before(async () => {
    t = await startTestServer();
    expect((await send({ method: 'PUT', bucket: B })).status).to.equal(200);
  });
  after(async () => {
    await t?.close();
  });

  it('uploads two parts, completes with the hex-N ETag and serves the concatenation with its metadata', async () => {
    const key = 'big/object.bin';
    const id = await create(key, { 'content-type': 'application/x-test', 'x-amz-meta-kind': 'multipart' });
    const r1 = await upload(key, id, 1, part1);
    expect(r1.status).to.equal(200);
    expect(r1.headers.etag).to.equal(`"${md5Hex(part1)}"`);
    const r2 = await upload(key, id, 2, part2);
    expect(r2.headers.etag).to.equal(`"${md5Hex(part2)}"`);
    // Not visible before completion.
    expect((await send({ method: 'HEAD', bucket: B, key })).status).to.equal(404);
    const res = await complete(key, id, completeXml([{ n: 1, etag: r1.headers.etag as string }, { n: 2, etag: r2.headers.etag as string }]));
    expect(res.status, res.text).to.equal(200);
    const doc = parseXml(res).CompleteMultipartUploadResult;
    expect(doc.Bucket).to.equal(B);
    expect(doc.Key).to.equal(key);
    expect(doc.ETag).to.equal(`"${multipartEtag([part1, part2])}"`);
    expect(doc.ETag).to.match(/^"[0-9a-f]{32}-2"$/);
    const get = await send({ method: 'GET', bucket: B, key });
    expect(get.status).to.equal(200);
    expect(get.body.length).to.equal(part1.length + part2.length);
    expect(get.body.equals(Buffer.concat([part1, part2]))).to.equal(true);
    expect(get.headers.etag).to.equal(doc.ETag);
    expect(get.headers['content-type']).to.equal('application/x-test');
    expect(get.headers['x-amz-meta-kind']).to.equal('multipart');
    const range = await send({ method: 'GET', bucket: B, key, headers: { range: `bytes=${part1.length - 2}-${part1.length + 2}` } });
    expect(range.status).to.equal(206);
    expect(range.text).to.equal('aathe');
    // The upload is gone once completed.
    const after = await send({ method: 'GET', bucket: B, key, query: { uploadId: id } });
    expect(after.status).to.equal(404);
    expect(errorCode(after)).to.equal('NoSuchUpload');
  });

  it('refuses part numbers outside 1..10000 with InvalidArgument', async () => {
    const key = 'bad-part-number';
    const id = await create(key);
    for (const n of ['0', '10001', 'abc', '-1', '1.5']) {
      const res = await upload(key, id, n, 'x');
      expect(res.status, n).to.equal(400);
      expect(errorCode(res), n).to.equal('InvalidArgument');
    }
    expect((await send({ method: 'DELETE', bucket: B, key, query: { uploadId: id } })).status).to.equal(204);
  });

  it('UploadPart to an unknown upload id answers 404 NoSuchUpload', async () => {
    const res = await upload('whatever', 'not-an-upload-id', 1, 'x');
    expect(res.status).to.equal(404);
    expect(errorCode(res)).to.equal('NoSuchUpload');
  });

  it('UploadPartCopy copies a byte range of an object (x-amz-copy-source-range)', async () => {
    const source = Buffer.alloc(6 * MiB);
    for (let i = 0; i < source.length; i++) source[i] = i % 251;
    expect((await send({ method: 'PUT', bucket: B, key: 'copy-src.bin', body: source })).status).to.equal(200);
    const key = 'copied-parts.bin';
    const id = await create(key);
    const first = source.subarray(0, 5 * MiB);
    const second = source.subarray(5 * MiB, 5 * MiB + 100);
    const c1 = await send({ method: 'PUT', bucket: B, key, query: { uploadId: id, partNumber: '1' }, headers: { 'x-amz-copy-source': `${B}/copy-src.bin`, 'x-amz-copy-source-range': `bytes=0-${5 * MiB - 1}` } });
    expect(c1.status, c1.text).to.equal(200);
    const p1 = parseXml(c1).CopyPartResult;
    expect(p1.ETag).to.equal(`"${md5Hex(first)}"`);
    expect(p1.LastModified).to.be.a('string');
    const c2 = await send({ method: 'PUT', bucket: B, key, query: { uploadId: id, partNumber: '2' }, headers: { 'x-amz-copy-source': `/${B}/copy-src.bin`, 'x-amz-copy-source-range': `bytes=${5 * MiB}-${5 * MiB + 99}` } });
    expect(c2.status, c2.text).to.equal(200);
    const p2 = parseXml(c2).CopyPartResult;
    expect(p2.ETag).to.equal(`"${md5Hex(second)}"`);
    const bad = await send({ method: 'PUT', bucket: B, key, query: { uploadId: id, partNumber: '3' }, headers: { 'x-amz-copy-source': `${B}/copy-src.bin`, 'x-amz-copy-source-range': `bytes=0-${source.length}` } });
    expect(bad.status).to.equal(416);
    expect(errorCode(bad)).to.equal('InvalidRange');
    const res = await complete(key, id, completeXml([{ n: 1, etag: p1.ETag }, { n: 2, etag: p2.ETag }]));
    expect(res.status, res.text).to.equal(200);
    const got = await send({ method: 'GET', bucket: B, key });
    expect(got.body.equals(Buffer.concat([first, second]))).to.equal(true);
    expect(got.headers.etag).to.equal(`"${multipartEtag([first, second])}"`);
  });

  it('Complete with a wrong ETag answers InvalidPart; the upload survives and completes afterwards', async () => {
    const key = 'invalid-part';
    const id = await create(key);
    const r1 = await upload(key, id, 1, 'only part');
    const res = await complete(key, id, completeXml([{ n: 1, etag: '"00000000000000000000000000000000"' }]));
    expect(res.status).to.equal(400);
    expect(errorCode(res)).to.equal('InvalidPart');
    const missing = await complete(key, id, completeXml([{ n: 1, etag: r1.headers.etag as string }, { n: 2, etag: r1.headers.etag as string }]));
    expect(errorCode(missing)).to.equal('InvalidPart');
    expect((await send({ method: 'HEAD', bucket: B, key })).status).to.equal(404);
    const ok = await complete(key, id, completeXml([{ n: 1, etag: r1.headers.etag as string }]));
    expect(ok.status, ok.text).to.equal(200);
    expect(parseXml(ok).CompleteMultipartUploadResult.ETag).to.equal(`"${multipartEtag([Buffer.from('only part')])}"`);
    expect((await send({ method: 'GET', bucket: B, key })).text).to.equal('only part');
  });

  it('Complete with parts out of order answers InvalidPartOrder', async () => {
    const key = 'part-order';
    const id = await create(key);
    const r1 = await upload(key, id, 1, part1);
    const r2 = await upload(key, id, 2, 'tail');
    const res = await complete(key, id, completeXml([{ n: 2, etag: r2.headers.etag as string }, { n: 1, etag: r1.headers.etag as string }]));
    expect(res.status).to.equal(400);
    expect(errorCode(res)).to.equal('InvalidPartOrder');
    await send({ method: 'DELETE', bucket: B, key, query: { uploadId: id } });
  });

  it('Complete listing the same part twice answers InvalidPartOrder', async () => {
    const key = 'dup-part';
    const id = await create(key);
    const r1 = await upload(key, id, 1, part1);
    const res = await complete(key, id, completeXml([{ n: 1, etag: r1.headers.etag as string }, { n: 1, etag: r1.headers.etag as string }]));
    expect(res.status).to.equal(400);
    expect(errorCode(res)).to.equal('InvalidPartOrder');
    await send({ method: 'DELETE', bucket: B, key, query: { uploadId: id } });
  });

  it('Complete with a 1-byte part that is not the last answers EntityTooSmall', async () => {
    const key = 'too-small';
    const id = await create(key);
    const r1 = await upload(key, id, 1, 'x');
    const r2 = await upload(key, id, 2, 'y');
    const res = await complete(key, id, completeXml([{ n: 1, etag: r1.headers.etag as string }, { n: 2, etag: r2.headers.etag as string }]));
    expect(res.status).to.equal(400);
    expect(errorCode(res)).to.equal('EntityTooSmall');
    expect((await send({ method: 'HEAD', bucket: B, key })).status).to.equal(404);
    await send({ method: 'DELETE', bucket: B, key, query: { uploadId: id } });
  });

  it('Complete with a malformed or empty part list answers MalformedXML', async () => {
    const key = 'malformed-complete';
    const id = await create(key);
    for (const xml of ['<CompleteMultipartUpload></CompleteMultipartUpload>', '<CompleteMultipartUpload><Part>', 'garbage']) {
      const res = await complete(key, id, xml);
      expect(res.status, xml).to.equal(400);
      expect(errorCode(res), xml).to.equal('MalformedXML');
    }
    await send({ method: 'DELETE', bucket: B, key, query: { uploadId: id } });
  });

  it('Complete honours If-None-Match: * (412 when the key exists) and leaves the upload in place', async () => {
    const key = 'cond-complete';
    expect((await send({ method: 'PUT', bucket: B, key, body: 'already here' })).status).to.equal(200);
    const id = await create(key);
    const r1 = await upload(key, id, 1, 'new content');
    const xml = completeXml([{ n: 1, etag: r1.headers.etag as string }]);
    const res = await send({ method: 'POST', bucket: B, key, query: { uploadId: id }, body: xml, headers: { 'if-none-match': '*' } });
    expect(res.status).to.equal(412);
    expect(errorCode(res)).to.equal('PreconditionFailed');
    expect((await send({ method: 'GET', bucket: B, key })).text).to.equal('already here');
    const ok = await send({ method: 'POST', bucket: B, key, query: { uploadId: id }, body: xml, headers: { 'if-match': `"${md5Hex('already here')}"` } });
    expect(ok.status, ok.text).to.equal(200);
    expect((await send({ method: 'GET', bucket: B, key })).text).to.equal('new content');
  });

  it('accepts part ETags without quotes in Complete', async () => {
    const key = 'unquoted-etags';
    const id = await create(key);
    await upload(key, id, 1, 'abc');
    const res = await complete(key, id, completeXml([{ n: 1, etag: md5Hex('abc') }]));
    expect(res.status, res.text).to.equal(200);
  });

  it('UploadPartCopy of a range spanning the parts of a multipart source', async () => {
    const key = 'mp-source';
    const id = await create(key);
    const a = Buffer.alloc(5 * MiB, 'x');
    const b = Buffer.from('YYYYYYYYYY');
    const ra = await upload(key, id, 1, a);
    const rb = await upload(key, id, 2, b);
    expect((await complete(key, id, completeXml([{ n: 1, etag: ra.headers.etag as string }, { n: 2, etag: rb.headers.etag as string }]))).status).to.equal(200);
    const dst = 'mp-copy-dst';
    const id2 = await create(dst);
    const c = await send({ method: 'PUT', bucket: B, key: dst, query: { uploadId: id2, partNumber: '1' }, headers: { 'x-amz-copy-source': `${B}/${key}`, 'x-amz-copy-source-range': `bytes=${5 * MiB - 3}-${5 * MiB + 2}` } });
    expect(c.status, c.text).to.equal(200);
    expect(parseXml(c).CopyPartResult.ETag).to.equal(`"${md5Hex('xxxYYY')}"`);
    expect((await complete(dst, id2, completeXml([{ n: 1, etag: parseXml(c).CopyPartResult.ETag }]))).status).to.equal(200);
    expect((await send({ method: 'GET', bucket: B, key: dst })).text).to.equal('xxxYYY');
  });

  it('DeleteBucket discards in-progress uploads: a re-created bucket has none', async () => {
    const DB = 'mp-delete-bucket';
    expect((await send({ method: 'PUT', bucket: DB })).status).to.equal(200);
    const init = await send({ method: 'POST', bucket: DB, key: 'pending', query: { uploads: '' } });
    const id = parseXml(init).InitiateMultipartUploadResult.UploadId;
    expect((await send({ method: 'PUT', bucket: DB, key: 'pending', query: { uploadId: id, partNumber: '1' }, body: 'part' })).status).to.equal(200);
    expect((await send({ method: 'DELETE', bucket: DB })).status).to.equal(204);
    expect((await send({ method: 'PUT', bucket: DB })).status).to.equal(200);
    const list = parseXml(await send({ method: 'GET', bucket: DB, query: { uploads: '' } })).ListMultipartUploadsResult;
    expect(arr(list.Upload)).to.deep.equal([]);
    const stale = await send({ method: 'GET', bucket: DB, key: 'pending', query: { uploadId: id } });
    expect(stale.status).to.equal(404);
    expect(errorCode(stale)).to.equal('NoSuchUpload');
  });

  it('Abort answers 204; the upload is then NoSuchUpload for parts, listing and completion', async () => {
    const key = 'aborted';
    const id = await create(key);
    const r1 = await upload(key, id, 1, 'data');
    const res = await send({ method: 'DELETE', bucket: B, key, query: { uploadId: id } });
    expect(res.status).to.equal(204);
    for (const r of [
      await upload(key, id, 2, 'more'),
      await send({ method: 'GET', bucket: B, key, query: { uploadId: id } }),
      await complete(key, id, completeXml([{ n: 1, etag: r1.headers.etag as string }])),
      await send({ method: 'DELETE', bucket: B, key, query: { uploadId: id } }),
    ]) {
      expect(r.status).to.equal(404);
      expect(errorCode(r)).to.equal('NoSuchUpload');
    }
    expect((await send({ method: 'HEAD', bucket: B, key })).status).to.equal(404);
  });

  it('ListParts lists uploaded parts in order, with paging by part-number-marker', async () => {
    const key = 'list-parts';
    const id = await create(key);
    const bodies = ['one', 'two', 'three'];
    // Upload out of order; a re-uploaded part replaces the earlier one.
    await upload(key, id, 3, 'old three');
    for (const n of [3, 1, 2]) expect((await upload(key, id, n, bodies[n - 1])).status).to.equal(200);
    const res = await send({ method: 'GET', bucket: B, key, query: { uploadId: id } });
    expect(res.status).to.equal(200);
    const doc = parseXml(res).ListPartsResult;
    expect(doc.Bucket).to.equal(B);
    expect(doc.Key).to.equal(key);
    expect(doc.UploadId).to.equal(id);
    expect(doc.IsTruncated).to.equal('false');
    const parts = arr(doc.Part);
    expect(parts.map((p: any) => p.PartNumber)).to.deep.equal(['1', '2', '3']);
    expect(parts.map((p: any) => p.ETag)).to.deep.equal(bodies.map((b) => `"${md5Hex(b)}"`));
    expect(parts.map((p: any) => p.Size)).to.deep.equal(bodies.map((b) => String(b.length)));

    const page1 = parseXml(await send({ method: 'GET', bucket: B, key, query: { uploadId: id, 'max-parts': '2' } })).ListPartsResult;
    expect(arr(page1.Part).map((p: any) => p.PartNumber)).to.deep.equal(['1', '2']);
    expect(page1.IsTruncated).to.equal('true');
    expect(page1.NextPartNumberMarker).to.equal('2');
    const page2 = parseXml(await send({ method: 'GET', bucket: B, key, query: { uploadId: id, 'max-parts': '2', 'part-number-marker': '2' } })).ListPartsResult;
    expect(arr(page2.Part).map((p: any) => p.PartNumber)).to.deep.equal(['3']);
    expect(page2.IsTruncated).to.equal('false');
    await send({ method: 'DELETE', bucket: B, key, query: { uploadId: id } });
  });

  it('ListMultipartUploads lists in-progress uploads (prefix, delimiter), not completed or aborted ones', async () => {
    const LB = 'uploads-list-bucket';
    expect((await send({ method: 'PUT', bucket: LB })).status).to.equal(200);
    const mk = async (key: string) => parseXml(await send({ method: 'POST', bucket: LB, key, query: { uploads: '' } })).InitiateMultipartUploadResult.UploadId as string;
    const a = await mk('logs/a');
    const b1 = await mk('logs/b');
    const b2 = await mk('logs/b');
    const c = await mk('other/c');
    const gone = await mk('logs/gone');
    expect((await send({ method: 'DELETE', bucket: LB, key: 'logs/gone', query: { uploadId: gone } })).status).to.equal(204);

    const res = await send({ method: 'GET', bucket: LB, query: { uploads: '' } });
    expect(res.status).to.equal(200);
    const doc = parseXml(res).ListMultipartUploadsResult;
    expect(doc.Bucket).to.equal(LB);
    expect(doc.IsTruncated).to.equal('false');
    const uploads = arr(doc.Upload);
    expect(uploads.map((u: any) => u.Key)).to.deep.equal(['logs/a', 'logs/b', 'logs/b', 'other/c']);
    expect(uploads.map((u: any) => u.UploadId)).to.have.members([a, b1, b2, c]);
    expect(uploads.every((u: any) => typeof u.Initiated === 'string')).to.equal(true);

    const pre = parseXml(await send({ method: 'GET', bucket: LB, query: { uploads: '', prefix: 'logs/' } })).ListMultipartUploadsResult;
    expect(arr(pre.Upload).map((u: any) => u.Key)).to.deep.equal(['logs/a', 'logs/b', 'logs/b']);
    const del = parseXml(await send({ method: 'GET', bucket: LB, query: { uploads: '', delimiter: '/' } })).ListMultipartUploadsResult;
    expect(arr(del.Upload)).to.deep.equal([]);
    expect(arr(del.CommonPrefixes).map((p: any) => p.Prefix)).to.deep.equal(['logs/', 'other/']);

    const paged = parseXml(await send({ method: 'GET', bucket: LB, query: { uploads: '', 'max-uploads': '2' } })).ListMultipartUploadsResult;
    expect(arr(paged.Upload)).to.have.length(2);
    expect(paged.IsTruncated).to.equal('true');
    expect(paged.NextKeyMarker).to.be.a('string');
    expect(paged.NextUploadIdMarker).to.be.a('string');
    const rest = parseXml(await send({ method: 'GET', bucket: LB, query: { uploads: '', 'key-marker': paged.NextKeyMarker, 'upload-id-marker': paged.NextUploadIdMarker } })).ListMultipartUploadsResult;
    const all = [...arr(paged.Upload), ...arr(rest.Upload)].map((u: any) => u.UploadId);
    expect(all).to.have.members([a, b1, b2, c]);
    expect(new Set(all).size).to.equal(4);
  });

  it('CreateMultipartUpload in a missing bucket answers NoSuchBucket', async () => {
    const res = await send({ method: 'POST', bucket: 'no-such-mp-bucket', key: 'k', query: { uploads: '' } });
    expect(res.status).to.equal(404);
    expect(errorCode(res)).to.equal('NoSuchBucket');
  });
});
