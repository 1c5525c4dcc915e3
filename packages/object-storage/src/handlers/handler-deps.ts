import type { ObjectStore } from '@keyless/core';
import type { XmlCodec } from '../xml/xml-codec.js';
import type { S3Request, S3Response } from '../http/s3-request.js';
import type { CallerLookup } from '../auth/authenticate.js';
import type { LocalKms } from '../sse/local-kms.js';

/** The bucket owner reported in listings (a single-tenant server has one). */
export interface Owner {
  id: string;
  displayName: string;
}

/** What every handler may use; built once by `server` and passed down. */
export interface HandlerDeps {
  store: ObjectStore;
  xml: XmlCodec;
  region: string;
  owner: Owner;
  /**
   * Authorizes a further action for the same caller, e.g. s3:GetObject on a copy source or
   * s3:DeleteObject per key of DeleteObjects. Throws AccessDenied.
   */
  authorize(req: S3Request, action: string, bucket: string, key?: string): Promise<void>;
  /**
   * Looks up an access key's secret and principal (root, user or STS session, with the session
   * token rules); for handlers that verify a signature carried in the body (PostObject).
   */
  lookupCaller(accessKey: string): Promise<CallerLookup | undefined>;
  /** The current time (injected so tests and policies agree on it). */
  now(): Date;
  /** Validates a bucket policy document; throws S3Error MalformedPolicy naming the problem. */
  validateBucketPolicy(json: string): void;
  /**
   * The SSE-S3 key-encryption key (derived from the server master key, see `sse/data-key.ts`);
   * without it SSE-S3 and bucket default encryption answer NotImplemented.
   */
  sseKey?: Buffer;
  /** The local KMS of SSE-KMS (keys derived from the server master key); without it aws:kms answers NotImplemented. */
  kms?: LocalKms;
}

/** An S3 operation's implementation: returns a value or throws an S3Error, never writes HTTP. */
export type Handler = (req: S3Request, deps: HandlerDeps) => Promise<S3Response>;
