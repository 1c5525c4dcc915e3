import { ANONYMOUS, isS3Error, S3Error, type CredentialStore, type ObjectStore } from '@keyless/core';
import type { SigningKeyCache } from '@keyless/sigv4';
import { authenticate, lookupCaller, type Authenticated } from './auth/authenticate.js';
import { Authorizer, type AuthzLog } from './auth/authorizer.js';
import { conditionKeys } from './auth/condition-keys.js';
import { HANDLERS, type HandlerDeps, type Owner } from './handlers/index.js';
import { parseAddress } from './http/addressing.js';
import { actualCorsHeaders, preflightCors } from './http/cors-requests.js';
import { ResponseRenderer } from './http/render-response.js';
import type { S3HttpRequest, S3HttpResponse } from './http/s3-http.js';
import type { S3Request } from './http/s3-request.js';
import type { ImplementedOperation } from './operations.js';
import { resolveOperation } from './resolve-operation.js';
import { validateBucketName } from './validation/bucket-name.js';
import { validateObjectKey } from './validation/object-key.js';
import { rejectDuplicateQueryParams } from './validation/query-params.js';
import { XmlCodec } from './xml/xml-codec.js';
import { deriveSseS3Key } from './sse/data-key.js';
import { LocalKms } from './sse/local-kms.js';
import { parsePolicy, PolicyError } from '@keyless/policy-engine';

/** Everything the S3 API needs; `server` chooses the implementations. */
export interface S3ApiDeps {
  store: ObjectStore;
  credentials: CredentialStore;
  root: { accessKey: string; secretKey: string };
  region: string;
  /** Virtual-hosted-style addressing: `bucket.DOMAIN`. */
  domain?: string;
  owner: Owner;
  now: () => Date;
  log: AuthzLog;
  keyCache?: SigningKeyCache;
  /** The server master key material; the SSE-S3 key is derived from it (HKDF, own label). */
  sseMasterKey?: Buffer;
  /** Key ids SSE-KMS writes may name (`KEYLESS_KMS_KEYS`); absent or empty: any id (a local development KMS). */
  kmsKeyIds?: readonly string[];
}

/**
 * The S3 request pipeline: address -> operation -> authenticate -> authorize -> handler -> render.
 * `handle` never throws: every failure becomes S3's XML error document.
 */
export class S3Api {
  private readonly xml = new XmlCodec();
  private readonly renderer = new ResponseRenderer(this.xml);
  private readonly authorizer: Authorizer;
  private readonly handlerDeps: HandlerDeps;

  constructor(private readonly deps: S3ApiDeps) {
    this.authorizer = new Authorizer({ credentials: deps.credentials, store: deps.store, log: deps.log });
    this.handlerDeps = {
      store: deps.store,
      xml: this.xml,
      region: deps.region,
      owner: deps.owner,
      authorize: (req, action, bucket, key) => this.check(req, action, bucket, key),
      lookupCaller: (accessKey) => lookupCaller(accessKey, deps),
      now: deps.now,
      sseKey: deps.sseMasterKey ? deriveSseS3Key(deps.sseMasterKey) : undefined,
      kms: deps.sseMasterKey ? new LocalKms(deps.sseMasterKey, deps.region, deps.kmsKeyIds) : undefined,
      validateBucketPolicy: (json) => {
        try {
          parsePolicy(json, { kind: 'resource' });
        } catch (err) {
          if (err instanceof PolicyError) throw new S3Error('MalformedPolicy', err.message);
          throw new S3Error('MalformedPolicy', 'Policies must be valid JSON.');
        }
      },
    };
  }

  async handle(req: S3HttpRequest): Promise<S3HttpResponse> {
    const addressed: { bucket?: string } = {};
    const res = await this.respond(req, addressed);
    // A cross-origin request's response (error or not) carries the headers of the matching CORS rule.
    if (addressed.bucket !== undefined && req.method !== 'OPTIONS' && req.headers.origin !== undefined) {
      Object.assign(res.headers, await actualCorsHeaders(this.deps.store, addressed.bucket, req.method, req.headers));
    }
    return res;
  }

  private async respond(req: S3HttpRequest, addressed: { bucket?: string }): Promise<S3HttpResponse> {
    let resource = req.rawPath;
    let operation: string | undefined;
    try {
      const { bucket, key, virtualHost } = parseAddress(req.headers.host, req.rawPath, this.deps.domain);
      resource = bucket === undefined ? '/' : key === undefined ? `/${bucket}` : `/${bucket}/${key}`;
      addressed.bucket = bucket;
      // A browser's CORS preflight is not an S3 operation: unauthenticated, answered from the bucket's CORS rules.
      if (req.method === 'OPTIONS' && bucket !== undefined) {
        operation = 'PreflightCors';
        validateBucketName(bucket);
        const res = await preflightCors(this.deps.store, bucket, req.headers);
        if (!req.body.readableEnded) req.body.resume();
        return { ...this.renderer.render(res, req.method, req.requestId), operation };
      }
      const query = new URLSearchParams(req.rawQuery);
      rejectDuplicateQueryParams(query);
      const op = resolveOperation(req.method, bucket, key, query, req.headers);
      operation = op.name;
      if (bucket !== undefined) validateBucketName(bucket);
      if (op.key !== undefined) validateObjectKey(op.key);
      // PostObject carries its credentials in the form body: its handler authenticates and authorizes.
      const { principal, auth }: Authenticated = op.spec.authInBody ? { principal: ANONYMOUS } : await authenticate(
        { method: req.method, rawPath: req.rawPath, rawQuery: req.rawQuery, rawHeaders: req.rawHeaders },
        { credentials: this.deps.credentials, root: this.deps.root, region: this.deps.region, now: this.deps.now, keyCache: this.deps.keyCache },
        { virtualHostBucket: virtualHost ? bucket : undefined },
      );
      const s3req: S3Request = {
        op, method: req.method, query, headers: req.headers, principal, auth, requestId: req.requestId, sourceIp: req.sourceIp, secure: req.secure, rawBody: req.body,
      };
      // A request naming a version is authorized by the versioned action (s3:GetObjectVersion, ...).
      const action = op.spec.versionedAction !== undefined && query.has('versionId') ? op.spec.versionedAction : op.spec.action;
      if (!op.spec.perObject && !op.spec.authInBody) await this.check(s3req, action, bucket, op.key);
      if (!op.spec.implemented) throw new S3Error('NotImplemented', `${op.name} is not implemented.`);
      const handler = HANDLERS[op.name as ImplementedOperation];
      const res = await handler(s3req, this.handlerDeps).catch((err) => this.hideMissingKey(err, s3req));
      return { ...this.renderer.render(res, req.method, req.requestId), operation };
    } catch (err) {
      if (!isS3Error(err)) this.deps.log({ msg: 'internal error', requestId: req.requestId, error: err instanceof Error ? err.stack : String(err) });
      // An unread request body would otherwise keep the socket busy; drain it without storing.
      if (!req.body.readableEnded) req.body.resume();
      return { ...this.renderer.renderError(err, req.method, req.requestId, resource), operation };
    }
  }

  /**
   * S3 answers a missing key with 403 instead of 404 unless the caller may s3:ListBucket, so that
   * callers cannot probe which keys exist. @see https://docs.aws.amazon.com/AmazonS3/latest/API/API_GetObject.html#API_GetObject_Permissions
   */
  private async hideMissingKey(err: unknown, req: S3Request): Promise<never> {
    if (isS3Error(err) && err.code === 'NoSuchKey' && req.principal.type !== 'root' && req.op.bucket !== undefined) {
      const decision = await this.authorizer.decide({ principal: req.principal, action: 's3:ListBucket', bucket: req.op.bucket, keys: this.keysOf(req) });
      if (decision.effect !== 'Allow') throw new S3Error('AccessDenied');
    }
    throw err;
  }

  private async check(req: S3Request, action: string, bucket?: string, key?: string): Promise<void> {
    await this.authorizer.authorize({ principal: req.principal, action, bucket, key, keys: this.keysOf(req) }, req.requestId);
  }

  /** The policy condition keys of a request, at the current time. */
  private keysOf(req: S3Request): Record<string, string | string[] | undefined> {
    return conditionKeys({ principal: req.principal, auth: req.auth, headers: req.headers, query: req.query, sourceIp: req.sourceIp, secure: req.secure, now: this.deps.now() });
  }
}
