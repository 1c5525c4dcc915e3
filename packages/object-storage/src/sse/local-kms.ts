import { S3Error } from '@keyless/core';
import { deriveKmsKey } from './data-key.js';

/** The key S3 uses when a write asks for `aws:kms` without naming a key: AWS's managed key for S3. */
export const DEFAULT_KMS_KEY_ID = 'alias/aws/s3';

/** The account id in the key ARNs Keyless reports (a local KMS belongs to no AWS account). */
const LOCAL_ACCOUNT = '000000000000';

/** Longest key id AWS KMS accepts (key id, key ARN, alias name or alias ARN). */
const MAX_KEY_ID_LENGTH = 2048;

const ARN = /^arn:aws[a-z-]*:kms:[^:]*:[^:]*:(key\/.+|alias\/.+)$/;

/**
 * The KMS key named by a key id in any of the forms S3 accepts: a key id (`1234abcd-...`), a key
 * ARN (`arn:aws:kms:REGION:ACCOUNT:key/ID`), an alias (`alias/NAME`) or an alias ARN. ARNs reduce to
 * `ID` or `alias/NAME` whatever their region and account: the local KMS has one key space.
 * @see https://docs.aws.amazon.com/kms/latest/developerguide/concepts.html#key-id
 */
export function kmsKeyIdOf(idOrArn: string): string {
  const m = ARN.exec(idOrArn);
  if (!m) return idOrArn;
  const resource = m[1] as string;
  return resource.startsWith('key/') ? resource.slice('key/'.length) : resource;
}

/**
 * A local development KMS for SSE-KMS: the key-encryption key of key id K is derived with HKDF from
 * the server master key under a label naming K, so every key id exists without being created and
 * objects stay readable across restarts. There is no key management API (no CreateKey, rotation,
 * key policies or grants); `allowedKeyIds` (from `KEYLESS_KMS_KEYS`) restricts which ids a write may
 * name — others answer 400 KMS.NotFoundException, as S3 does for a key that does not exist. The
 * default key (`alias/aws/s3`) is always allowed, as AWS creates it on first use.
 */
export class LocalKms {
  readonly #masterKey: Buffer;
  readonly #region: string;
  readonly #allowed: ReadonlySet<string> | undefined;

  constructor(masterKey: Buffer, region: string, allowedKeyIds?: readonly string[]) {
    this.#masterKey = masterKey;
    this.#region = region;
    this.#allowed = allowedKeyIds && allowedKeyIds.length > 0 ? new Set(allowedKeyIds.map(kmsKeyIdOf)) : undefined;
  }

  /**
   * The ARN of the key a write names (`undefined` or blank: the default key), after checking it:
   * too long or with control characters is InvalidArgument; a key outside `KEYLESS_KMS_KEYS` is
   * KMS.NotFoundException. The ARN is what S3 reports in `x-amz-server-side-encryption-aws-kms-key-id`.
   */
  keyArn(requested: string | undefined): string {
    const raw = requested?.trim() ? requested.trim() : DEFAULT_KMS_KEY_ID;
    if (raw.length > MAX_KEY_ID_LENGTH || /[\u0000-\u001f\u007f]/.test(raw)) {
      throw new S3Error('InvalidArgument', 'The KMS key id is not valid.', { ArgumentName: 'x-amz-server-side-encryption-aws-kms-key-id' });
    }
    const id = kmsKeyIdOf(raw);
    const arn = this.arnOf(id);
    if (this.#allowed && id !== DEFAULT_KMS_KEY_ID && !this.#allowed.has(id)) {
      throw new S3Error('KMS.NotFoundException', `Key '${arn}' does not exist`);
    }
    return arn;
  }

  /** The ARN of a (normalized) key id in this server's region. */
  arnOf(id: string): string {
    const resource = id.startsWith('alias/') ? id : `key/${id}`;
    return `arn:aws:kms:${this.#region}:${LOCAL_ACCOUNT}:${resource}`;
  }

  /** The key-encryption key of the key an ARN (or id) names. Reads need no allow-list check: the key is derived. */
  keyEncryptionKey(arnOrId: string): Buffer {
    return deriveKmsKey(this.#masterKey, kmsKeyIdOf(arnOrId));
  }
}
