import { afterEach, describe, expect, it } from 'vitest';
import { CandleRecorder } from '../../../src/adapters/candle-cache/candle-recorder.ts';
import { findGaps } from '../../../src/engine/data/gaps.ts';
import { simEnvironment, SIM_START } from '../../helpers/hl-sim.ts';
import { waitFor } from '../../helpers/wait-for.ts';

const MIN = 60_000;
const CURRENT = SIM_START - (SIM_START % MIN);
const envs: Awaited<ReturnType<typeof simEnvironment>>[] = [];
const recorders: CandleRecorder[] = [];
afterEach(async () => {
  for (const r of recorders.splice(0)) await r.stop();
  for (const env of envs.splice(0)) await env.close();
});

type SimEnvironment = Awaited<ReturnType<typeof simEnvironment>>;

/** A BTC 1m recorder on the environment's cache and venue, stopped after the test. */
function newRecorder(env: SimEnvironment, recorded: [number, string][] = []): CandleRecorder {
  const recorder = new CandleRecorder({
    coin: 'BTC',
    interval: '1m',
    store: env.store,
    subscribe: (coin, interval, handlers) => env.api.subscribeCandles(coin, interval, handlers),
    downloader: env.downloader,
    // The venue's clock is moved by hand: no need to wait for it in real time.
    confirmDelayMs: 5,
    onRecorded: (t, via) => recorded.push([t, via]),
  });
  recorders.push(recorder);
  return recorder;
}

async function setup() {
  const env = await simEnvironment({ market: { historyMinutes: 300, historyLimit: 5000 } });
  envs.push(env);
  const recorded: [number, string][] = [];
  return { ...env, recorder: newRecorder(env, recorded), recorded };
}

/** Moves the venue's clock a minute at a time, as a live market would. */
async function minutes(env: Awaited<ReturnType<typeof setup>>, n: number) {
  for (let i = 0; i < n; i++) {
    env.clock.advance(MIN);
    await new Promise((resolve) => setTimeout(resolve, 15));
  }
}

function cached(env: Awaited<ReturnType<typeof setup>>) {
  const info = env.store.findSeries({ source: 'hyperliquid', coin: 'BTC', interval: '1m' });
  return info ? env.store.readCandles(info.seriesId) : null;
}

describe('live candle recorder', () => {
  it('fills history first, then appends each candle as it closes', async () => {
    const env = await setup();
    await env.recorder.start();
    expect(env.recorder.last).toBe(CURRENT - MIN);
    // One minute at a time, each recorded before the next closes (on a busy machine two closes
    // could otherwise land in one fetch: still no gap, but one report for two bars).
    for (let i = 0; i < 3; i++) {
      env.clock.advance(MIN);
      const expected = CURRENT + i * MIN;
      await waitFor(() => (env.recorder.last === expected ? true : undefined), 5000, `the candle of minute ${i + 1}`);
    }
    expect(env.recorded.filter(([, via]) => via === 'live').map(([t]) => t)).toEqual([
      CURRENT,
      CURRENT + MIN,
      CURRENT + 2 * MIN,
    ]);
    const bars = cached(env)!;
    expect(findGaps(bars.time, '1m').missingBars).toBe(0);
    // What was recorded live is what the venue has for those minutes.
    const venue = env.market.candles('BTC', '1m', CURRENT, CURRENT + 2 * MIN);
    expect(Array.from(bars.close.subarray(-3))).toEqual(venue.map((c) => Number(c.c)));
  });

  it('misses nothing across a connection drop during which candles close', async () => {
    const env = await setup();
    await env.recorder.start();
    await minutes(env, 2);
    await waitFor(() => (env.recorder.last === CURRENT + MIN ? true : undefined), 5000, 'live candles');

    // The connection drops and stays down while five more minutes close at the venue.
    env.sim.setAcceptingConnections(false);
    env.sim.dropConnections();
    await new Promise((resolve) => setTimeout(resolve, 100));
    await minutes(env, 5);
    // A moment of real time too, while reconnection attempts are refused.
    await new Promise((resolve) => setTimeout(resolve, 300));
    env.sim.setAcceptingConnections(true);

    // The venue is now at CURRENT + 7 min 30 s: minutes up to CURRENT + 6 min have closed.
    // Reconnect, resubscribe, and the REST gap fill brings the ones missed.
    await waitFor(() => (env.recorder.last === CURRENT + 6 * MIN ? true : undefined), 10_000, 'gap fill');
    await minutes(env, 1);
    await waitFor(() => (env.recorder.last === CURRENT + 7 * MIN ? true : undefined), 5000, 'live again');
    await env.recorder.idle();
    const bars = cached(env)!;
    expect(findGaps(bars.time, '1m').missingBars).toBe(0);
    expect(env.recorded.some(([, via]) => via === 'gap-fill')).toBe(true);
    expect(env.sim.stats.wsConnections).toBeGreaterThanOrEqual(2);
    // Every cached minute equals the venue's candle, including those filled after the drop.
    const venue = env.market.candles('BTC', '1m', bars.time[0]!, CURRENT + 7 * MIN);
    expect(Array.from(bars.close)).toEqual(venue.map((c) => Number(c.c)));
  }, 30_000);

  it('a later run fills the hole since the previous one', async () => {
    const env = await setup();
    await env.recorder.start();
    await env.recorder.stop();
    const lastBefore = env.recorder.last!;
    env.clock.advance(20 * MIN);
    const next = newRecorder(env);
    await next.start();
    expect(next.last).toBe(lastBefore + 20 * MIN);
    expect(findGaps(cached(env)!.time, '1m').missingBars).toBe(0);
  });
});
