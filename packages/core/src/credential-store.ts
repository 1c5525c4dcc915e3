/** A static user (root or created with `keyless user add`). */
export interface UserRecord {
  accessKey: string;
  secretKey: string;
  policies: string[];
  /** Root is configured, never stored as an ordinary user; this marks the one row that mirrors it. */
  isRoot: boolean;
  createdAt: Date;
}

/** A named IAM policy document (JSON text, validated before it is stored). */
export interface PolicyRecord {
  name: string;
  document: string;
  updatedAt: Date;
}

/** What STS asks the store to mint. */
export interface IssueTemporaryInput {
  /** The parent identity: a user's access key for AssumeRole, the subject CN for certificates. */
  parent: string;
  policies: string[];
  sessionPolicy?: string;
  tags: Record<string, string>;
  expiresAt: Date;
  /** Certificate facts, for `session revoke --cert-serial/--cert-fingerprint/--subject`. */
  certSerial?: string;
  certFingerprint?: string;
  certIssuer?: string;
  subject?: string;
}

/** A temporary session as stored (the secret decrypted; the token only as its hash). */
export interface SessionRecord {
  accessKey: string;
  secretKey: string;
  /** Hex SHA-256 of the session token: the token itself is never stored. */
  sessionTokenHash: string;
  parent: string;
  policies: string[];
  sessionPolicy?: string;
  tags: Record<string, string>;
  certSerial?: string;
  certFingerprint?: string;
  certIssuer?: string;
  subject?: string;
  createdAt: Date;
  expiresAt: Date;
}

/** Credentials handed to an STS caller once; only the store's hash of the token survives. */
export interface TemporaryCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken: string;
  expiration: Date;
}

/** Which sessions `session revoke` removes: exactly one field is set. */
export type SessionFilter =
  | { accessKey: string }
  | { certSerial: string }
  | { certFingerprint: string }
  | { subject: string };

/**
 * Users, policies and temporary sessions. The SQLite implementation is the first; a PostgreSQL one
 * comes later, so the interface is async and all SQL stays behind it. Every implementation passes
 * the credential-store contract suite.
 */
export interface CredentialStore {
  putUser(user: { accessKey: string; secretKey: string; policies: string[]; isRoot?: boolean }): Promise<void>;
  getUser(accessKey: string): Promise<UserRecord | undefined>;
  listUsers(): Promise<UserRecord[]>;
  /** @returns false when no such user existed. */
  removeUser(accessKey: string): Promise<boolean>;
  /** @returns false when no such user exists. */
  setUserPolicies(accessKey: string, policies: string[]): Promise<boolean>;

  putPolicy(name: string, document: string): Promise<void>;
  getPolicy(name: string): Promise<PolicyRecord | undefined>;
  listPolicies(): Promise<PolicyRecord[]>;
  removePolicy(name: string): Promise<boolean>;

  /** Mints an `ASIA…` access key, a 40-character secret and a session token, and stores the session. */
  issueTemporary(input: IssueTemporaryInput): Promise<TemporaryCredentials>;
  /** A live or expired session by access key (callers check `expiresAt`). */
  getSession(accessKey: string): Promise<SessionRecord | undefined>;
  listSessions(): Promise<SessionRecord[]>;
  /** @returns how many sessions were revoked. */
  revokeSessions(filter: SessionFilter): Promise<number>;
  /** Deletes sessions expired before `now`; @returns how many. */
  purgeExpired(now: Date): Promise<number>;

  /**
   * A number that changes whenever any user, policy or session changes, also when another process
   * (the CLI) changed them. Cheap enough to call on every request; caches compare it to invalidate.
   */
  changeVersion(): Promise<number>;
  close(): Promise<void>;
}
