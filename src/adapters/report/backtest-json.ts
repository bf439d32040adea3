import type { BacktestResult } from '../../engine/backtest/backtest-session.ts';
import type { BacktestStats } from '../../engine/backtest/stats/backtest-stats.ts';
import { formatSizing } from '../../engine/trading/sizing.ts';
import type { TradeRecord } from '../../engine/venue/trade-record.ts';
import { exactNumber } from './exact-json.ts';

/** Where the bars of a run came from, for the report. */
export interface DataDescription {
  readonly label: string;
  readonly coin: string | null;
}

/** Version of the report's JSON shape (docs/backtesting.md#json-report). */
export const REPORT_VERSION = 1;

/** The statistics as JSON: money exact, ratios as plain numbers, null where not measurable. */
export function statsJson(stats: BacktestStats): Record<string, unknown> {
  const { capital, equityFinal, feesPaid, fundingPaid, ...rest } = stats;
  return {
    ...rest,
    capital: exactNumber(capital),
    equityFinal: exactNumber(equityFinal),
    feesPaid: exactNumber(feesPaid),
    fundingPaid: exactNumber(fundingPaid),
  };
}

/** One trade as JSON: times unix ms, money exact, `returnPct` a fraction net of fees. */
export function tradeJson(t: TradeRecord): Record<string, unknown> {
  return {
    side: t.side,
    entryTime: t.entryTime,
    exitTime: t.exitTime,
    entryPrice: exactNumber(t.entryPrice),
    exitPrice: exactNumber(t.exitPrice),
    qty: exactNumber(t.qty),
    pnl: exactNumber(t.pnl),
    returnPct: t.returnPct,
    fees: exactNumber(t.fees),
    funding: exactNumber(t.funding),
    entryBar: t.entryBar,
    exitBar: t.exitBar,
    exitReason: t.exitReason,
    runUpPct: t.runUpPct,
    drawdownPct: t.drawdownPct,
    rMultiple: t.rMultiple,
    tag: t.tag,
  };
}

/**
 * The whole report as one JSON object: `{ version, strategy, data, venue, stats, trades,
 * notes }`. The schema is documented in docs/backtesting.md.
 */
export function backtestJson(result: BacktestResult, data: DataDescription): string {
  const time = result.time;
  return JSON.stringify({
    version: REPORT_VERSION,
    strategy: {
      id: result.strategy.id,
      params: result.strategy.params,
      sizing: formatSizing(result.strategy.sizing),
    },
    data: {
      label: data.label,
      coin: data.coin,
      interval: result.interval,
      bars: time.length,
      first: time[0],
      last: time[time.length - 1],
    },
    venue: result.venue,
    stats: statsJson(result.stats),
    trades: result.trades.toArray().map(tradeJson),
    notes: result.notes,
  });
}
