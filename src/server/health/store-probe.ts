import BetterSqlite3, { type Database } from 'better-sqlite3';
import { closeSync, fsyncSync, openSync, rmSync, writeSync } from 'node:fs';
import { join } from 'node:path';

/**
 * Proves the store can take writes, without changing it: a small file is written, synced and
 * removed in the data folder (a full disk or a read-only mount fails here), and the database's
 * write lock is taken and given back (`BEGIN IMMEDIATE; ROLLBACK`: a read-only or locked-up
 * database fails here). Throws with the reason; never names the folder's full path.
 */
export class StoreProbe {
  private readonly dataDir: string;
  private readonly dbPath: string;
  private db: Database | null = null;

  constructor(dataDir: string, dbFile = 'hyperdesk.db') {
    this.dataDir = dataDir;
    this.dbPath = join(dataDir, dbFile);
  }

  /** Throws when the store cannot be written now. */
  check(): void {
    const file = join(this.dataDir, `.write-probe-${process.pid}`);
    try {
      const fd = openSync(file, 'w', 0o600);
      try {
        writeSync(fd, 'ok');
        fsyncSync(fd);
      } finally {
        closeSync(fd);
      }
      rmSync(file, { force: true });
    } catch (error) {
      throw new Error(`the data folder cannot be written (${(error as NodeJS.ErrnoException).code ?? 'error'})`, {
        cause: error,
      });
    }
    try {
      // Opened once the engine has created (and migrated) the database; never creates it.
      this.db ??= new BetterSqlite3(this.dbPath, { fileMustExist: true, timeout: 1000 });
      this.db.exec('BEGIN IMMEDIATE');
      this.db.exec('ROLLBACK');
    } catch (error) {
      this.close();
      throw new Error(`the database cannot be written (${(error as Error).message})`, { cause: error });
    }
  }

  close(): void {
    try {
      this.db?.close();
    } catch {
      // Closing a broken handle: nothing more to learn from it.
    }
    this.db = null;
  }
}
