import type { Database } from 'better-sqlite3';
import { ConfigurationError } from '../../shared/contract/errors.ts';
import { MIGRATIONS, type Migration } from './migrations.ts';

/** Schema version recorded in the file (SQLite's `user_version`). */
export function schemaVersion(db: Database): number {
  return db.pragma('user_version', { simple: true }) as number;
}

/**
 * Brings the database forward to the newest schema, one migration per transaction, so a
 * crash mid-way leaves the file at a valid earlier version. Refuses a file written by a newer
 * build (no downgrades) rather than risk damaging it.
 *
 * @returns the versions that were applied
 */
export function migrate(
  db: Database,
  migrations: readonly Migration[] = MIGRATIONS,
  target = migrations.length,
): number[] {
  migrations.forEach((m, i) => {
    if (m.version !== i + 1) throw new Error(`migration ${m.name} has version ${m.version}, expected ${i + 1}`);
  });
  const current = schemaVersion(db);
  if (current > migrations.length) {
    throw new ConfigurationError(
      `the database is at schema version ${current}, newer than this build knows (${migrations.length}); ` +
        'update HyperDesk or open another data folder',
    );
  }
  const applied: number[] = [];
  for (const migration of migrations.slice(current, target)) {
    db.transaction(() => {
      if (migration.sql) db.exec(migration.sql);
      migration.up?.(db);
      db.pragma(`user_version = ${migration.version}`);
    })();
    applied.push(migration.version);
  }
  return applied;
}
