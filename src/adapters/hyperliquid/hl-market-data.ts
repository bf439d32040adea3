import { HttpRequestError, HttpTransport, InfoClient, type ISubscription } from '@nktkas/hyperliquid';
import type { z } from 'zod';
import type { Decimal } from 'decimal.js';
import { TransportError, ValidationError } from '../../shared/contract/errors.ts';
import { describeIssues } from '../../shared/contract/validation.ts';
import { TIMEFRAME_MS, type Timeframe } from '../../shared/values/timeframe.ts';
import type { HlEndpoints } from './hl-endpoints.ts';
import { HlCandleListSchema, HlCandleSchema, type HlCandle } from './hl-candle.ts';
import {
  bookOf,
  HlAllMidsEventSchema,
  HlL2BookSchema,
  HlTradeSchema,
  midsOf,
  tradeOf,
  type L2Book,
  type MarketTrade,
} from './hl-market-schemas.ts';
import { openHlSocket, type HlConnectionState, type HlSocket, type HlSocketTuning } from './hl-socket.ts';
import { withRetry, type RetryVerdict } from './retry.ts';
import { WeightLimiter } from './weight-limiter.ts';

/** What the candle downloader and recorder need from the venue. */
export interface CandleApi {
  /**
   * Candles of `coin` at `interval` opening in [startTime, endTime], within the request
   * weight budget, retried on rate limits and transient failures.
   */
  candleSnapshot(
    request: { coin: string; interval: Timeframe; startTime: number; endTime: number },
    signal?: AbortSignal,
  ): Promise<HlCandle[]>;
}

/** A live candle feed. */
export interface CandleFeed {
  /** Stops the subscription and closes the connection. */
  close(): Promise<void>;
}

/** What a candle subscription reports. */
export interface CandleFeedHandlers {
  readonly onCandle: (candle: HlCandle) => void;
  /** The connection came back after a drop (subscriptions are renewed automatically). */
  readonly onReconnect: () => void;
  readonly onError: (error: Error) => void;
  /** The connection's state as it changes (see {@link HlConnectionState}). */
  readonly onConnection?: (state: HlConnectionState) => void;
}

/** A live market feed (book, trades or mids). */
export type MarketFeed = CandleFeed;

/** What a market feed reports. */
export interface MarketFeedHandlers<T> {
  readonly onData: (data: T) => void;
  /** A message failed validation (the feed goes on). */
  readonly onError: (error: Error) => void;
  /** The shared connection came back after a drop (subscriptions are renewed automatically). */
  readonly onReconnect?: () => void;
  readonly onConnection?: (state: HlConnectionState) => void;
}

// candleSnapshot weighs 20, plus 1 per 60 candles returned (Hyperliquid rate-limit docs).
const SNAPSHOT_BASE_WEIGHT = 20;
const ITEMS_PER_EXTRA_WEIGHT = 60;
const MAX_CANDLES_PER_RESPONSE = 5000;

/** Options for {@link HlMarketData} (and the tuning of its push connections). */
export interface HlMarketDataOptions extends HlSocketTuning {
  readonly endpoints: HlEndpoints;
  readonly limiter?: WeightLimiter;
  readonly retry?: { attempts?: number; baseDelayMs?: number; maxDelayMs?: number };
  readonly onRetry?: (attempt: number, delayMs: number, reason: string) => void;
}

/** What one feed wants to hear about the shared connection. */
type ConnectionListener = Pick<MarketFeedHandlers<unknown>, 'onReconnect' | 'onConnection'>;

/** The connection the market feeds share, and who is listening on it (one entry per feed). */
interface SharedSocket {
  readonly socket: HlSocket;
  readonly feeds: Set<ConnectionListener>;
}

/**
 * Hyperliquid market data on the @nktkas/hyperliquid SDK: REST candle snapshots behind the
 * weight limiter and retries; the `candle` subscription on a connection of its own; and the
 * `l2Book`, `trades` and `allMids` feeds on one shared connection (the venue allows only 10
 * per IP), opened with the first feed and closed with the last. Connections come from
 * {@link openHlSocket}: unlimited reconnection, keep-alive, a breaker. Everything the venue
 * sends is validated before it is used.
 */
export class HlMarketData implements CandleApi {
  private readonly info: InfoClient;
  private readonly options: HlMarketDataOptions;
  private shared: SharedSocket | null = null;
  readonly limiter: WeightLimiter;

  constructor(options: HlMarketDataOptions) {
    this.options = options;
    this.limiter = options.limiter ?? new WeightLimiter();
    this.info = new InfoClient({
      transport: new HttpTransport({ apiUrl: options.endpoints.apiUrl, isTestnet: options.endpoints.isTestnet }),
    });
  }

  async candleSnapshot(
    request: { coin: string; interval: Timeframe; startTime: number; endTime: number },
    signal?: AbortSignal,
  ): Promise<HlCandle[]> {
    return withRetry(
      async () => {
        // Reserve the most this response can weigh: one candle per slot of the range, at most 5000.
        const slots = Math.floor((request.endTime - request.startTime) / shortestBar(request.interval)) + 1;
        const maxItems = Math.min(MAX_CANDLES_PER_RESPONSE, Math.max(1, slots));
        const settle = await this.limiter.reserve(SNAPSHOT_BASE_WEIGHT + Math.ceil(maxItems / ITEMS_PER_EXTRA_WEIGHT));
        let raw: unknown;
        try {
          raw = await this.info.candleSnapshot(request, signal);
        } catch (error) {
          settle(SNAPSHOT_BASE_WEIGHT);
          throw error;
        }
        const parsed = HlCandleListSchema.safeParse(raw);
        settle(SNAPSHOT_BASE_WEIGHT + Math.floor((Array.isArray(raw) ? raw.length : 0) / ITEMS_PER_EXTRA_WEIGHT));
        if (!parsed.success) throw new ValidationError(describeIssues('candleSnapshot response', parsed.error));
        return parsed.data.filter((c) => c.s === request.coin && c.i === request.interval);
      },
      classifyFailure,
      { ...this.options.retry, signal, onRetry: this.options.onRetry },
    );
  }

  /** Subscribes to closed and forming candles of one market. */
  async subscribeCandles(coin: string, interval: Timeframe, handlers: CandleFeedHandlers): Promise<CandleFeed> {
    const socket = openHlSocket({
      ...this.tuning(),
      endpoints: this.options.endpoints,
      onReconnect: handlers.onReconnect,
      onConnection: handlers.onConnection,
    });
    try {
      const subscription = await socket.subscriptions.candle({ coin, interval }, (event: unknown) => {
        const candle = HlCandleSchema.safeParse(event);
        if (candle.success) handlers.onCandle(candle.data);
        else handlers.onError(new ValidationError(describeIssues('candle event', candle.error)));
      });
      return {
        async close() {
          await subscription.unsubscribe().catch(() => undefined);
          socket.close();
        },
      };
    } catch (error) {
      socket.close();
      throw new TransportError(`cannot subscribe to ${coin} ${interval} candles: ${(error as Error).message}`);
    }
  }

  /** Subscribes to the order book of `coin` (a snapshot per block, 20 levels a side). */
  subscribeL2Book(coin: string, handlers: MarketFeedHandlers<L2Book>): Promise<MarketFeed> {
    return this.feed(`${coin} book`, handlers, HlL2BookSchema, bookOf, (client, listener) =>
      client.l2Book({ coin }, listener),
    );
  }

  /** Subscribes to the trades of `coin`, as they print (a batch per message). */
  subscribeTrades(coin: string, handlers: MarketFeedHandlers<readonly MarketTrade[]>): Promise<MarketFeed> {
    return this.feed(
      `${coin} trades`,
      handlers,
      HlTradeSchema.array(),
      (trades) => trades.map(tradeOf),
      (client, listener) => client.trades({ coin }, listener),
    );
  }

  /** Subscribes to the mid prices of every market. */
  subscribeAllMids(handlers: MarketFeedHandlers<ReadonlyMap<string, Decimal>>): Promise<MarketFeed> {
    return this.feed(
      'mids',
      handlers,
      HlAllMidsEventSchema,
      (event) => midsOf(event.mids),
      (client, listener) => client.allMids(listener),
    );
  }

  /** One feed on the shared connection: messages validated, then converted. */
  private async feed<S extends z.ZodType, T>(
    what: string,
    handlers: MarketFeedHandlers<T>,
    schema: S,
    convert: (data: z.output<S>) => T,
    subscribe: (client: HlSocket['subscriptions'], listener: (event: unknown) => void) => Promise<ISubscription>,
  ): Promise<MarketFeed> {
    const shared = this.sharedSocket();
    // A fresh entry per feed: the same handlers may serve two feeds, and each leaves on its own.
    const member: ConnectionListener = { onReconnect: handlers.onReconnect, onConnection: handlers.onConnection };
    shared.feeds.add(member);
    const release = () => {
      shared.feeds.delete(member);
      if (shared.feeds.size === 0 && this.shared === shared) {
        this.shared = null;
        shared.socket.close();
      }
    };
    try {
      const subscription = await subscribe(shared.socket.subscriptions, (event: unknown) => {
        const parsed = schema.safeParse(event);
        if (parsed.success) handlers.onData(convert(parsed.data));
        else handlers.onError(new ValidationError(describeIssues(`${what} event`, parsed.error)));
      });
      return {
        async close() {
          await subscription.unsubscribe().catch(() => undefined);
          release();
        },
      };
    } catch (error) {
      release();
      throw new TransportError(`cannot subscribe to ${what}: ${(error as Error).message}`);
    }
  }

  private sharedSocket(): SharedSocket {
    if (this.shared) return this.shared;
    const feeds = new Set<ConnectionListener>();
    const socket = openHlSocket({
      ...this.tuning(),
      endpoints: this.options.endpoints,
      onReconnect: () => {
        for (const feed of [...feeds]) feed.onReconnect?.();
      },
      onConnection: (state) => {
        for (const feed of [...feeds]) feed.onConnection?.(state);
      },
    });
    this.shared = { socket, feeds };
    return this.shared;
  }

  private tuning(): HlSocketTuning {
    const { reconnectBaseMs, reconnectCapMs, breakerAfter, keepAliveMs, pongTimeoutMs } = this.options;
    return { reconnectBaseMs, reconnectCapMs, breakerAfter, keepAliveMs, pongTimeoutMs };
  }
}

function shortestBar(interval: Timeframe): number {
  return interval === '1M' ? 28 * 86_400_000 : TIMEFRAME_MS[interval];
}

/** Rate limits, server errors and network failures are worth retrying; the rest is not. */
function classifyFailure(error: unknown): RetryVerdict | null {
  if (error instanceof HttpRequestError) {
    const status = error.response?.status;
    if (status === undefined) return { reason: error.message };
    if (status === 429) {
      const header = error.response?.headers.get('retry-after');
      const seconds = header === null || header === undefined ? Number.NaN : Number(header);
      return { reason: 'rate limited (429)', afterMs: Number.isFinite(seconds) ? seconds * 1000 : undefined };
    }
    if (status >= 500) return { reason: `venue error ${status}` };
    return null;
  }
  if (error instanceof Error && error.name === 'TransportError') return { reason: error.message };
  return null;
}
