/** Options for {@link WeightLimiter}. */
export interface WeightLimiterOptions {
  /** The venue's budget per window (Hyperliquid: 1200 weight per minute per IP). */
  readonly budget?: number;
  readonly windowMs?: number;
  /** Share of the budget this client allows itself, leaving room for everything else. */
  readonly share?: number;
  readonly now?: () => number;
  readonly sleep?: (ms: number) => Promise<void>;
}

/**
 * Keeps request weight under a share (80 % by default) of the venue's per-window budget,
 * over a sliding window. Callers reserve the most a request can weigh before sending it and
 * settle the real weight after, so the budget holds even for responses whose weight depends
 * on their size.
 */
export class WeightLimiter {
  private readonly limit: number;
  private readonly windowMs: number;
  private readonly now: () => number;
  private readonly sleep: (ms: number) => Promise<void>;
  private readonly spent: { at: number; weight: number; expired: boolean }[] = [];
  /** Σ weight of `spent`, kept as it changes: a busy client must not sum the window per request. */
  private total = 0;
  private queue: Promise<void> = Promise.resolve();

  constructor(options: WeightLimiterOptions = {}) {
    this.limit = Math.floor((options.budget ?? 1200) * (options.share ?? 0.8));
    this.windowMs = options.windowMs ?? 60_000;
    this.now = options.now ?? Date.now;
    this.sleep = options.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)));
  }

  /** Weight the limiter lets through per window. */
  get capacity(): number {
    return this.limit;
  }

  /** Weight spent in the current window. */
  used(): number {
    this.expire();
    return this.total;
  }

  /**
   * Waits until `weight` fits in the window, then records it. Returns a function that
   * corrects the record to the weight the request really had.
   */
  reserve(weight: number): Promise<(actual: number) => void> {
    const w = Math.min(weight, this.limit);
    const turn = this.queue.then(async () => {
      for (;;) {
        this.expire();
        if (this.total + w <= this.limit) break;
        const oldest = this.spent[0];
        await this.sleep(oldest ? Math.max(1, oldest.at + this.windowMs - this.now()) : 1);
      }
    });
    this.queue = turn.catch(() => undefined);
    return turn.then(() => {
      const entry = { at: this.now(), weight: w, expired: false };
      this.spent.push(entry);
      this.total += w;
      return (actual: number) => {
        const corrected = Math.max(0, actual);
        // Only while the entry is still in the window: an expired one no longer counts.
        if (!entry.expired) this.total += corrected - entry.weight;
        entry.weight = corrected;
      };
    });
  }

  private expire(): void {
    const cutoff = this.now() - this.windowMs;
    while (this.spent.length > 0 && (this.spent[0] as { at: number }).at <= cutoff) {
      const gone = this.spent.shift() as { weight: number; expired: boolean };
      gone.expired = true;
      this.total -= gone.weight;
    }
  }
}
