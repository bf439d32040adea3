import { CandleDownloader } from '../../src/adapters/candle-cache/candle-downloader.ts';
import { SimClock } from '../../src/adapters/hl-sim/sim-clock.ts';
import { SimMarket, type SimMarketOptions } from '../../src/adapters/hl-sim/sim-market.ts';
import { startHlSim, type HlSimOptions } from '../../src/adapters/hl-sim/hl-sim-server.ts';
import { resolveEndpoints } from '../../src/adapters/hyperliquid/hl-endpoints.ts';
import { HlMarketData } from '../../src/adapters/hyperliquid/hl-market-data.ts';
import { type WeightLimiter } from '../../src/adapters/hyperliquid/weight-limiter.ts';
import { openDatabase } from '../../src/adapters/sqlite/open-database.ts';
import { SqliteCandleStore } from '../../src/adapters/sqlite/sqlite-candle-store.ts';

/** 2026-11-25 12:00:30 UTC: half a minute into a bar, as a live clock usually is. */
export const SIM_START = Date.UTC(2026, 10, 25, 12, 0, 30);

/** hl-sim on a manual clock, a client for it, and an in-memory cache. */
export async function simEnvironment(
  options: {
    market?: Partial<SimMarketOptions>;
    server?: Partial<HlSimOptions>;
    limiter?: WeightLimiter;
    windowBars?: number;
  } = {},
) {
  const clock = new SimClock(SIM_START);
  const market = new SimMarket({ clock, coins: [{ name: 'BTC' }, { name: 'ETH' }], ...options.market });
  const sim = await startHlSim({ market, clock, ...options.server });
  const retries: string[] = [];
  const api = new HlMarketData({
    endpoints: resolveEndpoints({ apiUrl: sim.url }),
    limiter: options.limiter,
    retry: { baseDelayMs: 20, maxDelayMs: 200, attempts: 20 },
    onRetry: (_attempt, _delay, reason) => retries.push(reason),
    reconnectBaseMs: 20,
  });
  const db = openDatabase(':memory:');
  const store = new SqliteCandleStore(db, () => clock.now());
  const downloader = new CandleDownloader({ api, store, now: () => clock.now(), windowBars: options.windowBars });
  return {
    clock,
    market,
    sim,
    api,
    store,
    downloader,
    retries,
    async close() {
      await sim.close();
      db.close();
    },
  };
}

/** hl-sim on the real clock with two hours of history for `coins`; close it when done. */
export async function startRealClockSim(coins: readonly string[] = ['BTC']) {
  const clock = new SimClock();
  const market = new SimMarket({ clock, coins: coins.map((name) => ({ name })), historyMinutes: 120 });
  return startHlSim({ market, clock });
}
