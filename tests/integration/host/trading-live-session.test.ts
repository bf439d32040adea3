import { Decimal } from 'decimal.js';
import { afterEach, describe, expect, it } from 'vitest';
import { openSecretStore } from '../../../src/adapters/secrets/open-secret-store.ts';
import type { SecretStore } from '../../../src/adapters/secrets/secret-store.ts';
import { openDatabase } from '../../../src/adapters/sqlite/open-database.ts';
import { SystemClock } from '../../../src/adapters/system-clock.ts';
import { Kernel } from '../../../src/engine/kernel/kernel.ts';
import { TradingService } from '../../../src/host/trading/trading-service.ts';
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

async function setup(secrets: SecretStore) {
  const sim = await startRealClockSim();
  cleanups.push(() => sim.close());
  const { dir, remove } = tempDir();
  cleanups.push(remove);
  const db = openDatabase(':memory:');
  const service = new TradingService({ db, dataDir: dir, secrets, deadManMs: 30_000 });
  const kernel = new Kernel({ clock: new SystemClock(), mode: 'research' });
  kernel.register(service);
  const { send, call } = contractDriver(kernel);
  await kernel.start();
  cleanups.push(async () => {
    await kernel.stop();
    db.close();
  });
  return { sim, send, ok: call, db };
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
