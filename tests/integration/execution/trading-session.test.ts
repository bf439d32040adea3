import { afterEach, describe, expect, it } from 'vitest';
import { resolveEndpoints } from '../../../src/adapters/hyperliquid/hl-endpoints.ts';
import { EnvSecretStore } from '../../../src/adapters/secrets/env-secret-store.ts';
import { openDatabase } from '../../../src/adapters/sqlite/open-database.ts';
import { SqliteJournal } from '../../../src/adapters/sqlite/sqlite-journal.ts';
import type { TraderEvent } from '../../../src/engine/execution/live-trader.ts';
import { RiskRulesSchema } from '../../../src/engine/execution/risk-manager.ts';
import { resolveStrategy } from '../../../src/engine/strategy/strategy-registry.ts';
import { openExecution } from '../../../src/host/trading/open-execution.ts';
import { controlRunOf, runIdOf, type TradingMode } from '../../../src/host/trading/run-ids.ts';
import { TradingSession } from '../../../src/host/trading/trading-session.ts';
import { simEnvironment } from '../../helpers/hl-sim.ts';
import { fundTestAccount, TEST_KEY } from '../../helpers/live-venue.ts';
import { waitFor } from '../../helpers/wait-for.ts';

const MINUTE = 60_000;
let cleanup: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const step of cleanup.reverse()) await step();
  cleanup = [];
});

async function start(mode: TradingMode) {
  const env = await simEnvironment();
  const db = openDatabase(':memory:');
  cleanup.push(async () => {
    db.close();
    await env.close();
  });
  const address = fundTestAccount(env.sim.exchange, 100_000);
  const endpoints = resolveEndpoints({ apiUrl: env.sim.url, network: 'testnet' });
  const now = () => env.clock.now();
  const probe = runIdOf(mode, 'sim', 'paper', 'BTC');
  const opened = await openExecution({
    mode,
    endpoints,
    coin: 'BTC',
    db,
    runId: probe,
    secrets: new EnvSecretStore({ HYPERDESK_SIGNING_KEY: TEST_KEY }),
    capital: '10000',
    leverage: 2,
    now,
  });
  const runId = runIdOf(mode, 'sim', opened.account, 'BTC');
  const events: TraderEvent[] = [];
  const session = new TradingSession({
    runId,
    db,
    coin: 'BTC',
    interval: '1m',
    strategy: resolveStrategy('sma-cross', { fast: 1, slow: 2, priceScale: 1 }, { kind: 'all-in' }),
    rules: RiskRulesSchema.parse({ maxLeverage: 2, maxPositionNotional: '10000000', maxConsecutiveLosses: 1000 }),
    leverage: 2,
    execution: opened.execution,
    paper: opened.paper,
    marketData: env.api,
    source: 'sim',
    label: 'hl-sim',
    deadManMs: mode === 'live' ? 60_000 : undefined,
    warmUpBars: 30,
    confirmDelayMs: 5,
    controlPollMs: 20,
    now,
    log: () => undefined,
    onEvent: (e) => events.push(e),
  });
  cleanup.unshift(() => session.stop());
  const differences = await session.start();
  return { env, db, session, events, runId, address, differences, opened };
}

/** Closes `n` one-minute bars on the venue and waits until the session has seen them. */
async function closeBars(s: Awaited<ReturnType<typeof start>>, n: number) {
  const journal = new SqliteJournal(s.db, s.runId);
  for (let i = 0; i < n; i++) {
    const before = journal.read().filter((e) => e.event === 'bar').length;
    s.env.clock.advance(MINUTE);
    await waitFor(
      () => (journal.read().filter((e) => e.event === 'bar').length > before ? true : undefined),
      5000,
      'a bar',
    );
  }
}

describe('trading sessions on hl-sim: closed bars in, orders out', () => {
  it('paper: history warms up without trading, then live bars trade on the paper account', async () => {
    const s = await start('paper');
    expect(s.differences).toEqual([]);
    // Warm-up saw 30 bars of history and sent nothing.
    expect(s.events.filter((e) => e.kind === 'order')).toEqual([]);
    await closeBars(s, 8);
    const fills = await s.opened.execution.fillsSince(0);
    expect(fills.length).toBeGreaterThan(0);
    // The paper account is the one that traded: the exchange saw no order from anyone.
    expect(s.env.sim.exchange.user(s.address)?.positions.size ?? 0).toBe(0);
    const account = await s.opened.execution.account();
    expect(s.session.trader.positions.get('BTC').qty.toFixed()).toBe(account.positions[0]?.qty.toFixed() ?? '0');
  });

  it('live: the same session sends signed orders to the venue, and a kill from another process flattens it', async () => {
    const s = await start('live');
    await closeBars(s, 8);
    const venue = s.env.sim.exchange.user(s.address);
    expect(s.events.some((e) => e.kind === 'fill')).toBe(true);
    expect(s.session.trader.positions.get('BTC').qty.toFixed()).toBe(
      (venue?.positions.get('BTC')?.szi ?? 0).toString(),
    );
    // hyperdesk kill, as another process does it: a request in the run's control stream.
    const control = new SqliteJournal(s.db, controlRunOf(s.runId));
    control.append([{ at: Date.now(), event: 'control.kill', payload: { reason: 'test kill' } }]);
    await waitFor(() => (control.read().some((e) => e.event === 'control.done') ? true : undefined), 5000, 'the kill');
    expect(venue?.positions.get('BTC')?.szi.isZero() ?? true).toBe(true);
    expect(s.events.some((e) => e.kind === 'halted' && e.reason === 'test kill')).toBe(true);
    // Halted: the next crosses are refused, naming the rule.
    const sent = s.events.filter((e) => e.kind === 'order').length;
    await closeBars(s, 4);
    expect(s.events.filter((e) => e.kind === 'order' && e.order.order.reduceOnly === false).length).toBeLessThanOrEqual(
      sent,
    );
    expect(s.events.some((e) => e.kind === 'risk' && e.rule === 'kill-switch')).toBe(true);
  });
});
