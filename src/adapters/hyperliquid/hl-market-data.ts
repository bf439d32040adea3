import {
  HttpRequestError,
  HttpTransport,
  InfoClient,
  SubscriptionClient,
  WebSocketTransport,
} from '@nktkas/hyperliquid';
import { TransportError, ValidationError } from '../../shared/contract/errors.ts';
import { describeIssues } from '../../shared/contract/validation.ts';
import { TIMEFRAME_MS, type Timeframe } from '../../shared/values/timeframe.ts';
import type { HlEndpoints } from './hl-endpoints.ts';
import { HlCandleListSchema, HlCandleSchema, type HlCandle } from './hl-candle.ts';
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
}

// candleSnapshot weighs 20, plus 1 per 60 candles returned (Hyperliquid rate-limit docs).
const SNAPSHOT_BASE_WEIGHT = 20;
const ITEMS_PER_EXTRA_WEIGHT = 60;
const MAX_CANDLES_PER_RESPONSE = 5000;

/** Options for {@link HlMarketData}. */
export interface HlMarketDataOptions {
  readonly endpoints: HlEndpoints;
  readonly limiter?: WeightLimiter;
  readonly retry?: { attempts?: number; baseDelayMs?: number; maxDelayMs?: number };
  readonly onRetry?: (attempt: number, delayMs: number, reason: string) => void;
  /** First reconnect delay of the WebSocket; doubles per failure up to 10 s, with jitter. */
  readonly reconnectBaseMs?: number;
}

/**
 * Hyperliquid market data on the @nktkas/hyperliquid SDK: REST candle snapshots behind the
 * weight limiter and retries, and the `candle` WebSocket subscription with unlimited
 * reconnection. Everything the venue sends is validated before it is used.
 */
export class HlMarketData implements CandleApi {
  private readonly info: InfoClient;
  private readonly options: HlMarketDataOptions;
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
    const base = this.options.reconnectBaseMs ?? 500;
    const transport = new WebSocketTransport({
      url: this.options.endpoints.wsUrl,
      isTestnet: this.options.endpoints.isTestnet,
      reconnect: {
        maxRetries: Number.POSITIVE_INFINITY,
        reconnectionDelay: (attempt: number) => Math.round(Math.random() * Math.min(10_000, base * 2 ** attempt)),
      },
    });
    let opened = false;
    transport.socket.addEventListener('open', () => {
      if (opened) handlers.onReconnect();
      opened = true;
    });
    const client = new SubscriptionClient({ transport });
    try {
      const subscription = await client.candle({ coin, interval }, (event: unknown) => {
        const candle = HlCandleSchema.safeParse(event);
        if (candle.success) handlers.onCandle(candle.data);
        else handlers.onError(new ValidationError(describeIssues('candle event', candle.error)));
      });
      return {
        async close() {
          await subscription.unsubscribe().catch(() => undefined);
          transport.close();
        },
      };
    } catch (error) {
      transport.close();
      throw new TransportError(`cannot subscribe to ${coin} ${interval} candles: ${(error as Error).message}`);
    }
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
