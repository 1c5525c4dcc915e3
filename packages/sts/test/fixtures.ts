import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { XMLParser } from 'fast-xml-parser';
import { SqliteCredentialStore } from '@keyless/credential-store';
import type { StsDeps, StsHttpRequest, StsHttpResponse, TrustStore } from '../src/index.js';

export const ROOT = { accessKey: 'keylessroot', secretKey: 'keyless-root-secret-0123456789abcdefghij' };
export const EXISTING_POLICIES = new Set(['readwrite', 'readonly', 'writeonly', 'app1', 'ns-billing', 'app-invoicer']);

/** A real credential store in a fresh temporary directory. */
export async function openStore(): Promise<{ store: SqliteCredentialStore; close: () => Promise<void> }> {
  const dataDir = mkdtempSync(join(tmpdir(), 'keyless-sts-'));
  const store = await SqliteCredentialStore.open({ dataDir, masterKey: randomBytes(32) });
  return {
    store,
    close: async () => {
      await store.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** STS deps over a real store; `logs` collects what the handler tells operators. */
export function makeDeps(store: SqliteCredentialStore, trust: TrustStore, over: Partial<StsDeps> = {}): StsDeps & { logs: Record<string, unknown>[] } {
  const logs: Record<string, unknown>[] = [];
  return {
    credentials: store,
    trust,
    root: ROOT,
    region: 'us-east-1',
    maxDurationSeconds: 43200,
    now: () => new Date(),
    policyExists: async (name) => EXISTING_POLICIES.has(name),
    log: (e) => logs.push(e),
    logs,
    ...over,
  };
}

/** An STS request as the server would pass it. */
export function stsRequest(over: Partial<StsHttpRequest> & { form?: string } = {}): StsHttpRequest {
  const { form, ...rest } = over;
  const headers: Record<string, string> = form !== undefined
    ? { host: 'keyless.test', 'content-type': 'application/x-www-form-urlencoded; charset=utf-8' }
    : { host: 'keyless.test' };
  return {
    method: 'POST',
    rawPath: '/',
    rawQuery: form !== undefined ? '' : 'Action=AssumeRoleWithCertificate&Version=2011-06-15',
    rawHeaders: Object.entries(headers).flat(),
    headers,
    body: Buffer.from(form ?? ''),
    peerCertificates: [],
    encrypted: true,
    sourceIp: '127.0.0.1',
    requestId: 'REQ0001',
    ...rest,
  };
}

/** Parses an STS XML body, keeping the namespace attribute. */
export function parseXml(res: StsHttpResponse): Record<string, any> {
  return new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '@_', parseTagValue: false }).parse(res.body) as Record<string, any>;
}

/** The Error element of an STS error response (asserting the document's shape). */
export function stsErrorOf(res: StsHttpResponse): { Type: string; Code: string; Message: string } {
  const doc = parseXml(res);
  if (doc.ErrorResponse?.Error === undefined) throw new Error(`not an STS error: ${res.body}`);
  if (doc.ErrorResponse['@_xmlns'] !== 'https://sts.amazonaws.com/doc/2011-06-15/') throw new Error('wrong namespace');
  return doc.ErrorResponse.Error;
}
