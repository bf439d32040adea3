import { TransportError } from '../../shared/contract/errors.ts';

/** Options for {@link withRetry}. */
export interface RetryOptions {
  readonly attempts?: number;
  readonly baseDelayMs?: number;
  readonly maxDelayMs?: number;
  readonly random?: () => number;
  readonly sleep?: (ms: number) => Promise<void>;
  readonly signal?: AbortSignal | undefined;
  readonly onRetry?: (attempt: number, delayMs: number, reason: string) => void;
}

/** Why a failed call may be tried again, and after how long at least; null when it may not. */
export interface RetryVerdict {
  readonly reason: string;
  /** From a Retry-After header, when the venue sent one. */
  readonly afterMs?: number | undefined;
}

/**
 * Calls `fn` until it succeeds, retrying failures `classify` calls transient (rate limits,
 * 5xx, network) with exponential backoff, full jitter and a cap, honouring Retry-After.
 * Anything else is thrown at once; after the last attempt a TransportError says why.
 */
export async function withRetry<T>(
  fn: () => Promise<T>,
  classify: (error: unknown) => RetryVerdict | null,
  options: RetryOptions = {},
): Promise<T> {
  const attempts = options.attempts ?? 6;
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  for (let attempt = 1; ; attempt++) {
    options.signal?.throwIfAborted();
    try {
      return await fn();
    } catch (error) {
      const verdict = classify(error);
      if (!verdict) throw error;
      if (attempt >= attempts) {
        throw new TransportError(`gave up after ${attempts} attempts: ${verdict.reason}`);
      }
      const ceiling = Math.min(options.maxDelayMs ?? 30_000, (options.baseDelayMs ?? 500) * 2 ** (attempt - 1));
      const delay = Math.max(verdict.afterMs ?? 0, Math.round((options.random ?? Math.random)() * ceiling));
      options.onRetry?.(attempt, delay, verdict.reason);
      await sleep(delay);
    }
  }
}
