import { afterEach, describe, expect, it } from 'vitest';
import { WeightLimiter } from '../../../src/adapters/hyperliquid/weight-limiter.ts';
import { findGaps } from '../../../src/engine/data/gaps.ts';
import { simEnvironment, SIM_START } from '../../helpers/hl-sim.ts';

const MIN = 60_000;
const envs: Awaited<ReturnType<typeof simEnvironment>>[] = [];
afterEach(async () => {
  for (const env of envs.splice(0)) await env.close();
});

async function setup(options: Parameters<typeof simEnvironment>[0] = {}) {
  const env = await simEnvironment(options);
  envs.push(env);
  return env;
}

const LAST_CLOSED = SIM_START - (SIM_START % MIN) - MIN;

describe('candle download from Hyperliquid (hl-sim)', () => {
  it('walks 12,000 candles in pages into the cache: all there, no duplicates, no gaps', async () => {
    const env = await setup({ market: { historyMinutes: 12_500, historyLimit: Infinity }, windowBars: 1000 });
    const from = LAST_CLOSED - 11_999 * MIN;
    const progress: number[] = [];
    const result = await env.downloader.download({
      coin: 'BTC',
      interval: '1m',
      from,
      onProgress: (p) => progress.push(p.window),
    });
    expect(result).toMatchObject({ windows: 12, requested: 12, skipped: 0, written: 12_000 });
    expect(progress).toEqual(Array.from({ length: 12 }, (_, i) => i + 1));
    const bars = env.store.readCandles(result.series!.seriesId);
    expect(bars.length).toBe(12_000);
    expect(bars.time[0]).toBe(from);
    expect(bars.time[bars.length - 1]).toBe(LAST_CLOSED);
    expect(findGaps(bars.time, '1m').missingBars).toBe(0);
    // The cached bars are the venue's bars.
    const venue = env.market.candles('BTC', '1m', from, from + 2 * MIN);
    expect([bars.open[1], bars.close[2], bars.volume[0]]).toEqual([
      Number(venue[1]!.o),
      Number(venue[2]!.c),
      Number(venue[0]!.v),
    ]);
  });

  it('never caches the candle still forming', async () => {
    const env = await setup({ market: { historyMinutes: 100 } });
    const result = await env.downloader.download({ coin: 'ETH', interval: '1m', from: LAST_CLOSED - 9 * MIN });
    expect(result.series?.last).toBe(LAST_CLOSED);
    expect(env.market.current('ETH', '1m')!.t).toBe(LAST_CLOSED + MIN);
  });

  it('resumes an interrupted download without asking again for what it has, and completes with no gaps', async () => {
    const env = await setup({ market: { historyMinutes: 12_500, historyLimit: Infinity }, windowBars: 1000 });
    const from = LAST_CLOSED - 11_999 * MIN;
    const abort = new AbortController();
    await expect(
      env.downloader.download({
        coin: 'BTC',
        interval: '1m',
        from,
        signal: abort.signal,
        onProgress: (p) => {
          if (p.window === 5) abort.abort(new Error('interrupted'));
        },
      }),
    ).rejects.toThrow('interrupted');
    expect(env.store.findSeries({ source: 'hyperliquid', coin: 'BTC', interval: '1m' })?.count).toBe(5000);

    const before = env.sim.stats.infoRequests;
    const resumed = await env.downloader.download({ coin: 'BTC', interval: '1m', from });
    expect(resumed).toMatchObject({ skipped: 5, requested: 7, written: 7000 });
    expect(env.sim.stats.infoRequests - before).toBe(7);
    const bars = env.store.readCandles(resumed.series!.seriesId);
    expect(bars.length).toBe(12_000);
    expect(findGaps(bars.time, '1m').missingBars).toBe(0);
  });

  it('takes what the venue keeps (5000 bars) when no start is given', async () => {
    const env = await setup({ market: { historyMinutes: 8000, historyLimit: 5000 } });
    const result = await env.downloader.download({ coin: 'BTC', interval: '1m' });
    // 5000 one-minute candles exist, the last of them forming.
    expect(result.series).toMatchObject({ count: 4999, last: LAST_CLOSED });
    expect(findGaps(env.store.readCandles(result.series!.seriesId).time, '1m').missingBars).toBe(0);
  });

  it('keeps within the venue’s request-weight budget: no 429 at all', async () => {
    // A small venue budget over a short window; the client knows it and keeps to 80 %.
    const env = await setup({
      market: { historyMinutes: 6000, historyLimit: Infinity },
      server: { weightBudget: 150, weightWindowMs: 500 },
      limiter: new WeightLimiter({ budget: 150, windowMs: 500 }),
      windowBars: 500,
    });
    const result = await env.downloader.download({ coin: 'BTC', interval: '1m', from: LAST_CLOSED - 2999 * MIN });
    expect(result.written).toBe(3000);
    expect(env.sim.stats.rateLimited).toBe(0);
    expect(env.retries).toEqual([]);
  });

  it('backs off and retries through a storm of 429s, and still completes', async () => {
    const env = await setup({
      market: { historyMinutes: 3000, historyLimit: Infinity },
      server: { weightBudget: 60, weightWindowMs: 300 },
      // This client believes the budget is much larger: the venue answers 429.
      limiter: new WeightLimiter({ budget: 1_000_000 }),
      windowBars: 200,
    });
    const result = await env.downloader.download({ coin: 'BTC', interval: '1m', from: LAST_CLOSED - 999 * MIN });
    expect(result.written).toBe(1000);
    expect(env.sim.stats.rateLimited).toBeGreaterThan(0);
    expect(env.retries.every((r) => r === 'rate limited (429)')).toBe(true);
  });

  it.each([
    ['1w', 'monday'],
    ['1w', 'thursday'],
    ['3d', 'monday'],
    ['1M', 'monday'],
    ['4h', 'monday'],
  ] as const)('downloads %s candles (weeks from %s) with no start given, without gaps', async (interval, weekStart) => {
    const env = await setup({ market: { historyMinutes: 400 * 1440, weekStart } });
    const result = await env.downloader.download({ coin: 'BTC', interval });
    expect(result.series?.count).toBeGreaterThan(10);
    const bars = env.store.readCandles(result.series!.seriesId);
    // The newest bar the venue has closed, nothing still forming.
    const venue = env.market.candles('BTC', interval, 0, SIM_START);
    expect(bars.time[bars.length - 1]).toBe(venue.at(-2)!.t);
    expect(findGaps(bars.time, interval).missingBars).toBe(0);
  });

  it('refuses an unknown market with a clear error', async () => {
    const env = await setup({ market: { historyMinutes: 10 } });
    await expect(
      env.downloader.download({ coin: 'NOPE', interval: '1m', from: LAST_CLOSED - 5 * MIN }),
    ).rejects.toThrow(/422/);
  });
});
