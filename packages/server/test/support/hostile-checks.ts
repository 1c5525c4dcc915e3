import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'chai';
import { arr, parseXml, type TestResponse } from './s3-client.js';
import type { TestServer } from './s3-test-server.js';
import type { RawResult, RawTarget } from './raw-tls.js';

/** What a hostile request must not change: buckets, keys of the watched buckets, blob files, temp files. */
export interface StoreSnapshot {
  buckets: string[];
  keys: Record<string, string[]>;
  blobs: number;
  tmp: number;
}

function countFiles(dir: string): number {
  if (!existsSync(dir)) return 0;
  let n = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) n += entry.isDirectory() ? countFiles(join(dir, entry.name)) : 1;
  return n;
}

/** The raw-connection target of a test server. */
export function rawTarget(t: TestServer): RawTarget {
  return { port: t.running.port, ca: readFileSync(t.running.caBundle as string, 'utf8') };
}

/** Buckets, keys of `watched` buckets (as the server lists them) and the blob/temp files on disk. */
export async function snapshot(t: TestServer, watched: string[]): Promise<StoreSnapshot> {
  const list = await t.client.send({ method: 'GET' });
  expect(list.status, list.text).to.equal(200);
  const buckets = arr(parseXml(list).ListAllMyBucketsResult?.Buckets?.Bucket).map((b: { Name: string }) => b.Name).sort();
  const keys: Record<string, string[]> = {};
  for (const bucket of watched) {
    const res = await t.client.send({ method: 'GET', bucket, query: { 'list-type': '2', 'max-keys': '1000' } });
    expect(res.status, res.text).to.equal(200);
    keys[bucket] = arr(parseXml(res).ListBucketResult?.Contents).map((c: { Key: string }) => c.Key).sort();
  }
  return { buckets, keys, blobs: countFiles(join(t.dataDir, 'blobs')), tmp: countFiles(join(t.dataDir, 'tmp')) };
}

/**
 * Asserts that the store is as in `before`. A refused upload may still be removing its temp file
 * when the connection is cut, so the comparison is retried for a few seconds before failing.
 */
export async function expectUnchanged(t: TestServer, before: StoreSnapshot, watched: string[]): Promise<void> {
  let now = await snapshot(t, watched);
  for (let i = 0; i < 50 && JSON.stringify(now) !== JSON.stringify(before); i++) {
    await new Promise((r) => setTimeout(r, 100));
    now = await snapshot(t, watched);
  }
  expect(now, 'nothing may be written by a refused request').to.deep.equal(before);
}

/** The server still answers: GET /health/live is 200. */
export async function expectLive(t: TestServer): Promise<void> {
  const res = await t.client.raw({ method: 'GET', path: '/health/live' });
  expect(res.status, 'the server must keep serving').to.equal(200);
}

/** A 4xx response whose body is an S3 (or STS, `ErrorResponse`) XML error; returns its code. */
export function expectXmlError(res: TestResponse | RawResult, status?: number | [number, number]): string {
  expect(res.status, `${res.status} ${res.text}`).to.be.a('number');
  if (Array.isArray(status)) expect(res.status).to.be.within(status[0], status[1]);
  else if (status !== undefined) expect(res.status, res.text).to.equal(status);
  else expect(res.status, res.text).to.be.within(400, 499);
  const doc = parseXml(res.text);
  const code = (doc.Error?.Code ?? doc.ErrorResponse?.Error?.Code) as string | undefined;
  expect(code, `an XML error body, got: ${res.text.slice(0, 300)}`).to.be.a('string').and.not.equal('');
  return code as string;
}
