import type { Command } from 'commander';
import { CandleDownloader } from '../../../../adapters/candle-cache/candle-downloader.ts';
import { HlMarketData } from '../../../../adapters/hyperliquid/hl-market-data.ts';
import { SqliteCandleStore } from '../../../../adapters/sqlite/sqlite-candle-store.ts';
import { isoTime, openStore, parseCoin, parseInterval, parseTimeOption, withDataDir } from '../../cli-options.ts';
import { ValidationError } from '../../../../shared/contract/errors.ts';
import type { CliIo } from '../../program.ts';
import { resolveVenue, withVenue, type VenueOptions } from '../../venue-options.ts';

/** `hyperdesk data download`: Hyperliquid candles into the cache, resumable. */
export function registerDataDownload(data: Command, io: CliIo): void {
  withDataDir(
    withVenue(
      data
        .command('download')
        .description('download Hyperliquid candles into the cache (resumes where an interrupted run stopped)')
        .requiredOption('--coin <coin>', 'market, e.g. BTC')
        .requiredOption('--interval <interval>', 'bar interval, e.g. 1h')
        .option('--from <time>', 'first bar, ISO 8601 or unix ms (default: the oldest the venue keeps)')
        .option('--to <time>', 'last bar (default: the last closed one)')
        .option('--json', 'print the result as JSON', false),
    ),
  ).action(
    async (
      opts: VenueOptions & {
        coin: string;
        interval: string;
        from?: string;
        to?: string;
        json: boolean;
        dataDir?: string;
      },
    ) => {
      const coin = parseCoin(opts.coin);
      const interval = parseInterval(opts.interval);
      const from = opts.from === undefined ? undefined : parseTimeOption(opts.from, '--from');
      const to = opts.to === undefined ? undefined : parseTimeOption(opts.to, '--to');
      if (from !== undefined && to !== undefined && from > to) {
        throw new ValidationError(`--from (${isoTime(from)}) is after --to (${isoTime(to)})`);
      }
      const venue = resolveVenue(opts);
      const db = openStore(opts.dataDir);
      const abort = new AbortController();
      const stop = () => abort.abort(new Error('download interrupted; run the same command again to resume'));
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
      try {
        const api = new HlMarketData({
          endpoints: venue.endpoints,
          onRetry: (attempt, delayMs, reason) => io.err(`retry ${attempt} in ${delayMs} ms: ${reason}\n`),
        });
        const downloader = new CandleDownloader({
          api,
          store: new SqliteCandleStore(db, Date.now),
          now: Date.now,
          source: venue.source,
          label: `${venue.label} ${coin} ${interval}`,
        });
        const result = await downloader.download({
          coin,
          interval,
          from,
          to,
          signal: abort.signal,
          onProgress: (p) =>
            io.err(
              `window ${p.window}/${p.windows}: ${p.written.toLocaleString()} bars written, ${p.skipped} windows already cached\n`,
            ),
        });
        if (opts.json) {
          io.out(`${JSON.stringify(result)}\n`);
          return;
        }
        const s = result.series;
        io.out(
          s
            ? `${s.seriesId}: ${s.count.toLocaleString()} bars from ${isoTime(s.first)} to ${isoTime(s.last)} ` +
                `(${result.written.toLocaleString()} written, ${result.requested} requests)\n`
            : 'the venue has no candles in that range\n',
        );
      } finally {
        process.off('SIGINT', stop);
        process.off('SIGTERM', stop);
        db.close();
      }
    },
  );
}
