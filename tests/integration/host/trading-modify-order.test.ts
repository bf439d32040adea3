import { Decimal } from 'decimal.js';
import { afterEach, describe, expect, it } from 'vitest';
import { startContractEngine } from '../../helpers/contract-driver.ts';
import { startRealClockSim } from '../../helpers/hl-sim.ts';
import { tempDir } from '../../helpers/paths.ts';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** An engine on a data folder (a new one unless given), and a sim exchange unless given. */
async function setup(dir?: string, venue?: Awaited<ReturnType<typeof startRealClockSim>>) {
  let sim = venue;
  if (sim === undefined) {
    const started = await startRealClockSim();
    cleanups.push(() => started.close());
    sim = started;
  }
  const engine = await startContractEngine(dir === undefined ? {} : { dir });
  cleanups.push(engine.close);
  return { sim, send: engine.send, ok: engine.call, close: engine.close, dir: engine.dir };
}

describe('ModifyOrder on a paper session', () => {
  it('moves a resting limit, survives a restart from the journal, and answers refusals with a reason', async () => {
    const temp = tempDir();
    cleanups.push(temp.remove);
    const first = await setup(temp.dir);
    const started = await first.ok('StartPaperSession', { coin: 'BTC', apiUrl: first.sim.url, capital: '10000' });
    expect(started.priceDecimals).toBe(1);
    const mark = new Decimal(started.mark ?? '0');
    const below = mark.times(0.9).toDecimalPlaces(0);
    const lower = mark.times(0.85).toDecimalPlaces(0);
    expect(
      await first.ok('SubmitTicket', { side: 'buy', kind: 'limit', qty: '0.01', limitPrice: below.toFixed() }),
    ).toEqual({ accepted: true, reason: null });
    const [order] = (await first.ok('GetTradingState', {})).orders;
    expect(order).toMatchObject({ kind: 'limit', limitPrice: below.toFixed() });
    const cloid = order?.cloid ?? '';

    const moved = await first.ok('ModifyOrder', { cloid, limitPrice: lower.toFixed() });
    expect(moved).toMatchObject({ cloid, modified: true, reason: null, order: { limitPrice: lower.toFixed() } });
    const after = await first.ok('GetTradingState', {});
    expect(after.orders).toEqual([expect.objectContaining({ cloid, limitPrice: lower.toFixed(), qty: '0.01' })]);

    // A limit order has no trigger price to move: refused with the reason, the order unchanged.
    const wrong = await first.ok('ModifyOrder', { cloid, triggerPrice: lower.toFixed() });
    expect(wrong).toMatchObject({ modified: false, reason: expect.stringMatching(/no trigger price/) as unknown });
    // Below the venue's minimum value: the venue's reason comes back.
    const tiny = await first.ok('ModifyOrder', { cloid, limitPrice: '1' });
    expect(tiny).toMatchObject({ modified: false, reason: expect.stringMatching(/minimum/) as unknown });
    // Unknown order: an answer, not an error.
    expect(await first.ok('ModifyOrder', { cloid: '0xdead', limitPrice: '1' })).toMatchObject({ modified: false });
    // Both or neither price: the contract refuses, naming the field.
    const both = await first.send('ModifyOrder', { cloid, limitPrice: '1', triggerPrice: '2' });
    expect(both.ok).toBe(false);
    if (!both.ok) expect(both.error.message).toMatch(/limitPrice/);

    // The order manager and the paper venue both replay the modify from the journal.
    await first.ok('StopPaperSession', {});
    await first.close();
    const second = await setup(temp.dir, first.sim);
    await second.ok('StartPaperSession', { coin: 'BTC', apiUrl: second.sim.url });
    const resumed = await second.ok('GetTradingState', {});
    expect(resumed.orders).toEqual([expect.objectContaining({ cloid, limitPrice: lower.toFixed() })]);
    // And the moved order still cancels as one.
    expect(await second.ok('CancelOrder', { cloid })).toEqual({ cloid, canceled: true });
    expect((await second.ok('GetTradingState', {})).orders).toEqual([]);
  }, 60_000);

  it('moves a protective stop (trigger price) of a position', async () => {
    const { sim, ok } = await setup();
    const started = await ok('StartPaperSession', { coin: 'BTC', apiUrl: sim.url, capital: '10000' });
    const mark = new Decimal(started.mark ?? '0');
    const stop = mark.times(0.95).toDecimalPlaces(0);
    const tighter = mark.times(0.97).toDecimalPlaces(0);
    expect(await ok('SubmitTicket', { side: 'buy', kind: 'market', qty: '0.01', stop: stop.toFixed() })).toEqual({
      accepted: true,
      reason: null,
    });
    const [sl] = (await ok('GetTradingState', {})).orders;
    expect(sl).toMatchObject({ kind: 'stop-market', triggerPrice: stop.toFixed() });
    const moved = await ok('ModifyOrder', { cloid: sl?.cloid ?? '', triggerPrice: tighter.toFixed() });
    expect(moved.modified).toBe(true);
    const state = await ok('GetTradingState', {});
    expect(state.orders).toEqual([
      expect.objectContaining({
        cloid: sl?.cloid,
        kind: 'stop-market',
        triggerPrice: tighter.toFixed(),
        reduceOnly: true,
      }),
    ]);
    expect(state.position.qty).toBe('0.01');
  }, 30_000);
});
