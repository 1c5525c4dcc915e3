import { SignatureV4 } from '@smithy/signature-v4';
import type { ChecksumConstructor } from '@smithy/types';
import { expect } from 'chai';
import fc from 'fast-check';
import { verifyRequest, type SignedRequest } from '../src/index.js';
import { expectS3Error } from './helpers.js';
import { NodeSha256 } from '@keyless/core/testing';

const AK = 'AKIAKEYLESSTEST00001';
const SECRET = 'keyless/secret+KEY/0123456789abcdefghijkl';
const NOW = new Date('2024-02-29T23:59:30Z');
const lookupSecret = async (ak: string): Promise<string | undefined> => (ak === AK ? SECRET : undefined);

/** The AWS SDK's S3 key encoding: encodeURIComponent plus `!'()*`. */
function sdkEncode(s: string): string {
  return encodeURIComponent(s).replace(/[!'()*]/g, (c) => '%' + c.charCodeAt(0).toString(16).toUpperCase());
}

function signer(service: string, sessionToken?: string): SignatureV4 {
  return new SignatureV4({
    credentials: { accessKeyId: AK, secretAccessKey: SECRET, ...(sessionToken ? { sessionToken } : {}) },
    region: 'eu-west-3',
    service,
    sha256: NodeSha256 as unknown as ChecksumConstructor,
    uriEscapePath: service !== 's3',
  });
}

interface Generated {
  segments: string[];
  query: [string, string][];
  headers: [string, string][];
  method: string;
  token: string | undefined;
}

const segment = fc.string({ unit: 'grapheme', minLength: 0, maxLength: 8 });
const generated: fc.Arbitrary<Generated> = fc.record({
  segments: fc.array(fc.oneof(segment, fc.constantFrom('.', '..', '', 'a b', 'ü~*+%')), { minLength: 1, maxLength: 4 }),
  query: fc.uniqueArray(fc.tuple(fc.string({ unit: 'grapheme', minLength: 1, maxLength: 6 }), fc.string({ unit: 'grapheme', maxLength: 6 })), {
    maxLength: 4,
    selector: ([k]) => k,
  }).map((q) => q.filter(([k]) => !/^x-amz-/i.test(k))),
  headers: fc.uniqueArray(fc.tuple(fc.stringMatching(/^[a-z][a-z0-9-]{0,8}$/), fc.stringMatching(/^[ -~]{0,20}$/)), { maxLength: 4, selector: ([k]) => k }),
  method: fc.constantFrom('GET', 'PUT', 'POST', 'DELETE', 'HEAD'),
  token: fc.option(fc.base64String({ minLength: 4, maxLength: 40 }), { nil: undefined }),
});

function request(g: Generated, service: string): { path: string; query: Record<string, string>; headers: Record<string, string> } {
  const path = service === 's3' ? '/bucket/' + g.segments.map(sdkEncode).join('/') : '/' + g.segments.map(sdkEncode).join('/');
  const headers: Record<string, string> = { host: 'keyless.example:8443' };
  for (const [k, v] of g.headers) headers[`x-test-${k}`] = v;
  if (service === 's3') headers['x-amz-content-sha256'] = 'UNSIGNED-PAYLOAD';
  return { path, query: Object.fromEntries(g.query), headers };
}

function toRaw(method: string, path: string, query: Record<string, string | string[] | null>, headers: Record<string, string>): SignedRequest {
  const rawQuery = Object.entries(query)
    .flatMap(([k, v]) => (Array.isArray(v) ? v : [v ?? '']).map((x) => `${encodeURIComponent(k)}=${encodeURIComponent(x)}`))
    .join('&');
  return { method, rawPath: path, rawQuery, rawHeaders: Object.entries(headers).flat() };
}

describe('cross-check with @smithy/signature-v4', () => {
  for (const service of ['s3', 'sts']) {
    it(`${service}: verifies random header-signed requests, and rejects them when one byte changes`, async () => {
      await fc.assert(
        fc.asyncProperty(generated, async (g) => {
          const r = request(g, service);
          const signed = await signer(service, g.token).sign(
            { method: g.method, protocol: 'https:', hostname: 'keyless.example', port: 8443, path: r.path, query: r.query, headers: r.headers },
            { signingDate: new Date(NOW.getTime() - 60_000) },
          );
          const raw = toRaw(g.method, signed.path, signed.query ?? {}, signed.headers as Record<string, string>);
          const opts = { service, region: 'eu-west-3', now: NOW, lookupSecret };
          const auth = await verifyRequest(raw, opts);
          expect(auth?.kind).to.equal('header');
          expect(auth?.accessKeyId).to.equal(AK);
          expect(auth?.securityToken).to.equal(g.token);
          await expectS3Error(verifyRequest({ ...raw, method: g.method === 'GET' ? 'PUT' : 'GET' }, opts), 'SignatureDoesNotMatch');
          await expectS3Error(verifyRequest({ ...raw, rawQuery: raw.rawQuery + (raw.rawQuery ? '&' : '') + 'extra=1' }, opts), 'SignatureDoesNotMatch');
        }),
        { numRuns: 150 },
      );
    });

    it(`${service}: verifies random presigned URLs until they expire`, async () => {
      await fc.assert(
        fc.asyncProperty(generated, fc.integer({ min: 1, max: 604800 }), async (g, expiresIn) => {
          const r = request(g, service);
          const signingDate = new Date(NOW.getTime() - 1000);
          const signed = await signer(service, g.token).presign(
            { method: g.method, protocol: 'https:', hostname: 'keyless.example', port: 8443, path: r.path, query: r.query, headers: r.headers },
            { signingDate, expiresIn, unhoistableHeaders: new Set(['x-amz-content-sha256']) },
          );
          const raw = toRaw(g.method, signed.path, signed.query ?? {}, signed.headers as Record<string, string>);
          const opts = { service, region: 'eu-west-3', now: NOW, lookupSecret };
          const auth = await verifyRequest(raw, opts);
          expect(auth?.kind).to.equal('presigned');
          expect(auth?.securityToken).to.equal(g.token);
          if (service === 's3') expect(auth?.payloadHash).to.equal('UNSIGNED-PAYLOAD');
          const late = new Date(signingDate.getTime() + expiresIn * 1000 + 1000);
          const err = await expectS3Error(verifyRequest(raw, { ...opts, now: late }), 'AccessDenied');
          expect(err.message).to.equal('Request has expired');
        }),
        { numRuns: 100 },
      );
    });
  }
});
