import { Decimal } from 'decimal.js';
import '../../../shared/values/decimal-values.ts';

/** A position as the simulated clearinghouse keeps it. */
export interface SimPosition {
  /** Signed size. */
  szi: Decimal;
  /** Entry value (|szi| × average entry). */
  entryNtl: Decimal;
  /** Margin moved into (or out of) an isolated position by updateIsolatedMargin. */
  marginAdded: Decimal;
}

/** A user's leverage setting on a coin (cross at 20× until set). */
export function leverageOf(user: SimUser, coin: string): { cross: boolean; value: number } {
  return user.leverage.get(coin) ?? { cross: true, value: 20 };
}

/**
 * Margin a position holds at `mark`: its value over the leverage, plus whatever was added to
 * it when isolated (cross positions draw on the whole account instead).
 */
export function positionMargin(user: SimUser, coin: string, pos: SimPosition, mark: Decimal): Decimal {
  const lev = leverageOf(user, coin);
  const base = pos.szi.abs().times(mark).div(lev.value);
  return lev.cross ? base : base.plus(pos.marginAdded);
}

/** An order the simulated book holds for a user. */
export interface SimOrder {
  readonly oid: number;
  readonly cloid: string | null;
  readonly coin: string;
  readonly side: 'B' | 'A';
  limitPx: Decimal;
  /** Size still open. */
  sz: Decimal;
  readonly origSz: Decimal;
  readonly timestamp: number;
  readonly reduceOnly: boolean;
  readonly tif: 'Gtc' | 'Ioc' | 'Alo' | null;
  readonly trigger: { readonly isMarket: boolean; readonly triggerPx: Decimal; readonly tpsl: 'tp' | 'sl' } | null;
  readonly isPositionTpsl: boolean;
  /** Children of a normalTpsl parent, placed when it fills. */
  children: SimOrder[];
}

/** What became of an order, for orderStatus and the orderUpdates channel. */
export interface SimOrderStatus {
  readonly order: SimOrder;
  status: string;
  statusTimestamp: number;
}

/** A fill in the venue's shape. */
export interface SimFill {
  readonly coin: string;
  readonly px: string;
  readonly sz: string;
  readonly side: 'B' | 'A';
  readonly time: number;
  readonly startPosition: string;
  readonly dir: string;
  readonly closedPnl: string;
  readonly hash: string;
  readonly oid: number;
  readonly crossed: boolean;
  readonly fee: string;
  readonly feeToken: 'USDC';
  readonly tid: number;
  readonly cloid?: string;
}

/** A funding payment in the venue's `userFunding` shape. */
export interface SimFundingPayment {
  /** The settlement hour, unix ms. */
  readonly time: number;
  /** Funding is no transaction of the user's: the venue reports it with the zero hash. */
  readonly hash: string;
  readonly delta: {
    readonly type: 'funding';
    readonly coin: string;
    /** Paid into the account (negative when the position paid). */
    readonly usdc: string;
    /** Signed size of the position it was settled on. */
    readonly szi: string;
    readonly fundingRate: string;
    /** Premium samples behind the rate; the sim has none to count. */
    readonly nSamples: number | null;
  };
}

/** One account of the simulated exchange. */
export interface SimUser {
  readonly address: string;
  /** Deposited USDC plus realised PnL, less fees and funding. */
  usdc: Decimal;
  readonly positions: Map<string, SimPosition>;
  readonly leverage: Map<string, { cross: boolean; value: number }>;
  readonly open: Map<number, SimOrder>;
  readonly statuses: Map<number, SimOrderStatus>;
  readonly cloids: Map<string, number>;
  readonly fills: SimFill[];
  /** Funding payments, oldest first. */
  readonly fundings: SimFundingPayment[];
  /** Approved agent (API wallet) addresses and their names. */
  readonly agents: Map<string, string>;
  scheduledCancel: number | null;
  scheduledCancelsToday: number;
  cumVolume: Decimal;
  requests: number;
}

/** A fresh account with `usdc` deposited. */
export function newUser(address: string, usdc: Decimal): SimUser {
  return {
    address,
    usdc,
    positions: new Map(),
    leverage: new Map(),
    open: new Map(),
    statuses: new Map(),
    cloids: new Map(),
    fills: [],
    fundings: [],
    agents: new Map(),
    scheduledCancel: null,
    scheduledCancelsToday: 0,
    cumVolume: new Decimal(0),
    requests: 0,
  };
}

const wire = (d: Decimal) => d.toFixed();

/** The side of a fill's position change, as the venue labels it. */
export function direction(before: Decimal, after: Decimal): string {
  if (before.isZero()) return after.isPositive() ? 'Open Long' : 'Open Short';
  if (before.isPositive() && after.isNegative()) return 'Long > Short';
  if (before.isNegative() && after.isPositive()) return 'Short > Long';
  if (before.isPositive()) return after.gt(before) ? 'Open Long' : 'Close Long';
  return after.lt(before) ? 'Open Short' : 'Close Short';
}

/**
 * Books a fill of `size` (signed: buy positive) at `px` on `user`'s `coin` position and
 * returns the realised PnL (before the fee).
 */
export function applyFill(user: SimUser, coin: string, size: Decimal, px: Decimal): Decimal {
  const pos = user.positions.get(coin) ?? {
    szi: new Decimal(0),
    entryNtl: new Decimal(0),
    marginAdded: new Decimal(0),
  };
  let realized = new Decimal(0);
  const held = pos.szi;
  if (held.isZero() || held.isNegative() === size.isNegative()) {
    pos.entryNtl = pos.entryNtl.plus(size.abs().times(px));
    pos.szi = held.plus(size);
  } else {
    const closing = Decimal.min(size.abs(), held.abs());
    const entry = pos.entryNtl.div(held.abs());
    realized = held.isPositive() ? px.minus(entry).times(closing) : entry.minus(px).times(closing);
    const after = held.plus(size);
    if (after.isZero()) {
      pos.entryNtl = new Decimal(0);
    } else if (after.isNegative() === held.isNegative()) {
      pos.entryNtl = entry.times(after.abs());
      // Reducing an isolated position releases its added margin in proportion.
      pos.marginAdded = pos.marginAdded.times(after.abs()).div(held.abs());
    } else {
      pos.entryNtl = after.abs().times(px);
      pos.marginAdded = new Decimal(0);
    }
    pos.szi = after;
  }
  if (pos.szi.isZero()) user.positions.delete(coin);
  else user.positions.set(coin, pos);
  return realized;
}

const ZERO_HASH = `0x${'0'.repeat(64)}`;

/**
 * Settles one hour's funding on `user`'s `coin` position: the position receives
 * −szi × mark × rate (a long pays a positive rate, a short receives it), rounded to whole
 * micro-dollars as the venue's USDC amounts are, and the account's balance moves by exactly
 * the amount reported. Returns the payment, or null when the account holds no such position.
 */
export function applyFunding(
  user: SimUser,
  coin: string,
  time: number,
  mark: Decimal,
  rate: Decimal,
): SimFundingPayment | null {
  const pos = user.positions.get(coin);
  if (!pos || pos.szi.isZero()) return null;
  const usdc = pos.szi.neg().times(mark).times(rate).toDecimalPlaces(6, Decimal.ROUND_HALF_EVEN);
  user.usdc = user.usdc.plus(usdc);
  const payment: SimFundingPayment = {
    time,
    hash: ZERO_HASH,
    delta: {
      type: 'funding',
      coin,
      usdc: wire(usdc),
      szi: wire(pos.szi),
      fundingRate: wire(rate),
      nSamples: null,
    },
  };
  user.fundings.push(payment);
  return payment;
}

/** The order in the venue's `openOrders` shape. */
export function openOrderView(o: SimOrder): Record<string, unknown> {
  return {
    coin: o.coin,
    side: o.side,
    limitPx: wire(o.limitPx),
    sz: wire(o.sz),
    oid: o.oid,
    timestamp: o.timestamp,
    origSz: wire(o.origSz),
    ...(o.cloid ? { cloid: o.cloid } : {}),
    reduceOnly: o.reduceOnly,
  };
}

/** The order in the venue's `frontendOpenOrders` shape. */
export function frontendOrderView(o: SimOrder): Record<string, unknown> {
  const trigger = o.trigger;
  return {
    ...openOrderView(o),
    isTrigger: trigger !== null,
    triggerPx: trigger ? wire(trigger.triggerPx) : '0.0',
    triggerCondition: trigger ? `${o.side === 'B' ? 'Price above' : 'Price below'} ${wire(trigger.triggerPx)}` : 'N/A',
    isPositionTpsl: o.isPositionTpsl,
    orderType: trigger
      ? `${trigger.tpsl === 'sl' ? 'Stop' : 'Take Profit'} ${trigger.isMarket ? 'Market' : 'Limit'}`
      : 'Limit',
    tif: o.tif,
    children: o.children.map(frontendOrderView),
  };
}

/** The account in the venue's `clearinghouseState` shape, marked at `mark(coin)`. */
export function clearinghouseView(
  user: SimUser,
  mark: (coin: string) => Decimal,
  maxLeverage: (coin: string) => number,
  time: number,
): Record<string, unknown> {
  let unrealized = new Decimal(0);
  let marginUsed = new Decimal(0);
  let ntl = new Decimal(0);
  const assetPositions = [...user.positions.entries()].map(([coin, pos]) => {
    const px = mark(coin);
    const value = pos.szi.abs().times(px);
    const entry = pos.entryNtl.div(pos.szi.abs());
    const upnl = pos.szi.isPositive() ? px.minus(entry).times(pos.szi) : entry.minus(px).times(pos.szi.abs());
    const lev = leverageOf(user, coin);
    const margin = positionMargin(user, coin, pos, px);
    // Isolated: the USD the position's margin account holds, net of the position bought with it.
    const rawUsd = lev.cross ? {} : { rawUsd: wire(margin.minus(pos.szi.times(entry)).toDecimalPlaces(6)) };
    unrealized = unrealized.plus(upnl);
    marginUsed = marginUsed.plus(margin);
    ntl = ntl.plus(value);
    return {
      type: 'oneWay',
      position: {
        coin,
        szi: wire(pos.szi),
        entryPx: wire(entry.toSignificantDigits(8)),
        leverage: { type: lev.cross ? 'cross' : 'isolated', value: lev.value, ...rawUsd },
        liquidationPx: null,
        marginUsed: wire(margin.toDecimalPlaces(6)),
        maxLeverage: maxLeverage(coin),
        positionValue: wire(value.toDecimalPlaces(6)),
        returnOnEquity: wire(margin.isZero() ? margin : upnl.div(margin).toDecimalPlaces(6)),
        unrealizedPnl: wire(upnl.toDecimalPlaces(6)),
        cumFunding: { allTime: '0.0', sinceChange: '0.0', sinceOpen: '0.0' },
      },
    };
  });
  const accountValue = user.usdc.plus(unrealized);
  const summary = {
    accountValue: wire(accountValue.toDecimalPlaces(6)),
    totalMarginUsed: wire(marginUsed.toDecimalPlaces(6)),
    totalNtlPos: wire(ntl.toDecimalPlaces(6)),
    totalRawUsd: wire(user.usdc.toDecimalPlaces(6)),
  };
  return {
    assetPositions,
    marginSummary: summary,
    crossMarginSummary: summary,
    crossMaintenanceMarginUsed: wire(marginUsed.div(2).toDecimalPlaces(6)),
    withdrawable: wire(Decimal.max(0, accountValue.minus(marginUsed)).toDecimalPlaces(6)),
    time,
  };
}
