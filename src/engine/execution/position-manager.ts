import { Decimal } from 'decimal.js';
import type { VenueFill } from './execution-client.ts';

const ZERO = new Decimal(0);

/** One market's position, exact. */
export interface PositionState {
  readonly coin: string;
  /** Signed size (negative = short). */
  readonly qty: Decimal;
  /** Average entry price, null when flat. */
  readonly entryPrice: Decimal | null;
  /** Realised PnL before fees, since the session began. */
  readonly realized: Decimal;
  readonly fees: Decimal;
  readonly funding: Decimal;
}

interface Book {
  qty: Decimal;
  /** |qty| × average entry. */
  entryValue: Decimal;
  realized: Decimal;
  fees: Decimal;
  funding: Decimal;
}

/**
 * Positions built from fills, in decimals: entry (size-weighted average), realised PnL on
 * reductions and flips, fees and funding. Unrealised PnL is computed against a mark when
 * asked. The venue stays the truth: reconciliation can overwrite a position with the venue's.
 */
export class PositionManager {
  private readonly books = new Map<string, Book>();

  /** Books a fill and returns the PnL it realised (before its fee). */
  apply(fill: VenueFill): Decimal {
    const book = this.book(fill.coin);
    const delta = fill.side === 'buy' ? fill.qty : fill.qty.neg();
    let realized = ZERO;
    const held = book.qty;
    if (held.isZero() || held.isNegative() === delta.isNegative()) {
      book.entryValue = book.entryValue.plus(fill.qty.times(fill.price));
    } else {
      const closing = Decimal.min(fill.qty, held.abs());
      const entry = book.entryValue.div(held.abs());
      realized = held.isPositive() ? fill.price.minus(entry).times(closing) : entry.minus(fill.price).times(closing);
      const after = held.plus(delta);
      book.entryValue = after.isZero()
        ? ZERO
        : after.isNegative() === held.isNegative()
          ? entry.times(after.abs())
          : after.abs().times(fill.price);
    }
    book.qty = held.plus(delta);
    book.realized = book.realized.plus(realized);
    book.fees = book.fees.plus(fill.fee);
    return realized;
  }

  /** Books a funding payment (positive = received). */
  addFunding(coin: string, amount: Decimal): void {
    const book = this.book(coin);
    book.funding = book.funding.plus(amount);
  }

  /** Replaces the size and entry of `coin` with the venue's (reconciliation). */
  setFromVenue(coin: string, qty: Decimal, entryPrice: Decimal | null): void {
    const book = this.book(coin);
    book.qty = qty;
    book.entryValue = qty.isZero() || entryPrice === null ? ZERO : qty.abs().times(entryPrice);
  }

  /** The position in `coin` (flat when never traded). */
  get(coin: string): PositionState {
    const book = this.books.get(coin);
    if (!book) return { coin, qty: ZERO, entryPrice: null, realized: ZERO, fees: ZERO, funding: ZERO };
    return {
      coin,
      qty: book.qty,
      entryPrice: book.qty.isZero() ? null : book.entryValue.div(book.qty.abs()),
      realized: book.realized,
      fees: book.fees,
      funding: book.funding,
    };
  }

  /** Every market with a position or a history. */
  all(): PositionState[] {
    return [...this.books.keys()].map((coin) => this.get(coin));
  }

  /** Unrealised PnL of `coin` at `mark`. */
  unrealized(coin: string, mark: Decimal): Decimal {
    const book = this.books.get(coin);
    if (!book || book.qty.isZero()) return ZERO;
    const value = book.qty.abs().times(mark);
    return book.qty.isPositive() ? value.minus(book.entryValue) : book.entryValue.minus(value);
  }

  private book(coin: string): Book {
    let book = this.books.get(coin);
    if (!book) {
      book = { qty: ZERO, entryValue: ZERO, realized: ZERO, fees: ZERO, funding: ZERO };
      this.books.set(coin, book);
    }
    return book;
  }
}
