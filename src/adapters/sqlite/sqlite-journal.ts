import type { Database, Statement } from 'better-sqlite3';
import type { Journal, JournalEntry } from '../../engine/execution/execution-client.ts';

/**
 * The trading journal in SQLite (the `journal` table), one stream per run id (an account and
 * market traded in one mode). An append of several entries is one transaction: all are
 * durable, or none.
 */
export class SqliteJournal implements Journal {
  private readonly runId: string;
  private readonly insert: Statement;
  private readonly select: Statement;
  private readonly selectAfter: Statement;
  private readonly appendAll: (entries: readonly JournalEntry[]) => void;

  constructor(db: Database, runId: string) {
    this.runId = runId;
    this.insert = db.prepare('INSERT INTO journal (run_id, at, event, payload) VALUES (?, ?, ?, ?)');
    this.select = db.prepare('SELECT at, event, payload FROM journal WHERE run_id = ? ORDER BY seq');
    this.selectAfter = db.prepare(
      'SELECT seq, at, event, payload FROM journal WHERE run_id = ? AND seq > ? ORDER BY seq',
    );
    this.appendAll = db.transaction((entries: readonly JournalEntry[]) => {
      for (const e of entries) this.insert.run(this.runId, Math.trunc(e.at), e.event, JSON.stringify(e.payload));
    });
  }

  append(entries: readonly JournalEntry[]): void {
    if (entries.length > 0) this.appendAll(entries);
  }

  /** Entries appended after sequence number `seq` (0: all), with their sequence numbers. */
  readAfter(seq: number): { seq: number; entry: JournalEntry }[] {
    return (this.selectAfter.all(this.runId, seq) as { seq: number; at: number; event: string; payload: string }[]).map(
      (row) => ({
        seq: row.seq,
        entry: { at: row.at, event: row.event, payload: JSON.parse(row.payload) as Record<string, unknown> },
      }),
    );
  }

  read(): JournalEntry[] {
    return (this.select.all(this.runId) as { at: number; event: string; payload: string }[]).map((row) => ({
      at: row.at,
      event: row.event,
      payload: JSON.parse(row.payload) as Record<string, unknown>,
    }));
  }
}
