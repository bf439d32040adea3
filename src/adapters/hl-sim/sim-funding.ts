import { Decimal } from 'decimal.js';
import { z } from 'zod';

/** One hour, in ms: the venue settles funding on every hour. */
export const SIM_FUNDING_INTERVAL = 3_600_000;
/** The venue's interest component: 0.01 % per 8 h, paid hourly. */
export const SIM_HOURLY_INTEREST = '0.0000125';
/** Time-range answers of the venue hold at most this many items. */
export const SIM_MAX_RANGE_ITEMS = 500;

const HOUR = SIM_FUNDING_INTERVAL;
const Address = z.string().regex(/^0x[0-9a-fA-F]{40}$/);

/** A fundingHistory request body. */
export const FundingHistoryBody = z.object({
  type: z.literal('fundingHistory'),
  coin: z.string(),
  startTime: z.number().int(),
  endTime: z.number().int().nullish(),
});

/** A userFunding request body. */
export const UserFundingBody = z.object({
  type: z.literal('userFunding'),
  user: Address,
  startTime: z.number().int(),
  endTime: z.number().int().nullish(),
});

/** One hourly settlement in the venue's fundingHistory shape. */
export interface SimFunding {
  readonly coin: string;
  readonly fundingRate: string;
  readonly premium: string;
  readonly time: number;
}

/** A rate pinned by a test, for the settlements after `after`. */
interface PinnedRate {
  readonly after: number;
  readonly rate: Decimal;
}

/**
 * The funding rates of the simulated markets, one per coin and hour. By default every hour
 * pays the interest component alone (the sim's premium is zero). A test can pin a coin's rate
 * from now on: hours already settled keep the rate they were settled at, so fundingHistory,
 * metaAndAssetCtxs and the payments booked on positions always agree.
 */
export class SimFundingRates {
  private readonly pinned = new Map<string, PinnedRate[]>();

  /** Pins `coin`'s rate for every settlement after `now` (null returns it to the interest alone). */
  setRate(coin: string, rate: Decimal.Value | null, now: number): void {
    const list = this.pinned.get(coin) ?? [];
    // A pin made at the same instant as the last one replaces it: both would start at the same hour.
    if (list.length > 0 && (list[list.length - 1] as PinnedRate).after === now) list.pop();
    list.push({ after: now, rate: new Decimal(rate ?? SIM_HOURLY_INTEREST) });
    this.pinned.set(coin, list);
  }

  /** The rate `coin` settles at on the hour `time`. */
  rateAt(coin: string, time: number): Decimal {
    const list = this.pinned.get(coin) ?? [];
    for (let i = list.length - 1; i >= 0; i--) {
      const pin = list[i] as PinnedRate;
      if (pin.after < time) return pin.rate;
    }
    return new Decimal(SIM_HOURLY_INTEREST);
  }

  /** The rate of the next settlement after `now`, as metaAndAssetCtxs reports it. */
  nextRate(coin: string, now: number): Decimal {
    return this.rateAt(coin, Math.floor(now / HOUR) * HOUR + HOUR);
  }

  /**
   * fundingHistory as the venue answers it: one settlement per hour on the hour in
   * [startTime, endTime] (no later than `now`), oldest first, at most 500. The premium is
   * what the rate holds beyond the interest component (zero unless a test pinned the rate).
   */
  history(coin: string, startTime: number, endTime: number, now: number): SimFunding[] {
    const out: SimFunding[] = [];
    const last = Math.min(endTime, now);
    for (
      let time = Math.ceil(startTime / HOUR) * HOUR;
      time <= last && out.length < SIM_MAX_RANGE_ITEMS;
      time += HOUR
    ) {
      const rate = this.rateAt(coin, time);
      out.push({ coin, fundingRate: rate.toFixed(), premium: rate.minus(SIM_HOURLY_INTEREST).toFixed(), time });
    }
    return out;
  }
}
