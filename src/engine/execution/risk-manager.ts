import { Decimal } from 'decimal.js';
import type { RiskRules } from '../../shared/contract/risk-rules.ts';
import type { JournalEntry } from './execution-client.ts';

/** A fill as the risk rules count it. */
export interface RiskFill {
  readonly time: number;
  readonly coin: string;
  readonly side: 'buy' | 'sell';
  readonly qty: Decimal;
  readonly closedPnl: Decimal;
  readonly fee: Decimal;
}

const DAY = 86_400_000;

// The rules are declared in the contract, which the settings and the Settings panel share.
export { RiskRulesSchema, type RiskRules } from '../../shared/contract/risk-rules.ts';

/** A refusal: the rule and a sentence for people. */
export interface RiskDenial {
  readonly rule: string;
  readonly message: string;
}

/** What the risk manager needs to judge an order. */
export interface OrderCheck {
  readonly coin: string;
  readonly reduceOnly: boolean;
  /** Notional of the position after the order fills, in quote currency. */
  readonly notionalAfter: Decimal;
  readonly equity: Decimal;
  /** Markets that would hold a position after the order. */
  readonly openPositionsAfter: number;
}

const ZERO = new Decimal(0);

/**
 * The hard limits: sizing to the stop, leverage, position size, open positions, a daily loss
 * limit per UTC day, consecutive-loss and error-rate circuit breakers, an order-rate limit,
 * reduce-only mode and the kill switch. Its state (the day's result, the loss streak, the
 * halt) is rebuilt from the journal on start, so a limit hit today still holds after a
 * restart today; reductions of a position are never refused.
 */
export class RiskManager {
  readonly rules: RiskRules;
  private halted: string | null = null;
  /** Realised result net of fees per UTC day (day number → sum): late fills land on their own day. */
  private readonly days = new Map<number, Decimal>();
  private lossStreak = 0;
  /** Per market: the position as the fills built it, and the running result of its trade. */
  private readonly trades = new Map<string, { qty: Decimal; net: Decimal }>();
  private readonly errors: number[] = [];
  private readonly sent: number[] = [];

  constructor(rules: RiskRules) {
    this.rules = rules;
  }

  /** Rebuilds the state from journal entries. */
  restore(entries: readonly JournalEntry[]): void {
    for (const entry of entries) {
      if (entry.event === 'fill') {
        const p = entry.payload;
        this.onFill({
          time: Number(p.time),
          coin: String(p.coin),
          side: p.side === 'sell' ? 'sell' : 'buy',
          qty: new Decimal(String(p.qty)),
          closedPnl: new Decimal(String(p.closedPnl)),
          fee: new Decimal(String(p.fee)),
        });
      } else if (entry.event === 'risk.halted') this.halted = String(entry.payload.reason);
      else if (entry.event === 'risk.resumed') this.resume();
      else if (entry.event === 'risk.streak-reset') this.lossStreak = 0;
    }
  }

  /** Why the session is halted (kill switch), or null. */
  get haltReason(): string | null {
    return this.halted;
  }

  /** The realised result of the UTC day of `now`, net of fees. */
  dayResult(now: number): Decimal {
    return this.days.get(Math.floor(now / DAY)) ?? ZERO;
  }

  /** Losing trades in a row. */
  get consecutiveLosses(): number {
    return this.lossStreak;
  }

  /**
   * Records a fill: its realised PnL net of its fee counts towards its own UTC day; a trade
   * (flat → position → flat, or a flip) that ends with a net loss extends the loss streak, a
   * winning one ends it, however many fills it took.
   */
  onFill(fill: RiskFill): void {
    const day = Math.floor(fill.time / DAY);
    const net = fill.closedPnl.minus(fill.fee);
    this.days.set(day, (this.days.get(day) ?? ZERO).plus(net));
    // Days long past cannot matter again.
    for (const old of this.days.keys()) if (old < day - 3) this.days.delete(old);
    const trade = this.trades.get(fill.coin) ?? { qty: ZERO, net: ZERO };
    const after = trade.qty.plus(fill.side === 'buy' ? fill.qty : fill.qty.neg());
    trade.net = trade.net.plus(net);
    const closed = !trade.qty.isZero() && (after.isZero() || after.isNegative() !== trade.qty.isNegative());
    if (closed) {
      this.lossStreak = trade.net.isNegative() ? this.lossStreak + 1 : 0;
      trade.net = ZERO;
    }
    trade.qty = after;
    this.trades.set(fill.coin, trade);
  }

  /** Records a venue error (for the error-rate breaker). */
  onError(time: number): void {
    this.errors.push(time);
  }

  /** Records an order sent (for the order-rate limit). */
  onOrderSent(time: number): void {
    this.sent.push(time);
  }

  /** Halts the session (the kill switch); only reductions pass until {@link resume}. */
  halt(reason: string): void {
    this.halted = reason;
  }

  /** Lifts the halt and resets the loss-streak and error-rate breakers. */
  resume(): void {
    this.halted = null;
    this.lossStreak = 0;
    this.errors.length = 0;
  }

  /** The rule `check` breaks, or null when the order may go. */
  check(order: OrderCheck, now: number): RiskDenial | null {
    // Reductions always pass, the order rate included: a kill switch must be able to flatten.
    if (order.reduceOnly) return null;
    while (this.sent.length > 0 && (this.sent[0] as number) <= now - 60_000) this.sent.shift();
    if (this.sent.length >= this.rules.maxOrdersPerMinute) {
      return {
        rule: 'max-order-rate',
        message: `${this.rules.maxOrdersPerMinute} orders were sent in the last minute`,
      };
    }
    if (this.halted !== null) return { rule: 'kill-switch', message: `trading is halted: ${this.halted}` };
    if (this.rules.reduceOnly) return { rule: 'reduce-only-mode', message: 'the session is in reduce-only mode' };
    const limit = new Decimal(this.rules.dailyLossLimit);
    const today = this.dayResult(now);
    if (today.lte(limit.neg())) {
      return {
        rule: 'daily-loss-limit',
        message: `today's loss ${today.neg().toFixed(2)} reached the daily limit ${limit.toFixed(2)} (UTC day); new entries resume tomorrow`,
      };
    }
    if (this.lossStreak >= this.rules.maxConsecutiveLosses) {
      return { rule: 'consecutive-losses', message: `${this.lossStreak} losing trades in a row` };
    }
    const recentErrors = this.errors.filter((t) => t > now - this.rules.errorWindowMs).length;
    if (recentErrors >= this.rules.maxErrors) {
      return {
        rule: 'error-rate',
        message: `${recentErrors} venue errors in ${Math.round(this.rules.errorWindowMs / 1000)} s`,
      };
    }
    if (order.notionalAfter.gt(this.rules.maxPositionNotional)) {
      return {
        rule: 'max-position-notional',
        message: `the position would be ${order.notionalAfter.toFixed(2)}, above ${this.rules.maxPositionNotional}`,
      };
    }
    if (order.equity.lte(0) || order.notionalAfter.div(order.equity).gt(this.rules.maxLeverage)) {
      return {
        rule: 'max-leverage',
        message: `the position would be above ${this.rules.maxLeverage}× the equity ${order.equity.toFixed(2)}`,
      };
    }
    if (order.openPositionsAfter > this.rules.maxOpenPositions) {
      return { rule: 'max-open-positions', message: `at most ${this.rules.maxOpenPositions} positions at once` };
    }
    return null;
  }
}
