import { z } from 'zod';
import { TransportError, ValidationError, VenueRejectedError } from '../../shared/contract/errors.ts';
import { describeIssues } from '../../shared/contract/validation.ts';
import type { HlEndpoints } from './hl-endpoints.ts';
import type { HlSigner } from './hl-signer.ts';
import type { WireOrder } from './hl-wire.ts';
import type { NonceManager } from './nonce-manager.ts';
import { withRetry, type RetryOptions, type RetryVerdict } from './retry.ts';
import { WeightLimiter } from './weight-limiter.ts';

/** One order's outcome in an /exchange response. */
export const WireStatusSchema = z.union([
  z.object({ resting: z.object({ oid: z.number().int(), cloid: z.string().optional() }) }),
  z.object({
    filled: z.object({ totalSz: z.string(), avgPx: z.string(), oid: z.number().int(), cloid: z.string().optional() }),
  }),
  z.object({ error: z.string() }),
  z.enum(['waitingForFill', 'waitingForTrigger', 'success']),
]);
/** See {@link WireStatusSchema}. */
export type WireStatus = z.infer<typeof WireStatusSchema>;

const ExchangeResponseSchema = z.union([
  z.object({
    status: z.literal('ok'),
    response: z.object({
      type: z.string(),
      data: z.object({ statuses: z.array(WireStatusSchema) }).optional(),
    }),
  }),
  z.object({ status: z.literal('err'), response: z.string() }),
]);

/** Options for {@link HlExchangeClient}. */
export interface HlExchangeClientOptions {
  readonly endpoints: HlEndpoints;
  readonly signer: HlSigner;
  readonly nonces: NonceManager;
  readonly limiter?: WeightLimiter;
  readonly retry?: RetryOptions;
  /** Per request (default 10 s). */
  readonly timeoutMs?: number;
  readonly fetch?: typeof fetch;
  /** Told of every request's weight, for the limiter's report. */
  readonly onRequest?: (path: '/info' | '/exchange', weight: number) => void;
}

/** Info types that weigh 2; the rest weigh 20 (Hyperliquid rate-limit docs). */
const LIGHT_INFO = new Set([
  'l2Book',
  'allMids',
  'clearinghouseState',
  'orderStatus',
  'spotClearinghouseState',
  'exchangeStatus',
]);
/** Info types that weigh one more per 20 items returned. */
const PER_20_ITEMS = new Set(['userFills', 'userFillsByTime', 'fundingHistory', 'historicalOrders', 'userFunding']);

/** An HTTP failure with its status, for the retry policy. */
class HttpFailure extends TransportError {
  readonly status: number;
  readonly retryAfterMs: number | undefined;
  constructor(status: number, message: string, retryAfterMs?: number) {
    super(message);
    this.status = status;
    this.retryAfterMs = retryAfterMs;
  }
}

/** Rate limits (with Retry-After), server errors, timeouts and network failures are retried. */
function classify(error: unknown): RetryVerdict | null {
  if (error instanceof HttpFailure) {
    if (error.status === 429) return { reason: 'rate limited (429)', afterMs: error.retryAfterMs };
    if (error.status >= 500) return { reason: `venue error ${error.status}` };
    return null;
  }
  if (error instanceof TransportError) return { reason: error.message };
  return null;
}

/**
 * Hyperliquid's /exchange and /info over HTTP: actions signed with our signer and nonces,
 * every request through the weight limiter (80 % of the budget by default), transient
 * failures retried with backoff and jitter, never in a hot loop. A retried action is the
 * *same* signed body: if an earlier attempt did reach the venue, the repeat is refused as a
 * duplicate nonce, so a retry can never place an order twice. Responses are validated; a
 * whole-action refusal throws {@link VenueRejectedError} with the venue's text.
 */
export class HlExchangeClient {
  readonly limiter: WeightLimiter;
  private readonly options: HlExchangeClientOptions;
  private readonly fetch: typeof fetch;

  constructor(options: HlExchangeClientOptions) {
    this.options = options;
    this.limiter = options.limiter ?? new WeightLimiter();
    this.fetch = options.fetch ?? globalThis.fetch;
  }

  /** The signer's address (an agent's, or the master's). */
  get signerAddress(): string {
    return this.options.signer.address;
  }

  /**
   * Signs and sends an L1 action; returns the per-order statuses (empty for actions without
   * any). `status: "err"` throws {@link VenueRejectedError}.
   */
  async action(
    action: Record<string, unknown>,
    options: { vaultAddress?: `0x${string}`; expiresAfter?: number } = {},
  ): Promise<WireStatus[]> {
    const nonce = this.options.nonces.next(this.options.signer.address);
    const signature = await this.options.signer.signL1(action, nonce, options);
    const body: Record<string, unknown> = { action, nonce, signature };
    if (options.vaultAddress) body.vaultAddress = options.vaultAddress;
    if (options.expiresAfter !== undefined) body.expiresAfter = options.expiresAfter;
    const orders = Array.isArray(action.orders)
      ? action.orders.length
      : Array.isArray(action.modifies)
        ? action.modifies.length
        : 0;
    const raw = await this.post('/exchange', body, 1 + Math.floor(orders / 40));
    const parsed = ExchangeResponseSchema.safeParse(raw);
    if (!parsed.success) throw new ValidationError(describeIssues('exchange response', parsed.error));
    if (parsed.data.status === 'err') throw new VenueRejectedError(parsed.data.response);
    return parsed.data.response.data?.statuses ?? [];
  }

  /** Places orders (`grouping` na, normalTpsl or positionTpsl). */
  order(orders: readonly WireOrder[], grouping: 'na' | 'normalTpsl' | 'positionTpsl' = 'na'): Promise<WireStatus[]> {
    return this.action({ type: 'order', orders, grouping });
  }

  /** Cancels orders by oid. */
  cancel(cancels: readonly { a: number; o: number }[]): Promise<WireStatus[]> {
    return this.action({ type: 'cancel', cancels });
  }

  /** Cancels orders by client order id. */
  cancelByCloid(cancels: readonly { asset: number; cloid: string }[]): Promise<WireStatus[]> {
    return this.action({ type: 'cancelByCloid', cancels });
  }

  /** Replaces orders (cancel-and-replace: each replacement gets a new oid). */
  batchModify(modifies: readonly { oid: number | string; order: WireOrder }[]): Promise<WireStatus[]> {
    return this.action({ type: 'batchModify', modifies });
  }

  updateLeverage(asset: number, isCross: boolean, leverage: number): Promise<WireStatus[]> {
    return this.action({ type: 'updateLeverage', asset, isCross, leverage });
  }

  /** Arms the venue's dead-man switch for `time` (ms), or removes it with null. */
  scheduleCancel(time: number | null): Promise<WireStatus[]> {
    return this.action(time === null ? { type: 'scheduleCancel' } : { type: 'scheduleCancel', time });
  }

  /** A request to /info (weights per the venue's table). */
  async info(body: Record<string, unknown>): Promise<unknown> {
    const type = String(body.type);
    const weight = LIGHT_INFO.has(type) ? 2 : 20;
    const raw = await this.post('/info', body, weight, (result) =>
      PER_20_ITEMS.has(type) && Array.isArray(result) ? weight + Math.floor(result.length / 20) : weight,
    );
    return raw;
  }

  private async post(
    path: '/info' | '/exchange',
    body: unknown,
    weight: number,
    actual?: (result: unknown) => number,
  ): Promise<unknown> {
    const text = JSON.stringify(body);
    return withRetry(
      async () => {
        const settle = await this.limiter.reserve(weight);
        this.options.onRequest?.(path, weight);
        let response: Response;
        try {
          response = await this.fetch(`${this.options.endpoints.apiUrl}${path}`, {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body: text,
            signal: AbortSignal.timeout(this.options.timeoutMs ?? 10_000),
          });
        } catch (error) {
          throw new TransportError(
            `${path}: ${(error as Error).name === 'TimeoutError' ? 'timed out' : (error as Error).message}`,
            (error as Error).name === 'TimeoutError' ? 'TIMEOUT' : 'TRANSPORT',
          );
        }
        if (response.status === 429) {
          const after = Number(response.headers.get('retry-after'));
          throw new HttpFailure(
            429,
            `${path}: rate limited`,
            Number.isFinite(after) && after > 0 ? after * 1000 : undefined,
          );
        }
        const content = await response.text();
        if (!response.ok) {
          if (response.status >= 500) throw new HttpFailure(response.status, `${path}: venue error ${response.status}`);
          throw new ValidationError(
            `${path}: the venue refused the request (${response.status}): ${content.slice(0, 200)}`,
          );
        }
        let result: unknown;
        try {
          result = JSON.parse(content);
        } catch {
          throw new ValidationError(`${path}: the venue's answer is not JSON: ${content.slice(0, 200)}`);
        }
        if (actual) settle(actual(result));
        return result;
      },
      classify,
      { attempts: 6, baseDelayMs: 250, maxDelayMs: 10_000, ...this.options.retry },
    );
  }
}
