import type { Command } from 'commander';
import { writeCsv, writeCsvFile } from '../../../../adapters/candle-cache/export-candles.ts';
import { SqliteCandleStore } from '../../../../adapters/sqlite/sqlite-candle-store.ts';
import { NotFoundError } from '../../../../shared/contract/errors.ts';
import { seriesIdOf } from '../../../../shared/contract/series.ts';
import { openStore, parseCoin, parseInterval, withDataDir } from '../../cli-options.ts';
import type { CliIo } from '../../program.ts';

/** `hyperdesk data export`: a cached series as HyperDesk CSV. */
export function registerDataExport(data: Command, io: CliIo): void {
  withDataDir(
    data
      .command('export')
      .description('write a cached series as HyperDesk CSV (time in unix seconds)')
      .requiredOption('--coin <coin>', 'market, e.g. BTC')
      .requiredOption('--interval <interval>', 'bar interval, e.g. 1h')
      .option('--source <source>', 'which source of the series', 'import')
      .option('--out <file>', 'output file (written atomically); standard output when not given'),
  ).action(async (opts: { coin: string; interval: string; source: string; out?: string; dataDir?: string }) => {
    const key = { source: opts.source, coin: parseCoin(opts.coin), interval: parseInterval(opts.interval) };
    const db = openStore(opts.dataDir);
    try {
      const store = new SqliteCandleStore(db, Date.now);
      const seriesId = seriesIdOf(key);
      if (!store.getSeries(seriesId)) {
        throw new NotFoundError(`the cache has no series ${seriesId}; see "hyperdesk data list"`);
      }
      if (opts.out) {
        const count = await writeCsvFile(opts.out, store.iterate(seriesId));
        io.out(`wrote ${count.toLocaleString()} bars to ${opts.out}\n`);
      } else {
        await writeCsv(store.iterate(seriesId), process.stdout);
      }
    } finally {
      db.close();
    }
  });
}
