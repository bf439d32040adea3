import { Decimal } from 'decimal.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HlExchangeClient } from '../../../src/adapters/hyperliquid/hl-exchange-client.ts';
import { resolveEndpoints } from '../../../src/adapters/hyperliquid/hl-endpoints.ts';
import { HlExecution } from '../../../src/adapters/hyperliquid/hl-execution.ts';
import { HlInfo } from '../../../src/adapters/hyperliquid/hl-info.ts';
import { HlSigner } from '../../../src/adapters/hyperliquid/hl-signer.ts';
import { NonceManager } from '../../../src/adapters/hyperliquid/nonce-manager.ts';
import type { ExecOrder, VenueFunding } from '../../../src/engine/execution/execution-client.ts';
import { SIM_START, simEnvironment } from '../../helpers/hl-sim.ts';
import { waitFor } from '../../helpers/wait-for.ts';

const HOUR = 3_600_000;
/** The first settlement after the sim starts (12:00:30): 13:00. */
const FIRST_HOUR = Math.ceil(SIM_START / HOUR) * HOUR;

type Env = Awaited<ReturnType<typeof simEnvironment>>;

/** An account on the sim: its own signing client and HlExecution, and what its pushes delivered. */
interface Trader {
  readonly address: string;
  readonly client: HlExchangeClient;
  readonly execution: HlExecution;
  readonly pushed: VenueFunding[];
  reconnects: number;
  close(): Promise<void>;
}

async function trader(env: Env, key: string, usdc: number): Promise<Trader> {
  const signer = new HlSigner(key, true);
  env.sim.exchange.fund(signer.address, usdc);
  const endpoints = resolveEndpoints({ apiUrl: env.sim.url, network: 'testnet' });
  const client = new HlExchangeClient({
    endpoints,
    signer,
    nonces: new NonceManager(() => env.clock.now()),
    retry: { baseDelayMs: 5, maxDelayMs: 20 },
  });
  const execution = new HlExecution({ client, endpoints, account: signer.address, reconnectBaseMs: 20 });
  await execution.init();
  const pushed: VenueFunding[] = [];
  const self: Trader = {
    address: signer.address,
    client,
    execution,
    pushed,
    reconnects: 0,
    close: async () => undefined,
  };
  const subscription = await execution.subscribe({
    onFills: () => undefined,
    onOrderUpdates: () => undefined,
    onReconnect: () => {
      self.reconnects++;
    },
    onFunding: (payments) => pushed.push(...payments),
  });
  self.close = () => subscription.close();
  return self;
}

const market = (cloid: string, coin: string, side: 'buy' | 'sell', qty: string): ExecOrder => ({
  cloid,
  coin,
  side,
  qty: new Decimal(qty),
  kind: 'market',
  limitPrice: null,
  triggerPrice: null,
  tif: 'ioc',
  reduceOnly: false,
});

const accountValue = async (t: Trader) =>
  new Decimal(
    (
      (await t.client.info({ type: 'clearinghouseState', user: t.address })) as {
        marginSummary: { accountValue: string };
      }
    ).marginSummary.accountValue,
  );

/** What the venue owes: −szi × mark × rate, in whole micro-dollars. */
const expected = (szi: string, mark: string, rate: string) =>
  new Decimal(szi).neg().times(mark).times(rate).toDecimalPlaces(6, Decimal.ROUND_HALF_EVEN);

const plain = (f: VenueFunding) => ({
  coin: f.coin,
  amount: f.amount.toFixed(),
  rate: f.rate.toFixed(),
  qty: f.qty.toFixed(),
  time: f.time,
});

describe('hourly funding on positions', () => {
  let env: Env;
  let long: Trader;
  let short: Trader;
  let flat: Trader;
  const BTC_MARK = '51234';
  const ETH_MARK = '3017';
  // A big rate, so a wrong formula cannot hide in the last decimals.
  const BTC_RATE = '0.000731';

  beforeAll(async () => {
    env = await simEnvironment();
    env.sim.exchange.setPrice('BTC', BTC_MARK);
    env.sim.exchange.setPrice('ETH', ETH_MARK);
    long = await trader(env, `0x${'11'.repeat(32)}`, 100_000);
    short = await trader(env, `0x${'22'.repeat(32)}`, 100_000);
    flat = await trader(env, `0x${'33'.repeat(32)}`, 100_000);
  });
  afterAll(async () => {
    await Promise.all([long, short, flat].map((t) => t?.close()));
    await env.close();
  });

  it('settles each hour a clock jump passes: exact amounts, pushed and listed alike, in the account value', async () => {
    const [bought] = await long.execution.place([market('0x000000000000000000000000000f0001', 'BTC', 'buy', '0.37')]);
    expect(bought).toMatchObject({ status: 'filled', filledQty: new Decimal('0.37') });
    const [sold] = await short.execution.place([market('0x000000000000000000000000000f0002', 'ETH', 'sell', '2.5')]);
    expect(sold).toMatchObject({ status: 'filled', filledQty: new Decimal('2.5') });
    env.sim.exchange.setFundingRate('BTC', BTC_RATE);
    const longBefore = await accountValue(long);
    const shortBefore = await accountValue(short);
    const flatBefore = await accountValue(flat);
    // Nothing settles between hours.
    env.clock.advance(HOUR / 2);
    expect(await long.execution.fundingSince(SIM_START)).toEqual([]);

    // 12:30:30 → 14:30:30: one jump over the 13:00 and 14:00 settlements.
    env.clock.advance(2 * HOUR);

    const owed = expected('0.37', BTC_MARK, BTC_RATE);
    // 0.37 × 51234 × 0.000731 = 13.85725998…: a long paying a positive rate.
    expect(owed.toFixed()).toBe('-13.85726');
    const want = [FIRST_HOUR, FIRST_HOUR + HOUR].map((time) => ({
      coin: 'BTC',
      amount: owed.toFixed(),
      rate: BTC_RATE,
      qty: '0.37',
      time,
    }));
    const pushed = await waitFor(() => (long.pushed.length >= 2 ? long.pushed : undefined), 5_000, 'two payments');
    expect(pushed.map(plain)).toEqual(want);
    const listed = await long.execution.fundingSince(SIM_START);
    expect(listed.map(plain)).toEqual(want);
    expect(await long.execution.fundingSince(FIRST_HOUR + 1)).toHaveLength(1);
    expect((await accountValue(long)).minus(longBefore).toFixed()).toBe(owed.times(2).toFixed());

    // The short receives a positive rate: 2.5 × 3017 × 0.0000125 = 0.0942812…, in micro-dollars.
    const earned = expected('-2.5', ETH_MARK, '0.0000125');
    expect(earned.toFixed()).toBe('0.094281');
    const shortPushed = await waitFor(() => (short.pushed.length >= 2 ? short.pushed : undefined), 5_000, 'short');
    expect(shortPushed.map(plain)).toEqual(
      [FIRST_HOUR, FIRST_HOUR + HOUR].map((time) => ({
        coin: 'ETH',
        amount: '0.094281',
        rate: '0.0000125',
        qty: '-2.5',
        time,
      })),
    );
    expect((await short.execution.fundingSince(SIM_START)).map(plain)).toEqual(shortPushed.map(plain));
    expect((await accountValue(short)).minus(shortBefore).toFixed()).toBe(earned.times(2).toFixed());

    // A flat account pays and receives nothing.
    expect(await flat.execution.fundingSince(SIM_START)).toEqual([]);
    expect(flat.pushed).toEqual([]);
    expect((await accountValue(flat)).eq(flatBefore)).toBe(true);
    // Each account saw its own payments only.
    expect(long.pushed).toHaveLength(2);
    expect(short.pushed).toHaveLength(2);
  });

  it('reports the rates it settled at: fundingHistory and metaAndAssetCtxs agree with the payments', async () => {
    const info = new HlInfo(long.client);
    const history = await info.fundingHistory('BTC', SIM_START - HOUR);
    expect(history.map((h) => [h.time, h.fundingRate.toFixed()])).toEqual([
      // 12:00 was before the rate was pinned; the sim's default is the interest component alone.
      [FIRST_HOUR - HOUR, '0.0000125'],
      [FIRST_HOUR, BTC_RATE],
      [FIRST_HOUR + HOUR, BTC_RATE],
    ]);
    const markets = await info.metaAndAssetCtxs();
    expect(markets.find((m) => m.name === 'BTC')?.funding.toFixed()).toBe(BTC_RATE);
  });

  it('answers the venue’s userFunding shape, with the zero hash funding carries', async () => {
    const raw = await long.client.info({ type: 'userFunding', user: long.address, startTime: SIM_START });
    expect(raw).toEqual([
      {
        time: FIRST_HOUR,
        hash: `0x${'0'.repeat(64)}`,
        delta: { type: 'funding', coin: 'BTC', usdc: '-13.85726', szi: '0.37', fundingRate: BTC_RATE, nSamples: null },
      },
      expect.objectContaining({ time: FIRST_HOUR + HOUR }),
    ]);
    const bounded = await long.client.info({
      type: 'userFunding',
      user: long.address,
      startTime: SIM_START,
      endTime: FIRST_HOUR,
    });
    expect(bounded).toHaveLength(1);
    await expect(long.client.info({ type: 'userFunding', user: long.address })).rejects.toThrow(/422/);
  });

  it('a closed position stops paying; one held again pays on its new size', async () => {
    await long.execution.place([
      { ...market('0x000000000000000000000000000f0003', 'BTC', 'sell', '0.37'), reduceOnly: true },
    ]);
    const before = await accountValue(long);
    env.clock.advance(HOUR);
    expect(await long.execution.fundingSince(FIRST_HOUR + 2 * HOUR)).toEqual([]);
    expect((await accountValue(long)).eq(before)).toBe(true);

    await long.execution.place([market('0x000000000000000000000000000f0004', 'BTC', 'sell', '0.12')]);
    env.clock.advance(HOUR);
    const since = await long.execution.fundingSince(FIRST_HOUR + 2 * HOUR);
    expect(since).toHaveLength(1);
    const payment = since[0];
    // Short now, under the same positive rate: it receives 0.12 × 51234 × 0.000731.
    expect(payment && plain(payment)).toEqual({
      coin: 'BTC',
      amount: expected('-0.12', BTC_MARK, BTC_RATE).toFixed(),
      rate: BTC_RATE,
      qty: '-0.12',
      time: FIRST_HOUR + 3 * HOUR,
    });
    expect(payment?.amount.isPositive()).toBe(true);
    await waitFor(() => (long.pushed.length === 3 ? true : undefined), 5_000, 'the third push');
  });

  it('tells the trader to reconcile on a liquidation or a cancel by the venue, and ignores fills events', async () => {
    const before = flat.reconnects;
    env.sim.exchange.pushUserEvent(flat.address, { nonUserCancel: [{ coin: 'BTC', oid: 42 }] });
    await waitFor(() => (flat.reconnects === before + 1 ? true : undefined), 5_000, 'reconcile on nonUserCancel');
    env.sim.exchange.pushUserEvent(flat.address, {
      liquidation: {
        lid: 1,
        liquidator: `0x${'ab'.repeat(20)}`,
        liquidated_user: flat.address.toLowerCase(),
        liquidated_ntl_pos: '1000',
        liquidated_account_value: '10',
      },
    });
    await waitFor(() => (flat.reconnects === before + 2 ? true : undefined), 5_000, 'reconcile on liquidation');
    // The fills half of userEvents repeats userFills: neither funding nor a reconcile.
    await flat.execution.place([market('0x000000000000000000000000000f0005', 'ETH', 'buy', '0.01')]);
    // A malformed funding event is dropped, not passed on half-read.
    env.sim.exchange.pushUserEvent(flat.address, { funding: { coin: 'BTC', usdc: 'lots' } });
    env.sim.exchange.pushUserEvent(flat.address, { nonUserCancel: [{ coin: 'ETH', oid: 43 }] });
    await waitFor(() => (flat.reconnects === before + 3 ? true : undefined), 5_000, 'the marker event');
    expect(flat.reconnects).toBe(before + 3);
    expect(flat.pushed).toEqual([]);
  });
});

describe('fundingSince over many hours', () => {
  let env: Env;
  let holder: Trader;

  beforeAll(async () => {
    env = await simEnvironment();
    env.sim.exchange.setPrice('BTC', '50000');
    env.sim.exchange.setPrice('ETH', '3000');
    holder = await trader(env, `0x${'44'.repeat(32)}`, 1_000_000);
  });
  afterAll(async () => {
    await holder?.close();
    await env.close();
  });

  it('pages past the venue’s 500 per answer, without repeats, oldest first', async () => {
    await holder.execution.place([market('0x000000000000000000000000000f0101', 'BTC', 'buy', '0.2')]);
    env.clock.advance(HOUR);
    await holder.execution.place([market('0x000000000000000000000000000f0102', 'ETH', 'sell', '3')]);
    // One hour of BTC alone, then 300 of both: 601 payments, and the first answer's 500th is
    // a BTC payment whose hour's ETH payment opens the second answer.
    env.clock.advance(300 * HOUR);
    const first = (await holder.client.info({
      type: 'userFunding',
      user: holder.address,
      startTime: SIM_START,
    })) as { time: number; delta: { coin: string } }[];
    expect(first).toHaveLength(500);
    expect(first.at(-1)?.delta.coin).toBe('BTC');
    const before = env.sim.stats.infoRequests;
    const all = await holder.execution.fundingSince(SIM_START);
    expect(env.sim.stats.infoRequests - before).toBe(2);
    expect(all).toHaveLength(601);
    expect(new Set(all.map((f) => `${f.coin}@${f.time}`)).size).toBe(601);
    expect(all.every((f, i) => i === 0 || f.time >= (all[i - 1] as VenueFunding).time)).toBe(true);
    expect(all[0]).toMatchObject({ coin: 'BTC', time: FIRST_HOUR });
    expect(all.at(-1)).toMatchObject({ coin: 'ETH', time: FIRST_HOUR + 300 * HOUR });
    const sum = all.reduce((total, f) => total.plus(f.amount), new Decimal(0));
    // Each hour the long pays 0.2 × 50000 × 0.0000125; the short receives 3 × 3000 × 0.0000125.
    expect(sum.toFixed()).toBe(new Decimal('-0.125').times(301).plus(new Decimal('0.1125').times(300)).toFixed());
    // The pushes of one jump over 300 hours all arrive too.
    await waitFor(() => (holder.pushed.length === 601 ? true : undefined), 10_000, 'all pushes');
    expect(holder.pushed.map(plain)).toEqual(all.map(plain));
  });
});
