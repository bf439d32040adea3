import type { Command } from 'commander';
import { CandleDownloader } from '../../../../adapters/candle-cache/candle-downloader.ts';
import { CandleRecorder } from '../../../../adapters/candle-cache/candle-recorder.ts';
import { HlMarketData } from '../../../../adapters/hyperliquid/hl-market-data.ts';
import { SqliteCandleStore } from '../../../../adapters/sqlite/sqlite-candle-store.ts';
import { createLogger } from '../../../logger.ts';
import { isoTime, openStore, parseCoin, parseInterval, withDataDir } from '../../cli-options.ts';
import type { CliIo } from '../../program.ts';
import { resolveVenue, withVenue, type VenueOptions } from '../../venue-options.ts';

/** `hyperdesk data record`: follow live candles into the cache until stopped. */
export function registerDataRecord(data: Command, io: CliIo): void {
  withDataDir(
    withVenue(
      data
        .command('record')
        .description('record live Hyperliquid candles into the cache, filling any gap from history, until stopped')
        .requiredOption('--coin <coin>', 'market, e.g. BTC')
        .requiredOption('--interval <interval>', 'bar interval, e.g. 1m'),
    ),
  ).action(async (opts: VenueOptions & { coin: string; interval: string; dataDir?: string }) => {
    const coin = parseCoin(opts.coin);
    const interval = parseInterval(opts.interval);
    const venue = resolveVenue(opts);
    const logger = createLogger('hyperdesk');
    const db = openStore(opts.dataDir);
    const api = new HlMarketData({ endpoints: venue.endpoints });
    const store = new SqliteCandleStore(db, Date.now);
    const downloader = new CandleDownloader({
      api,
      store,
      now: Date.now,
      source: venue.source,
      label: `${venue.label} ${coin} ${interval}`,
    });
    const recorder = new CandleRecorder({
      coin,
      interval,
      store,
      downloader,
      subscribe: (c, i, handlers) => api.subscribeCandles(c, i, handlers),
      log: (level, message) => logger[level](message),
      onRecorded: (t, via) => io.out(`recorded ${coin} ${interval} ${isoTime(t)} (${via})\n`),
    });
    try {
      await recorder.start();
      io.out(`recording ${coin} ${interval} from ${venue.label} into ${venue.source}; Ctrl+C to stop\n`);
      await new Promise<void>((resolve) => {
        process.once('SIGINT', () => resolve());
        process.once('SIGTERM', () => resolve());
      });
    } finally {
      await recorder.stop();
      db.close();
    }
  });
}
