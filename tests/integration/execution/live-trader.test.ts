import { Decimal } from 'decimal.js';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openDatabase } from '../../../src/adapters/sqlite/open-database.ts';
import { SqliteJournal } from '../../../src/adapters/sqlite/sqlite-journal.ts';
import { LiveTrader, type TraderEvent } from '../../../src/engine/execution/live-trader.ts';
import { RiskRulesSchema } from '../../../src/engine/execution/risk-manager.ts';
import type { Scheduler } from '../../../src/engine/ports.ts';
import { resolveStrategy } from '../../../src/engine/strategy/strategy-registry.ts';
import { ValidationError } from '../../../src/shared/contract/errors.ts';
import { simEnvironment } from '../../helpers/hl-sim.ts';
import { fundTestAccount, simExecution } from '../../helpers/live-venue.ts';

const H = 3_600_000;
const noTimers: Scheduler = { schedule: () => () => undefined };

let env: Awaited<ReturnType<typeof simEnvironment>>;
let db: ReturnType<typeof openDatabase>;
let address: string;

beforeEach(async () => {
  env = await simEnvironment();
  env.sim.exchange.setPrice('BTC', '50000');
  address = fundTestAccount(env.sim.exchange, 10_000);
  db = openDatabase(':memory:');
});
afterEach(async () => {
  db.close();
  await env.close();
});

/** SMA(1) vs SMA(2) of these closes: a cross up at bar 2, a cross down at bar 4. */
const CROSSES = [50_000, 49_900, 50_100, 50_200, 49_800];

async function trader(
  rules: Record<string, unknown> = {},
  strategy = resolveStrategy('sma-cross', { fast: 1, slow: 2, priceScale: 1 }, { kind: 'all-in' }),
) {
  // A (re)start takes time: the venue's clock has moved on.
  env.clock.advance(1000);
  const { execution } = await simExecution(env.sim.url, () => env.clock.now());
  const events: TraderEvent[] = [];
  const t = new LiveTrader({
    client: execution,
    journal: new SqliteJournal(db, 'live:test:BTC'),
    clock: { now: () => env.clock.now() },
    scheduler: noTimers,
    coin: 'BTC',
    interval: '1h',
    strategy,
    rules: RiskRulesSchema.parse({ maxLeverage: 2, ...rules }),
    cloidPrefix: '0000abcd',
    leverage: 2,
    onEvent: (e) => events.push(e),
  });
  await t.start();
  return { t, events, execution };
}

async function feed(t: LiveTrader, closes: number[], from = 0) {
  for (const [i, close] of closes.entries()) {
    env.sim.exchange.setPrice('BTC', close);
    await t.onBar({
      time: Date.UTC(2026, 10, 25) + (from + i) * H,
      open: close,
      high: close,
      low: close,
      close,
      volume: 1,
    });
  }
}

describe('live trading on hl-sim', () => {
  it('turns crosses into orders; fills reach the positions, exactly as the venue booked them', async () => {
    const { t, events } = await trader();
    await feed(t, CROSSES);
    const venue = env.sim.exchange.user(address);
    // Long after the cross up, then reversed to short after the cross down.
    expect(t.positions.get('BTC').qty.toFixed()).toBe(venue?.positions.get('BTC')?.szi.toFixed());
    expect(t.positions.get('BTC').qty.isNegative()).toBe(true);
    const fills = events.filter((e) => e.kind === 'fill');
    expect(fills).toHaveLength(venue?.fills.length ?? -1);
    // Our realised PnL agrees with the venue's closedPnl, to the digit.
    const ours = t.positions.get('BTC').realized.toFixed();
    const theirs = (venue?.fills ?? []).reduce((sum, f) => sum.plus(f.closedPnl), new Decimal(0)).toFixed();
    expect(ours).toBe(theirs);
    expect(venue?.leverage.get('BTC')).toEqual({ cross: true, value: 2 });
    await t.stop();
  });

  it('places the stop and take-profit of an entry as position TP/SL, and the stop fires on the mark', async () => {
    const strategy = resolveStrategy('confluence', {}, { kind: 'risk', percent: 1 });
    const { t } = await trader({}, strategy);
    // A trade ticket's intent, carrying a stop and a target.
    await t.submitIntent({
      kind: 'enter',
      side: 'buy',
      stop: 49_000,
      takeProfit: 52_000,
      reason: 'test',
    });
    const open = env.sim.exchange.user(address)?.open;
    expect(
      [...(open?.values() ?? [])].map((o) => [o.trigger?.tpsl, o.trigger?.triggerPx.toFixed(), o.reduceOnly]),
    ).toEqual([
      ['sl', '49000', true],
      ['tp', '52000', true],
    ]);
    // 1 % of 10 000 at risk over 1 000 of stop distance plus both fees (99 000 × 0.00045).
    const expected = new Decimal(100).div(1000 + 99_000 * 0.00045).toDecimalPlaces(5, Decimal.ROUND_DOWN);
    expect(t.positions.get('BTC').qty.toFixed()).toBe(expected.toFixed());
    env.sim.exchange.setPrice('BTC', '48990');
    await new Promise((r) => setTimeout(r, 100));
    expect(t.positions.get('BTC').qty.isZero()).toBe(true);
    expect(env.sim.exchange.user(address)?.open.size).toBe(0);
    await t.stop();
  });

  it('refuses orders off the tick grid, below the minimum value, or for unknown coins, recording nothing', async () => {
    const { t } = await trader();
    const before = db.prepare('SELECT count(*) AS n FROM journal').get() as { n: number };
    const base = { side: 'buy', kind: 'limit', triggerPrice: null, tif: 'gtc', reduceOnly: false } as const;
    const cases: [Record<string, unknown>, RegExp][] = [
      [
        { coin: 'BTC', qty: new Decimal('0.01'), limitPrice: new Decimal('49000.5') },
        /price 49000\.5 is off BTC's tick grid/,
      ],
      [
        { coin: 'BTC', qty: new Decimal('0.0001'), limitPrice: new Decimal('49000') },
        /below the venue's minimum of \$10/,
      ],
      [{ coin: 'BTC', qty: new Decimal('0.000001'), limitPrice: new Decimal('49000') }, /has more than 5 decimals/],
      [
        { coin: 'DOGE', qty: new Decimal('100'), limitPrice: new Decimal('1') },
        /unknown coin "DOGE"; the venue lists BTC, ETH/,
      ],
    ];
    for (const [order, message] of cases) {
      await expect(t.orders.submit([{ ...base, ...order } as never])).rejects.toThrow(ValidationError);
      await expect(t.orders.submit([{ ...base, ...order } as never])).rejects.toThrow(message);
    }
    const after = db.prepare('SELECT count(*) AS n FROM journal').get() as { n: number };
    expect(after.n).toBe(before.n);
    // A venue refusal is recorded as the order's end, with the venue's words.
    env.sim.exchange.rejectNext(1, 'Insufficient margin to place order.');
    const [refused] = await t.orders.submit([
      { ...base, coin: 'BTC', qty: new Decimal('0.01'), limitPrice: new Decimal('49000') },
    ]);
    expect(refused).toMatchObject({ status: 'rejected', reason: 'Insufficient margin to place order.' });
    await t.stop();
  });

  it('stops new entries at the daily loss limit, naming the rule, and still after a restart the same UTC day', async () => {
    const { t, events } = await trader({ dailyLossLimit: '1' });
    // Long, then out at a loss: the cross down reverses, and both fees alone exceed $1.
    await feed(t, CROSSES.slice(0, 4));
    await feed(t, [45_000], 4);
    expect(t.risk.dayResult(env.clock.now()).lt(-1)).toBe(true);
    expect(events.filter((e) => e.kind === 'risk').map((e) => (e as { rule: string }).rule)).toContain(
      'daily-loss-limit',
    );
    await t.stop();
    // A new session on the same journal, the same day: still refused.
    const again = await trader({ dailyLossLimit: '1' });
    await feed(again.t, [45_000, 46_000, 45_500, 47_000], 5);
    const rules = again.events
      .filter((e) => e.kind === 'risk')
      .map((e) => (e as { rule: string; message: string }).rule);
    expect(rules.length).toBeGreaterThan(0);
    expect(new Set(rules)).toEqual(new Set(['daily-loss-limit']));
    await again.t.stop();
  });

  it('the kill switch cancels, flattens and halts; the halt survives a restart', async () => {
    const { t } = await trader();
    await feed(t, CROSSES.slice(0, 4));
    // A resting take-profit above the market (reduce-only: it needs no margin).
    await t.orders.submit([
      {
        coin: 'BTC',
        side: 'sell',
        qty: new Decimal('0.01'),
        kind: 'limit',
        limitPrice: new Decimal('60000'),
        triggerPrice: null,
        tif: 'gtc',
        reduceOnly: true,
      },
    ]);
    expect(env.sim.exchange.user(address)?.open.size).toBe(1);
    await t.kill('manual');
    expect(env.sim.exchange.user(address)?.open.size).toBe(0);
    expect(env.sim.exchange.user(address)?.positions.size).toBe(0);
    await t.stop();
    const again = await trader();
    expect(again.t.risk.haltReason).toBe('manual');
    await feed(again.t, [40_000, 39_000, 41_000], 10);
    expect(again.events.filter((e) => e.kind === 'risk').map((e) => (e as { rule: string }).rule)).toContain(
      'kill-switch',
    );
    expect(env.sim.exchange.user(address)?.positions.size).toBe(0);
    await again.t.stop();
  });

  it('puts a strategy’s float stop and target on the venue’s price grid (stop away from the entry)', async () => {
    const strategy = resolveStrategy('confluence', {}, { kind: 'risk', percent: 1 });
    const { t } = await trader({}, strategy);
    await t.submitIntent({ kind: 'enter', side: 'buy', stop: 49_123.456789, takeProfit: 51_234.56789, reason: 'test' });
    const open = [...(env.sim.exchange.user(address)?.open.values() ?? [])];
    // BTC here has 5 size decimals: prices take 5 significant figures and 1 decimal.
    expect(open.map((o) => [o.trigger?.tpsl, o.trigger?.triggerPx.toFixed()])).toEqual([
      ['sl', '49123'],
      ['tp', '51234'],
    ]);
    await t.stop();
  });

  it('closes the position when its stop is refused: no unprotected entry is kept', async () => {
    const strategy = resolveStrategy('confluence', {}, { kind: 'risk', percent: 1 });
    const { t, events, execution } = await trader({}, strategy);
    const journal = new SqliteJournal(db, 'live:test:BTC');
    // The venue takes the entry but refuses its stop and target.
    const place = execution.place.bind(execution);
    execution.place = async (orders, grouping) =>
      grouping === 'positionTpsl'
        ? orders.map(() => ({ status: 'rejected' as const, reason: 'Invalid TP/SL price.' }))
        : place(orders, grouping);
    const sent = events.length;
    await t.submitIntent({ kind: 'enter', side: 'buy', stop: 49_000, takeProfit: 52_000, reason: 'test' });
    expect(env.sim.exchange.user(address)?.fills.length).toBe(2);
    expect(events.slice(sent).some((e) => e.kind === 'error' && /stop\/target refused/.test(e.message))).toBe(true);
    expect(env.sim.exchange.user(address)?.positions.get('BTC')?.szi.isZero() ?? true).toBe(true);
    expect(journal.read().some((e) => e.event === 'protection.failed')).toBe(true);
    await t.stop();
  });
});
