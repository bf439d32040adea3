import {
  CandleColumnsBuilder,
  lowerBound,
  sliceColumns,
  type CandleColumns,
} from '../../engine/data/candle-columns.ts';
import { resample } from '../../engine/data/resample.ts';
import { bucketStart, nextBucketStart, type WeekStart } from '../../engine/data/time-grid.ts';
import type { Timeframe } from '../../shared/values/timeframe.ts';
import type { HlCandle } from '../hyperliquid/hl-candle.ts';
import type { SimClock } from './sim-clock.ts';
import { fiveSignificant, type MinuteSource } from './recorded-minutes.ts';
import { SyntheticMinutes } from './synthetic-minutes.ts';

const MINUTE = 60_000;

/** How one simulated market gets its prices. */
export interface SimCoin {
  readonly name: string;
  /** Seed and first price of the synthetic walk. */
  readonly seed?: number;
  readonly startPrice?: number;
  readonly szDecimals?: number;
  /** Most leverage the venue allows on it (default 50). */
  readonly maxLeverage?: number;
  /** Recorded 1-minute bars to replay instead of the synthetic walk. */
  readonly minutes?: MinuteSource;
}

/** Options for {@link SimMarket}. */
export interface SimMarketOptions {
  readonly clock: SimClock;
  readonly coins: readonly SimCoin[];
  /** Minutes of history before the clock's start. */
  readonly historyMinutes?: number;
  /** Candles per market and interval the venue keeps (Hyperliquid: 5000). */
  readonly historyLimit?: number;
  /** Most candles one snapshot response carries (Hyperliquid: 5000). */
  readonly maxPerResponse?: number;
  /** Day weekly candles open on (see WeekStart; default Monday). */
  readonly weekStart?: WeekStart;
}

interface Market {
  readonly coin: SimCoin;
  readonly walk: MinuteSource;
  readonly minutes: CandleColumnsBuilder;
}

/**
 * The market data side of the simulated exchange: per coin, 1-minute bars from a seeded walk,
 * extended as its clock moves, and every Hyperliquid interval derived from them exactly. It
 * answers like the venue: only the most recent `historyLimit` candles exist, a response holds
 * at most `maxPerResponse` (the most recent ones of the range), and the current candle is
 * included while it forms.
 */
export class SimMarket {
  private readonly markets = new Map<string, Market>();
  private readonly options: SimMarketOptions;

  constructor(options: SimMarketOptions) {
    this.options = options;
    const start = bucketStart(options.clock.now(), '1d') - (options.historyMinutes ?? 6000) * MINUTE;
    for (const [i, coin] of options.coins.entries()) {
      const market: Market = {
        coin,
        walk: coin.minutes ?? new SyntheticMinutes(coin.seed ?? 1000 + i, coin.startPrice ?? 40_000 / (i + 1)),
        minutes: new CandleColumnsBuilder(),
      };
      market.minutes.append(market.walk.next(start, 1));
      this.markets.set(coin.name, market);
    }
  }

  /** The markets this exchange lists. */
  get coins(): readonly SimCoin[] {
    return this.options.coins;
  }

  /** True when `coin` is listed. */
  has(coin: string): boolean {
    return this.markets.has(coin);
  }

  /** Candles of `interval` opening in [start, end], as candleSnapshot returns them. */
  candles(coin: string, interval: Timeframe, start: number, end: number): HlCandle[] {
    const bars = this.bars(coin, interval);
    const limit = this.options.historyLimit ?? 5000;
    const kept = Math.max(0, bars.length - limit);
    const from = Math.max(kept, lowerBound(bars, start));
    const to = lowerBound(bars, end + 1);
    const first = Math.max(from, to - (this.options.maxPerResponse ?? 5000));
    const out: HlCandle[] = [];
    for (let i = first; i < to; i++) out.push(this.toHl(coin, interval, bars, i));
    return out;
  }

  /** The candle forming now, or null before the first minute. */
  current(coin: string, interval: Timeframe): HlCandle | null {
    const bars = this.bars(coin, interval);
    return bars.length === 0 ? null : this.toHl(coin, interval, bars, bars.length - 1);
  }

  /** Last traded price of each coin. */
  mids(): Record<string, string> {
    const out: Record<string, string> = {};
    for (const [name] of this.markets) {
      const bars = this.minuteBars(name);
      out[name] = String(bars.close[bars.length - 1]);
    }
    return out;
  }

  private bars(coin: string, interval: Timeframe): CandleColumns {
    const minutes = this.minuteBars(coin);
    if (interval === '1m') return minutes;
    const bars = resample(minutes, '1m', interval, { partial: 'keep', weekStart: this.options.weekStart });
    // The venue's history has no partial first bar; only the forming last one is partial.
    return bars.length > 0 && (bars.time[0] as number) < (minutes.time[0] as number)
      ? sliceColumns(bars, 1, bars.length)
      : bars;
  }

  /**
   * 1-minute bars up to and including the one forming now. The forming minute shows only
   * the part elapsed: its close moves from the open towards its final close, its range and
   * volume grow, as a live candle does.
   */
  private minuteBars(coin: string): CandleColumns {
    const market = this.markets.get(coin);
    if (!market) throw new Error(`hl-sim lists no coin ${coin}`);
    const now = this.options.clock.now();
    const current = bucketStart(now, '1m');
    const built = market.minutes.view();
    const last = built.time[built.length - 1] as number;
    if (current > last) market.minutes.append(market.walk.next(last + MINUTE, (current - last) / MINUTE));
    const final = market.minutes.view();
    const fraction = (now - current) / MINUTE;
    const copy = new CandleColumnsBuilder(final.length);
    copy.append(final);
    const bars = copy.view();
    const i = bars.length - 1;
    const o = bars.open[i] as number;
    const c = bars.close[i] as number;
    // On the venue's price grid (5 significant figures), as a real forming candle is.
    const close = fiveSignificant(o + (c - o) * fraction);
    bars.close[i] = close;
    bars.high[i] = fiveSignificant(Math.max(o, close) + ((bars.high[i] as number) - Math.max(o, c)) * fraction);
    bars.low[i] = fiveSignificant(Math.min(o, close) - (Math.min(o, c) - (bars.low[i] as number)) * fraction);
    bars.volume[i] = (bars.volume[i] as number) * fraction;
    return bars;
  }

  private toHl(coin: string, interval: Timeframe, bars: CandleColumns, i: number): HlCandle {
    const t = bars.time[i] as number;
    return {
      t,
      T: nextBucketStart(t, interval) - 1,
      s: coin,
      i: interval,
      o: String(bars.open[i]),
      c: String(bars.close[i]),
      h: String(bars.high[i]),
      l: String(bars.low[i]),
      v: String(bars.volume[i]),
      n: Math.max(1, Math.round((bars.volume[i] as number) * 3)),
    };
  }
}
