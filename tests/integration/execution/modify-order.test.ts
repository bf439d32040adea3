import { Decimal } from 'decimal.js';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openDatabase } from '../../../src/adapters/sqlite/open-database.ts';
import { SqliteJournal } from '../../../src/adapters/sqlite/sqlite-journal.ts';
import type { VenueOrderState } from '../../../src/engine/execution/execution-client.ts';
import { OrderManager } from '../../../src/engine/execution/order-manager.ts';
import { PositionManager } from '../../../src/engine/execution/position-manager.ts';
import { VenueRejectedError } from '../../../src/shared/contract/errors.ts';
import { simEnvironment } from '../../helpers/hl-sim.ts';
import { fundTestAccount, simExecution } from '../../helpers/live-venue.ts';
import { waitFor } from '../../helpers/wait-for.ts';

/*
 * The order manager's modify against hl-sim, which verifies every signature and does modify as
 * Hyperliquid does (cancel-and-replace, a new oid): the order works on under its cloid, the old
 * oid's cancel pushed over the WebSocket does not end it, a fill of the replacement books to it,
 * and a restart replays the modify from the journal.
 */

let env: Awaited<ReturnType<typeof simEnvironment>>;
beforeEach(async () => {
  env = await simEnvironment();
  env.sim.exchange.setPrice('BTC', '50000');
  fundTestAccount(env.sim.exchange, 10_000);
});
afterEach(() => env.close());

const limitBuy = (price: string) => ({
  coin: 'BTC',
  side: 'buy' as const,
  qty: new Decimal('0.01'),
  kind: 'limit' as const,
  limitPrice: new Decimal(price),
  triggerPrice: null,
  tif: 'gtc' as const,
  reduceOnly: false,
});

describe('modifying a live order on hl-sim', () => {
  it('moves a resting limit under its cloid, ignores the old oid cancel, books the fill, and replays', async () => {
    const now = () => env.clock.now();
    const { execution } = await simExecution(env.sim.url, now);
    const db = openDatabase(':memory:');
    const journal = new SqliteJournal(db, 'live:modify');
    const positions = new PositionManager();
    const pushed: VenueOrderState[] = [];
    const orders = new OrderManager({ client: execution, journal, clock: { now }, positions, cloidPrefix: '0000beef' });
    const subscription = await execution.subscribe({
      onFills: (fills) => orders.applyFills(fills),
      onOrderUpdates: (updates) => {
        pushed.push(...updates);
        orders.applyOrderUpdates(updates);
      },
      onReconnect: () => undefined,
    });
    try {
      const [tracked] = await orders.submit([limitBuy('45000')]);
      expect(tracked?.status).toBe('accepted');
      const cloid = tracked?.order.cloid ?? '';
      const firstOid = tracked?.oid;

      await orders.modify(cloid, { limitPrice: new Decimal('46000') });
      expect(tracked?.order.limitPrice?.toFixed()).toBe('46000');
      expect(tracked?.oid).not.toBe(firstOid);
      const venue = await execution.orderByCloid(cloid);
      expect(venue).toMatchObject({ status: 'open', oid: tracked?.oid });
      expect(venue?.limitPrice.toFixed()).toBe('46000');
      // The venue pushed the old oid's cancel: the order still works.
      await waitFor(() => pushed.find((u) => u.oid === firstOid && u.status === 'canceled'), 5000, 'the cancel push');
      expect(orders.open.map((o) => o.order.cloid)).toEqual([cloid]);

      // Off the venue's tick grid: refused before anything is sent, the order unchanged.
      await expect(orders.modify(cloid, { limitPrice: new Decimal('46000.55') })).rejects.toThrow(/tick grid/);
      // No trigger price on a limit order.
      await expect(orders.modify(cloid, { triggerPrice: new Decimal('46000') })).rejects.toThrow(/no trigger price/);

      // The price comes down to the moved limit: the replacement fills, booked to the order.
      env.sim.exchange.setPrice('BTC', '45900');
      await waitFor(() => (tracked?.status === 'filled' ? true : undefined), 5000, 'the fill of the replacement');
      expect(positions.get('BTC').qty.toFixed()).toBe('0.01');

      // A restart rebuilds the order (its new price and oid) from the journal.
      const replayed = new OrderManager({
        client: execution,
        journal: new SqliteJournal(db, 'live:modify'),
        clock: { now },
        positions: new PositionManager(),
        cloidPrefix: '0000beef',
      });
      replayed.restore(journal.read());
      const back = replayed.all.find((o) => o.order.cloid === cloid);
      expect(back?.order.limitPrice?.toFixed()).toBe('46000');
      expect(back?.oid).toBe(tracked?.oid);
      expect(back?.status).toBe('filled');
    } finally {
      await subscription.close();
      db.close();
    }
  }, 30_000);

  it('reports the venue reason when the order it names is gone', async () => {
    const now = () => env.clock.now();
    const { execution } = await simExecution(env.sim.url, now);
    const db = openDatabase(':memory:');
    const orders = new OrderManager({
      client: execution,
      journal: new SqliteJournal(db, 'live:modify-gone'),
      clock: { now },
      positions: new PositionManager(),
      cloidPrefix: '0000cafe',
    });
    const [tracked] = await orders.submit([limitBuy('45000')]);
    const cloid = tracked?.order.cloid ?? '';
    // Canceled behind the manager's back (the venue's app): the modify is refused by the venue.
    await execution.cancelAll('BTC');
    const refusal = await orders.modify(cloid, { limitPrice: new Decimal('44000') }).catch((e: unknown) => e);
    expect(refusal).toBeInstanceOf(VenueRejectedError);
    expect((refusal as Error).message).toMatch(/refused/);
    // Asked afterwards, the venue says it was canceled: the manager ends it.
    expect(tracked?.status).toBe('canceled');
    db.close();
  }, 30_000);
});
