/** Options for {@link TokenBucketLimiter}. */
export interface RateLimitOptions {
  /** Tokens added per second (the sustained rate). */
  readonly perSecond: number;
  /** Bucket size (the largest burst). */
  readonly burst: number;
  /** Clock in ms; tests pass a manual one. */
  readonly now?: () => number;
  /** Buckets kept before idle (full) ones are dropped. */
  readonly maxKeys?: number;
}

/** Outcome of {@link TokenBucketLimiter.take}: allowed, or refused with when to retry. */
export type RateDecision = { readonly ok: true } | { readonly ok: false; readonly retryAfterSeconds: number };

interface Bucket {
  tokens: number;
  at: number;
}

/**
 * One token bucket per client key (token name or remote address). A bucket refills
 * continuously at `perSecond` up to `burst`; each request takes one token. It is a few lines
 * of arithmetic per request, cheap enough for every HTTP request and WebSocket message, and
 * memory stays bounded: past `maxKeys`, buckets that have refilled (idle clients) are dropped,
 * which loses nothing since a new bucket starts full.
 */
export class TokenBucketLimiter {
  private readonly buckets = new Map<string, Bucket>();
  private readonly options: Required<RateLimitOptions>;

  constructor(options: RateLimitOptions) {
    this.options = { now: () => performance.now(), maxKeys: 10_000, ...options };
  }

  /** Takes one token from `key`'s bucket. */
  take(key: string): RateDecision {
    const { perSecond, burst, now } = this.options;
    const t = now();
    let bucket = this.buckets.get(key);
    if (!bucket) {
      if (this.buckets.size >= this.options.maxKeys) this.dropIdle(t);
      bucket = { tokens: burst, at: t };
      this.buckets.set(key, bucket);
    } else {
      bucket.tokens = Math.min(burst, bucket.tokens + ((t - bucket.at) / 1000) * perSecond);
      bucket.at = t;
    }
    if (bucket.tokens >= 1) {
      bucket.tokens -= 1;
      return { ok: true };
    }
    return { ok: false, retryAfterSeconds: Math.max(1, Math.ceil((1 - bucket.tokens) / perSecond)) };
  }

  /** Number of buckets held (for tests). */
  get size(): number {
    return this.buckets.size;
  }

  private dropIdle(t: number): void {
    const { perSecond, burst } = this.options;
    for (const [key, bucket] of this.buckets) {
      if (bucket.tokens + ((t - bucket.at) / 1000) * perSecond >= burst) this.buckets.delete(key);
    }
    // Still full of busy clients: drop the oldest so one flood of addresses cannot grow memory.
    while (this.buckets.size >= this.options.maxKeys) {
      const oldest = this.buckets.keys().next();
      if (oldest.done) break;
      this.buckets.delete(oldest.value);
    }
  }
}

/**
 * The rate-limit key of an unauthenticated client's address: an IPv4 address as is (an
 * IPv4-mapped IPv6 one too), an IPv6 address by its /64. One host commonly holds a whole
 * IPv6 /64 and can send from any of its 2^64 addresses; keyed per address, each would start
 * with a full bucket, so the limit would not hold at all (and the limiter would churn).
 */
export function addressBucket(address: string): string {
  const bare = address.replace(/%.*$/, ''); // zone index (fe80::1%eth0)
  const mapped = /^::ffff:(\d{1,3}(?:\.\d{1,3}){3})$/i.exec(bare);
  if (mapped) return mapped[1] as string;
  if (!bare.includes(':')) return bare;
  const [head = '', tail] = bare.split('::', 2) as [string, string | undefined];
  const groups = (part: string) => (part === '' ? [] : part.split(':'));
  // A trailing dotted IPv4 part (64:ff9b::1.2.3.4) stands for two groups.
  const width = (list: string[]) => list.reduce((n, g) => n + (g.includes('.') ? 2 : 1), 0);
  const front = groups(head);
  const back = tail === undefined ? [] : groups(tail);
  const all =
    tail === undefined
      ? front
      : [...front, ...Array<string>(Math.max(0, 8 - width(front) - width(back))).fill('0'), ...back];
  const prefix = all
    .slice(0, 4)
    .map((g) => (/^[0-9a-f]{1,4}$/i.test(g) ? parseInt(g, 16).toString(16) : g.toLowerCase()));
  return `${prefix.join(':')}::/64`;
}
