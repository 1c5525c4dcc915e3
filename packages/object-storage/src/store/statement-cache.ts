import type Database from 'better-sqlite3';

/**
 * The prepared statements of one SQLite connection, keyed by their SQL text: each statement is
 * compiled once and reused, which matters on the per-request paths (lookups, inserts, range scans).
 * The tables of {@link MetadataIndex} share one cache, so they share the connection's transactions.
 */
export class StatementCache {
  readonly #db: Database.Database;
  readonly #statements = new Map<string, Database.Statement>();

  constructor(db: Database.Database) {
    this.#db = db;
  }

  /** The prepared statement for `source`, compiled on first use. */
  prepare(source: string): Database.Statement {
    let statement = this.#statements.get(source);
    if (!statement) {
      statement = this.#db.prepare(source);
      this.#statements.set(source, statement);
    }
    return statement;
  }
}
