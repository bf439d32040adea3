import { Decimal } from 'decimal.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHlSim, type RunningHlSim } from '../../../src/adapters/hl-sim/hl-sim-server.ts';
import { SimClock } from '../../../src/adapters/hl-sim/sim-clock.ts';
import { SimMarket } from '../../../src/adapters/hl-sim/sim-market.ts';
import { TimerScheduler } from '../../../src/adapters/timer-scheduler.ts';
import { openDatabase } from '../../../src/adapters/sqlite/open-database.ts';
import { SqliteJournal } from '../../../src/adapters/sqlite/sqlite-journal.ts';
import { LiveTrader } from '../../../src/engine/execution/live-trader.ts';
import { RiskRulesSchema } from '../../../src/engine/execution/risk-manager.ts';
import { resolveStrategy } from '../../../src/engine/strategy/strategy-registry.ts';
import { fundTestAccount, simExecution } from '../../helpers/live-venue.ts';
import { waitFor } from '../../helpers/wait-for.ts';

let sim: RunningHlSim;
let address: string;
beforeAll(async () => {
  const clock = new SimClock();
  sim = await startHlSim({ market: new SimMarket({ clock, coins: [{ name: 'BTC' }], historyMinutes: 60 }), clock });
  sim.exchange.setPrice('BTC', '50000');
  address = fundTestAccount(sim.exchange, 10_000);
});
afterAll(() => sim.close());

describe('WebSocket drop while fills happen', () => {
  it('reconnects, resubscribes and recovers the fills made while it was down', async () => {
    const db = openDatabase(':memory:');
    const { execution } = await simExecution(sim.url, Date.now);
    const trader = new LiveTrader({
      client: execution,
      journal: new SqliteJournal(db, 'live:sim:BTC'),
      clock: { now: Date.now },
      scheduler: new TimerScheduler(),
      coin: 'BTC',
      interval: '1m',
      strategy: resolveStrategy('sma-cross', {}, { kind: 'all-in' }),
      rules: RiskRulesSchema.parse({}),
      cloidPrefix: '0000beef',
    });
    await trader.start();
    const order = { coin: 'BTC', triggerPrice: null, reduceOnly: false } as const;
    await trader.orders.submit([
      { ...order, side: 'buy', qty: new Decimal('0.03'), kind: 'market', limitPrice: null, tif: 'ioc' },
    ]);
    await trader.orders.submit([
      {
        ...order,
        side: 'sell',
        qty: new Decimal('0.01'),
        kind: 'limit',
        limitPrice: new Decimal('50500'),
        tif: 'gtc',
        reduceOnly: true,
      },
      {
        ...order,
        side: 'sell',
        qty: new Decimal('0.01'),
        kind: 'limit',
        limitPrice: new Decimal('50800'),
        tif: 'gtc',
        reduceOnly: true,
      },
    ]);
    const before = sim.stats.wsConnections;

    // The venue drops the connection and refuses new ones for a while; both limits fill meanwhile.
    sim.setAcceptingConnections(false);
    sim.dropConnections();
    sim.exchange.setPrice('BTC', '50600');
    await new Promise((r) => setTimeout(r, 500));
    sim.exchange.setPrice('BTC', '50900');
    await new Promise((r) => setTimeout(r, 2500));
    expect(trader.positions.get('BTC').qty.toFixed()).toBe('0.03');
    sim.setAcceptingConnections(true);

    await waitFor(
      () => (trader.positions.get('BTC').qty.toFixed() === '0.01' ? true : undefined),
      15_000,
      'the missed fills',
    );
    expect(sim.stats.wsConnections).toBeGreaterThan(before);
    const venueFills = sim.exchange.user(address)?.fills ?? [];
    const journaled = db.prepare("SELECT count(*) AS n FROM journal WHERE event = 'fill'").get() as { n: number };
    expect(journaled.n).toBe(venueFills.length);
    expect(trader.orders.all.map((o) => o.status)).toEqual(['filled', 'filled', 'filled']);
    // …and the push channel works again: a new fill arrives without any fetch.
    await trader.orders.submit([
      {
        ...order,
        side: 'sell',
        qty: new Decimal('0.01'),
        kind: 'market',
        limitPrice: null,
        tif: 'ioc',
        reduceOnly: true,
      },
    ]);
    expect(trader.positions.get('BTC').qty.isZero()).toBe(true);
    await trader.stop();
    db.close();
  });
});
