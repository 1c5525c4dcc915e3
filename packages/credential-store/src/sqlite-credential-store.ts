import { closeSync, mkdirSync, openSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import type {
  CredentialStore,
  IssueTemporaryInput,
  PolicyRecord,
  SessionFilter,
  SessionRecord,
  TemporaryCredentials,
  UserRecord,
} from '@keyless/core';
import { loadMasterKey } from './load-master-key.js';
import { applyMigrations } from './migrations.js';
import { hashSessionToken, mintSessionCredentials } from './mint-session-credentials.js';
import { SecretBox } from './secret-box.js';
import { toPolicyRecord, toSessionRecord, toUserRecord, type PolicyRow, type SessionRow, type UserRow } from './rows.js';
import { sessionFilterColumn } from './session-filter-column.js';

/** File name of the database inside the data directory. */
export const CREDENTIALS_DB_FILE = 'credentials.db';

/** How to open a {@link SqliteCredentialStore}. */
export interface SqliteCredentialStoreOptions {
  /** The data directory; created with mode 0700 when missing. */
  dataDir: string;
  /** The 32-byte master key; when absent, {@link loadMasterKey} finds it in `env` or the key file. */
  masterKey?: Buffer;
  /** Environment for {@link loadMasterKey}; defaults to `process.env`. */
  env?: NodeJS.ProcessEnv;
  /** How long a write waits for the other process's write lock; defaults to 5000 ms. */
  busyTimeoutMs?: number;
}

// A fixed plaintext sealed once per database: opening with another key fails here, at start-up,
// instead of on the first request that happens to touch a secret.
const KEY_CHECK_TEXT = 'keyless credential store master key check';
const KEY_CHECK_AAD = 'meta:key_check';

/**
 * The {@link CredentialStore} in `<dataDir>/credentials.db` (better-sqlite3, WAL). The server and the
 * CLI open the same file at once: writes take the lock up front (`BEGIN IMMEDIATE`) and wait up to
 * `busyTimeoutMs` for each other. User and session secrets are sealed with AES-256-GCM under the
 * master key; session tokens are stored only as SHA-256 hashes. SQLite calls are synchronous and
 * fast; the methods are async only because the interface is shared with network databases.
 */
export class SqliteCredentialStore implements CredentialStore {
  readonly #db: Database.Database;
  readonly #box: SecretBox;
  readonly #inWrite: Database.Transaction<(work: () => boolean) => void>;
  readonly #sql: ReturnType<typeof prepareStatements>;

  private constructor(db: Database.Database, box: SecretBox) {
    this.#db = db;
    this.#box = box;
    this.#sql = prepareStatements(db);
    const bump = this.#sql.bumpVersion;
    // changeVersion(): a counter row in `meta`, incremented inside every write transaction that
    // changed something. It lives in the database, so it moves for writes by this connection, by
    // other connections and by other processes (the CLI) alike, and every reader sees the same
    // value. `PRAGMA data_version` would miss this connection's own writes and differs per
    // connection, so it would need a local counter on top; one row is simpler and just as cheap.
    this.#inWrite = db.transaction((work: () => boolean) => {
      if (work()) bump.run();
    });
  }

  /**
   * Opens (creating when missing) the store in `options.dataDir`, migrates the schema and checks
   * the master key.
   * @throws Error "credential store: master key does not match the data directory" for a wrong key.
   */
  static async open(options: SqliteCredentialStoreOptions): Promise<SqliteCredentialStore> {
    const { dataDir } = options;
    mkdirSync(dataDir, { recursive: true, mode: 0o700 });
    const box = new SecretBox(options.masterKey ?? loadMasterKey(dataDir, options.env ?? process.env));
    const path = join(dataDir, CREDENTIALS_DB_FILE);
    // Create the file private before SQLite does (it would use 0644); SQLite gives the -wal and
    // -shm files the permissions of the database file.
    closeSync(openSync(path, 'a', 0o600));
    const db = new Database(path);
    try {
      db.pragma(`busy_timeout = ${Math.max(0, Math.trunc(options.busyTimeoutMs ?? 5000))}`);
      db.pragma('journal_mode = WAL');
      db.pragma('synchronous = FULL');
      applyMigrations(db);
      checkMasterKey(db, box);
      return new SqliteCredentialStore(db, box);
    } catch (error) {
      db.close();
      throw error;
    }
  }

  async putUser(user: { accessKey: string; secretKey: string; policies: string[]; isRoot?: boolean }): Promise<void> {
    requireText('access key', user.accessKey);
    requireText('secret key', user.secretKey);
    const policies = JSON.stringify(requireNames(user.policies));
    const secret = this.#box.seal(user.secretKey, userAad(user.accessKey));
    this.#write(() => {
      this.#sql.upsertUser.run(user.accessKey, secret, policies, user.isRoot ? 1 : 0, Date.now());
      return true;
    });
  }

  async getUser(accessKey: string): Promise<UserRecord | undefined> {
    const row = this.#sql.getUser.get(accessKey) as UserRow | undefined;
    return row && toUserRecord(row, this.#box.open(row.secret, userAad(row.access_key)));
  }

  async listUsers(): Promise<UserRecord[]> {
    const rows = this.#sql.listUsers.all() as UserRow[];
    return rows.map((row) => toUserRecord(row, this.#box.open(row.secret, userAad(row.access_key))));
  }

  async removeUser(accessKey: string): Promise<boolean> {
    return this.#write(() => this.#sql.removeUser.run(accessKey).changes > 0);
  }

  async setUserPolicies(accessKey: string, policies: string[]): Promise<boolean> {
    const json = JSON.stringify(requireNames(policies));
    return this.#write(() => this.#sql.setUserPolicies.run(json, accessKey).changes > 0);
  }

  async putPolicy(name: string, document: string): Promise<void> {
    requireText('policy name', name);
    requireText('policy document', document);
    this.#write(() => {
      this.#sql.upsertPolicy.run(name, document, Date.now());
      return true;
    });
  }

  async getPolicy(name: string): Promise<PolicyRecord | undefined> {
    const row = this.#sql.getPolicy.get(name) as PolicyRow | undefined;
    return row && toPolicyRecord(row);
  }

  async listPolicies(): Promise<PolicyRecord[]> {
    return (this.#sql.listPolicies.all() as PolicyRow[]).map(toPolicyRecord);
  }

  async removePolicy(name: string): Promise<boolean> {
    return this.#write(() => this.#sql.removePolicy.run(name).changes > 0);
  }

  async issueTemporary(input: IssueTemporaryInput): Promise<TemporaryCredentials> {
    requireText('parent', input.parent);
    const expiresAt = input.expiresAt.getTime();
    if (!Number.isFinite(expiresAt)) throw new TypeError('credential store: expiresAt is not a valid date');
    const policies = JSON.stringify(requireNames(input.policies));
    const tags = JSON.stringify(requireTags(input.tags));
    for (let attempt = 1; ; attempt += 1) {
      const minted = mintSessionCredentials();
      const inserted = this.#write(() => {
        const result = this.#sql.insertSession.run({
          access_key: minted.accessKey,
          secret: this.#box.seal(minted.secretKey, sessionAad(minted.accessKey)),
          session_token_hash: hashSessionToken(minted.sessionToken),
          parent: input.parent,
          policies,
          session_policy: input.sessionPolicy ?? null,
          tags,
          cert_serial: input.certSerial ?? null,
          cert_fingerprint: input.certFingerprint ?? null,
          cert_issuer: input.certIssuer ?? null,
          subject: input.subject ?? null,
          created_at: Date.now(),
          expires_at: expiresAt,
        });
        return result.changes > 0;
      });
      // 80 random bits make a collision absurdly unlikely; should one happen, mint again rather
      // than overwrite a live session. Repeated collisions mean a broken random source: stop.
      if (inserted) {
        return {
          accessKeyId: minted.accessKey,
          secretAccessKey: minted.secretKey,
          sessionToken: minted.sessionToken,
          expiration: new Date(expiresAt),
        };
      }
      if (attempt >= 3) throw new Error('credential store: could not mint an unused session access key');
    }
  }

  async getSession(accessKey: string): Promise<SessionRecord | undefined> {
    const row = this.#sql.getSession.get(accessKey) as SessionRow | undefined;
    return row && toSessionRecord(row, this.#box.open(row.secret, sessionAad(row.access_key)));
  }

  async listSessions(): Promise<SessionRecord[]> {
    const rows = this.#sql.listSessions.all() as SessionRow[];
    return rows.map((row) => toSessionRecord(row, this.#box.open(row.secret, sessionAad(row.access_key))));
  }

  async revokeSessions(filter: SessionFilter): Promise<number> {
    const { column, value } = sessionFilterColumn(filter);
    const statement = this.#sql.revokeBy[column];
    let revoked = 0;
    this.#write(() => {
      revoked = statement.run(value).changes;
      return revoked > 0;
    });
    return revoked;
  }

  async purgeExpired(now: Date): Promise<number> {
    const cutoff = now.getTime();
    if (!Number.isFinite(cutoff)) throw new TypeError('credential store: now is not a valid date');
    let purged = 0;
    this.#write(() => {
      purged = this.#sql.purgeExpired.run(cutoff).changes;
      return purged > 0;
    });
    return purged;
  }

  async changeVersion(): Promise<number> {
    return (this.#sql.getVersion.get() as { value: number }).value;
  }

  async close(): Promise<void> {
    if (this.#db.open) this.#db.close();
  }

  /** Runs `work` in an IMMEDIATE transaction; bumps the change version when it reports a change. */
  #write(work: () => boolean): boolean {
    let changed = false;
    this.#inWrite.immediate(() => {
      changed = work();
      return changed;
    });
    return changed;
  }
}

// Domain-separated AAD: a sealed secret opens only in its own table and row.
function userAad(accessKey: string): string {
  return `user:${accessKey}`;
}

function sessionAad(accessKey: string): string {
  return `session:${accessKey}`;
}

function requireText(what: string, value: unknown): void {
  if (typeof value !== 'string' || value.length === 0) {
    throw new TypeError(`credential store: ${what} must be a non-empty string`);
  }
}

function requireNames(policies: unknown): string[] {
  if (!Array.isArray(policies) || !policies.every((name) => typeof name === 'string')) {
    throw new TypeError('credential store: policies must be an array of policy names');
  }
  return policies;
}

function requireTags(tags: unknown): Record<string, string> {
  if (
    typeof tags !== 'object' ||
    tags === null ||
    Array.isArray(tags) ||
    !Object.values(tags).every((value) => typeof value === 'string')
  ) {
    throw new TypeError('credential store: tags must be an object of string values');
  }
  return tags as Record<string, string>;
}

function checkMasterKey(db: Database.Database, box: SecretBox): void {
  const read = db.prepare("SELECT value FROM meta WHERE key = 'key_check'");
  let row = read.get() as { value: Buffer } | undefined;
  if (!row) {
    db.prepare("INSERT OR IGNORE INTO meta (key, value) VALUES ('key_check', ?)").run(
      box.seal(KEY_CHECK_TEXT, KEY_CHECK_AAD),
    );
    // Re-read: a concurrent first open may have inserted its check first.
    row = read.get() as { value: Buffer };
  }
  box.open(row.value, KEY_CHECK_AAD);
}

function prepareStatements(db: Database.Database) {
  const sessionColumns = `access_key, secret, session_token_hash, parent, policies, session_policy, tags,
    cert_serial, cert_fingerprint, cert_issuer, subject, created_at, expires_at`;
  return {
    getVersion: db.prepare("SELECT value FROM meta WHERE key = 'version'"),
    bumpVersion: db.prepare("UPDATE meta SET value = value + 1 WHERE key = 'version'"),
    // Replacing a user keeps its creation time: the row is the same identity with a new secret.
    upsertUser: db.prepare(`INSERT INTO users (access_key, secret, policies, is_root, created_at)
      VALUES (?, ?, ?, ?, ?)
      ON CONFLICT (access_key) DO UPDATE SET
        secret = excluded.secret, policies = excluded.policies, is_root = excluded.is_root`),
    getUser: db.prepare('SELECT * FROM users WHERE access_key = ?'),
    listUsers: db.prepare('SELECT * FROM users ORDER BY access_key'),
    removeUser: db.prepare('DELETE FROM users WHERE access_key = ?'),
    setUserPolicies: db.prepare('UPDATE users SET policies = ? WHERE access_key = ?'),
    upsertPolicy: db.prepare(`INSERT INTO policies (name, document, updated_at) VALUES (?, ?, ?)
      ON CONFLICT (name) DO UPDATE SET document = excluded.document, updated_at = excluded.updated_at`),
    getPolicy: db.prepare('SELECT * FROM policies WHERE name = ?'),
    listPolicies: db.prepare('SELECT * FROM policies ORDER BY name'),
    removePolicy: db.prepare('DELETE FROM policies WHERE name = ?'),
    // DO NOTHING only on an access-key clash (see issueTemporary); any other violation throws.
    insertSession: db.prepare(`INSERT INTO sessions (${sessionColumns}) VALUES (
      @access_key, @secret, @session_token_hash, @parent, @policies, @session_policy, @tags,
      @cert_serial, @cert_fingerprint, @cert_issuer, @subject, @created_at, @expires_at)
      ON CONFLICT (access_key) DO NOTHING`),
    getSession: db.prepare('SELECT * FROM sessions WHERE access_key = ?'),
    listSessions: db.prepare('SELECT * FROM sessions ORDER BY created_at, access_key'),
    revokeBy: {
      access_key: db.prepare('DELETE FROM sessions WHERE access_key = ?'),
      cert_serial: db.prepare('DELETE FROM sessions WHERE cert_serial = ?'),
      cert_fingerprint: db.prepare('DELETE FROM sessions WHERE cert_fingerprint = ?'),
      subject: db.prepare('DELETE FROM sessions WHERE subject = ?'),
    },
    purgeExpired: db.prepare('DELETE FROM sessions WHERE expires_at < ?'),
  };
}
