import { Decimal } from 'decimal.js';
// Money precision (60 significant digits) is configured where the money types live.
import '../../shared/values/decimal-values.ts';
import { TradeLog } from './trade-log.ts';
import type { ExitReason } from './trade-record.ts';

const ZERO = new Decimal(0);

/** Where a fill happened, for the trade records. */
export interface FillContext {
  readonly time: number;
  readonly bar: number;
  readonly reason: ExitReason;
  /** Stop of the entry, for R multiples (entries only). */
  readonly stop: number | null;
  readonly tag: string | null;
}

/** One fill, priced: the venue computes value and fee once and the account books them. */
export interface PricedFill {
  readonly buy: boolean;
  /** Size, positive. */
  readonly size: Decimal;
  readonly sizeF: number;
  readonly price: Decimal;
  readonly priceF: number;
  /** size × price. */
  readonly value: Decimal;
  readonly valueF: number;
  readonly fee: Decimal;
  readonly feeF: number;
  readonly maker: boolean;
}

/**
 * Mirrors within this share of each other are compared exactly: the plain-number copies of
 * sizes and values are within about 1e-15 of the decimals they mirror.
 */
const CLOSE = 1e-12;

/** −1, 0 or 1 as `a` is below, equal to or above `b`, reading mirrors first. */
export function compareSizes(a: Decimal, aF: number, b: Decimal, bF: number): number {
  if (a === b) return 0;
  const gap = aF - bF;
  if (Math.abs(gap) > CLOSE * Math.max(Math.abs(aF), Math.abs(bF))) return gap > 0 ? 1 : -1;
  return a.cmp(b);
}

/**
 * Balance, position and round-trip ledger of one account on one market, in exact decimals.
 * The position nets (one-way, as on Hyperliquid): a fill against it reduces it, and a fill
 * larger than it flips it. It is kept as size and entry value (Σ size × price of the fills
 * that opened it), so opening, adding and closing need no division. Plain-number mirrors
 * (`…F`) exist for marking the equity curve and for trigger checks, never for accounting;
 * the balance mirror is updated in plain arithmetic and re-read exactly every few fills.
 */
export class Account {
  /** Size of the position, ≥ 0 (see {@link long} for its side). */
  size: Decimal = ZERO;
  /** True when the position is long (meaningless when flat). */
  long = true;
  /** Entry value of the position (Σ size × price of the fills that opened it), ≥ 0. */
  cost: Decimal = ZERO;
  /** Margin put into the position (isolated margin only). */
  isolatedMargin: Decimal = ZERO;
  /** Net funding: received positive, paid negative. */
  funding: Decimal = ZERO;
  cashF: number;
  /** Signed position size as a plain number (negative = short). */
  qtyF = 0;
  /** Entry value signed like the position, as a plain number. */
  costF = 0;
  /** Closed round trips. */
  readonly trades: TradeLog;
  private readonly capital: Decimal;
  private realized: Decimal = ZERO;
  private fees: Decimal = ZERO;
  /** The balance, computed when first asked for after a change. */
  private balance: Decimal | null;
  private fills = 0;
  // The open trade. `entryPrice` is null once more than one fill built it.
  private entryTime = 0;
  private entryBar = 0;
  private entryPrice: Decimal | null = null;
  private entryMaker = false;
  private entryFee: Decimal = ZERO;
  private entryFeeF = 0;
  private tradeFunding: Decimal = ZERO;
  private tradeFundingF = 0;
  private high = 0;
  private low = 0;
  private stop: number | null = null;
  private tag: string | null = null;

  constructor(capital: Decimal, makerFee: Decimal, takerFee: Decimal) {
    this.capital = capital;
    this.balance = capital;
    this.cashF = capital.toNumber();
    this.trades = new TradeLog(makerFee, takerFee);
  }

  /** Signed position size (negative = short). */
  get qty(): Decimal {
    return this.long || this.size.isZero() ? this.size : this.size.neg();
  }

  /**
   * Wallet balance: capital + realised PnL − fees + funding. The three running totals are
   * what each fill updates; the balance is summed from them when someone reads it.
   */
  get cash(): Decimal {
    this.balance ??= this.capital.plus(this.realized).minus(this.fees).plus(this.funding);
    return this.balance;
  }

  /** Fees paid so far. */
  get feesPaid(): Decimal {
    return this.fees;
  }

  /** Equity at `price`: balance plus unrealised PnL. */
  equityAt(price: Decimal): Decimal {
    return this.size.isZero() ? this.cash : this.cash.plus(this.unrealizedAt(price));
  }

  /** Unrealised PnL at `price`. */
  unrealizedAt(price: Decimal): Decimal {
    if (this.size.isZero()) return ZERO;
    const value = this.size.times(price);
    return this.long ? value.minus(this.cost) : this.cost.minus(value);
  }

  /** Equity at `price` as a plain number, for the equity curve. */
  equityF(price: number): number {
    return this.qtyF === 0 ? this.cashF : this.cashF + this.qtyF * price - this.costF;
  }

  /** Records the high and low of a bar the open trade was held through (run-up and drawdown). */
  observe(high: number, low: number): void {
    if (this.qtyF === 0) return;
    if (high > this.high) this.high = high;
    if (low < this.low) this.low = low;
  }

  /** Books a funding payment (positive = received). */
  addFunding(amount: Decimal): void {
    const amountF = amount.toNumber();
    this.balance = null;
    this.cashF += amountF;
    this.funding = this.funding.plus(amount);
    if (this.qtyF !== 0) {
      this.tradeFunding = this.tradeFunding.plus(amount);
      this.tradeFundingF += amountF;
    }
    if (!this.isolatedMargin.isZero()) this.isolatedMargin = this.isolatedMargin.plus(amount);
  }

  /**
   * Books `fill` and returns the realised PnL before fees. `margin` is the isolated margin to
   * add for the part that opens or increases the position (zero in cross margin).
   */
  fill(fill: PricedFill, ctx: FillContext, margin: Decimal): Decimal {
    const { buy, size, value, fee, feeF } = fill;
    let realized = ZERO;
    let realizedF = 0;
    const held = this.size;
    const heldF = Math.abs(this.qtyF);
    if (heldF === 0) {
      this.openTrade(fill, size, fill.sizeF, value, fill.valueF, fee, feeF, ctx);
    } else if (this.long === buy) {
      // Adding to the position: the trade now has an averaged entry.
      this.size = held.plus(size);
      this.qtyF = buy ? heldF + fill.sizeF : -(heldF + fill.sizeF);
      this.cost = this.cost.plus(value);
      this.costF += buy ? fill.valueF : -fill.valueF;
      this.entryPrice = null;
      this.entryFee = this.entryFee.plus(fee);
      this.entryFeeF += feeF;
    } else {
      const long = this.long;
      const order = compareSizes(size, fill.sizeF, held, heldF);
      const costF = Math.abs(this.costF);
      if (order === 0) {
        realized = long ? value.minus(this.cost) : this.cost.minus(value);
        realizedF = long ? fill.valueF - costF : costF - fill.valueF;
        this.closeTrade(fill, held, heldF, this.cost, costF, realized, realizedF, fee, feeF, ctx, true);
        this.flat();
      } else if (order < 0) {
        // Part of the position closes: its share of the entry value and of the margin goes.
        const share = this.cost.times(size).div(held);
        const shareF = share.toNumber();
        realized = long ? value.minus(share) : share.minus(value);
        realizedF = long ? fill.valueF - shareF : shareF - fill.valueF;
        this.closeTrade(fill, size, fill.sizeF, share, shareF, realized, realizedF, fee, feeF, ctx, false);
        this.cost = this.cost.minus(share);
        this.size = held.minus(size);
        this.qtyF = long ? this.size.toNumber() : -this.size.toNumber();
        this.costF = long ? this.cost.toNumber() : -this.cost.toNumber();
        if (!this.isolatedMargin.isZero()) this.isolatedMargin = this.isolatedMargin.times(this.size).div(held);
      } else {
        // The fill closes the position and opens one the other way; the fee is split by size.
        const closeValue = held.times(fill.price);
        const closeValueF = closeValue.toNumber();
        const closeFee = fee.times(held).div(size);
        const closeFeeF = closeFee.toNumber();
        realized = long ? closeValue.minus(this.cost) : this.cost.minus(closeValue);
        realizedF = long ? closeValueF - costF : costF - closeValueF;
        const closing = { ...fill, value: closeValue, valueF: closeValueF, fee: closeFee, feeF: closeFeeF };
        this.closeTrade(closing, held, heldF, this.cost, costF, realized, realizedF, closeFee, closeFeeF, ctx, false);
        this.flat();
        const rest = size.minus(held);
        const restValue = value.minus(closeValue);
        this.openTrade(
          fill,
          rest,
          rest.toNumber(),
          restValue,
          restValue.toNumber(),
          fee.minus(closeFee),
          feeF - closeFeeF,
          ctx,
        );
        // The new trade's entry fee is a share of a fill's fee: keep its exact figures.
        this.entryPrice = null;
      }
    }
    if (!margin.isZero()) this.isolatedMargin = this.isolatedMargin.plus(margin);
    this.fees = this.fees.plus(fee);
    if (realized !== ZERO) this.realized = this.realized.plus(realized);
    this.balance = null;
    // Re-read the balance mirror exactly now and then so plain-number drift cannot build up.
    this.cashF = ++this.fills % 64 === 0 ? this.cash.toNumber() : this.cashF + realizedF - feeF;
    return realized;
  }

  private flat(): void {
    this.size = ZERO;
    this.qtyF = 0;
    this.cost = ZERO;
    this.costF = 0;
    this.isolatedMargin = ZERO;
  }

  private openTrade(
    fill: PricedFill,
    size: Decimal,
    sizeF: number,
    value: Decimal,
    valueF: number,
    fee: Decimal,
    feeF: number,
    ctx: FillContext,
  ): void {
    const buy = fill.buy;
    this.long = buy;
    this.size = size;
    this.qtyF = buy ? sizeF : -sizeF;
    this.cost = value;
    this.costF = buy ? valueF : -valueF;
    this.entryTime = ctx.time;
    this.entryBar = ctx.bar;
    this.entryPrice = fill.price;
    this.entryMaker = fill.maker;
    this.entryFee = fee;
    this.entryFeeF = feeF;
    this.tradeFunding = ZERO;
    this.tradeFundingF = 0;
    this.high = fill.priceF;
    this.low = fill.priceF;
    this.stop = ctx.stop;
    this.tag = ctx.tag;
  }

  /**
   * Logs the close of `size` of the open trade. `simpleExit`: the exit is the whole of one
   * fill, so its fee follows from its value and fee rate.
   */
  private closeTrade(
    fill: PricedFill,
    size: Decimal,
    sizeF: number,
    entryValue: Decimal,
    entryValueF: number,
    gross: Decimal,
    grossF: number,
    exitFee: Decimal,
    exitFeeF: number,
    ctx: FillContext,
    simpleExit: boolean,
  ): void {
    const whole = simpleExit || compareSizes(size, sizeF, this.size, Math.abs(this.qtyF)) === 0;
    let entryFee = this.entryFee;
    let entryFeeF = this.entryFeeF;
    let funding = this.tradeFunding;
    let fundingF = this.tradeFundingF;
    if (!whole) {
      const held = this.size;
      entryFee = this.entryFee.times(size).div(held);
      entryFeeF = entryFee.toNumber();
      this.entryFee = this.entryFee.minus(entryFee);
      this.entryFeeF -= entryFeeF;
      if (!funding.isZero()) {
        funding = this.tradeFunding.times(size).div(held);
        fundingF = funding.toNumber();
        this.tradeFunding = this.tradeFunding.minus(funding);
        this.tradeFundingF -= fundingF;
      }
    }
    const figures = {
      long: this.long,
      entryTime: this.entryTime,
      exitTime: ctx.time,
      entryBar: this.entryBar,
      exitBar: ctx.bar,
      entryValueF,
      pnlF: grossF - entryFeeF - exitFeeF + fundingF,
      high: this.high,
      low: this.low,
      exitF: fill.priceF,
      qtyF: sizeF,
      stop: this.stop,
      reason: ctx.reason,
      tag: this.tag,
    };
    if (simpleExit && whole && this.entryPrice !== null && funding.isZero()) {
      this.trades.addSimple(figures, size, this.entryPrice, fill.price, this.entryMaker, fill.maker);
    } else {
      this.trades.addExact(figures, size, fill.price, {
        entryPrice: this.entryPrice ?? entryValue.div(size),
        entryValue,
        grossPnl: gross,
        entryFee,
        exitFee,
        funding,
      });
    }
  }
}
