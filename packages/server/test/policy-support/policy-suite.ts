import { expect } from 'chai';
import { errorCode, type S3RequestSpec, type S3TestClient, type TestResponse } from '../support/s3-client.js';
import { startPolicyServer, writeJson, type PolicyServer } from './policy-server.js';

/** The keys {@link startPolicySuiteServer} writes into the suite's bucket (`content of KEY` each). */
export const POLICY_SUITE_KEYS = ['a.txt', 'secret/s.txt', 'public/p.txt', 'home/alice/a1', 'home/bob/b1'];

/** Asserts a 403 with the given S3 error code (AccessDenied by default). */
export function denied(res: TestResponse, code = 'AccessDenied'): void {
  expect(res.status, res.text).to.equal(403);
  expect(errorCode(res)).to.equal(code);
}

/** Starts a policy server and creates `bucket` holding {@link POLICY_SUITE_KEYS}, as root. */
export async function startPolicySuiteServer(bucket: string): Promise<PolicyServer> {
  const t = await startPolicyServer();
  expect((await t.root.send({ method: 'PUT', bucket })).status).to.equal(200);
  for (const k of POLICY_SUITE_KEYS) {
    expect((await t.root.send({ method: 'PUT', bucket, key: k, body: `content of ${k}` })).status).to.equal(200);
  }
  return t;
}

/** The request and CLI shorthands of a policy suite; see {@link policySuiteHelpers}. */
export interface PolicySuiteHelpers {
  /** The client of a user added with {@link addUser}. */
  as(name: string): S3TestClient;
  /** A request signed as root. */
  root(spec: S3RequestSpec): Promise<TestResponse>;
  get(c: S3TestClient, key: string): Promise<TestResponse>;
  head(c: S3TestClient, key: string): Promise<TestResponse>;
  put(c: S3TestClient, key: string, body?: string): Promise<TestResponse>;
  del(c: S3TestClient, key: string): Promise<TestResponse>;
  /** ListObjectsV2 of the bucket, with extra query parameters. */
  list(c: S3TestClient, query?: Record<string, string>): Promise<TestResponse>;
  /** An unsigned (anonymous) request. */
  anon(spec: S3RequestSpec): Promise<TestResponse>;
  /** Runs the CLI, asserting exit code 0; returns what it printed. */
  cliOk(...argv: string[]): Promise<string[]>;
  /** `keyless policy put NAME FILE` with the policy written to a file. */
  putPolicy(name: string, policy: unknown): Promise<void>;
  /** `keyless user add NAME SECRET [--policy P]`; returns (and remembers) the user's client. */
  addUser(name: string, policies?: string): Promise<S3TestClient>;
}

/**
 * Shorthands on the objects of `bucket` for a suite whose server `server()` returns (it is read at
 * call time, so the suite can start the server in its `before` hook).
 */
export function policySuiteHelpers(bucket: string, server: () => PolicyServer): PolicySuiteHelpers {
  const users = new Map<string, S3TestClient>();
  const B = bucket;
  const as = (name: string) => {
    const c = users.get(name);
    if (!c) throw new Error(`no user ${name}`);
    return c;
  };
  const root = (spec: S3RequestSpec) => server().root.send(spec);
  const get = (c: S3TestClient, key: string) => c.send({ method: 'GET', bucket: B, key });
  const head = (c: S3TestClient, key: string) => c.send({ method: 'HEAD', bucket: B, key });
  const put = (c: S3TestClient, key: string, body = 'x') => c.send({ method: 'PUT', bucket: B, key, body });
  const del = (c: S3TestClient, key: string) => c.send({ method: 'DELETE', bucket: B, key });
  const list = (c: S3TestClient, query: Record<string, string> = {}) => c.send({ method: 'GET', bucket: B, query: { 'list-type': '2', ...query } });
  const anon = (spec: S3RequestSpec) => server().root.send({ ...spec, unsigned: true });

  async function cliOk(...argv: string[]): Promise<string[]> {
    const r = await server().cli(...argv);
    expect(r.code, r.err.join('\n')).to.equal(0);
    return r.out;
  }
  async function putPolicy(name: string, policy: unknown): Promise<void> {
    await cliOk('policy', 'put', name, writeJson(server().fileDir, `${name}.json`, policy));
  }
  async function addUser(name: string, policies?: string): Promise<S3TestClient> {
    const secret = `${name}-secret-key`;
    await cliOk('user', 'add', name, secret, ...(policies === undefined ? [] : ['--policy', policies]));
    const c = server().client(name, secret);
    users.set(name, c);
    return c;
  }
  return { as, root, get, head, put, del, list, anon, cliOk, putPolicy, addUser };
}
