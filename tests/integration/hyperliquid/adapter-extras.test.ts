import { Decimal } from 'decimal.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HlExchangeClient } from '../../../src/adapters/hyperliquid/hl-exchange-client.ts';
import { resolveEndpoints } from '../../../src/adapters/hyperliquid/hl-endpoints.ts';
import { HlExecution } from '../../../src/adapters/hyperliquid/hl-execution.ts';
import { HlInfo } from '../../../src/adapters/hyperliquid/hl-info.ts';
import type { L2Book, MarketTrade } from '../../../src/adapters/hyperliquid/hl-market-schemas.ts';
import { HlSigner } from '../../../src/adapters/hyperliquid/hl-signer.ts';
import { openHlSocket, type HlConnectionState } from '../../../src/adapters/hyperliquid/hl-socket.ts';
import { wireOrder } from '../../../src/adapters/hyperliquid/hl-wire.ts';
import { NonceManager } from '../../../src/adapters/hyperliquid/nonce-manager.ts';
import type { ExecOrder, VenueFill } from '../../../src/engine/execution/execution-client.ts';
import { ValidationError, VenueRejectedError } from '../../../src/shared/contract/errors.ts';
import { SIM_START, simEnvironment } from '../../helpers/hl-sim.ts';
import { waitFor } from '../../helpers/wait-for.ts';

const MASTER_KEY = '0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d';
const AGENT_KEY = '0x5de4111afa1a4b94908f83103eb1f1706367c2e68ca870fc3fb9a804cdab365a';
const HOUR = 3_600_000;

let env: Awaited<ReturnType<typeof simEnvironment>>;
let client: HlExchangeClient;
let execution: HlExecution;
let info: HlInfo;
const master = new HlSigner(MASTER_KEY, true);
const agent = new HlSigner(AGENT_KEY, true);
const endpoints = () => resolveEndpoints({ apiUrl: env.sim.url, network: 'testnet' });

beforeAll(async () => {
  env = await simEnvironment();
  env.sim.exchange.fund(master.address, 10_000);
  env.sim.exchange.setPrice('BTC', '50000');
  env.sim.exchange.setPrice('ETH', '3000');
  const nonces = new NonceManager(() => env.clock.now());
  const retry = { baseDelayMs: 5, maxDelayMs: 20 };
  await new HlExchangeClient({ endpoints: endpoints(), signer: master, nonces, retry }).approveAgent(agent.address);
  client = new HlExchangeClient({ endpoints: endpoints(), signer: agent, nonces, retry });
  execution = new HlExecution({ client, endpoints: endpoints(), account: master.address, reconnectBaseMs: 20 });
  await execution.init();
  info = new HlInfo(client);
});
afterAll(() => env.close());

const limit = (cloid: string, side: 'buy' | 'sell', qty: string, price: string): ExecOrder => ({
  cloid,
  coin: 'BTC',
  side,
  qty: new Decimal(qty),
  kind: 'limit',
  limitPrice: new Decimal(price),
  triggerPrice: null,
  tif: 'gtc',
  reduceOnly: false,
});

const orderStatus = async (oid: number) =>
  ((await client.info({ type: 'orderStatus', user: master.address, oid })) as { order: { status: string } }).order
    .status;

describe('modify (cancel-and-replace)', () => {
  it('by cloid: returns the new oid, and fills of the old and new oid belong to the order', async () => {
    const cloid = '0x0000000000000000000000000000a001';
    env.sim.exchange.partlyFillNext(0.5);
    const [placed] = await execution.place([limit(cloid, 'buy', '0.02', '50010')]);
    expect(placed).toMatchObject({ status: 'resting' });
    const oldOid = (placed as { oid: number }).oid;

    const newOid = await execution.modify(cloid, limit(cloid, 'buy', '0.01', '49000'));
    expect(newOid).not.toBe(oldOid);
    expect(await orderStatus(oldOid)).toBe('canceled');
    expect(await execution.orderByCloid(cloid)).toMatchObject({ oid: newOid, status: 'open' });

    env.sim.exchange.setPrice('BTC', '48990');
    const fills = (await execution.fillsSince(SIM_START)).filter((f) => f.cloid === cloid);
    expect(fills.map((f) => [f.oid, f.qty.toFixed(), f.price.toFixed()])).toEqual([
      [oldOid, '0.01', '50005'],
      [newOid, '0.01', '49000'],
    ]);
    env.sim.exchange.setPrice('BTC', '50000');
  });

  it('by oid: a fill the venue reports without a cloid is attributed to the replacement’s cloid', async () => {
    // Placed without a cloid, partly filled at once: that fill carries only its oid.
    env.sim.exchange.partlyFillNext(0.5);
    const wire = wireOrder({
      asset: 0,
      isBuy: false,
      price: new Decimal('49990'),
      size: new Decimal('0.02'),
      reduceOnly: false,
      type: { limit: { tif: 'Gtc' } },
    });
    const [status] = (await client.order([wire])) as [{ resting: { oid: number } }];
    const oldOid = status.resting.oid;
    const raw = (await client.info({ type: 'userFills', user: master.address })) as { oid: number; cloid?: string }[];
    expect(raw.find((f) => f.oid === oldOid)).toBeDefined();
    expect(raw.find((f) => f.oid === oldOid)?.cloid).toBeUndefined();

    const cloid = '0x0000000000000000000000000000a002';
    const newOid = await execution.modify(oldOid, limit(cloid, 'sell', '0.01', '51000'));
    expect(newOid).not.toBe(oldOid);
    const fills = await execution.fillsSince(SIM_START);
    expect(fills.find((f) => f.oid === oldOid)?.cloid).toBe(cloid);
    await execution.cancel([{ coin: 'BTC', cloid }]);
  });

  it('refuses to rename the order it modifies by cloid, before sending anything', async () => {
    const before = env.sim.stats.exchangeRequests;
    await expect(
      execution.modify(
        '0x0000000000000000000000000000a001',
        limit('0x0000000000000000000000000000a0ff', 'buy', '0.01', '49000'),
      ),
    ).rejects.toThrow(ValidationError);
    expect(env.sim.stats.exchangeRequests).toBe(before);
  });

  it('throws the venue’s reason when there is nothing to modify', async () => {
    const cloid = '0x0000000000000000000000000000a0fe';
    await expect(execution.modify(cloid, limit(cloid, 'buy', '0.01', '49000'))).rejects.toThrow(
      new VenueRejectedError(
        `the replacement of ${cloid} was refused: Order was never placed, already canceled, or filled.`,
      ),
    );
  });

  it('the single modify action replaces too (its answer carries no status)', async () => {
    const cloid = '0x0000000000000000000000000000a003';
    await execution.place([limit(cloid, 'buy', '0.01', '45000')]);
    const before = await execution.orderByCloid(cloid);
    const wire = wireOrder({
      asset: 0,
      isBuy: true,
      price: new Decimal('45500'),
      size: new Decimal('0.01'),
      reduceOnly: false,
      type: { limit: { tif: 'Gtc' } },
      cloid,
    });
    await expect(client.modify(cloid, wire)).resolves.toBeUndefined();
    const after = await execution.orderByCloid(cloid);
    expect(after?.oid).not.toBe(before?.oid);
    expect(after?.limitPrice.toFixed()).toBe('45500');
    await execution.cancel([{ coin: 'BTC', cloid }]);
  });
});

describe('isolated margin', () => {
  interface Position {
    position: { coin: string; marginUsed: string; leverage: { type: string; value: number; rawUsd?: string } };
  }
  const state = async () =>
    (await client.info({ type: 'clearinghouseState', user: master.address })) as {
      assetPositions: Position[];
      marginSummary: { accountValue: string };
    };
  const eth = async () => (await state()).assetPositions.find((p) => p.position.coin === 'ETH')?.position;

  it('moves margin into and out of an isolated position, as clearinghouseState shows', async () => {
    await execution.setLeverage('ETH', 5, false);
    const [bought] = await execution.place([
      {
        ...limit('0x0000000000000000000000000000b001', 'buy', '1', '3010'),
        coin: 'ETH',
        tif: 'ioc',
      },
    ]);
    expect(bought).toMatchObject({ status: 'filled', avgPrice: new Decimal('3000.3') });
    // 1 ETH at the 3000 mark, 5×: 600 of margin.
    expect(await eth()).toMatchObject({ marginUsed: '600', leverage: { type: 'isolated', value: 5 } });
    const equity = (await state()).marginSummary.accountValue;

    await execution.updateIsolatedMargin('ETH', new Decimal('100'));
    expect(await eth()).toMatchObject({ marginUsed: '700', leverage: { rawUsd: '-2300.3' } });
    await execution.updateIsolatedMargin('ETH', new Decimal('-50.5'));
    expect((await eth())?.marginUsed).toBe('649.5');
    // Margin moves inside the account: its value does not change.
    expect((await state()).marginSummary.accountValue).toBe(equity);
  });

  it('is refused below the initial margin, on a cross position, and off the micro-dollar grid', async () => {
    await expect(execution.updateIsolatedMargin('ETH', new Decimal('-1000'))).rejects.toThrow(VenueRejectedError);
    expect((await eth())?.marginUsed).toBe('649.5');
    await expect(execution.updateIsolatedMargin('BTC', new Decimal('10'))).rejects.toThrow(/cross position/);
    const before = env.sim.stats.exchangeRequests;
    await expect(execution.updateIsolatedMargin('ETH', new Decimal('0.0000001'))).rejects.toThrow(ValidationError);
    await expect(client.updateIsolatedMargin(1, true, 1.5)).rejects.toThrow(ValidationError);
    expect(env.sim.stats.exchangeRequests).toBe(before);
  });
});

describe('the per-address budget', () => {
  it('reads userRateLimit, remembers it, and counts a batch of n as n requests', async () => {
    const fresh = new HlExchangeClient({
      endpoints: endpoints(),
      signer: agent,
      nonces: new NonceManager(() => env.clock.now() + 10_000),
    });
    expect(fresh.addressBudget).toBeNull();
    const budget = await fresh.refreshAddressBudget(master.address);
    const user = env.sim.exchange.user(master.address);
    expect(budget).toEqual({
      user: master.address.toLowerCase(),
      used: user?.requests,
      cap: 10_000 + Math.floor(user?.cumVolume.toNumber() ?? 0),
      surplus: 0,
      cumVolume: user?.cumVolume,
    });
    expect(fresh.addressBudget).toBe(budget);
    const order = (price: string) =>
      wireOrder({
        asset: 0,
        isBuy: true,
        price: new Decimal(price),
        size: new Decimal('0.01'),
        reduceOnly: false,
        type: { limit: { tif: 'Gtc' } },
      });
    const statuses = (await fresh.order([order('40000'), order('40100')])) as { resting: { oid: number } }[];
    const after = await fresh.refreshAddressBudget(master.address);
    expect(after.used - budget.used).toBe(2);
    expect(fresh.addressBudget?.used).toBe(after.used);
    await fresh.cancel(statuses.map((s) => ({ a: 0, o: s.resting.oid })));
  });
});

describe('typed info helpers', () => {
  it('fundingHistory: hourly settlements, paged past the venue’s 500 per answer', async () => {
    const recent = await info.fundingHistory('BTC', SIM_START - 10 * HOUR);
    expect(recent).toHaveLength(10);
    expect(recent[0]).toEqual({
      coin: 'BTC',
      fundingRate: new Decimal('0.0000125'),
      premium: new Decimal(0),
      time: Math.ceil((SIM_START - 10 * HOUR) / HOUR) * HOUR,
    });
    expect(recent.every((f, i) => i === 0 || f.time - (recent[i - 1] as { time: number }).time === HOUR)).toBe(true);
    const before = env.sim.stats.infoRequests;
    const month = await info.fundingHistory('BTC', SIM_START - 30 * 24 * HOUR, SIM_START);
    expect(month).toHaveLength(720);
    expect(env.sim.stats.infoRequests - before).toBe(2);
    expect(new Set(month.map((f) => f.time)).size).toBe(720);
  });

  it('metaAndAssetCtxs: every market with its asset id, prices and funding', async () => {
    const markets = await info.metaAndAssetCtxs();
    expect(markets.map((m) => [m.name, m.asset, m.szDecimals, m.maxLeverage])).toEqual([
      ['BTC', 0, 5, 50],
      ['ETH', 1, 5, 50],
    ]);
    expect(markets[0]?.markPrice).toEqual(new Decimal('50000'));
    expect(markets[1]?.oraclePrice).toEqual(new Decimal('3000'));
    expect(markets[0]?.funding).toEqual(new Decimal('0.0000125'));
    expect(markets[0]?.impactPrices).toBeNull();
  });

  it('l2Book: bids under asks around the mark; an unknown coin is an error', async () => {
    const book = await info.l2Book('BTC');
    const { bid, ask } = env.sim.exchange.book('BTC');
    expect(book.coin).toBe('BTC');
    expect(book.bids[0]?.price).toEqual(bid);
    expect(book.asks[0]?.price).toEqual(ask);
    expect(book.bids[1]?.price.lt(bid)).toBe(true);
    expect(book.asks[0]?.size.gt(0)).toBe(true);
    await expect(info.l2Book('NOPE')).rejects.toThrow(ValidationError);
  });
});

describe('market feeds on one shared connection', () => {
  it('delivers l2Book, trades (price moves and fills) and allMids', async () => {
    const books: L2Book[] = [];
    const trades: MarketTrade[] = [];
    const mids: ReadonlyMap<string, Decimal>[] = [];
    const errors: Error[] = [];
    const onError = (e: Error) => errors.push(e);
    const before = env.sim.stats.wsConnections;
    const feeds = await Promise.all([
      env.api.subscribeL2Book('BTC', { onData: (b) => books.push(b), onError }),
      env.api.subscribeTrades('BTC', { onData: (t) => trades.push(...t), onError }),
      env.api.subscribeAllMids({ onData: (m) => mids.push(m), onError }),
    ]);
    expect(env.sim.stats.wsConnections - before).toBe(1);

    await waitFor(() => (books.length > 0 && mids.length > 0 ? true : undefined), 5_000, 'book and mids snapshots');
    expect(books[0]?.bids[0]?.price).toEqual(env.sim.exchange.book('BTC').bid);
    expect(mids[0]?.get('BTC')).toEqual(new Decimal('50000'));

    env.sim.exchange.setPrice('BTC', '50100');
    const move = await waitFor(() => trades.find((t) => t.price.eq(50_100)), 5_000, 'a trade on the move');
    expect(move).toMatchObject({ coin: 'BTC', side: 'buy', size: new Decimal('0.00001') });

    await execution.place([{ ...limit('0x0000000000000000000000000000c001', 'sell', '0.01', '50000'), tif: 'ioc' }]);
    const fill = env.sim.exchange.user(master.address)?.fills.at(-1);
    const printed = await waitFor(() => trades.find((t) => t.tid === fill?.tid), 5_000, 'the fill on the tape');
    expect(printed).toMatchObject({ side: 'sell', price: new Decimal(fill?.px ?? '0') });
    expect(printed.users[1]).toBe(master.address.toLowerCase());

    env.clock.advance(1_000);
    await waitFor(() => (mids.some((m) => m.get('BTC')?.eq(50_100)) ? true : undefined), 5_000, 'mids on a tick');
    expect(errors).toEqual([]);
    // Closing one feed leaves the others on the same connection; the last one closes it.
    await feeds[0]?.close();
    const count = mids.length;
    env.clock.advance(1_000);
    await waitFor(() => (mids.length > count ? true : undefined), 5_000, 'mids after one feed closed');
    await Promise.all(feeds.slice(1).map((f) => f.close()));
    const again = await env.api.subscribeAllMids({ onData: () => undefined, onError });
    expect(env.sim.stats.wsConnections - before).toBe(2);
    await again.close();
    env.sim.exchange.setPrice('BTC', '50000');
  });
});

describe('the connection breaker', () => {
  it('opens after N failed attempts while the venue refuses, once, and reports up when it returns', async () => {
    const tuning = { reconnectBaseMs: 5, reconnectCapMs: 40, breakerAfter: 3 };
    const venue = new HlExecution({ client, endpoints: endpoints(), account: master.address, ...tuning });
    await venue.init();
    const states: HlConnectionState[] = [];
    const fills: VenueFill[] = [];
    let reconnects = 0;
    const subscription = await venue.subscribe({
      onFills: (f) => fills.push(...f),
      onOrderUpdates: () => undefined,
      onReconnect: () => reconnects++,
      onConnection: (s) => states.push(s),
    });
    // The bare socket too, to see how many attempts had failed when the breaker opened.
    const raw: HlConnectionState[] = [];
    let failuresAtTrip = 0;
    const socket = openHlSocket({
      endpoints: endpoints(),
      ...tuning,
      onConnection: (s) => {
        raw.push(s);
        if (s === 'breaker-open') failuresAtTrip = socket.health.failures;
      },
    });
    await waitFor(() => (raw.includes('up') ? true : undefined), 5_000, 'the bare socket up');
    expect(states).toEqual(['up']);

    env.sim.setAcceptingConnections(false);
    env.sim.dropConnections();
    await waitFor(() => (states.includes('breaker-open') ? true : undefined), 5_000, 'the breaker');
    await waitFor(() => (raw.includes('breaker-open') ? true : undefined), 5_000, 'the bare breaker');
    expect(failuresAtTrip).toBe(3);
    // It keeps trying (at the cap) without reporting the breaker again.
    await waitFor(() => (socket.health.failures >= 6 ? true : undefined), 5_000, 'more attempts');
    expect(states).toEqual(['up', 'down', 'breaker-open']);
    expect(reconnects).toBe(0);

    env.sim.setAcceptingConnections(true);
    await waitFor(() => (states.at(-1) === 'up' ? true : undefined), 5_000, 'up again');
    expect(states).toEqual(['up', 'down', 'breaker-open', 'up']);
    expect(reconnects).toBe(1);
    await waitFor(() => (raw.at(-1) === 'up' ? true : undefined), 5_000, 'the bare socket up again');
    expect(socket.health).toEqual({ failures: 0, breakerOpen: false });

    // Resubscribed: a fill made now is pushed.
    const before = fills.length;
    await venue.place([{ ...limit('0x0000000000000000000000000000d001', 'buy', '0.01', '50100'), tif: 'ioc' }]);
    await waitFor(() => (fills.length > before ? true : undefined), 5_000, 'a pushed fill');
    await subscription.close();
    socket.close();
    expect(states).toEqual(['up', 'down', 'breaker-open', 'up']);
  });
});
