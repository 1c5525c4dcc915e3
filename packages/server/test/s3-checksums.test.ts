import { expect } from 'chai';
import { createChecksum } from '@keyless/sigv4';
import type { ChecksumAlgorithm } from '@keyless/core';
import { arr, errorCode, parseXml, type S3RequestSpec } from './support/s3-client.js';
import { startTestServer, type TestServer } from './support/s3-test-server.js';

const B = 'checksum-bucket';
const MiB = 1024 * 1024;

function checksum(alg: ChecksumAlgorithm, data: Buffer): string {
  const c = createChecksum(alg);
  c.update(data);
  return c.digest().toString('base64');
}

describe('S3 HTTP: checksums, GetObjectAttributes and partNumber reads', function () {
  let t: TestServer;
  const send = (spec: S3RequestSpec) => t.client.send(spec);
  const parts = [Buffer.alloc(5 * MiB, 'a'), Buffer.from('tail bytes')];

  /** A two-part upload with the given checksum algorithm and type; returns the completion response. */
  async function multipart(key: string, alg: ChecksumAlgorithm, type?: string) {
    const headers: Record<string, string> = { 'x-amz-checksum-algorithm': alg };
    if (type) headers['x-amz-checksum-type'] = type;
    const created = await send({ method: 'POST', bucket: B, key, query: { uploads: '' }, headers });
    expect(created.status).to.equal(200);
    const uploadId = parseXml(created).InitiateMultipartUploadResult.UploadId as string;
    const listed: string[] = [];
    for (const [i, data] of parts.entries()) {
      // The first part carries its checksum, the second none: the server computes it.
      const h: Record<string, string> = i === 0 ? { [`x-amz-checksum-${alg.toLowerCase()}`]: checksum(alg, data) } : {};
      const res = await send({ method: 'PUT', bucket: B, key, query: { uploadId, partNumber: String(i + 1) }, body: data, headers: h });
      expect(res.status).to.equal(200);
      expect(res.headers[`x-amz-checksum-${alg.toLowerCase()}`]).to.equal(checksum(alg, data));
      listed.push(`<Part><PartNumber>${i + 1}</PartNumber><ETag>${res.headers.etag}</ETag><Checksum${alg}>${checksum(alg, data)}</Checksum${alg}></Part>`);
    }
    return send({ method: 'POST', bucket: B, key, query: { uploadId }, body: `<CompleteMultipartUpload>${listed.join('')}</CompleteMultipartUpload>` });
  }

  before(async () => {
    t = await startTestServer();
    expect((await send({ method: 'PUT', bucket: B })).status).to.equal(200);
  });
  after(async () => {
    await t?.close();
  });

  it('a single PUT checksum is returned on GET/HEAD only with x-amz-checksum-mode: ENABLED', async () => {
    const body = Buffer.from('checksummed');
    await send({ method: 'PUT', bucket: B, key: 'single', body, headers: { 'x-amz-checksum-crc32c': checksum('CRC32C', body) } });
    expect((await send({ method: 'HEAD', bucket: B, key: 'single' })).headers['x-amz-checksum-crc32c']).to.equal(undefined);
    for (const method of ['GET', 'HEAD']) {
      const res = await send({ method, bucket: B, key: 'single', headers: { 'x-amz-checksum-mode': 'ENABLED' } });
      expect(res.headers['x-amz-checksum-crc32c']).to.equal(checksum('CRC32C', body));
      expect(res.headers['x-amz-checksum-type']).to.equal('FULL_OBJECT');
    }
  });

  it('multipart FULL_OBJECT CRC32: the checksum of the whole object', async () => {
    const res = await multipart('full', 'CRC32', 'FULL_OBJECT');
    expect(res.status).to.equal(200);
    const whole = checksum('CRC32', Buffer.concat(parts));
    const result = parseXml(res).CompleteMultipartUploadResult;
    expect(result.ChecksumCRC32).to.equal(whole);
    expect(result.ChecksumType).to.equal('FULL_OBJECT');
    const head = await send({ method: 'HEAD', bucket: B, key: 'full', headers: { 'x-amz-checksum-mode': 'ENABLED' } });
    expect(head.headers['x-amz-checksum-crc32']).to.equal(whole);
    expect(head.headers['x-amz-checksum-type']).to.equal('FULL_OBJECT');
  });

  it('multipart COMPOSITE SHA256: checksum of the part checksums, -2', async () => {
    const res = await multipart('composite', 'SHA256');
    expect(res.status).to.equal(200);
    const h = createChecksum('SHA256');
    for (const p of parts) h.update(Buffer.from(checksum('SHA256', p), 'base64'));
    const expected = `${h.digest().toString('base64')}-2`;
    expect(parseXml(res).CompleteMultipartUploadResult.ChecksumSHA256).to.equal(expected);
    const get = await send({ method: 'GET', bucket: B, key: 'composite', headers: { 'x-amz-checksum-mode': 'ENABLED' } });
    expect(get.headers['x-amz-checksum-sha256']).to.equal(expected);
    expect(get.headers['x-amz-checksum-type']).to.equal('COMPOSITE');
  });

  it('a listed part checksum that does not match is InvalidPart; invalid checksum types are refused', async () => {
    const created = parseXml(await send({ method: 'POST', bucket: B, key: 'bad', query: { uploads: '' }, headers: { 'x-amz-checksum-algorithm': 'CRC32' } })).InitiateMultipartUploadResult;
    const part = await send({ method: 'PUT', bucket: B, key: 'bad', query: { uploadId: created.UploadId, partNumber: '1' }, body: 'abc' });
    const res = await send({
      method: 'POST', bucket: B, key: 'bad', query: { uploadId: created.UploadId },
      body: `<CompleteMultipartUpload><Part><PartNumber>1</PartNumber><ETag>${part.headers.etag}</ETag><ChecksumCRC32>AAAAAA==</ChecksumCRC32></Part></CompleteMultipartUpload>`,
    });
    expect(res.status).to.equal(400);
    expect(errorCode(res)).to.equal('InvalidPart');
    const sha = await send({ method: 'POST', bucket: B, key: 'x', query: { uploads: '' }, headers: { 'x-amz-checksum-algorithm': 'SHA1', 'x-amz-checksum-type': 'FULL_OBJECT' } });
    expect(errorCode(sha)).to.equal('InvalidRequest');
    const mismatch = await send({ method: 'PUT', bucket: B, key: 'bad', query: { uploadId: created.UploadId, partNumber: '2' }, body: 'd', headers: { 'x-amz-checksum-sha256': checksum('SHA256', Buffer.from('d')) } });
    expect(errorCode(mismatch)).to.equal('InvalidRequest');
  });

  it('GetObjectAttributes: ETag, Checksum, ObjectParts (paged), StorageClass, ObjectSize', async () => {
    await multipart('attrs', 'CRC32C');
    const res = await send({
      method: 'GET', bucket: B, key: 'attrs', query: { attributes: '' },
      headers: { 'x-amz-object-attributes': 'ETag,Checksum,ObjectParts,StorageClass,ObjectSize', 'x-amz-max-parts': '1' },
    });
    expect(res.status).to.equal(200);
    const doc = parseXml(res).GetObjectAttributesResponse;
    expect(doc.ETag).to.match(/^[0-9a-f]{32}-2$/);
    expect(doc.ObjectSize).to.equal(String(5 * MiB + parts[1]!.length));
    expect(doc.StorageClass).to.equal('STANDARD');
    expect(doc.Checksum.ChecksumType).to.equal('COMPOSITE');
    expect(doc.Checksum.ChecksumCRC32C).to.match(/-2$/);
    expect(doc.ObjectParts.PartsCount).to.equal('2');
    expect(doc.ObjectParts.IsTruncated).to.equal('true');
    expect(doc.ObjectParts.NextPartNumberMarker).to.equal('1');
    const part = arr(doc.ObjectParts.Part)[0];
    expect([part.PartNumber, part.Size, part.ChecksumCRC32C]).to.deep.equal(['1', String(5 * MiB), checksum('CRC32C', parts[0]!)]);
    const only = parseXml(await send({ method: 'GET', bucket: B, key: 'attrs', query: { attributes: '' }, headers: { 'x-amz-object-attributes': 'ObjectSize' } })).GetObjectAttributesResponse;
    expect(only.ETag).to.equal(undefined);
    const bad = await send({ method: 'GET', bucket: B, key: 'attrs', query: { attributes: '' }, headers: { 'x-amz-object-attributes': 'Nope' } });
    expect(errorCode(bad)).to.equal('InvalidArgument');
  });

  it('GetObject/HeadObject ?partNumber=N: 206 with that part and x-amz-mp-parts-count; out of range 416 InvalidPartNumber', async () => {
    await multipart('parts', 'CRC32');
    const p2 = await send({ method: 'GET', bucket: B, key: 'parts', query: { partNumber: '2' } });
    expect(p2.status).to.equal(206);
    expect(p2.body.equals(parts[1]!)).to.equal(true);
    expect(p2.headers['x-amz-mp-parts-count']).to.equal('2');
    expect(p2.headers['content-range']).to.equal(`bytes ${5 * MiB}-${5 * MiB + parts[1]!.length - 1}/${5 * MiB + parts[1]!.length}`);
    const head1 = await send({ method: 'HEAD', bucket: B, key: 'parts', query: { partNumber: '1' } });
    expect(head1.status).to.equal(206);
    expect(head1.headers['content-length']).to.equal(String(5 * MiB));
    const beyond = await send({ method: 'GET', bucket: B, key: 'parts', query: { partNumber: '3' } });
    expect(beyond.status).to.equal(416);
    expect(errorCode(beyond)).to.equal('InvalidPartNumber');
    await send({ method: 'PUT', bucket: B, key: 'one-part', body: 'whole' });
    const single = await send({ method: 'GET', bucket: B, key: 'one-part', query: { partNumber: '1' } });
    expect(single.status).to.equal(206);
    expect(single.text).to.equal('whole');
    expect(errorCode(await send({ method: 'GET', bucket: B, key: 'one-part', query: { partNumber: '2' } }))).to.equal('InvalidPartNumber');
  });
});
