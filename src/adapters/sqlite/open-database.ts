import BetterSqlite3, { type Database } from 'better-sqlite3';
import { migrate } from './migrator.ts';

/**
 * Opens (or creates) the store with the settings every HyperDesk database uses, and migrates
 * it to the newest schema. WAL lets readers work while the engine writes; `synchronous=NORMAL`
 * is durable across application crashes in WAL mode (only an OS crash can lose the last
 * commits), which is the trade SQLite recommends for WAL.
 */
export function openDatabase(file: string): Database {
  const db = new BetterSqlite3(file);
  try {
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = NORMAL');
    db.pragma('foreign_keys = ON');
    db.pragma('busy_timeout = 5000');
    migrate(db);
    return db;
  } catch (error) {
    db.close();
    throw error;
  }
}
