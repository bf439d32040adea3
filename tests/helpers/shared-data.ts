import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Timeframe } from '../../src/shared/values/timeframe.ts';
import { HAS_SHARED_DATA, SHARED_DATA_DIR } from './paths.ts';

/** A file of the shared real market data, with what its name says. */
export interface SharedDataFile {
  readonly file: string;
  readonly path: string;
  readonly symbol: string;
  readonly interval: Timeframe;
  readonly venue: string;
}

/** Every CSV in ../shared/data (empty when it is absent). Names are SYMBOL_INTERVAL_VENUE.csv. */
export function sharedDataFiles(): SharedDataFile[] {
  if (!HAS_SHARED_DATA) return [];
  return readdirSync(SHARED_DATA_DIR)
    .filter((f) => f.endsWith('.csv'))
    .sort()
    .map((file) => {
      const [symbol = '', interval = '', venue = ''] = file.replace(/\.csv$/, '').split('_');
      return {
        file,
        path: join(SHARED_DATA_DIR, file),
        symbol,
        interval: (interval === '1mo' ? '1M' : interval) as Timeframe,
        venue,
      };
    });
}

/** Path of a shared data file by name. */
export function sharedData(file: string): string {
  return join(SHARED_DATA_DIR, file);
}

export { HAS_SHARED_DATA };

if (!HAS_SHARED_DATA) console.warn('real-data tests skipped: ../shared/data is not present');
