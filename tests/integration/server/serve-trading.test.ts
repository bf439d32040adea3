import BetterSqlite3 from 'better-sqlite3';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hyperdesk, type CliProcess } from '../../helpers/cli-process.ts';
import { tempDir } from '../../helpers/paths.ts';
import {
  eventually,
  getJson,
  paperConfig,
  scrape,
  startServe,
  startSim,
  stopProcess,
  type ServeProcess,
} from '../../helpers/serve-process.ts';

/*
 * Unattended paper trading in `hyperdesk serve` against a sim-exchange on a real clock (1-minute
 * bars): two instances on one data folder share a file lease, so these steps run in order and
 * take a few minutes of real time.
 */

const tmp = tempDir();
const dataDir = join(tmp.dir, 'data');
const LEASE_MS = 3000;
let sim: CliProcess & { url: string };
let config: string;
const processes: ServeProcess[] = [];
let a: ServeProcess;
let b: ServeProcess;
let c: ServeProcess;

async function start(): Promise<ServeProcess> {
  const proc = await startServe(config);
  processes.push(proc);
  return proc;
}

async function paperPosition(): Promise<{ qty: string; equity: string }> {
  const { code, out, err } = await hyperdesk(
    'positions',
    '--mode',
    'paper',
    '--coin',
    'BTC',
    '--api-url',
    sim.url,
    '--data-dir',
    dataDir,
    '--json',
  );
  if (code !== 0) throw new Error(err);
  const account = JSON.parse(out) as { equity: string; positions: { coin: string; qty: string }[] };
  return { qty: account.positions.find((p) => p.coin === 'BTC')?.qty ?? '0', equity: account.equity };
}

function journal<T>(query: (db: BetterSqlite3.Database) => T): T {
  const db = new BetterSqlite3(join(dataDir, 'hyperdesk.db'), { readonly: true });
  try {
    return query(db);
  } finally {
    db.close();
  }
}

const count = (event: string) =>
  journal(
    (db) =>
      (
        db.prepare('SELECT count(*) AS n FROM journal WHERE event = ? AND run_id NOT LIKE ?').get(event, '%#%') as {
          n: number;
        }
      ).n,
  );

beforeAll(async () => {
  sim = await startSim();
  config = paperConfig(
    tmp.dir,
    sim.url,
    `leader:\n  kind: file\n  path: ${JSON.stringify(join(dataDir, 'leader.lease'))}\n  leaseMs: ${LEASE_MS}\n  renewMs: 1000\n`,
  );
});

afterAll(async () => {
  for (const proc of processes) await stopProcess(proc, 'SIGKILL');
  await stopProcess(sim, 'SIGINT');
  tmp.remove();
});

describe('hyperdesk serve: unattended paper trading behind a file lease', () => {
  it('two instances on one data folder: exactly one trades, the other is not ready with "leader" failing', async () => {
    a = await start();
    await eventually(
      async () => ((await scrape(a.url)).get('hyperdesk_leader') === 1 ? true : undefined),
      20_000,
      'a to lead',
    );
    b = await start();
    const standby = await getJson(`${b.url}/readyz`);
    expect(standby.status).toBe(503);
    expect(standby.body.failing).toContain('leader');
    expect((await scrape(b.url)).get('hyperdesk_leader')).toBe(0);
    await eventually(
      async () => ((await getJson(`${a.url}/readyz`)).status === 200 ? true : undefined),
      150_000,
      'a ready',
    );
    expect(a.stderr()).toContain('PAPER trading BTC 1m with sma-cross');
    expect(b.stderr()).not.toContain('PAPER trading');
  }, 200_000);

  it('/metrics after the leader has traded: equity, fills, orders, daily loss, kill switch', async () => {
    const metrics = await eventually(
      async () => {
        const m = await scrape(a.url);
        return (m.get('hyperdesk_fills_total') ?? 0) > 0 ? m : undefined;
      },
      420_000,
      'a fill',
    );
    const equity = metrics.get('hyperdesk_equity_usd') ?? 0;
    expect(equity).toBeGreaterThan(9000);
    expect(equity).toBeLessThan(11000);
    expect(metrics.get('hyperdesk_up')).toBe(1);
    expect(metrics.get('hyperdesk_leader')).toBe(1);
    expect(metrics.get('hyperdesk_kill_switch_engaged')).toBe(0);
    expect(metrics.get('hyperdesk_venue_connected')).toBe(1);
    expect(metrics.get('hyperdesk_orders{state="accepted"}')).toBeGreaterThanOrEqual(0);
    const used = metrics.get('hyperdesk_daily_loss_used_ratio') ?? -1;
    expect(used).toBeGreaterThanOrEqual(0);
    expect(used).toBeLessThanOrEqual(1);
    // Fees were paid on the first fill: the realised result is negative or a closed profit.
    expect(metrics.get('hyperdesk_pnl_realized_usd')).not.toBe(0);
    expect(metrics.get('hyperdesk_open_positions')).toBe(1);
    expect(metrics.get('hyperdesk_position_age_seconds')).toBeGreaterThanOrEqual(0);
    expect(metrics.get('hyperdesk_candle_lag_seconds')).toBeLessThan(150);
    expect(metrics.get('hyperdesk_rate_limit_used_ratio')).toBeGreaterThan(0);
    expect(metrics.get('hyperdesk_llm_tokens_total{kind="input"}')).toBe(0);
    expect(metrics.has('nodejs_eventloop_lag_seconds')).toBe(true);
    expect((await scrape(b.url)).get('hyperdesk_fills_total')).toBe(0);
  }, 450_000);

  it('kill -9 the leader: the standby takes over once the lease expires and trades the same account', async () => {
    const before = await paperPosition();
    expect(before.qty).not.toBe('0');
    const bars = count('bar');
    a.child.kill('SIGKILL');
    await a.exited;
    const killedAt = Date.now();
    await eventually(
      async () => ((await scrape(b.url)).get('hyperdesk_leader') === 1 ? true : undefined),
      30_000,
      'b to lead',
    );
    expect(Date.now() - killedAt).toBeGreaterThanOrEqual(LEASE_MS - 1000);
    await eventually(async () => (b.stderr().includes('PAPER trading BTC') ? true : undefined), 30_000, 'b trading');
    // The same paper account, replayed from the journal: the position is still there.
    expect(b.stderr()).toContain('0 reconciliation difference(s)');
    expect((await scrape(b.url)).get('hyperdesk_open_positions')).toBe(1);
    // It trades: the next closed bar reaches its strategy (journaled by the session).
    await eventually(async () => (count('bar') > bars ? true : undefined), 150_000, 'a bar traded by b');
    await eventually(
      async () => ((await getJson(`${b.url}/readyz`)).status === 200 ? true : undefined),
      150_000,
      'b ready',
    );
  }, 330_000);

  it('SIGTERM: exits 0 within the grace period, the journal is whole, and a restart resumes the account', async () => {
    const fills = count('fill');
    const before = await paperPosition();
    const sent = Date.now();
    expect(await stopProcess(b, 'SIGTERM')).toBe(0);
    expect(Date.now() - sent).toBeLessThan(15_000);
    expect(b.stderr()).toContain('SIGTERM received');
    expect(b.stderr()).toContain('trading session stopped');
    const integrity = journal((db) => db.pragma('integrity_check', { simple: true }));
    expect(integrity).toBe('ok');
    expect(count('fill')).toBe(fills);
    const after = await paperPosition();
    expect(after.qty).toBe(before.qty);
    // The lease was released: a new instance leads at once, no lease expiry to wait for.
    c = await start();
    const restarted = c;
    await eventually(
      async () => (restarted.stderr().includes('PAPER trading BTC') ? true : undefined),
      10_000,
      'c trading',
    );
    expect(restarted.stderr()).toContain('0 reconciliation difference(s)');
    expect((await scrape(restarted.url)).get('hyperdesk_open_positions')).toBe(1);
    expect((await paperPosition()).qty).toBe(before.qty);
  }, 120_000);

  it('a leader that loses its lease (paused past it) stops trading; the standby trades once it has', async () => {
    const d = await start();
    expect((await scrape(d.url)).get('hyperdesk_leader')).toBe(0);
    c.child.kill('SIGSTOP');
    await eventually(
      async () => ((await scrape(d.url)).get('hyperdesk_leader') === 1 ? true : undefined),
      30_000,
      'd to lead',
    );
    // The paused leader still holds the run's lock: the new leader waits for it, never trades alongside.
    await eventually(
      async () => (d.stderr().includes('already running in process') ? true : undefined),
      20_000,
      'd to wait',
    );
    expect(d.stderr()).not.toContain('PAPER trading');
    c.child.kill('SIGCONT');
    await eventually(
      async () => (c.stderr().includes('trading session stopped') ? true : undefined),
      20_000,
      'c to stop',
    );
    expect(c.stderr()).toContain('does not hold the trading lease');
    const standby = await getJson(`${c.url}/readyz`);
    expect(standby.status).toBe(503);
    expect(standby.body.failing).toContain('leader');
    expect((await scrape(c.url)).get('hyperdesk_leader')).toBe(0);
    await eventually(async () => (d.stderr().includes('PAPER trading BTC') ? true : undefined), 60_000, 'd trading');
    expect(await stopProcess(d, 'SIGTERM')).toBe(0);
    expect(await stopProcess(c, 'SIGTERM')).toBe(0);
  }, 150_000);
});
