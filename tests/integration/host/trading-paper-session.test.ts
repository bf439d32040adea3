import { Decimal } from 'decimal.js';
import { afterEach, describe, expect, it } from 'vitest';
import { startContractEngine } from '../../helpers/contract-driver.ts';
import { startRealClockSim } from '../../helpers/hl-sim.ts';
import { waitFor } from '../../helpers/wait-for.ts';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** An engine (createEngine, as the worker wires it) and a sim exchange on the real clock. */
async function setup() {
  const sim = await startRealClockSim(['BTC', 'ETH']);
  cleanups.push(() => sim.close());
  const engine = await startContractEngine();
  cleanups.push(engine.close);
  return { sim, send: engine.send, ok: engine.call, events: engine.events, invalid: engine.invalid };
}

describe('manual paper trading through the contract', () => {
  it('starts, buys with a stop, refuses an order below the minimum, and kills to flat and halted', async () => {
    const { sim, ok, send, events, invalid } = await setup();

    const started = await ok('StartPaperSession', { coin: 'BTC', apiUrl: sim.url, capital: '10000' });
    expect(started).toMatchObject({ mode: 'paper', coin: 'BTC', status: 'running', halted: null, equity: '10000' });
    expect(started.mark).not.toBeNull();
    const mark = new Decimal(started.mark ?? '0');

    // A market buy of 0.01 BTC with a stop 5 % below.
    const stop = mark.times(0.95).toDecimalPlaces(0).toFixed();
    const buy = await ok('SubmitTicket', { side: 'buy', kind: 'market', qty: '0.01', stop });
    expect(buy).toEqual({ accepted: true, reason: null });
    const held = await ok('GetTradingState', {});
    expect(held.position.qty).toBe('0.01');
    expect(held.position.entryPrice).not.toBeNull();
    expect(held.fills).toHaveLength(1);
    expect(held.orders).toEqual([
      expect.objectContaining({ kind: 'stop-market', side: 'sell', qty: '0.01', triggerPrice: stop, reduceOnly: true }),
    ]);

    // Below the venue's $10 minimum: refused with the venue's reason, nothing changes.
    const tiny = await ok('SubmitTicket', { side: 'buy', kind: 'limit', qty: '0.00001', limitPrice: '1000' });
    expect(tiny.accepted).toBe(false);
    expect(tiny.reason).toMatch(/below the venue's minimum of \$10/);

    // A risk-sized entry above the session's limit names the rule.
    const risky = await ok('SubmitTicket', {
      side: 'sell',
      kind: 'market',
      riskPercent: 5,
      stop: mark.times(1.05).toFixed(0),
    });
    expect(risky).toEqual({ accepted: false, reason: expect.stringMatching(/^riskPercent: /) as unknown });

    // The kill switch: flat, no orders, halted; a new entry is refused by the kill-switch rule.
    const killed = await ok('KillSwitch', { reason: 'test kill' });
    expect(killed.position.qty).toBe('0');
    expect(killed.orders).toEqual([]);
    expect(killed.halted).toBe('test kill');
    const after = await ok('SubmitTicket', { side: 'buy', kind: 'market', qty: '0.01' });
    expect(after).toEqual({ accepted: false, reason: expect.stringMatching(/^kill-switch: /) as unknown });

    // State events went out, valid against the contract.
    const last = await waitFor(
      () => events.findLast((e) => e.event === 'TradingStateChanged' && e.payload.halted === 'test kill'),
      5000,
      'a halted state event',
    );
    expect(last).toBeDefined();
    expect(invalid).toEqual([]);

    // Only one session at a time; stopping ends it.
    const other = await send('StartPaperSession', { coin: 'ETH', apiUrl: sim.url });
    expect(other.ok).toBe(false);
    const stopped = await ok('StopPaperSession', {});
    expect(stopped.status).toBe('idle');
  }, 30_000);

  it('sizes a market entry by the risk to its stop through the trader, with stop and target', async () => {
    const { sim, ok } = await setup();
    const started = await ok('StartPaperSession', { coin: 'BTC', apiUrl: sim.url, capital: '10000' });
    const mark = new Decimal(started.mark ?? '0');
    const stop = mark.times(1.02).toFixed(0);
    const target = mark.times(0.9).toFixed(0);
    const sell = await ok('SubmitTicket', { side: 'sell', kind: 'market', riskPercent: 1, stop, takeProfit: target });
    expect(sell).toEqual({ accepted: true, reason: null });
    const state = await ok('GetTradingState', {});
    const qty = new Decimal(state.position.qty);
    expect(qty.isNegative()).toBe(true);
    // About 1 % of 10000 lost at the stop, fees included: never more.
    const loss = qty.abs().times(new Decimal(stop).minus(state.position.entryPrice ?? '0'));
    expect(loss.lte(100)).toBe(true);
    expect(loss.gt(80)).toBe(true);
    expect(state.orders.map((o) => [o.kind, o.side, o.triggerPrice]).sort()).toEqual(
      [
        ['stop-market', 'buy', stop],
        ['take-profit-market', 'buy', target],
      ].sort(),
    );
    // Canceling the target leaves the stop.
    const tp = state.orders.find((o) => o.kind === 'take-profit-market');
    expect(await ok('CancelOrder', { cloid: tp?.cloid ?? '' })).toEqual({ cloid: tp?.cloid, canceled: true });
    expect((await ok('GetTradingState', {})).orders.map((o) => o.kind)).toEqual(['stop-market']);
  }, 30_000);

  it('answers a ticket without a session with an error naming the cause', async () => {
    const { send } = await setup();
    const answer = await send('SubmitTicket', { side: 'buy', kind: 'market', qty: '1' });
    expect(answer.ok).toBe(false);
    if (!answer.ok) expect(answer.error.message).toMatch(/no trading session/);
  });
});

describe('the Settings panel drives trading sessions', () => {
  it('applies the saved risk rules and fixed fees to a new paper account', async () => {
    const { sim, ok, send } = await setup();
    await ok('UpdateSettings', { risk: { maxLeverage: 2 }, fees: { source: 'custom', makerBps: '1', takerBps: '3' } });

    // Above the saved maximum: refused by the rule, nothing started.
    const refused = await send('StartPaperSession', { coin: 'BTC', apiUrl: sim.url, capital: '10000', leverage: 3 });
    expect(refused.ok).toBe(false);
    if (!refused.ok) expect(refused.error.message).toMatch(/max-leverage.*maximum of 2/);
    expect((await ok('GetTradingState', {})).status).not.toBe('running');

    const started = await ok('StartPaperSession', { coin: 'BTC', apiUrl: sim.url, capital: '10000', leverage: 2 });
    expect(started.fees).toEqual({ maker: '0.0001', taker: '0.0003', source: 'paper-account' });
    await ok('SubmitTicket', { side: 'buy', kind: 'market', qty: '0.01' });
    const held = await ok('GetTradingState', {});
    const fill = held.fills[0];
    expect(fill).toBeDefined();
    if (fill) expect(new Decimal(fill.fee).eq(new Decimal(fill.price).times(fill.qty).times('0.0003'))).toBe(true);
  });
});
