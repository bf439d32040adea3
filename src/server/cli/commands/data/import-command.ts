import type { Command } from 'commander';
import { importCandles } from '../../../../adapters/candle-cache/import-candles.ts';
import { isoTime, openStore, parseCoin, parseInterval, progressPrinter, withDataDir } from '../../cli-options.ts';
import type { CliIo } from '../../program.ts';

/** `hyperdesk data import <file>`: a candle file into the cache, all or nothing. */
export function registerDataImport(data: Command, io: CliIo): void {
  withDataDir(
    data
      .command('import <file>')
      .description('import a candle file (CSV or JSON; format detected) into the candle cache')
      .requiredOption('--coin <coin>', 'market the bars belong to, e.g. BTC')
      .requiredOption('--interval <interval>', 'bar interval, e.g. 1m, 1h, 1d')
      .option('--source <source>', 'where the data comes from, e.g. binance', 'import')
      .option('--skip-bad', 'import the good rows and report every bad one, instead of refusing the file', false)
      .option('--json', 'print the result as JSON', false),
  ).action(
    async (
      file: string,
      opts: { coin: string; interval: string; source: string; skipBad: boolean; json: boolean; dataDir?: string },
    ) => {
      const coin = parseCoin(opts.coin);
      const interval = parseInterval(opts.interval);
      const db = openStore(opts.dataDir);
      const progress = progressPrinter(io.err, process.stderr.isTTY === true);
      try {
        const result = await importCandles(db, {
          file,
          coin,
          interval,
          source: opts.source,
          skipBad: opts.skipBad,
          onSkip: (line, reason, unit) => io.err(`skipped ${unit} ${line}: ${reason}\n`),
          onProgress: (p) =>
            progress('importing', p.totalBytes ? p.bytes / p.totalBytes : null, `${p.rows.toLocaleString()} bars`),
        });
        if (process.stderr.isTTY) io.err('\n');
        if (opts.json) {
          io.out(`${JSON.stringify(result)}\n`);
          return;
        }
        const s = result.series;
        io.out(
          `imported ${result.rows.toLocaleString()} bars (${result.format} format) into ${s.seriesId}: ` +
            `${s.count.toLocaleString()} bars from ${isoTime(s.first)} to ${isoTime(s.last)}\n`,
        );
        if (result.skipped > 0) io.out(`skipped ${result.skipped.toLocaleString()} bad rows (listed above)\n`);
        if (result.volumeMissing) io.out('the file has no volume column: volume was set to 0\n');
      } finally {
        db.close();
      }
    },
  );
}
