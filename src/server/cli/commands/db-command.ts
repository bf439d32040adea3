import BetterSqlite3 from 'better-sqlite3';
import type { Command } from 'commander';
import { existsSync, mkdirSync, renameSync, rmSync, statSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { ConfigurationError, NotFoundError, ValidationError } from '../../../shared/contract/errors.ts';
import { defaultDataDir } from '../../app-paths.ts';
import { withDataDir } from '../cli-options.ts';
import type { CliIo } from '../program.ts';

// sqlite3_backup_step's page count is an int.
const ALL_PAGES = 0x7fffffff;

interface BackupOptions {
  dataDir?: string;
  out?: string;
  force: boolean;
}

/** What a finished backup reports (also printed as JSON with `--json`). */
export interface BackupResult {
  readonly source: string;
  readonly out: string;
  readonly bytes: number;
  readonly pages: number;
  readonly schemaVersion: number;
}

/**
 * Copies the database at `source` to `out` with SQLite's online backup API, so the copy is
 * one consistent snapshot even while the engine (another connection, another process) keeps
 * writing. The copy is written beside `out` under a temporary name, checked with
 * `PRAGMA integrity_check`, and only then renamed into place: a crash or a failed check never
 * leaves a file at `out` that looks like a good backup.
 */
export async function backupDatabase(source: string, out: string, force = false): Promise<BackupResult> {
  if (!existsSync(source)) throw new NotFoundError(`no database at ${source}`);
  if (existsSync(out) && !force) throw new ValidationError(`--out: ${out} exists; pass --force to replace it`);
  try {
    mkdirSync(dirname(out), { recursive: true });
  } catch (error) {
    throw new ConfigurationError(`--out: folder ${dirname(out)} cannot be created: ${(error as Error).message}`);
  }
  const partial = join(dirname(out), `.${basename(out)}.partial-${process.pid}`);
  rmSync(partial, { force: true });
  // Read-only: a backup must never migrate or otherwise touch the live database.
  const db = new BetterSqlite3(source, { readonly: true, fileMustExist: true });
  try {
    db.pragma('busy_timeout = 5000');
    // All remaining pages in one step, under one read transaction. Stepping 100 pages at a
    // time (the default) restarts from page 1 whenever another connection writes in between,
    // which on a busy journal may never finish; in WAL mode one long read does not block the
    // engine's writes.
    await db.backup(partial, { progress: () => ALL_PAGES });
  } catch (error) {
    rmSync(partial, { force: true });
    throw new ConfigurationError(`backup of ${source} failed: ${(error as Error).message}`);
  } finally {
    db.close();
  }
  const copy = new BetterSqlite3(partial, { fileMustExist: true });
  let pages: number;
  let schemaVersion: number;
  try {
    const check = copy.pragma('integrity_check', { simple: true });
    if (check !== 'ok') throw new ConfigurationError(`the backup of ${source} is corrupt: ${String(check)}`);
    // The copy is a standalone file: rollback journal mode, nothing left in a WAL beside it.
    copy.pragma('journal_mode = DELETE');
    pages = Number(copy.pragma('page_count', { simple: true }));
    schemaVersion = Number(copy.pragma('user_version', { simple: true }));
  } catch (error) {
    copy.close();
    rmSync(partial, { force: true });
    throw error;
  }
  copy.close();
  renameSync(partial, out);
  return { source, out, bytes: statSync(out).size, pages, schemaVersion };
}

/** `hyperdesk db …`: maintenance of the HyperDesk database (the journal). */
export function registerDb(program: Command, io: CliIo): void {
  const db = program.command('db').description('maintain the HyperDesk database (online backup)');
  withDataDir(
    db
      .command('backup')
      .description('copy the database to a file while it is in use (SQLite online backup), then verify the copy'),
  )
    .requiredOption('--out <file>', 'where to write the copy')
    .option('--force', 'replace --out if it exists', false)
    .option('--json', 'print the result as one JSON object', false)
    .action(async (opts: BackupOptions & { json: boolean }) => {
      if (!opts.out) throw new ValidationError('--out: a file is required');
      const source = join(opts.dataDir ?? defaultDataDir(), 'hyperdesk.db');
      const result = await backupDatabase(source, resolve(opts.out), opts.force);
      io.out(
        opts.json
          ? `${JSON.stringify(result)}\n`
          : `backed up ${result.source} to ${result.out}: ${result.bytes} bytes, ${result.pages} pages, schema ${result.schemaVersion}, integrity ok\n`,
      );
    });
}
