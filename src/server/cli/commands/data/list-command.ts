import type { Command } from 'commander';
import { SqliteCandleStore } from '../../../../adapters/sqlite/sqlite-candle-store.ts';
import { isoTime, openStore, withDataDir } from '../../cli-options.ts';
import type { CliIo } from '../../program.ts';

/** `hyperdesk data list`: what the candle cache holds. */
export function registerDataList(data: Command, io: CliIo): void {
  withDataDir(
    data.command('list').description('list the series in the candle cache').option('--json', 'print JSON', false),
  ).action((opts: { json: boolean; dataDir?: string }) => {
    const db = openStore(opts.dataDir);
    try {
      const series = new SqliteCandleStore(db, Date.now).listSeries();
      if (opts.json) {
        io.out(`${JSON.stringify(series)}\n`);
        return;
      }
      if (series.length === 0) {
        io.out('the candle cache is empty; add data with "hyperdesk data import" or "hyperdesk data download"\n');
        return;
      }
      for (const s of series) {
        io.out(
          `${s.seriesId.padEnd(36)} ${String(s.count).padStart(10)} bars  ${isoTime(s.first)} .. ${isoTime(s.last)}\n`,
        );
      }
    } finally {
      db.close();
    }
  });
}
