import { join } from 'node:path';
import { afterAll, beforeEach, describe, expect, it, vi } from 'vitest';
import type { StrategySpec } from '../../../src/engine/strategy/strategy-registry.ts';
import { TradingSectionSchema } from '../../../src/server/config/serve-config.ts';
import { ServeMetrics } from '../../../src/server/metrics/serve-metrics.ts';
import { LeaderTrading } from '../../../src/server/trading/leader-trading.ts';
import { tempDir } from '../../helpers/paths.ts';

/*
 * A shutdown (or a lost lease) that arrives while the venue is still being opened: nothing can
 * fence the session yet, so the start must notice it afterwards and not go on to start a session
 * (journal replay, reconciliation, warm-up, orders) that the server is about to stop anyway.
 */

const venue = vi.hoisted(() => ({
  opened: null as null | ((run: unknown) => void),
  sessions: 0,
}));

vi.mock('../../../src/server/cli/commands/orders-command.ts', () => ({
  openRunVenue: () =>
    new Promise((resolve) => {
      venue.opened = resolve;
    }),
}));

vi.mock('../../../src/host/trading/trading-session.ts', () => ({
  TradingSession: class {
    constructor() {
      venue.sessions += 1;
    }
    start() {
      return Promise.resolve([]);
    }
    stop() {
      return Promise.resolve();
    }
  },
}));

vi.mock('../../../src/adapters/sqlite/sqlite-journal.ts', () => ({
  SqliteJournal: class {
    read() {
      return [];
    }
  },
}));

const tmp = tempDir();
afterAll(() => tmp.remove());

function fakeRun() {
  const db = { pragma: vi.fn(), close: vi.fn() };
  return {
    db,
    runId: 'run-1',
    coin: 'BTC',
    mode: 'paper',
    account: '0x0',
    paper: null,
    execution: {},
    venue: { endpoints: {}, source: 'test', label: 'test venue' },
  };
}

async function opening(): Promise<(run: unknown) => void> {
  await vi.waitFor(() => expect(venue.opened).not.toBeNull());
  return venue.opened!;
}

describe('LeaderTrading: stopped while the venue is being opened', () => {
  beforeEach(() => {
    venue.opened = null;
    venue.sessions = 0;
  });

  const make = (messages: string[]) =>
    new LeaderTrading({
      trading: TradingSectionSchema.parse({ mode: 'paper', coin: 'BTC', strategy: { name: 'sma-cross' } }),
      strategy: { id: 'sma-cross' } as unknown as StrategySpec,
      dataDir: join(tmp.dir, 'data'),
      metrics: new ServeMetrics(),
      log: (_level, message) => messages.push(message),
      isLeader: () => true,
    });

  it('a shutdown: no session is started, the journal is closed', async () => {
    const messages: string[] = [];
    const trading = make(messages);
    trading.onLeadership(true);
    const open = await opening();
    const stopped = trading.shutdown('keep');
    const run = fakeRun();
    open(run);
    await stopped;
    expect(venue.sessions).toBe(0);
    expect(trading.running).toBe(false);
    expect(run.db.close).toHaveBeenCalled();
    expect(messages.join('\n')).toMatch(/start abandoned: stopped \(lease lost or shutting down\) before the session/);
  });

  it('a lost lease: no session is started', async () => {
    const messages: string[] = [];
    const trading = make(messages);
    trading.onLeadership(true);
    const open = await opening();
    trading.onLeadership(false);
    const run = fakeRun();
    open(run);
    await vi.waitFor(() => expect(run.db.close).toHaveBeenCalled());
    expect(venue.sessions).toBe(0);
    expect(trading.running).toBe(false);
    await trading.shutdown('keep');
  });
});
