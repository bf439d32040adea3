import {
  APIConnectionError,
  APIConnectionTimeoutError,
  APIError,
  APIUserAbortError,
  InternalServerError,
  RateLimitError,
} from '@anthropic-ai/sdk';

/** Why a failed request may be sent again, and how long the API asked us to wait at least. */
export interface RetryVerdict {
  readonly reason: string;
  /** From `retry-after-ms` or `retry-after`; null when the API did not say. */
  readonly afterMs: number | null;
}

/** A server asking for a longer pause than this is waited for this long, then tried. */
const MAX_RETRY_AFTER_MS = 5 * 60_000;

/**
 * Whether `error` is worth another attempt: rate limits (429), overload (529), other 5xx,
 * request timeouts and conflicts (408, 409, which the API documents as transient), and
 * connection failures. Anything else (bad request, authentication, permission, a too-long
 * prompt) fails the same way every time. Cancellation is never retried.
 */
export function classifyForRetry(error: unknown, now: () => number): RetryVerdict | null {
  if (error instanceof APIUserAbortError) return null;
  if (error instanceof APIConnectionError) {
    return {
      reason: error instanceof APIConnectionTimeoutError ? 'request timed out' : 'connection failed',
      afterMs: null,
    };
  }
  if (!(error instanceof APIError) || typeof error.status !== 'number') return null;
  const afterMs = retryAfterMs(error.headers, now);
  if (error instanceof RateLimitError) return { reason: 'rate limited (429)', afterMs };
  if (error.status === 529 || error.type === 'overloaded_error') return { reason: 'API overloaded (529)', afterMs };
  if (error instanceof InternalServerError || error.status >= 500) {
    return { reason: `server error (${error.status})`, afterMs };
  }
  if (error.status === 408 || error.status === 409) return { reason: `transient error (${error.status})`, afterMs };
  return null;
}

function retryAfterMs(headers: Headers | undefined, now: () => number): number | null {
  if (!headers) return null;
  const ms = Number.parseFloat(headers.get('retry-after-ms') ?? '');
  if (Number.isFinite(ms) && ms >= 0) return Math.min(MAX_RETRY_AFTER_MS, Math.ceil(ms));
  const value = headers.get('retry-after');
  if (value === null) return null;
  const seconds = Number.parseFloat(value);
  if (Number.isFinite(seconds) && seconds >= 0) return Math.min(MAX_RETRY_AFTER_MS, Math.ceil(seconds * 1000));
  const date = Date.parse(value);
  if (Number.isNaN(date)) return null;
  return Math.min(MAX_RETRY_AFTER_MS, Math.max(0, date - now()));
}

/** How retries are spaced. */
export interface BackoffPolicy {
  readonly baseDelayMs: number;
  readonly maxDelayMs: number;
  /** Uniform in [0, 1): the jitter. */
  readonly random: () => number;
}

/**
 * Delay before retry number `retry` (1-based): exponential with full jitter and a cap, so
 * many clients that failed together do not come back together; never shorter than the
 * server's retry-after.
 */
export function backoffDelay(retry: number, verdict: RetryVerdict, policy: BackoffPolicy): number {
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (retry - 1));
  return Math.max(verdict.afterMs ?? 0, Math.round(policy.random() * ceiling));
}

/** Waits `ms`, or rejects as soon as `signal` aborts. */
export function abortableSleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(new APIUserAbortError());
      return;
    }
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(new APIUserAbortError());
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
