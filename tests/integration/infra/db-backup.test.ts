import BetterSqlite3 from 'better-sqlite3';
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../../../src/adapters/sqlite/open-database.ts';
import { backupDatabase } from '../../../src/server/cli/commands/db-command.ts';
import { hyperdesk } from '../../helpers/cli-process.ts';
import { ROOT, tempDir } from '../../helpers/paths.ts';

const tmp = tempDir('hyperdesk-db-backup-');
afterAll(() => tmp.remove());

/**
 * A second process that writes to the database until `stopFile` appears: each transaction
 * inserts a row and bumps a counter, so any consistent snapshot has count(rows) = counter.
 * It prints "ready" once it has committed its first transactions.
 */
function startWriter(dbFile: string, stopFile: string) {
  const code = `
    import Database from 'better-sqlite3';
    import { existsSync } from 'node:fs';
    const db = new Database(${JSON.stringify(dbFile)});
    db.pragma('journal_mode = WAL');
    db.pragma('busy_timeout = 5000');
    const insert = db.prepare('INSERT INTO backup_probe (payload) VALUES (?)');
    const bump = db.prepare('UPDATE backup_probe_count SET n = n + 1');
    const tx = db.transaction(() => { insert.run(Buffer.alloc(2048, 7)); bump.run(); });
    let n = 0;
    const deadline = Date.now() + 20000;
    while (!existsSync(${JSON.stringify(stopFile)}) && Date.now() < deadline) {
      tx();
      if (++n === 200) process.stdout.write('ready\\n');
    }
    db.close();
    process.stdout.write('wrote ' + n + '\\n');
  `;
  const child = spawn(process.execPath, ['--input-type=module', '-e', code], { cwd: ROOT, stdio: 'pipe' });
  let out = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr.on('data', (d: Buffer) => (out += d.toString()));
  const ready = new Promise<void>((resolve, reject) => {
    const timer = setInterval(() => {
      if (out.includes('ready')) {
        clearInterval(timer);
        resolve();
      } else if (child.exitCode !== null) {
        clearInterval(timer);
        reject(new Error(`writer exited: ${out}`));
      }
    }, 10);
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
  return { ready, exited, output: () => out };
}

function probeCounts(file: string): { rows: number; counter: number; integrity: unknown; version: number } {
  const db = new BetterSqlite3(file, { readonly: true, fileMustExist: true });
  try {
    return {
      rows: Number(db.prepare('SELECT count(*) AS n FROM backup_probe').pluck().get()),
      counter: Number(db.prepare('SELECT n FROM backup_probe_count').pluck().get()),
      integrity: db.pragma('integrity_check', { simple: true }),
      version: Number(db.pragma('user_version', { simple: true })),
    };
  } finally {
    db.close();
  }
}

describe('hyperdesk db backup', () => {
  const dataDir = join(tmp.dir, 'data');
  const dbFile = join(dataDir, 'hyperdesk.db');

  it('copies the database while another process writes: the copy opens, passes integrity_check and is one snapshot', async () => {
    mkdirSync(dataDir, { recursive: true });
    const db = openDatabase(dbFile);
    const liveVersion = Number(db.pragma('user_version', { simple: true }));
    db.exec(
      'CREATE TABLE backup_probe (id INTEGER PRIMARY KEY, payload BLOB NOT NULL);' +
        'CREATE TABLE backup_probe_count (n INTEGER NOT NULL); INSERT INTO backup_probe_count VALUES (0);',
    );
    db.close();

    const stopFile = join(tmp.dir, 'stop');
    const writer = startWriter(dbFile, stopFile);
    await writer.ready;
    const out = join(tmp.dir, 'backups', 'copy.db');
    const first = await hyperdesk('db', 'backup', '--data-dir', dataDir, '--out', out, '--json');
    // A second copy while the writer is still going: the source keeps changing between them.
    const second = await hyperdesk('db', 'backup', '--data-dir', dataDir, '--out', `${out}.2`, '--json');
    writeFileSync(stopFile, '');
    expect(await writer.exited).toBe(0);

    expect(first.err).toBe('');
    expect(first.code).toBe(0);
    expect(second.code).toBe(0);
    const result = JSON.parse(first.out) as { out: string; bytes: number; pages: number; schemaVersion: number };
    expect(result.out).toBe(out);
    expect(result.schemaVersion).toBe(liveVersion);
    expect(result.pages).toBeGreaterThan(0);

    const copy = probeCounts(out);
    expect(copy.integrity).toBe('ok');
    expect(copy.rows).toBeGreaterThanOrEqual(200);
    expect(copy.rows).toBe(copy.counter);
    expect(copy.version).toBe(liveVersion);
    const later = probeCounts(`${out}.2`);
    expect(later.rows).toBe(later.counter);
    expect(later.rows).toBeGreaterThan(copy.rows);
    // Standalone files: no WAL or temporary file left beside the copies.
    expect(readdirSync(join(tmp.dir, 'backups')).sort()).toEqual(['copy.db', 'copy.db.2']);
    // The copy opens with the application's own opener (migrations find it current).
    openDatabase(out).close();
  });

  it('refuses to overwrite an existing file unless --force, and names a missing database', async () => {
    const out = join(tmp.dir, 'exists.db');
    writeFileSync(out, 'not a database');
    const refused = await hyperdesk('db', 'backup', '--data-dir', dataDir, '--out', out);
    expect(refused.code).toBe(1);
    expect(refused.err).toContain('--out');
    expect(refused.err).toContain('--force');
    const forced = await hyperdesk('db', 'backup', '--data-dir', dataDir, '--out', out, '--force');
    expect(forced.code).toBe(0);
    expect(forced.out).toContain('integrity ok');
    expect(probeCounts(out).integrity).toBe('ok');

    await expect(backupDatabase(join(tmp.dir, 'nowhere', 'hyperdesk.db'), join(tmp.dir, 'x.db'))).rejects.toThrow(
      /no database at/,
    );
    expect(existsSync(join(tmp.dir, 'x.db'))).toBe(false);
  });
});
