import { Decimal } from 'decimal.js';
import { afterEach, describe, expect, it } from 'vitest';
import { SimClock } from '../../../src/adapters/hl-sim/sim-clock.ts';
import { startHlSim } from '../../../src/adapters/hl-sim/hl-sim-server.ts';
import { SimMarket } from '../../../src/adapters/hl-sim/sim-market.ts';
import { openSecretStore } from '../../../src/adapters/secrets/open-secret-store.ts';
import { openDatabase } from '../../../src/adapters/sqlite/open-database.ts';
import { SystemClock } from '../../../src/adapters/system-clock.ts';
import { Kernel } from '../../../src/engine/kernel/kernel.ts';
import { dispatchRequest } from '../../../src/host/command-dispatcher.ts';
import { TradingService } from '../../../src/host/trading/trading-service.ts';
import {
  Commands,
  type CommandName,
  type CommandRequest,
  type CommandResponse,
} from '../../../src/shared/contract/commands.ts';
import { PROTOCOL_VERSION } from '../../../src/shared/contract/protocol.ts';
import { fundTestAccount, TEST_KEY } from '../../helpers/live-venue.ts';
import { tempDir } from '../../helpers/paths.ts';

/*
 * The pre-trade check (CheckTicket) through the contract: the session's leverage bound,
 * sizing and risk rules answer with a verdict and the sized ticket, and nothing reaches the
 * venue (no order, no fill, no leverage change). Then leverage on a ticket: set on the venue
 * (live, hl-sim) before the order, and refused by the rules above their maximum.
 */

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function setup(live: boolean) {
  const clock = new SimClock();
  const market = new SimMarket({ clock, coins: [{ name: 'BTC' }], historyMinutes: 120 });
  const sim = await startHlSim({ market, clock });
  cleanups.push(() => sim.close());
  const { dir, remove } = tempDir();
  cleanups.push(remove);
  const keys = tempDir();
  cleanups.push(keys.remove);
  const secrets = openSecretStore(`dir:${keys.dir}`);
  if (live) await secrets.set('signing-key', TEST_KEY);
  const db = openDatabase(':memory:');
  const service = new TradingService({ db, dataDir: dir, secrets, deadManMs: 30_000 });
  const kernel = new Kernel({ clock: new SystemClock(), mode: 'research' });
  kernel.register(service);
  await kernel.start();
  cleanups.push(async () => {
    await kernel.stop();
    db.close();
  });
  let id = 0;
  async function ok<K extends CommandName>(command: K, payload: CommandRequest<K>): Promise<CommandResponse<K>> {
    const raw = { v: PROTOCOL_VERSION, type: 'request', id: `r${++id}`, command, payload };
    const response = await dispatchRequest(kernel, JSON.parse(JSON.stringify(raw)) as unknown);
    if (!response.ok) throw new Error(`${command}: ${response.error.message}`);
    return Commands[command].response.parse(response.result) as CommandResponse<K>;
  }
  return { sim, ok };
}

describe('CheckTicket: the pre-trade check, a dry run', () => {
  it('paper: passes a ticket with its size, notional and risk to the stop, and sends nothing', async () => {
    const { sim, ok } = await setup(false);
    const started = await ok('StartPaperSession', { coin: 'BTC', apiUrl: sim.url, capital: '10000' });
    const mark = new Decimal(started.mark ?? '0');
    expect(started.sizeDecimals).toBeGreaterThan(0);
    expect(started.margin).toMatchObject({ mode: 'cross', leverage: 1, leverageFixed: true, maxLeverage: 5 });
    expect(started.margin?.maintenanceMarginRate).toBe('0.0125');

    const stop = mark.times(0.95).toDecimalPlaces(0);
    const check = await ok('CheckTicket', { side: 'buy', kind: 'market', qty: '0.01', stop: stop.toFixed() });
    const notional = mark.times('0.01');
    const fees = started.fees ?? { maker: '0', taker: '0' };
    expect(check).toEqual({
      allowed: true,
      rule: null,
      reason: null,
      sizedQty: '0.01',
      notional: notional.toFixed(),
      riskToStop: mark
        .minus(stop)
        .times('0.01')
        .plus(notional.times(fees.taker))
        .plus(stop.times('0.01').times(fees.taker))
        .toFixed(),
    });

    // A risk-sized entry: sized as the trader would, within the rules.
    const risked = await ok('CheckTicket', { side: 'buy', kind: 'market', riskPercent: 1, stop: stop.toFixed() });
    expect(risked.allowed).toBe(true);
    expect(new Decimal(risked.sizedQty ?? '0').gt(0)).toBe(true);
    // 1 % of 10000 at risk: the loss at the stop is about 100, never above.
    expect(new Decimal(risked.riskToStop ?? '0').lte(100)).toBe(true);
    expect(new Decimal(risked.riskToStop ?? '0').gt(95)).toBe(true);

    // Nothing went to the venue.
    const after = await ok('GetTradingState', {});
    expect(after.orders).toEqual([]);
    expect(after.fills).toEqual([]);
    expect(after.position.qty).toBe('0');
  }, 30_000);

  it('paper: names the refusing rule (leverage, notional, risk %) before anything is sent', async () => {
    const { sim, ok } = await setup(false);
    const started = await ok('StartPaperSession', { coin: 'BTC', apiUrl: sim.url, capital: '10000' });
    const mark = new Decimal(started.mark ?? '0');

    const above = await ok('CheckTicket', { side: 'buy', kind: 'market', qty: '0.01', leverage: 10 });
    expect(above).toMatchObject({ allowed: false, rule: 'max-leverage', sizedQty: null });
    expect(above.reason).toMatch(/leverage 10× is above the risk rules' maximum of 5×/);

    const fixed = await ok('CheckTicket', { side: 'buy', kind: 'market', qty: '0.01', leverage: 3 });
    expect(fixed).toMatchObject({ allowed: false, rule: 'paper-leverage' });
    expect(fixed.reason).toMatch(/paper account's leverage is 1×/);

    // A position worth 6× the equity: the max-leverage rule on the notional.
    const big = new Decimal(60_000).div(mark).toDecimalPlaces(started.sizeDecimals ?? 0, Decimal.ROUND_DOWN);
    const tooBig = await ok('CheckTicket', { side: 'sell', kind: 'market', qty: big.toFixed() });
    expect(tooBig).toMatchObject({ allowed: false, rule: 'max-leverage', sizedQty: big.toFixed() });
    expect(tooBig.reason).toMatch(/above 5× the equity/);

    const risky = await ok('CheckTicket', {
      side: 'sell',
      kind: 'market',
      riskPercent: 5,
      stop: mark.times(1.05).toFixed(0),
    });
    expect(risky).toMatchObject({ allowed: false, rule: 'riskPercent' });

    // The same ticket submitted is refused by the same rule.
    expect(await ok('SubmitTicket', { side: 'buy', kind: 'market', qty: '0.01', leverage: 10 })).toEqual({
      accepted: false,
      reason: expect.stringMatching(/^max-leverage: leverage 10×/) as unknown,
    });
    const after = await ok('GetTradingState', {});
    expect(after.orders).toEqual([]);
    expect(after.fills).toEqual([]);
  }, 30_000);

  it('live (hl-sim): the check leaves the venue untouched; the submit sets the leverage, then orders', async () => {
    const { sim, ok } = await setup(true);
    sim.exchange.setPrice('BTC', '50000');
    const address = fundTestAccount(sim.exchange, 10_000);
    const started = await ok('StartTradingSession', { mode: 'live', coin: 'BTC', network: 'custom', apiUrl: sim.url });
    // No leverage asked at the start: the session has not set one.
    expect(started.margin).toMatchObject({ mode: 'cross', leverage: null, leverageFixed: false, maxLeverage: 5 });
    // Hyperliquid: maintenance margin is half the initial margin at the asset's maximum leverage.
    const venueMax = Number(
      new Decimal(1)
        .div(2)
        .div(started.margin?.maintenanceMarginRate ?? '1')
        .toFixed(),
    );
    expect(venueMax).toBeGreaterThanOrEqual(5);
    const user = sim.exchange.user(address);
    const leverageBefore = user?.leverage.get('BTC');

    const ticket = { side: 'buy', kind: 'limit', qty: '0.02', limitPrice: '45000', leverage: 3 } as const;
    const check = await ok('CheckTicket', ticket);
    expect(check).toEqual({
      allowed: true,
      rule: null,
      reason: null,
      sizedQty: '0.02',
      notional: '900',
      riskToStop: null,
    });
    // A dry run: no order on the venue, and its leverage setting as it was.
    expect([...(user?.open.values() ?? [])]).toEqual([]);
    expect(user?.leverage.get('BTC')).toEqual(leverageBefore);

    expect(await ok('SubmitTicket', ticket)).toEqual({ accepted: true, reason: null });
    expect(user?.leverage.get('BTC')).toEqual({ cross: true, value: 3 });
    expect([...(user?.open.values() ?? [])]).toHaveLength(1);
    const state = await ok('GetTradingState', {});
    expect(state.margin?.leverage).toBe(3);

    // Above the rules' maximum: refused by name, the venue's setting unchanged.
    const refused = await ok('CheckTicket', { ...ticket, leverage: 8 });
    expect(refused).toMatchObject({ allowed: false, rule: 'max-leverage' });
    expect(await ok('SubmitTicket', { ...ticket, leverage: 8 })).toMatchObject({ accepted: false });
    expect(user?.leverage.get('BTC')).toEqual({ cross: true, value: 3 });
    expect([...(user?.open.values() ?? [])]).toHaveLength(1);
  }, 60_000);
});
