import { Decimal } from 'decimal.js';
import type { JournalEntry } from '../execution/execution-client.ts';
import type { SignalExplanation } from '../strategy/rules-strategy.ts';
import { explanationFor, type TradeExplanation } from './trade-reasoner.ts';

const ZERO = new Decimal(0);

interface OpenTrade {
  readonly long: boolean;
  readonly entryTime: number;
  /** Largest size held: the trade's size for R. */
  peak: Decimal;
  /** Σ qty × price and Σ qty of the fills that built the position. */
  entryValue: Decimal;
  entryQty: Decimal;
  net: Decimal;
  readonly entry: SignalExplanation | undefined;
}

/**
 * Round trips of a paper or live session, rebuilt from its journal (fills in order, with the
 * explanations the rules strategy journaled before them), each tied to the decision that
 * opened it and, when a rule closed it, the one that closed it. Results are exact: the fills'
 * realised PnL net of fees. A trade opened by a fill no explanation precedes (a manual order)
 * has no rules.
 */
export function tradesFromJournal(entries: readonly JournalEntry[], coin: string): TradeExplanation[] {
  const out: TradeExplanation[] = [];
  let pendingEntry: SignalExplanation | undefined;
  let pendingExit: SignalExplanation | undefined;
  let qty = ZERO;
  let open: OpenTrade | null = null;
  for (const entry of entries) {
    if (entry.event === 'explanation') {
      const explanation = entry.payload as unknown as SignalExplanation;
      if (explanation.action === 'enter') pendingEntry = explanation;
      else pendingExit = explanation;
      continue;
    }
    if (entry.event !== 'fill' || entry.payload.coin !== coin) continue;
    const p = entry.payload;
    const time = Number(p.time);
    const size = new Decimal(String(p.qty));
    const price = new Decimal(String(p.price));
    const closedPnl = new Decimal(String(p.closedPnl));
    const fee = new Decimal(String(p.fee));
    const buy = p.side === 'buy';
    let rest = size;
    // A fill that flips the position closes one trade and opens the next.
    while (rest.gt(0)) {
      if (open === null || qty.isZero()) {
        open = {
          long: buy,
          entryTime: time,
          peak: ZERO,
          entryValue: ZERO,
          entryQty: ZERO,
          net: ZERO,
          entry: pendingEntry,
        };
        pendingEntry = undefined;
        pendingExit = undefined;
      }
      const adding = open.long === buy;
      const part = adding ? rest : Decimal.min(rest, qty.abs());
      // The fill's realised PnL belongs to the part that closes; its fee is shared by size
      // (multiplied before dividing, so even shares stay exact).
      open.net = open.net.minus(fee.times(part).div(size));
      if (!adding) open.net = open.net.plus(closedPnl);
      if (adding) {
        open.entryValue = open.entryValue.plus(part.times(price));
        open.entryQty = open.entryQty.plus(part);
      }
      qty = qty.plus(buy ? part : part.neg());
      if (qty.abs().gt(open.peak)) open.peak = qty.abs();
      rest = rest.minus(part);
      if (qty.isZero()) {
        out.push(close(open, time, price, pendingExit));
        pendingExit = undefined;
        open = null;
      }
    }
  }
  return out;
}

function close(trade: OpenTrade, time: number, price: Decimal, exit: SignalExplanation | undefined): TradeExplanation {
  const entryPrice = trade.entryQty.isZero() ? price : trade.entryValue.div(trade.entryQty);
  const stop = trade.entry?.stop ?? null;
  const risk = stop === null ? null : trade.peak.times(entryPrice.minus(stop).abs());
  const closedByRule = exit !== undefined && exit.time >= trade.entryTime;
  return explanationFor(
    {
      side: trade.long ? 'long' : 'short',
      entryTime: trade.entryTime,
      exitTime: time,
      entryPrice: entryPrice.toFixed(),
      exitPrice: price.toFixed(),
      qty: trade.peak.toFixed(),
      pnl: trade.net.toFixed(),
      rMultiple: risk === null || risk.isZero() ? null : trade.net.div(risk).toNumber(),
      exitReason: closedByRule ? 'signal' : 'order',
    },
    trade.entry,
    closedByRule ? exit : undefined,
  );
}
