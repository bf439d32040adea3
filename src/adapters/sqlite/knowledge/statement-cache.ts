import type { Database, Statement } from 'better-sqlite3';

/**
 * Prepares each SQL text once per connection. Some queries are assembled from a filter, so
 * they cannot all be prepared up front.
 */
export class StatementCache {
  private readonly db: Database;
  private readonly prepared = new Map<string, Statement>();

  constructor(db: Database) {
    this.db = db;
  }

  /** The prepared statement for `sql`. */
  get(sql: string): Statement {
    let statement = this.prepared.get(sql);
    if (!statement) {
      statement = this.db.prepare(sql);
      this.prepared.set(sql, statement);
    }
    return statement;
  }

  /**
   * Runs `fn` in one write transaction (nested calls become savepoints of the outer one). It
   * takes the write lock first (BEGIN IMMEDIATE): a read-then-write transaction that started
   * as a reader could otherwise fail with SQLITE_BUSY when another connection wrote between
   * its read and its write (two imports of the same file at once, say).
   */
  write<T>(fn: () => T): T {
    return this.db.transaction(fn).immediate();
  }

  /** Runs `fn` in one read transaction: all its queries see the same snapshot. */
  read<T>(fn: () => T): T {
    return this.db.transaction(fn).deferred();
  }
}
