import { Decimal } from 'decimal.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../../../src/adapters/sqlite/open-database.ts';
import { SqliteJournal } from '../../../src/adapters/sqlite/sqlite-journal.ts';
import { RiskRulesSchema } from '../../../src/engine/execution/risk-manager.ts';
import { resolveStrategy } from '../../../src/engine/strategy/strategy-registry.ts';
import { TradingSession } from '../../../src/host/trading/trading-session.ts';
import { simEnvironment } from '../../helpers/hl-sim.ts';
import { fundTestAccount, simExecution } from '../../helpers/live-venue.ts';
import { waitFor } from '../../helpers/wait-for.ts';

/** The outage the acceptance asks for: the venue's WebSocket is gone for 30 s. */
const OUTAGE_MS = 30_000;
const MINUTE = 60_000;

let env: Awaited<ReturnType<typeof simEnvironment>>;
let address: string;
beforeAll(async () => {
  env = await simEnvironment();
  env.sim.exchange.setPrice('BTC', '50000');
  address = fundTestAccount(env.sim.exchange, 10_000);
});
afterAll(() => env.close());

describe('WebSocket outage while fills happen and bars close', () => {
  it(
    'reconnects, resubscribes, and recovers the fills and the candles missed during a 30 s outage',
    async () => {
      const db = openDatabase(':memory:');
      const now = () => env.clock.now();
      const { execution } = await simExecution(env.sim.url, now);
      const session = new TradingSession({
        runId: 'live:sim:BTC',
        db,
        coin: 'BTC',
        interval: '1m',
        strategy: resolveStrategy('sma-cross', { fast: 50, slow: 200 }, { kind: 'all-in' }),
        rules: RiskRulesSchema.parse({}),
        leverage: 1,
        execution,
        paper: null,
        marketData: env.api,
        source: 'sim',
        label: 'hl-sim',
        warmUpBars: 10,
        confirmDelayMs: 5,
        now,
        log: () => undefined,
      });
      await session.start();
      const journal = new SqliteJournal(db, 'live:sim:BTC');
      const barCount = () => journal.read().filter((e) => e.event === 'bar' && e.payload.warmUp !== true).length;
      const trader = session.trader;
      const order = { coin: 'BTC', triggerPrice: null, reduceOnly: false } as const;
      await trader.orders.submit([
        { ...order, side: 'buy', qty: new Decimal('0.03'), kind: 'market', limitPrice: null, tif: 'ioc' },
      ]);
      const limit = (price: string) => ({
        ...order,
        side: 'sell' as const,
        qty: new Decimal('0.01'),
        kind: 'limit' as const,
        limitPrice: new Decimal(price),
        tif: 'gtc' as const,
        reduceOnly: true,
      });
      await trader.orders.submit([limit('50500'), limit('50800')]);
      const connections = env.sim.stats.wsConnections;
      const barsBefore = barCount();

      // The venue drops every connection and refuses new ones; meanwhile both limits fill and
      // three bars close.
      env.sim.setAcceptingConnections(false);
      env.sim.dropConnections();
      const started = Date.now();
      env.sim.exchange.setPrice('BTC', '50600');
      env.clock.advance(MINUTE);
      await new Promise((r) => setTimeout(r, OUTAGE_MS / 3));
      env.sim.exchange.setPrice('BTC', '50900');
      env.clock.advance(MINUTE);
      await new Promise((r) => setTimeout(r, OUTAGE_MS / 3));
      env.clock.advance(MINUTE);
      await new Promise((r) => setTimeout(r, started + OUTAGE_MS - Date.now()));
      // Nothing arrived while the socket was down.
      expect(trader.positions.get('BTC').qty.toFixed()).toBe('0.03');
      expect(barCount()).toBe(barsBefore);
      env.sim.setAcceptingConnections(true);

      await waitFor(
        () => (trader.positions.get('BTC').qty.toFixed() === '0.01' ? true : undefined),
        20_000,
        'the missed fills',
      );
      await waitFor(() => (barCount() >= barsBefore + 3 ? true : undefined), 20_000, 'the missed bars');
      expect(env.sim.stats.wsConnections).toBeGreaterThan(connections);
      const venueFills = env.sim.exchange.user(address)?.fills ?? [];
      expect(journal.read().filter((e) => e.event === 'fill').length).toBe(venueFills.length);
      expect(trader.orders.all.map((o) => o.status)).toEqual(['filled', 'filled', 'filled']);
      // The bars reached the strategy in order, each once.
      const times = journal
        .read()
        .filter((e) => e.event === 'bar')
        .map((e) => Number(e.payload.time));
      expect(new Set(times).size).toBe(times.length);
      expect([...times].sort((a, b) => a - b)).toEqual(times);
      // …and the push channel works again: a new fill arrives without any fetch.
      await trader.orders.submit([{ ...limit('1'), kind: 'market', limitPrice: null, tif: 'ioc' }]);
      expect(trader.positions.get('BTC').qty.isZero()).toBe(true);
      await session.stop();
      db.close();
    },
    OUTAGE_MS + 60_000,
  );
});
