import { SignatureV4 } from '@smithy/signature-v4';
import type { ChecksumConstructor } from '@smithy/types';
import { expect } from 'chai';
import fc from 'fast-check';
import { isS3Error } from '@keyless/core';
import { parseAuthorizationHeader, parsePresignedQuery, parseQuery, verifyRequest, type SignedRequest, type VerifyOptions } from '../src/index.js';
import { NodeSha256 } from '@keyless/core/testing';

/**
 * Property-based tests of the SigV4 parsers and verifier. Invariants: hostile input only ever
 * fails with an S3Error (never a TypeError, RangeError or a hang), and a validly signed request
 * with any single byte of its method, path, query, signed headers, date or signature changed
 * never verifies. `FUZZ_RUNS` (npm run fuzz) raises the number of cases.
 */
const RUNS = Number(process.env.FUZZ_RUNS) || 0;
const runs = (fallback: number) => ({ numRuns: RUNS || fallback });

const AK = 'AKIAFUZZTEST00000001';
const SECRET = 'fuzz/secret+KEY/0123456789abcdefghijklmn';
const NOW = new Date('2024-05-01T12:00:00Z');
/** Every access key has a secret (so hostile requests reach the signature check); only AK has SECRET. */
const OPTS: VerifyOptions = { service: 's3', region: 'us-east-1', now: NOW, lookupSecret: async (ak) => (ak === AK ? SECRET : `other-secret-of-${ak}`) };

/** Fails the property unless `err` is an S3Error. */
function onlyS3Error(err: unknown): void {
  if (!isS3Error(err)) throw new Error(`expected an S3Error, got ${err instanceof Error ? err.stack : String(err)}`);
}

async function rejectsOnlyWithS3Error(p: Promise<unknown>): Promise<boolean> {
  try {
    await p;
    return false;
  } catch (err) {
    onlyS3Error(err);
    return true;
  }
}

/** Pieces hostile Authorization values are made of, so random strings get past the first checks. */
const authToken = fc.oneof(
  fc.constantFrom('AWS4-HMAC-SHA256', 'AWS4-ECDSA-P256-SHA256', 'AWS', ' ', ',', ', ', '=', '/', ';', 'Credential=', 'SignedHeaders=', 'Signature=', 'aws4_request', 's3', 'us-east-1', '20240501', AK, 'host', 'x-amz-date', ':', '\t', '%', '\u0000', '\uffff', 'é'),
  fc.stringMatching(/^[0-9a-f]{0,70}$/),
  fc.string({ maxLength: 12 }),
  fc.string({ unit: 'binary', maxLength: 6 }),
);
const authHeader = fc.array(authToken, { maxLength: 24 }).map((t) => t.join(''));

const queryToken = fc.oneof(
  fc.constantFrom('X-Amz-Algorithm', 'X-Amz-Credential', 'X-Amz-Signature', 'X-Amz-Date', 'X-Amz-SignedHeaders', 'X-Amz-Expires', 'X-Amz-Security-Token', 'AWSAccessKeyId', 'Signature', 'Expires', '=', '&', '%', '%2F', '%ZZ', '+', 'AWS4-HMAC-SHA256', '20240501T115959Z', `${AK}%2F20240501%2Fus-east-1%2Fs3%2Faws4_request`, 'host', '604800', '-1', '99999999999'),
  fc.stringMatching(/^[0-9a-f]{0,64}$/),
  fc.string({ maxLength: 10 }),
);
const rawQuery = fc.array(queryToken, { maxLength: 30 }).map((t) => t.join(''));

const headerName = fc.constantFrom('host', 'authorization', 'x-amz-date', 'date', 'x-amz-content-sha256', 'x-amz-security-token', 'content-md5', 'x-amz-meta-a', 'Authorization', 'X-Amz-Date');
const headerValue = fc.oneof(authHeader, fc.constantFrom('20240501T115959Z', 'Wed, 01 May 2024 11:59:59 GMT', 'UNSIGNED-PAYLOAD', 'STREAMING-AWS4-HMAC-SHA256-PAYLOAD', 'not-a-date', ''), fc.string({ maxLength: 30 }));
const rawHeaders = fc.array(fc.tuple(headerName, headerValue), { maxLength: 8 }).map((pairs) => pairs.flat());

describe('fuzz: SigV4 parsers and verifier', function () {
  this.timeout(0);

  it('parseAuthorizationHeader on hostile values returns or throws an S3Error, nothing else', () => {
    fc.assert(
      fc.property(authHeader, (value) => {
        try {
          const parsed = parseAuthorizationHeader(value, 's3', 'us-east-1');
          expect(parsed.signature).to.be.a('string').and.not.equal('');
        } catch (err) {
          onlyS3Error(err);
        }
      }),
      runs(2000),
    );
  });

  it('parseQuery never throws; parsePresignedQuery on hostile queries throws only S3Error', () => {
    fc.assert(
      fc.property(rawQuery, (q) => {
        const params = parseQuery(q);
        try {
          const parsed = parsePresignedQuery(params, 's3', 'us-east-1');
          expect(parsed.expires).to.be.within(1, 604800);
        } catch (err) {
          onlyS3Error(err);
        }
      }),
      runs(2000),
    );
  });

  it('verifyRequest on hostile requests resolves (anonymous) or rejects with an S3Error; never verifies a made-up signature', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom('GET', 'PUT', 'POST', 'DELETE', 'HEAD', 'get', 'PATCH', ''),
        fc.oneof(fc.constantFrom('/', '/b/k', '/%', '/%C3%28', '/%00', '/..', ''), fc.string({ maxLength: 30 }).map((s) => '/' + s)),
        rawQuery,
        rawHeaders,
        async (method, rawPath, q, headers) => {
          const req: SignedRequest = { method, rawPath, rawQuery: q, rawHeaders: headers };
          try {
            const auth = await verifyRequest(req, OPTS);
            // A random request can at most be anonymous: a made-up signature never checks out.
            expect(auth).to.equal(undefined);
          } catch (err) {
            onlyS3Error(err);
          }
        },
      ),
      runs(2000),
    );
  });

  describe('a signed request with one byte changed never verifies', function () {
    const signer = new SignatureV4({
      credentials: { accessKeyId: AK, secretAccessKey: SECRET },
      region: 'us-east-1',
      service: 's3',
      sha256: NodeSha256 as unknown as ChecksumConstructor,
      uriEscapePath: false,
    });
    const word = fc.stringMatching(/^[A-Za-z0-9._~-]{1,10}$/);
    const generated = fc.record({
      method: fc.constantFrom('GET', 'PUT', 'POST', 'DELETE', 'HEAD'),
      key: fc.array(word, { minLength: 1, maxLength: 3 }),
      query: fc.uniqueArray(fc.tuple(fc.stringMatching(/^[a-z][a-z0-9-]{0,8}$/), fc.stringMatching(/^[A-Za-z0-9]{0,8}$/)), { maxLength: 3, selector: ([k]) => k }),
      headers: fc.uniqueArray(fc.tuple(fc.stringMatching(/^[a-z][a-z0-9-]{0,8}$/), fc.stringMatching(/^[A-Za-z0-9]{1,12}$/)), { maxLength: 3, selector: ([k]) => k }),
    });
    const ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
    const HEX = '0123456789abcdef';

    /** Replaces the character at `at` (taken modulo the candidate positions) with another one from `alphabet`. */
    function mutate(text: string, candidates: number[], at: number, pick: number, alphabet: string, same: (a: string, b: string) => boolean): string | undefined {
      if (candidates.length === 0) return undefined;
      const i = candidates[at % candidates.length]!;
      const others = [...alphabet].filter((c) => !same(c, text[i]!));
      return text.slice(0, i) + others[pick % others.length] + text.slice(i + 1);
    }
    /** Positions of alphanumerics outside `%XX` escapes (so a change always changes the decoded bytes). */
    function alnumPositions(text: string): number[] {
      const out: number[] = [];
      for (let i = 0; i < text.length; i++) {
        if (text[i] === '%') {
          i += 2;
          continue;
        }
        if (/[A-Za-z0-9]/.test(text[i]!)) out.push(i);
      }
      return out;
    }

    async function signedRequest(g: { method: string; key: string[]; query: [string, string][]; headers: [string, string][] }, presign: boolean): Promise<SignedRequest> {
      const path = '/bucket/' + g.key.join('/');
      const headers: Record<string, string> = { host: 'keyless.example:8443', 'x-amz-content-sha256': 'UNSIGNED-PAYLOAD' };
      for (const [k, v] of g.headers) headers[`x-fuzz-${k}`] = v;
      const request = { method: g.method, protocol: 'https:', hostname: 'keyless.example', port: 8443, path, query: Object.fromEntries(g.query), headers };
      const signingDate = new Date(NOW.getTime() - 30_000);
      const signed = presign
        ? await signer.presign(request, { signingDate, expiresIn: 3600, unhoistableHeaders: new Set(['x-amz-content-sha256']) })
        : await signer.sign(request, { signingDate });
      const rawQuery = Object.entries(signed.query ?? {})
        .map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(String(v))}`)
        .join('&');
      return { method: g.method, rawPath: signed.path, rawQuery, rawHeaders: Object.entries(signed.headers as Record<string, string>).flat() };
    }

    for (const presign of [false, true]) {
      it(`${presign ? 'presigned' : 'header-signed'}: method, path, query, signed header, date, scope or signature`, async () => {
        await fc.assert(
          fc.asyncProperty(generated, fc.constantFrom('method', 'path', 'query', 'header', 'date', 'scope', 'signature'), fc.nat(), fc.nat(), async (g, field, at, pick) => {
            const req = await signedRequest(g, presign);
            expect(await verifyRequest(req, OPTS), 'the unmodified request verifies').to.not.equal(undefined);
            const eqCase = (a: string, b: string) => a.toLowerCase() === b.toLowerCase();
            const eq = (a: string, b: string) => a === b;
            let mutated: SignedRequest | undefined;
            const headers = [...req.rawHeaders];
            const authIdx = headers.findIndex((h, i) => i % 2 === 0 && h.toLowerCase() === 'authorization') + 1;
            const inQuery = (name: string) => {
              const m = new RegExp(`(?:^|&)${name}=([^&]*)`).exec(req.rawQuery);
              return m ? req.rawQuery.indexOf(m[1]!, m.index) : -1;
            };
            switch (field) {
              case 'method': {
                const m = mutate(req.method, [...req.method].map((_, i) => i), at, pick, 'ABCDEFGHIJKLMNOPQRSTUVWXYZ', eqCase);
                mutated = m === undefined ? undefined : { ...req, method: m };
                break;
              }
              case 'path': {
                const m = mutate(req.rawPath, alnumPositions(req.rawPath), at, pick, ALNUM, eq);
                mutated = m === undefined ? undefined : { ...req, rawPath: m };
                break;
              }
              case 'query': {
                // Header-signed: the whole query is signed. Presigned: everything but the signature itself.
                const sigStart = presign ? inQuery('X-Amz-Signature') : -1;
                const positions = alnumPositions(req.rawQuery).filter((i) => sigStart < 0 || i < sigStart || i >= sigStart + 64);
                const m = mutate(req.rawQuery, positions, at, pick, ALNUM, eq);
                mutated = m === undefined ? undefined : { ...req, rawQuery: m };
                break;
              }
              case 'header': {
                const signedNames = presign ? ['host'] : ['host', 'x-amz-content-sha256', ...g.headers.map(([k]) => `x-fuzz-${k}`)];
                const idx = headers.findIndex((h, i) => i % 2 === 0 && h.toLowerCase() === signedNames[at % signedNames.length]) + 1;
                const value = headers[idx]!;
                const m = mutate(value, alnumPositions(value), pick, at, ALNUM, eq);
                if (m !== undefined) headers[idx] = m;
                mutated = m === undefined ? undefined : { ...req, rawHeaders: headers };
                break;
              }
              case 'date': {
                if (presign) {
                  const start = inQuery('X-Amz-Date');
                  const m = mutate(req.rawQuery, Array.from({ length: 16 }, (_, i) => start + i).filter((i) => /\d/.test(req.rawQuery[i]!)), at, pick, '0123456789', eq);
                  mutated = m === undefined ? undefined : { ...req, rawQuery: m };
                } else {
                  const idx = headers.findIndex((h, i) => i % 2 === 0 && h.toLowerCase() === 'x-amz-date') + 1;
                  const m = mutate(headers[idx]!, alnumPositions(headers[idx]!).filter((i) => /\d/.test(headers[idx]![i]!)), at, pick, '0123456789', eq);
                  headers[idx] = m!;
                  mutated = { ...req, rawHeaders: headers };
                }
                break;
              }
              case 'scope': {
                // The credential scope: access key, date, region, service or terminator.
                if (presign) {
                  const start = inQuery('X-Amz-Credential');
                  const end = req.rawQuery.indexOf('&', start);
                  const positions = alnumPositions(req.rawQuery).filter((i) => i >= start && (end < 0 || i < end));
                  const m = mutate(req.rawQuery, positions, at, pick, ALNUM, eq);
                  mutated = m === undefined ? undefined : { ...req, rawQuery: m };
                } else {
                  const value = headers[authIdx]!;
                  const start = value.indexOf('Credential=') + 'Credential='.length;
                  const end = value.indexOf(',', start);
                  const positions = alnumPositions(value).filter((i) => i >= start && i < end);
                  headers[authIdx] = mutate(value, positions, at, pick, ALNUM, eq)!;
                  mutated = { ...req, rawHeaders: headers };
                }
                break;
              }
              case 'signature': {
                if (presign) {
                  const start = inQuery('X-Amz-Signature');
                  const m = mutate(req.rawQuery, Array.from({ length: 64 }, (_, i) => start + i), at, pick, HEX, eqCase);
                  mutated = { ...req, rawQuery: m! };
                } else {
                  const value = headers[authIdx]!;
                  const start = value.indexOf('Signature=') + 'Signature='.length;
                  headers[authIdx] = mutate(value, Array.from({ length: 64 }, (_, i) => start + i), at, pick, HEX, eqCase)!;
                  mutated = { ...req, rawHeaders: headers };
                }
                break;
              }
            }
            if (mutated === undefined) return;
            expect(await rejectsOnlyWithS3Error(verifyRequest(mutated, OPTS)), `mutated ${field} must not verify: ${JSON.stringify(mutated)}`).to.equal(true);
          }),
          runs(400),
        );
      });
    }
  });
});
