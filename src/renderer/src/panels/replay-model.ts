import { toNumber } from './backtest-results.ts';

/**
 * What the replay panel builds from a session's events: trades from fills, running equity,
 * the last bar seen. Mutable on purpose: events at high speed update it in place and the
 * panel copies a snapshot into React once per animation frame.
 */

/** A replay trade, open (no exit yet) or closed. */
export interface ReplayTrade {
  readonly side: 'long' | 'short';
  readonly entryTime: number;
  readonly entryPrice: number;
  exitTime: number | null;
  exitPrice: number | null;
  /** Realised P&L of the closing fills, before fees (as the venue reports it). */
  pnl: number | null;
  /** Fees paid by this trade's fills. */
  fees: number;
}

/** A fill as the panel needs it (from `OrderFilled`). */
export interface FillInput {
  readonly at: number;
  readonly side: 'buy' | 'sell';
  readonly price: string | number;
  readonly qty: string | number;
  readonly fee: string | number;
  readonly realizedPnl: string | number;
  /** Signed position after the fill. */
  readonly position: string | number;
}

/** The accumulated state of one replay. */
export interface ReplayModel {
  trades: ReplayTrade[];
  equity: number | null;
  unrealizedPnl: number | null;
  realizedPnl: number;
  fees: number;
  position: number;
  /** Open time of the last bar whose close was seen. */
  lastBarTime: number | null;
  /** Bumped on every change, so a snapshot can tell whether anything moved. */
  version: number;
  /**
   * Bumped only when the trades change (a fill, a seek): bars arrive far more often than
   * fills, and the trade list and chart markers need redrawing only for these.
   */
  tradesVersion: number;
}

/** An empty model. */
export function createReplayModel(): ReplayModel {
  return {
    trades: [],
    equity: null,
    unrealizedPnl: null,
    realizedPnl: 0,
    fees: 0,
    position: 0,
    lastBarTime: null,
    version: 0,
    tradesVersion: 0,
  };
}

const EPSILON = 1e-12;
const sign = (x: number) => (x > EPSILON ? 1 : x < -EPSILON ? -1 : 0);

function openTrade(model: ReplayModel): ReplayTrade | undefined {
  const last = model.trades[model.trades.length - 1];
  return last && last.exitTime === null ? last : undefined;
}

/**
 * Applies a fill. The position before the fill comes from the fill itself (position after
 * minus the signed quantity), so the model recovers after a seek skipped fills.
 */
export function applyFill(model: ReplayModel, fill: FillInput): void {
  const qty = toNumber(fill.qty);
  const price = toNumber(fill.price);
  const fee = toNumber(fill.fee) || 0;
  const pnl = toNumber(fill.realizedPnl) || 0;
  const after = toNumber(fill.position);
  const signed = fill.side === 'buy' ? qty : -qty;
  const before = after - signed;
  model.realizedPnl += pnl;
  model.fees += fee;
  model.position = after;
  const wasSide = sign(before);
  const nowSide = sign(after);
  let trade = openTrade(model);
  if (trade && wasSide === 0) {
    // A trade we thought open is not (events skipped by a seek): drop it rather than guess.
    model.trades.pop();
    trade = undefined;
  }
  if (wasSide !== 0) {
    if (trade) {
      trade.fees += fee;
      if (pnl !== 0 || nowSide !== wasSide) trade.pnl = (trade.pnl ?? 0) + pnl;
    }
    if (nowSide !== wasSide && trade) {
      trade.exitTime = fill.at;
      trade.exitPrice = price;
    }
  }
  if (nowSide !== 0 && nowSide !== wasSide) {
    model.trades.push({
      side: nowSide > 0 ? 'long' : 'short',
      entryTime: fill.at,
      entryPrice: price,
      exitTime: null,
      exitPrice: null,
      pnl: null,
      fees: wasSide === 0 ? fee : 0,
    });
  }
  model.version++;
  model.tradesVersion++;
}

/** Applies an `EquityUpdated`. */
export function applyEquity(model: ReplayModel, equity: string | number, unrealizedPnl: string | number): void {
  model.equity = toNumber(equity);
  model.unrealizedPnl = toNumber(unrealizedPnl);
  model.version++;
}

/** Applies a `CandleClosed`. */
export function applyCandle(model: ReplayModel, openTime: number): void {
  model.lastBarTime = openTime;
  model.version++;
}

/**
 * After a seek to `time`: trades that ended by then stay (the session is deterministic),
 * the rest are dropped; later fills rebuild them.
 */
export function applySeek(model: ReplayModel, time: number): void {
  model.trades = model.trades.filter((t) => t.exitTime !== null && t.exitTime <= time);
  model.realizedPnl = model.trades.reduce((sum, t) => sum + (t.pnl ?? 0), 0);
  model.fees = model.trades.reduce((sum, t) => sum + t.fees, 0);
  model.lastBarTime = time;
  model.version++;
  model.tradesVersion++;
}

/** Closed trades. */
export function closedTrades(model: ReplayModel): ReplayTrade[] {
  return model.trades.filter((t) => t.exitTime !== null);
}

/** Speeds offered by the replay panel: 1 is real time (a 1h bar takes an hour). */
export const SPEED_PRESETS = [1, 2, 5, 10, 30, 60, 100, 300, 1000] as const;
/** Extra speeds for hour and day bars, where 1000× is still slow. */
export const FAST_PRESETS = [3600, 36_000, 360_000] as const;
/** Every preset, slowest first. */
export const ALL_SPEEDS: readonly number[] = [...SPEED_PRESETS, ...FAST_PRESETS];

/** The next preset up (`+1`) or down (`-1`) from `speed`. */
export function nextSpeed(speed: number, direction: 1 | -1): number {
  if (direction > 0) return ALL_SPEEDS.find((s) => s > speed) ?? (ALL_SPEEDS[ALL_SPEEDS.length - 1] as number);
  const lower = ALL_SPEEDS.filter((s) => s < speed);
  return lower[lower.length - 1] ?? (ALL_SPEEDS[0] as number);
}
