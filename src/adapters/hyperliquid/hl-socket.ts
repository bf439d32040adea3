import { SubscriptionClient, WebSocketTransport } from '@nktkas/hyperliquid';
import { ConfigurationError } from '../../shared/contract/errors.ts';
import type { HlEndpoints } from './hl-endpoints.ts';

/** What a push connection reports: open, dropped, or failing for long enough to trip the breaker. */
export type HlConnectionState = 'up' | 'down' | 'breaker-open';

/** How a push connection retries: exponential backoff with full jitter, a cap, and a breaker. */
export interface ReconnectPolicy {
  /** Ceiling of the first delay; it doubles per consecutive failed attempt. */
  readonly baseMs: number;
  /** Largest delay. */
  readonly capMs: number;
  /** Consecutive failed connection attempts that open the breaker. */
  readonly breakerAfter: number;
}

/** Defaults of {@link ReconnectPolicy}. */
export const DEFAULT_RECONNECT_POLICY: ReconnectPolicy = { baseMs: 500, capMs: 10_000, breakerAfter: 5 };

/** The venue closes a connection it has sent nothing to for 60 s; the SDK pings at this interval. */
export const DEFAULT_KEEP_ALIVE_MS = 30_000;
const VENUE_IDLE_LIMIT_MS = 60_000;

/** Where a connection stands: consecutive failed attempts since the last open, and the breaker. */
export interface ConnectionHealth {
  readonly failures: number;
  readonly breakerOpen: boolean;
}

/** A connection that has just opened, or has never failed. */
export const HEALTHY: ConnectionHealth = { failures: 0, breakerOpen: false };

/**
 * The wait before the next connection attempt. With `failures` consecutive failed attempts
 * (0 right after a working connection dropped) it is uniform in [0, min(cap, base · 2^failures)]
 * ("full jitter": clients cut off together do not come back together). The breaker does not
 * change it: it only reports. With the defaults (500 ms, breaker after 5) the ceiling has
 * reached the cap by the time the breaker opens, so attempts go on at the cap; pinning the
 * cap as soon as the breaker opens would only make a small base (fast local reconnects) wait
 * the full cap after a short outage.
 */
export function reconnectDelay(
  health: ConnectionHealth,
  policy: ReconnectPolicy,
  random: () => number = Math.random,
): number {
  // 2 ** 1100 is Infinity, which min() turns into the cap: no overflow to guard.
  const ceiling = Math.min(policy.capMs, policy.baseMs * 2 ** health.failures);
  return Math.round(random() * ceiling);
}

/**
 * The health after a connection attempt failed, and whether this failure is the one that
 * opens the breaker (reported once per outage).
 */
export function afterFailedAttempt(
  health: ConnectionHealth,
  policy: ReconnectPolicy,
): { health: ConnectionHealth; tripped: boolean } {
  const failures = health.failures + 1;
  const tripped = !health.breakerOpen && failures >= policy.breakerAfter;
  return { health: { failures, breakerOpen: health.breakerOpen || tripped }, tripped };
}

/** Tuning of a push connection; every field has a default. */
export interface HlSocketTuning {
  /** First reconnect delay ceiling (default 500 ms). */
  readonly reconnectBaseMs?: number;
  /** Largest reconnect delay (default 10 s). */
  readonly reconnectCapMs?: number;
  /** Consecutive failed attempts before `breaker-open` is reported (default 5). */
  readonly breakerAfter?: number;
  /** Keep-alive ping interval (default 30 s; must be under the venue's 60 s idle limit). */
  readonly keepAliveMs?: number;
  /** How long a ping may stay unanswered before the connection is renewed (default 10 s). */
  readonly pongTimeoutMs?: number;
}

/** Options for {@link openHlSocket}. */
export interface HlSocketOptions extends HlSocketTuning {
  readonly endpoints: Pick<HlEndpoints, 'wsUrl' | 'isTestnet'>;
  /** Told of every open (`up`), every drop of an open connection (`down`), and a tripped breaker. */
  readonly onConnection?: (state: HlConnectionState) => void;
  /** The connection came back after a drop (the SDK resubscribes by itself). */
  readonly onReconnect?: () => void;
  /** Source of jitter (tests pin it). */
  readonly random?: () => number;
}

/** A push connection to the venue. */
export interface HlSocket {
  /** Subscriptions on this connection. */
  readonly subscriptions: SubscriptionClient;
  /** Consecutive failures and breaker state now. */
  readonly health: ConnectionHealth;
  /** Closes the connection for good; no state is reported after it. */
  close(): void;
}

/** The policy `tuning` describes, checked: a bad value is a configuration mistake, said at once. */
export function reconnectPolicy(tuning: HlSocketTuning = {}): ReconnectPolicy {
  const policy: ReconnectPolicy = {
    baseMs: tuning.reconnectBaseMs ?? DEFAULT_RECONNECT_POLICY.baseMs,
    capMs: tuning.reconnectCapMs ?? DEFAULT_RECONNECT_POLICY.capMs,
    breakerAfter: tuning.breakerAfter ?? DEFAULT_RECONNECT_POLICY.breakerAfter,
  };
  if (!(policy.baseMs > 0) || !Number.isFinite(policy.baseMs))
    throw new ConfigurationError(`reconnect base delay must be a positive number of ms, not ${policy.baseMs}`);
  if (!(policy.capMs >= policy.baseMs) || !Number.isFinite(policy.capMs))
    throw new ConfigurationError(
      `reconnect delay cap (${policy.capMs} ms) must be finite and at least the base (${policy.baseMs} ms)`,
    );
  if (!Number.isInteger(policy.breakerAfter) || policy.breakerAfter < 1)
    throw new ConfigurationError(`the breaker threshold must be a whole number ≥ 1, not ${policy.breakerAfter}`);
  return policy;
}

/**
 * Opens a push connection on the @nktkas/hyperliquid SDK with the project's policy: unlimited
 * reconnection with {@link reconnectDelay}, an explicit keep-alive ping, and connection state
 * reported as it changes. The SDK's own attempt counter only resets after a connection has
 * stayed up for a while, so failures are counted here, from the socket's open and close
 * events: a close with no open since the last one is a failed attempt.
 */
export function openHlSocket(options: HlSocketOptions): HlSocket {
  const policy = reconnectPolicy(options);
  const keepAliveMs = options.keepAliveMs ?? DEFAULT_KEEP_ALIVE_MS;
  if (!(keepAliveMs > 0) || keepAliveMs >= VENUE_IDLE_LIMIT_MS)
    throw new ConfigurationError(
      `keep-alive interval must be between 0 and ${VENUE_IDLE_LIMIT_MS} ms (the venue drops idle connections at 60 s), not ${keepAliveMs}`,
    );
  const random = options.random ?? Math.random;
  let health = HEALTHY;
  let connected = false;
  let everOpened = false;
  let closed = false;

  const transport = new WebSocketTransport({
    url: options.endpoints.wsUrl,
    isTestnet: options.endpoints.isTestnet,
    reconnect: {
      maxRetries: Number.POSITIVE_INFINITY,
      // Called after the close listener below has counted the failure.
      reconnectionDelay: () => reconnectDelay(health, policy, random),
    },
    keepAlive: { interval: keepAliveMs, timeout: options.pongTimeoutMs ?? 10_000 },
  });
  transport.socket.addEventListener('open', () => {
    if (closed) return;
    const again = everOpened;
    everOpened = true;
    connected = true;
    health = HEALTHY;
    options.onConnection?.('up');
    if (again) options.onReconnect?.();
  });
  transport.socket.addEventListener('close', () => {
    if (closed) return;
    if (connected) {
      connected = false;
      options.onConnection?.('down');
      return;
    }
    const step = afterFailedAttempt(health, policy);
    health = step.health;
    if (step.tripped) options.onConnection?.('breaker-open');
  });

  return {
    subscriptions: new SubscriptionClient({ transport }),
    get health() {
      return health;
    },
    close() {
      closed = true;
      transport.close();
    },
  };
}
