import BetterSqlite3 from 'better-sqlite3';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { DataDirSchema } from '../../shared/contract/settings.ts';

/** The database file of a data folder. */
export function databaseIn(dataDir: string): string {
  return join(dataDir, 'hyperdesk.db');
}

/**
 * The data folder chosen in the Settings panel, as the database in `home` (the default data
 * folder) records it, or null when none was chosen (or `home` has no database yet). Read at
 * start, before the engine exists, so a choice applies from the next start. The database is
 * opened read-only and never migrated here; a file it cannot read counts as no choice (the
 * engine then opens `home` and reports the problem itself).
 */
export function chosenDataDir(home: string): string | null {
  const file = databaseIn(home);
  if (!existsSync(file)) return null;
  let db: BetterSqlite3.Database | null = null;
  try {
    db = new BetterSqlite3(file, { readonly: true, fileMustExist: true });
    const table = db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'settings'").get();
    if (!table) return null;
    const row = db.prepare("SELECT value FROM settings WHERE key = 'dataDir'").get() as { value: string } | undefined;
    if (!row) return null;
    const parsed = DataDirSchema.nullable().safeParse(JSON.parse(row.value));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  } finally {
    db?.close();
  }
}
