import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Database } from 'better-sqlite3';
import type { Command } from 'commander';
import { openDatabase } from '../../adapters/sqlite/open-database.ts';
import { ConfigurationError, ValidationError } from '../../shared/contract/errors.ts';
import { CoinSchema } from '../../shared/contract/series.ts';
import { parseOrThrow } from '../../shared/contract/validation.ts';
import { TIMEFRAMES, TimeframeSchema, type Timeframe } from '../../shared/values/timeframe.ts';
import { defaultDataDir } from '../app-paths.ts';
import { parseTime } from '../../adapters/files/parse-cells.ts';

/** Commander's accumulator for a repeatable option. */
export function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

/** Adds the `--data-dir` option every command that touches the store takes. */
export function withDataDir(command: Command): Command {
  return command.option('--data-dir <dir>', 'folder of the HyperDesk database (default: per-user app data)');
}

/** Opens the store in `dataDir` (created if needed). */
export function openStore(dataDir: string | undefined): Database {
  const dir = dataDir ?? defaultDataDir();
  try {
    mkdirSync(dir, { recursive: true });
  } catch (error) {
    throw new ConfigurationError(`data folder ${dir} cannot be created: ${(error as Error).message}`);
  }
  return openDatabase(join(dir, 'hyperdesk.db'));
}

/** A validated interval option. */
export function parseInterval(value: string, option = '--interval'): Timeframe {
  const result = TimeframeSchema.safeParse(value);
  if (!result.success)
    throw new ValidationError(`${option}: "${value}" is not an interval; use one of ${TIMEFRAMES.join(' ')}`);
  return result.data;
}

/** A validated coin option. */
export function parseCoin(value: string): string {
  return parseOrThrow(CoinSchema, value, '--coin');
}

/**
 * A time option, read like a time cell of a candle file: ISO 8601 (UTC unless it carries an
 * offset) or a unix timestamp in seconds, milliseconds or microseconds (told apart by size).
 */
export function parseTimeOption(value: string, option: string): number {
  const ms = parseTime(value.trim());
  if (Number.isNaN(ms)) {
    throw new ValidationError(
      `${option}: "${value}" is not a time (use e.g. 2024-01-31, 2024-01-31T12:00Z or unix seconds)`,
    );
  }
  return ms;
}

/** Prints progress on one self-rewriting line on a terminal, or every 10 % otherwise. */
export function progressPrinter(
  write: (text: string) => void,
  tty: boolean,
): (label: string, fraction: number | null, detail: string) => void {
  let lastTenth = -1;
  return (label, fraction, detail) => {
    const percent = fraction === null ? '' : `${Math.floor(fraction * 100)}% `;
    if (tty) {
      write(`\r${label}: ${percent}${detail}\u001b[K`);
      return;
    }
    const tenth = fraction === null ? lastTenth + 1 : Math.floor(fraction * 10);
    if (tenth > lastTenth) {
      lastTenth = tenth;
      write(`${label}: ${percent}${detail}\n`);
    }
  };
}

/** Formats unix ms as ISO 8601 without milliseconds. */
export function isoTime(ms: number | null): string {
  return ms === null ? '-' : new Date(ms).toISOString().replace('.000Z', 'Z');
}
