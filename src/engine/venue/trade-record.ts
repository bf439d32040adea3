import type { Decimal } from 'decimal.js';

/** Why a trade ended. */
export type ExitReason = 'signal' | 'stop' | 'take-profit' | 'order' | 'liquidation' | 'end';

/**
 * One round trip: a position opened and closed (or the part of it that was closed). Money
 * fields are exact; the `…F` figures are plain numbers for statistics.
 */
export interface TradeRecord {
  readonly side: 'long' | 'short';
  /** Fill times, unix ms. */
  readonly entryTime: number;
  readonly exitTime: number;
  /** Indexes of the bars the entry and the exit filled in. */
  readonly entryBar: number;
  readonly exitBar: number;
  /** Average entry price, and the exit fill price. */
  readonly entryPrice: Decimal;
  readonly exitPrice: Decimal;
  /** Size in base units, positive. */
  readonly qty: Decimal;
  /** Price difference times size, before fees and funding. */
  readonly grossPnl: Decimal;
  /** Entry and exit fees. */
  readonly fees: Decimal;
  /** Funding received (positive) or paid (negative) while open. */
  readonly funding: Decimal;
  /** Net result: gross − fees + funding. */
  readonly pnl: Decimal;
  /** {@link pnl} as a plain number. */
  readonly pnlF: number;
  /** 1 for a net win, −1 for a net loss, 0 for exactly even (decided exactly). */
  readonly outcome: 1 | -1 | 0;
  /** Net result over the entry value (`qty × entryPrice`), a fraction. */
  readonly returnPct: number;
  /** Best and worst excursion of price from the entry while open, as fractions (run-up ≥ 0 ≥ drawdown). */
  readonly runUpPct: number;
  readonly drawdownPct: number;
  /** The stop the trade was entered with, if any; gives its R multiple. */
  readonly stop: number | null;
  /** Net result in units of initial risk (`qty × |entry − stop|`), when a stop was set. */
  readonly rMultiple: number | null;
  readonly exitReason: ExitReason;
  readonly tag: string | null;
}
