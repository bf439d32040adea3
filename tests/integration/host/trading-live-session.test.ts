import { Decimal } from 'decimal.js';
import { afterEach, describe, expect, it } from 'vitest';
import { openSecretStore } from '../../../src/adapters/secrets/open-secret-store.ts';
import type { SecretStore } from '../../../src/adapters/secrets/secret-store.ts';
import { openDatabase } from '../../../src/adapters/sqlite/open-database.ts';
import { SystemClock } from '../../../src/adapters/system-clock.ts';
import { Kernel } from '../../../src/engine/kernel/kernel.ts';
import type { ExecutionClient } from '../../../src/engine/execution/execution-client.ts';
import type { OrderManager } from '../../../src/engine/execution/order-manager.ts';
import { TradingService } from '../../../src/host/trading/trading-service.ts';
import { TransportError } from '../../../src/shared/contract/errors.ts';
import { SettingsSchema, type Settings } from '../../../src/shared/contract/settings.ts';
import { contractDriver } from '../../helpers/contract-driver.ts';
import { startRealClockSim } from '../../helpers/hl-sim.ts';
import { fundTestAccount, TEST_KEY } from '../../helpers/live-venue.ts';
import { tempDir } from '../../helpers/paths.ts';

/*
 * Live trading through the contract against hl-sim, which verifies every signature: the
 * signing key comes from a secret store in a temp folder (as `hyperdesk keys set signing-key`
 * writes it), orders are real on the sim, ModifyOrder moves one there, the request budget is
 * reported, and mainnet is refused without its typed confirmation.
 */

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function setup(secrets: SecretStore, settings?: () => Settings) {
  const sim = await startRealClockSim();
  cleanups.push(() => sim.close());
  const { dir, remove } = tempDir();
  cleanups.push(remove);
  const db = openDatabase(':memory:');
  const service = new TradingService({
    db,
    dataDir: dir,
    secrets,
    deadManMs: 30_000,
    ...(settings ? { settings } : {}),
  });
  const kernel = new Kernel({ clock: new SystemClock(), mode: 'research' });
  kernel.register(service);
  const { send, call } = contractDriver(kernel);
  await kernel.start();
  cleanups.push(async () => {
    await kernel.stop();
    db.close();
  });
  return { sim, send, ok: call, db, service };
}

function keyStore(): SecretStore {
  const { dir, remove } = tempDir();
  cleanups.push(remove);
  return openSecretStore(`dir:${dir}`);
}

describe('live trading through the contract (hl-sim)', () => {
  it('trades with the stored key, modifies an order on the venue, and reports the request budget', async () => {
    const secrets = keyStore();
    await secrets.set('signing-key', TEST_KEY);
    const { sim, ok, db } = await setup(secrets);
    sim.exchange.setPrice('BTC', '50000');
    const address = fundTestAccount(sim.exchange, 10_000);

    const started = await ok('StartTradingSession', { mode: 'live', coin: 'BTC', network: 'custom', apiUrl: sim.url });
    expect(started).toMatchObject({ mode: 'live', network: 'custom', status: 'running', coin: 'BTC' });
    expect(started.account?.toLowerCase()).toBe(address.toLowerCase());
    expect(new Decimal(started.equity).toNumber()).toBe(10_000);
    // A UI session journals with every commit on disk, as the CLI's trade command does.
    expect(db.pragma('synchronous', { simple: true })).toBe(2);

    expect(await ok('SubmitTicket', { side: 'buy', kind: 'limit', qty: '0.01', limitPrice: '45000' })).toEqual({
      accepted: true,
      reason: null,
    });
    const [order] = (await ok('GetTradingState', {})).orders;
    const cloid = order?.cloid ?? '';
    // Signed with the stored key: the sim holds it for that account.
    const user = sim.exchange.user(address);
    expect([...(user?.open.values() ?? [])].map((o) => o.cloid)).toEqual([cloid]);

    const moved = await ok('ModifyOrder', { cloid, limitPrice: '46000' });
    expect(moved).toMatchObject({ modified: true, order: { limitPrice: '46000' } });
    const resting = [...(user?.open.values() ?? [])];
    expect(resting).toHaveLength(1);
    expect(resting[0]?.cloid).toBe(cloid);
    expect(resting[0]?.limitPx.toFixed()).toBe('46000');

    // Off the venue's tick: refused with the reason before anything is sent.
    const off = await ok('ModifyOrder', { cloid, limitPrice: '46000.55' });
    expect(off).toMatchObject({ modified: false, reason: expect.stringMatching(/tick grid/) as unknown });
    // The venue refuses the next replacement: its reason comes back.
    sim.exchange.rejectNext(1, 'Order price cannot be more than 95% away from the reference price');
    const refused = await ok('ModifyOrder', { cloid, limitPrice: '47000' });
    expect(refused.modified).toBe(false);
    expect(refused.reason).toMatch(/95% away/);

    const state = await ok('GetTradingState', {});
    expect(state.rateLimit).not.toBeNull();
    expect(state.rateLimit?.weightUsed).toBeGreaterThan(0);
    expect(state.rateLimit?.addressCap).toBeGreaterThan(0);
    expect(state.rateLimit?.ratio).toBeGreaterThan(0);
    expect(state.rateLimit?.ratio).toBeLessThan(1);

    const stopped = await ok('StopPaperSession', {});
    expect(stopped.status).toBe('idle');
    expect(db.pragma('synchronous', { simple: true })).toBe(1);
  }, 60_000);

  it('puts a typed stop and target onto the venue grid, and refuses a stop on the wrong side before the entry', async () => {
    const secrets = keyStore();
    await secrets.set('signing-key', TEST_KEY);
    const { sim, ok } = await setup(secrets);
    sim.exchange.setPrice('BTC', '50000');
    const address = fundTestAccount(sim.exchange, 10_000);
    await ok('StartTradingSession', { mode: 'live', coin: 'BTC', network: 'custom', apiUrl: sim.url });

    // A stop above a buy would trigger at once: refused before anything is sent, at Review too.
    const wrongSide = { side: 'buy', kind: 'market', qty: '0.01', stop: '55000' } as const;
    const checked = await ok('CheckTicket', wrongSide);
    expect(checked).toMatchObject({ allowed: false, rule: 'stop' });
    expect(await ok('SubmitTicket', wrongSide)).toMatchObject({ accepted: false });
    expect((await ok('GetTradingState', {})).position.qty).toBe('0');
    // Sized by the risk to it, too: the sizing takes the distance either side of the price.
    const riskedWrongSide = { side: 'buy', kind: 'market', riskPercent: 1, stop: '50100' } as const;
    expect(await ok('CheckTicket', riskedWrongSide)).toMatchObject({ allowed: false, rule: 'stop' });
    expect(await ok('SubmitTicket', riskedWrongSide)).toMatchObject({ accepted: false });
    expect((await ok('GetTradingState', {})).position.qty).toBe('0');

    // BTC prices above 10000 are whole (5 significant figures): 45000.5 and 60000.5 go onto the grid
    // (the stop away from the entry, the target towards it) rather than being refused after the fill.
    const answer = await ok('SubmitTicket', {
      side: 'buy',
      kind: 'market',
      qty: '0.01',
      stop: '45000.5',
      takeProfit: '60000.5',
    });
    expect(answer).toEqual({ accepted: true, reason: null });
    const state = await ok('GetTradingState', {});
    expect(state.position.qty).toBe('0.01');
    const triggers = state.orders.map((o) => `${o.kind}@${o.triggerPrice}`).sort();
    expect(triggers).toEqual(['stop-market@45000', 'take-profit-market@60000']);
    expect(sim.exchange.user(address)).toBeDefined();
  }, 60_000);

  it('counts working entries against the position limits: resting orders cannot add up past them', async () => {
    const secrets = keyStore();
    await secrets.set('signing-key', TEST_KEY);
    const settings = SettingsSchema.parse({ risk: { maxPositionNotional: '5000' } });
    const { sim, ok } = await setup(secrets, () => settings);
    sim.exchange.setPrice('BTC', '50000');
    fundTestAccount(sim.exchange, 10_000);
    await ok('StartTradingSession', { mode: 'live', coin: 'BTC', network: 'custom', apiUrl: sim.url });

    // At most 5000 of notional: 0.06 BTC at 45000 is 2700 alone.
    const entry = { side: 'buy', kind: 'limit', qty: '0.06', limitPrice: '45000' } as const;
    expect(await ok('SubmitTicket', entry)).toEqual({ accepted: true, reason: null });
    // A second one is 5400 once both fill: refused, at Review and at Confirm.
    expect(await ok('CheckTicket', entry)).toMatchObject({ allowed: false, rule: 'max-position-notional' });
    expect(await ok('SubmitTicket', entry)).toMatchObject({ accepted: false });
    expect((await ok('GetTradingState', {})).orders).toHaveLength(1);
    // A sell (the other way) is not counted with the resting buy.
    expect(await ok('CheckTicket', { side: 'sell', kind: 'limit', qty: '0.06', limitPrice: '55000' })).toMatchObject({
      allowed: true,
    });
  }, 60_000);

  it('never reports an entry that is on the venue as refused-and-gone when its protection fails', async () => {
    const secrets = keyStore();
    await secrets.set('signing-key', TEST_KEY);
    const { sim, ok, service } = await setup(secrets);
    sim.exchange.setPrice('BTC', '50000');
    fundTestAccount(sim.exchange, 10_000);
    await ok('StartTradingSession', { mode: 'live', coin: 'BTC', network: 'custom', apiUrl: sim.url });
    // What happens right after the entry is sent: set by each case below.
    let afterEntry: (() => void) | null = null;
    let readFails = false;
    const active = (
      service as unknown as {
        active: { opened: { execution: ExecutionClient }; session: { trader: { orders: OrderManager } } };
      }
    ).active;
    const { execution } = active.opened;
    const { orders } = active.session.trader;
    const account = execution.account.bind(execution);
    execution.account = () => (readFails ? Promise.reject(new TransportError('connection reset')) : account());
    const submit = orders.submit.bind(orders);
    orders.submit = async (...args: Parameters<OrderManager['submit']>) => {
      const placed = await submit(...args);
      const hook = afterEntry;
      afterEntry = null;
      hook?.();
      return placed;
    };
    const ticket = { side: 'buy', kind: 'market', qty: '0.01', stop: '45000' } as const;

    // The position read after the fill fails: not "refused" with a bare network error.
    afterEntry = () => (readFails = true);
    const lost = await ok('SubmitTicket', ticket);
    readFails = false;
    expect(lost.accepted).toBe(false);
    expect(lost.reason).toMatch(/entry was sent but its stop\/target were not placed.*connection reset/);
    expect((await ok('GetTradingState', {})).position.qty).toBe('0.01');

    // The venue refuses the stop and then the close: not "the entry was closed".
    afterEntry = () => sim.exchange.rejectNext(2, 'venue busy');
    const open = await ok('SubmitTicket', ticket);
    expect(open.accepted).toBe(false);
    expect(open.reason).toMatch(/closing the entry was refused too.*WITHOUT a stop/);
  }, 60_000);

  it('refuses mainnet without the typed phrase, and a live start without a stored key says where to put one', async () => {
    const { send, sim } = await setup(keyStore());
    const mainnet = await send('StartTradingSession', { mode: 'live', coin: 'BTC', network: 'mainnet' });
    expect(mainnet.ok).toBe(false);
    if (!mainnet.ok) expect(mainnet.error.message).toMatch(/confirmation.*BTC MAINNET/);
    const wrong = await send('StartTradingSession', {
      mode: 'live',
      coin: 'BTC',
      network: 'mainnet',
      confirmation: 'ETH MAINNET',
    });
    expect(wrong.ok).toBe(false);

    const keyless = await send('StartTradingSession', {
      mode: 'live',
      coin: 'BTC',
      network: 'custom',
      apiUrl: sim.url,
    });
    expect(keyless.ok).toBe(false);
    if (!keyless.ok) expect(keyless.error.message).toMatch(/no signing key.*keys set signing-key/);
  }, 30_000);
});
