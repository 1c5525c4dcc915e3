import type { PolicyRecord, SessionRecord, UserRecord } from '@keyless/core';

/** A `users` row as SQLite returns it. */
export interface UserRow {
  access_key: string;
  secret: Buffer;
  policies: string;
  is_root: number;
  created_at: number;
}

/** A `policies` row as SQLite returns it. */
export interface PolicyRow {
  name: string;
  document: string;
  updated_at: number;
}

/** A `sessions` row as SQLite returns it. */
export interface SessionRow {
  access_key: string;
  secret: Buffer;
  session_token_hash: string;
  parent: string;
  policies: string;
  session_policy: string | null;
  tags: string;
  cert_serial: string | null;
  cert_fingerprint: string | null;
  cert_issuer: string | null;
  subject: string | null;
  created_at: number;
  expires_at: number;
}

/** Maps a users row and its decrypted secret to the interface record. */
export function toUserRecord(row: UserRow, secretKey: string): UserRecord {
  return {
    accessKey: row.access_key,
    secretKey,
    policies: JSON.parse(row.policies) as string[],
    isRoot: row.is_root !== 0,
    createdAt: new Date(row.created_at),
  };
}

/** Maps a policies row to the interface record. */
export function toPolicyRecord(row: PolicyRow): PolicyRecord {
  return { name: row.name, document: row.document, updatedAt: new Date(row.updated_at) };
}

/** Maps a sessions row and its decrypted secret; absent optional facts are left out, not `undefined`. */
export function toSessionRecord(row: SessionRow, secretKey: string): SessionRecord {
  const record: SessionRecord = {
    accessKey: row.access_key,
    secretKey,
    sessionTokenHash: row.session_token_hash,
    parent: row.parent,
    policies: JSON.parse(row.policies) as string[],
    tags: JSON.parse(row.tags) as Record<string, string>,
    createdAt: new Date(row.created_at),
    expiresAt: new Date(row.expires_at),
  };
  if (row.session_policy !== null) record.sessionPolicy = row.session_policy;
  if (row.cert_serial !== null) record.certSerial = row.cert_serial;
  if (row.cert_fingerprint !== null) record.certFingerprint = row.cert_fingerprint;
  if (row.cert_issuer !== null) record.certIssuer = row.cert_issuer;
  if (row.subject !== null) record.subject = row.subject;
  return record;
}
