import { Decimal } from 'decimal.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HlExchangeClient } from '../../../src/adapters/hyperliquid/hl-exchange-client.ts';
import { resolveEndpoints } from '../../../src/adapters/hyperliquid/hl-endpoints.ts';
import { HlSigner } from '../../../src/adapters/hyperliquid/hl-signer.ts';
import { wireOrder } from '../../../src/adapters/hyperliquid/hl-wire.ts';
import { NonceManager } from '../../../src/adapters/hyperliquid/nonce-manager.ts';
import { WeightLimiter } from '../../../src/adapters/hyperliquid/weight-limiter.ts';
import { ValidationError, VenueRejectedError } from '../../../src/shared/contract/errors.ts';
import { simEnvironment } from '../../helpers/hl-sim.ts';

const MASTER_KEY = '0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d';
const AGENT_KEY = '0x5de4111afa1a4b94908f83103eb1f1706367c2e68ca870fc3fb9a804cdab365a';

let env: Awaited<ReturnType<typeof simEnvironment>>;
let client: HlExchangeClient;
const master = new HlSigner(MASTER_KEY, true);
const agent = new HlSigner(AGENT_KEY, true);

beforeAll(async () => {
  env = await simEnvironment();
  env.sim.exchange.fund(master.address, 10_000);
  env.sim.exchange.setPrice('BTC', '50000');
  client = new HlExchangeClient({
    endpoints: resolveEndpoints({ apiUrl: env.sim.url, network: 'testnet' }),
    signer: agent,
    nonces: new NonceManager(() => env.clock.now()),
    retry: { baseDelayMs: 5, maxDelayMs: 20 },
  });
});
afterAll(() => env.close());

const order = (isBuy: boolean, price: string, size: string, extra: Partial<Parameters<typeof wireOrder>[0]> = {}) =>
  wireOrder({
    asset: 0,
    isBuy,
    price: new Decimal(price),
    size: new Decimal(size),
    reduceOnly: false,
    type: { limit: { tif: 'Gtc' } },
    ...extra,
  });

describe('the exchange client against hl-sim', () => {
  it('refuses an agent that was never approved with the venue’s own message', async () => {
    await expect(client.order([order(true, '49000', '0.01')])).rejects.toThrow(
      new VenueRejectedError(`L1 error: User or API Wallet ${agent.address.toLowerCase()} does not exist.`),
    );
  });

  it('approves the agent with a user-signed action from the master key', async () => {
    const masterClient = new HlExchangeClient({
      endpoints: resolveEndpoints({ apiUrl: env.sim.url, network: 'testnet' }),
      signer: master,
      nonces: new NonceManager(() => env.clock.now()),
      retry: { baseDelayMs: 5, maxDelayMs: 20 },
    });
    const before = env.sim.stats.exchangeRequests;
    await expect(masterClient.approveAgent('0x1234')).rejects.toThrow(ValidationError);
    await expect(masterClient.approveAgent(agent.address, { name: 'a name far too long' })).rejects.toThrow(
      ValidationError,
    );
    await expect(masterClient.approveAgent(agent.address, { validUntil: env.clock.now() + 1000 })).rejects.toThrow(
      ValidationError,
    );
    expect(env.sim.stats.exchangeRequests).toBe(before);
    await expect(masterClient.approveAgent(agent.address, { name: 'hyperdesk' })).resolves.toBeUndefined();
    expect(env.sim.exchange.user(master.address)?.agents.get(agent.address.toLowerCase())).toBe('hyperdesk');
    // The agent cannot approve agents: its signature recovers an address without an account.
    await expect(client.approveAgent(master.address)).rejects.toThrow(
      new VenueRejectedError(`Must deposit before performing actions. User: ${agent.address.toLowerCase()}`),
    );
  });

  it('places a resting limit, finds it in openOrders, and cancels it', async () => {
    const [status] = await client.order([
      order(true, '49000', '0.01', { cloid: '0x000000000000000000000000000000aa' }),
    ]);
    expect(status).toMatchObject({ resting: { oid: expect.any(Number), cloid: '0x000000000000000000000000000000aa' } });
    const open = (await client.info({ type: 'openOrders', user: master.address })) as {
      oid: number;
      limitPx: string;
    }[];
    expect(open).toEqual([expect.objectContaining({ limitPx: '49000', sz: '0.01', side: 'B' })]);
    const byCloid = (await client.info({
      type: 'orderStatus',
      user: master.address,
      oid: '0x000000000000000000000000000000aa',
    })) as { status: string; order: { status: string } };
    expect(byCloid).toMatchObject({ status: 'order', order: { status: 'open' } });
    expect(await client.cancelByCloid([{ asset: 0, cloid: '0x000000000000000000000000000000aa' }])).toEqual([
      'success',
    ]);
    expect(await client.cancelByCloid([{ asset: 0, cloid: '0x000000000000000000000000000000aa' }])).toEqual([
      { error: 'Order was never placed, already canceled, or filled.' },
    ]);
  });

  it('fills a marketable order, books the position and fill, and runs a stop-loss on the mark', async () => {
    await client.updateLeverage(0, true, 5);
    const [filled] = await client.order([order(true, '50500', '0.02', { type: { limit: { tif: 'Ioc' } } })]);
    expect(filled).toMatchObject({ filled: { totalSz: '0.02', avgPx: '50005' } });
    await client.order(
      [
        wireOrder({
          asset: 0,
          isBuy: false,
          price: new Decimal('45000'),
          size: new Decimal('0.02'),
          reduceOnly: true,
          type: { trigger: { isMarket: true, triggerPx: '48000', tpsl: 'sl' } },
        }),
      ],
      'positionTpsl',
    );
    const state = (await client.info({ type: 'clearinghouseState', user: master.address })) as {
      assetPositions: { position: { szi: string; leverage: { value: number } } }[];
    };
    expect(state.assetPositions[0]?.position).toMatchObject({ szi: '0.02', leverage: { value: 5 } });
    env.sim.exchange.setPrice('BTC', '47990');
    const fills = (await client.info({ type: 'userFills', user: master.address })) as {
      dir: string;
      px: string;
      closedPnl: string;
    }[];
    expect(fills.map((f) => f.dir)).toEqual(['Close Long', 'Open Long']);
    // 0.02 × (47990 − 50005)
    expect(fills[0]).toMatchObject({ px: '47990', closedPnl: '-40.3' });
  });

  it('returns the venue’s per-order errors: tick, minimum value, reduce-only, post-only', async () => {
    const statuses = await client.order([
      order(true, '49000.5', '0.01'),
      order(true, '49000', '0.0001'),
      order(false, '51000', '0.01', { reduceOnly: true }),
      order(true, '60000', '0.01', { type: { limit: { tif: 'Alo' } } }),
    ]);
    expect(statuses).toEqual([
      { error: 'Price must be divisible by tick size.' },
      { error: 'Order must have minimum value of $10.' },
      { error: 'Reduce only order would increase position.' },
      { error: expect.stringMatching(/^Post only order would have immediately matched, bbo was /) },
    ]);
  });

  it('modifies by cancel-and-replace: the replacement has a new oid', async () => {
    const [resting] = (await client.order([order(true, '40000', '0.01')])) as [{ resting: { oid: number } }];
    const [replaced] = (await client.batchModify([
      { oid: resting.resting.oid, order: order(true, '41000', '0.01') },
    ])) as [{ resting: { oid: number } }];
    expect(replaced.resting.oid).not.toBe(resting.resting.oid);
    const old = (await client.info({ type: 'orderStatus', user: master.address, oid: resting.resting.oid })) as {
      order: { status: string };
    };
    expect(old.order.status).toBe('canceled');
  });

  it('refuses a replayed body as a duplicate nonce: a retry can never place twice', async () => {
    const nonce = env.clock.now() + 100_000;
    const action = { type: 'order', orders: [order(true, '40000', '0.01')], grouping: 'na' };
    const signature = await agent.signL1(action, nonce);
    const send = async () =>
      (
        await fetch(`${env.sim.url}/exchange`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ action, nonce, signature }),
        })
      ).json();
    expect(await send()).toMatchObject({ status: 'ok' });
    expect(await send()).toEqual({ status: 'err', response: `Invalid nonce: duplicate nonce ${nonce}` });
  });

  it('backs off through a 429 storm and stays under its share of the weight budget', async () => {
    const limiter = new WeightLimiter({ budget: 1200, windowMs: 60_000 });
    const weights: number[] = [];
    const stormy = new HlExchangeClient({
      endpoints: resolveEndpoints({ apiUrl: env.sim.url, network: 'testnet' }),
      signer: agent,
      nonces: new NonceManager(() => env.clock.now() + 1000),
      limiter,
      retry: { baseDelayMs: 5, maxDelayMs: 20, attempts: 10 },
      onRequest: (_path, weight) => weights.push(weight),
    });
    env.sim.rateLimitNext(5, 0);
    const before = env.sim.stats.rateLimited;
    await expect(stormy.info({ type: 'openOrders', user: master.address })).resolves.toEqual(expect.any(Array));
    expect(env.sim.stats.rateLimited - before).toBe(5);
    expect(weights).toHaveLength(6);
    expect(limiter.used()).toBeLessThanOrEqual(0.8 * 1200);
  });
});
