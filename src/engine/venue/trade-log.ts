import { Decimal } from 'decimal.js';
import type { ExitReason, TradeRecord } from './trade-record.ts';

const REASONS: readonly ExitReason[] = ['signal', 'stop', 'take-profit', 'order', 'liquidation', 'end'];
const ZERO = new Decimal(0);

/** The exact figures of a trade that cannot be re-derived from its size, prices and fee rates. */
export interface ExactTradeParts {
  readonly entryPrice: Decimal;
  readonly entryValue: Decimal;
  readonly grossPnl: Decimal;
  readonly entryFee: Decimal;
  readonly exitFee: Decimal;
  readonly funding: Decimal;
}

/** The plain-number side of a closed trade. */
export interface TradeFigures {
  readonly long: boolean;
  readonly entryTime: number;
  readonly exitTime: number;
  readonly entryBar: number;
  readonly exitBar: number;
  readonly entryValueF: number;
  readonly pnlF: number;
  readonly high: number;
  readonly low: number;
  readonly exitF: number;
  readonly qtyF: number;
  readonly stop: number | null;
  readonly reason: ExitReason;
  readonly tag: string | null;
}

/** Below this share of the entry value, a net result's sign is decided by exact arithmetic. */
const SIGN_BAND = 1e-9;

function grow<T extends Float64Array | Int32Array | Int8Array | Uint8Array>(array: T, size: number): T {
  const next = new (array.constructor as new (n: number) => T)(size);
  next.set(array);
  return next;
}

/**
 * Closed trades, column by column. Statistics read the plain-number columns; the exact
 * figures of a trade are kept as its size and fill prices and re-derived with the same
 * decimal operations the account used (so they are identical) when a trade is read: a run
 * with thousands of trades keeps a few objects per trade instead of a dozen. Trades whose
 * figures depend on more than one entry fill, a partial close or funding keep their exact
 * figures explicitly.
 */
export class TradeLog {
  count = 0;
  long = new Uint8Array(64);
  entryTime = new Float64Array(64);
  exitTime = new Float64Array(64);
  entryBar = new Int32Array(64);
  exitBar = new Int32Array(64);
  /** Net result, plain number. */
  pnlF = new Float64Array(64);
  /** Net result over the entry value. */
  returnPct = new Float64Array(64);
  runUpPct = new Float64Array(64);
  drawdownPct = new Float64Array(64);
  /** Net result in R (NaN without a stop). */
  rMultiple = new Float64Array(64);
  stop = new Float64Array(64);
  /** 1 net win, −1 net loss, 0 even; decided exactly. */
  outcome = new Int8Array(64);
  private reason = new Uint8Array(64);
  /** Bit 0: the entry added liquidity; bit 1: the exit did. */
  private makers = new Uint8Array(64);
  private readonly qty: Decimal[] = [];
  private readonly entryPrice: (Decimal | null)[] = [];
  private readonly exitPrice: Decimal[] = [];
  private readonly tags: (string | null)[] = [];
  private readonly exact = new Map<number, ExactTradeParts>();
  private readonly makerFee: Decimal;
  private readonly takerFee: Decimal;

  constructor(makerFee: Decimal, takerFee: Decimal) {
    this.makerFee = makerFee;
    this.takerFee = takerFee;
  }

  /**
   * Adds a trade opened by one fill at `entryPrice` and closed whole by one fill at
   * `exitPrice`, without funding: its exact figures follow from size, prices and fee rates.
   */
  addSimple(
    f: TradeFigures,
    qty: Decimal,
    entryPrice: Decimal,
    exitPrice: Decimal,
    entryMaker: boolean,
    exitMaker: boolean,
  ): void {
    const i = this.add(f, qty, exitPrice);
    this.entryPrice[i] = entryPrice;
    this.makers[i] = (entryMaker ? 1 : 0) | (exitMaker ? 2 : 0);
    this.settle(i, f);
  }

  /** Adds a trade with its exact figures given. */
  addExact(f: TradeFigures, qty: Decimal, exitPrice: Decimal, parts: ExactTradeParts): void {
    const i = this.add(f, qty, exitPrice);
    this.entryPrice[i] = null;
    this.exact.set(i, parts);
    this.settle(i, f);
  }

  /**
   * Appends every trade of `other` (kept in its own log, e.g. a walk-forward segment), with
   * bar indexes moved by `barOffset`.
   */
  append(other: TradeLog, barOffset: number): void {
    for (let j = 0; j < other.count; j++) {
      const i = this.count;
      if (i === this.long.length) this.resize(i * 2);
      this.count = i + 1;
      this.long[i] = other.long[j] as number;
      this.entryTime[i] = other.entryTime[j] as number;
      this.exitTime[i] = other.exitTime[j] as number;
      this.entryBar[i] = (other.entryBar[j] as number) + barOffset;
      this.exitBar[i] = (other.exitBar[j] as number) + barOffset;
      this.pnlF[i] = other.pnlF[j] as number;
      this.returnPct[i] = other.returnPct[j] as number;
      this.runUpPct[i] = other.runUpPct[j] as number;
      this.drawdownPct[i] = other.drawdownPct[j] as number;
      this.rMultiple[i] = other.rMultiple[j] as number;
      this.stop[i] = other.stop[j] as number;
      this.outcome[i] = other.outcome[j] as number;
      this.reason[i] = other.reason[j] as number;
      this.qty[i] = other.qty[j] as Decimal;
      this.exitPrice[i] = other.exitPrice[j] as Decimal;
      this.tags[i] = other.tags[j] ?? null;
      // Exact figures travel resolved: the other log's fee rates may differ from this one's.
      this.entryPrice[i] = null;
      this.exact.set(i, other.partsOf(j));
    }
  }

  /** Trade `i` with every figure, exact ones derived now. */
  at(i: number): TradeRecord {
    if (i < 0 || i >= this.count) throw new RangeError(`no trade ${i}; there are ${this.count}`);
    const parts = this.partsOf(i);
    const fees = parts.entryFee.plus(parts.exitFee);
    const stop = this.stop[i] as number;
    const r = this.rMultiple[i] as number;
    return {
      side: this.long[i] ? 'long' : 'short',
      entryTime: this.entryTime[i] as number,
      exitTime: this.exitTime[i] as number,
      entryBar: this.entryBar[i] as number,
      exitBar: this.exitBar[i] as number,
      entryPrice: parts.entryPrice,
      exitPrice: this.exitPrice[i] as Decimal,
      qty: this.qty[i] as Decimal,
      grossPnl: parts.grossPnl,
      fees,
      funding: parts.funding,
      pnl: parts.grossPnl.minus(fees).plus(parts.funding),
      pnlF: this.pnlF[i] as number,
      outcome: this.outcome[i] as 1 | -1 | 0,
      returnPct: this.returnPct[i] as number,
      runUpPct: this.runUpPct[i] as number,
      drawdownPct: this.drawdownPct[i] as number,
      stop: Number.isNaN(stop) ? null : stop,
      rMultiple: Number.isNaN(r) ? null : r,
      exitReason: REASONS[this.reason[i] as number] as ExitReason,
      tag: this.tags[i] ?? null,
    };
  }

  /** Every trade, oldest first. */
  toArray(): TradeRecord[] {
    const out: TradeRecord[] = [];
    for (let i = 0; i < this.count; i++) out.push(this.at(i));
    return out;
  }

  private partsOf(i: number): ExactTradeParts {
    const exact = this.exact.get(i);
    if (exact) return exact;
    const qty = this.qty[i] as Decimal;
    const entryPrice = this.entryPrice[i] as Decimal;
    const makers = this.makers[i] as number;
    // The same operations, in the same order, as the account's: identical results.
    const entryValue = qty.times(entryPrice);
    const exitValue = qty.times(this.exitPrice[i] as Decimal);
    return {
      entryPrice,
      entryValue,
      grossPnl: this.long[i] ? exitValue.minus(entryValue) : entryValue.minus(exitValue),
      entryFee: entryValue.times(makers & 1 ? this.makerFee : this.takerFee),
      exitFee: exitValue.times(makers & 2 ? this.makerFee : this.takerFee),
      funding: ZERO,
    };
  }

  private add(f: TradeFigures, qty: Decimal, exitPrice: Decimal): number {
    const i = this.count;
    if (i === this.long.length) this.resize(i * 2);
    this.count = i + 1;
    this.long[i] = f.long ? 1 : 0;
    this.entryTime[i] = f.entryTime;
    this.exitTime[i] = f.exitTime;
    this.entryBar[i] = f.entryBar;
    this.exitBar[i] = f.exitBar;
    this.reason[i] = REASONS.indexOf(f.reason);
    this.qty[i] = qty;
    this.exitPrice[i] = exitPrice;
    this.tags[i] = f.tag;
    return i;
  }

  private settle(i: number, f: TradeFigures): void {
    const pnlF = f.pnlF;
    this.pnlF[i] = pnlF;
    this.returnPct[i] = pnlF / f.entryValueF;
    const entryF = f.entryValueF / f.qtyF;
    const high = Math.max(f.high, f.exitF);
    const low = Math.min(f.low, f.exitF);
    this.runUpPct[i] = f.long ? high / entryF - 1 : 1 - low / entryF;
    this.drawdownPct[i] = f.long ? low / entryF - 1 : 1 - high / entryF;
    const risk = f.stop === null ? 0 : Math.abs(entryF - f.stop) * f.qtyF;
    this.stop[i] = f.stop ?? Number.NaN;
    this.rMultiple[i] = risk > 0 ? pnlF / risk : Number.NaN;
    this.outcome[i] =
      Math.abs(pnlF) > f.entryValueF * SIGN_BAND ? (pnlF > 0 ? 1 : -1) : (this.at(i).pnl.comparedTo(0) as 1 | -1 | 0);
  }

  private resize(size: number): void {
    this.long = grow(this.long, size);
    this.entryTime = grow(this.entryTime, size);
    this.exitTime = grow(this.exitTime, size);
    this.entryBar = grow(this.entryBar, size);
    this.exitBar = grow(this.exitBar, size);
    this.pnlF = grow(this.pnlF, size);
    this.returnPct = grow(this.returnPct, size);
    this.runUpPct = grow(this.runUpPct, size);
    this.drawdownPct = grow(this.drawdownPct, size);
    this.rMultiple = grow(this.rMultiple, size);
    this.stop = grow(this.stop, size);
    this.outcome = grow(this.outcome, size);
    this.reason = grow(this.reason, size);
    this.makers = grow(this.makers, size);
  }
}
