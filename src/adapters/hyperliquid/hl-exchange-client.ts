import { Decimal } from 'decimal.js';
import { z } from 'zod';
import {
  ConfigurationError,
  TransportError,
  ValidationError,
  VenueRejectedError,
} from '../../shared/contract/errors.ts';
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

/** The venue's userRateLimit answer. */
const UserRateLimitSchema = z
  .object({
    cumVlm: z.string().regex(/^\d+(\.\d+)?$/),
    nRequestsUsed: z.number().int().nonnegative(),
    nRequestsCap: z.number().int().nonnegative(),
    nRequestsSurplus: z.number().int().nonnegative(),
  })
  .loose();

/**
 * An address's action budget (per user, not per IP): one request per USDC traded plus an
 * initial 10 000. Once it is spent the venue allows one action every 10 s.
 */
export interface AddressBudget {
  /** The address it belongs to (lower case). */
  readonly user: string;
  readonly used: number;
  readonly cap: number;
  /** Reserved weight not yet used (bought with reserveRequestWeight). */
  readonly surplus: number;
  /** Cumulative traded volume, USDC: what the cap grows with. */
  readonly cumVolume: Decimal;
}

/** EIP-712 fields of approveAgent, in the venue's order. */
const APPROVE_AGENT_TYPES = {
  'HyperliquidTransaction:ApproveAgent': [
    { name: 'hyperliquidChain', type: 'string' },
    { name: 'agentAddress', type: 'address' },
    { name: 'agentName', type: 'string' },
    { name: 'nonce', type: 'uint64' },
  ],
};
/** The chain the wallet signs user actions on; the Python SDK's choice (any chain id works). */
const SIGNATURE_CHAIN_ID = '0x66eee';
const ADDRESS = /^0x[0-9a-fA-F]{40}$/;

/** Options for {@link HlExchangeClient}. */
export interface HlExchangeClientOptions {
  readonly endpoints: HlEndpoints;
  /** Null for a read-only client (info requests only, e.g. listing an account's orders). */
  readonly signer: HlSigner | null;
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
  private budget: AddressBudget | null = null;

  constructor(options: HlExchangeClientOptions) {
    this.options = options;
    this.limiter = options.limiter ?? new WeightLimiter();
    this.fetch = options.fetch ?? globalThis.fetch;
  }

  /** The signer's address (an agent's, or the master's). */
  get signerAddress(): string {
    return this.signer().address;
  }

  /**
   * Signs and sends an L1 action; returns the per-order statuses (empty for actions without
   * any). `status: "err"` throws {@link VenueRejectedError}.
   */
  async action(
    action: Record<string, unknown>,
    options: { vaultAddress?: `0x${string}`; expiresAfter?: number } = {},
  ): Promise<WireStatus[]> {
    const signer = this.signer();
    const nonce = this.options.nonces.next(signer.address);
    const signature = await signer.signL1(action, nonce, options);
    const body: Record<string, unknown> = { action, nonce, signature };
    if (options.vaultAddress) body.vaultAddress = options.vaultAddress;
    if (options.expiresAfter !== undefined) body.expiresAfter = options.expiresAfter;
    const orders = Array.isArray(action.orders)
      ? action.orders.length
      : Array.isArray(action.modifies)
        ? action.modifies.length
        : 0;
    return this.send(body, 1 + Math.floor(orders / 40));
  }

  /**
   * Approves `agentAddress` as an API wallet of this client's signer, which must be the
   * master account's key: approveAgent is a user-signed action. `name` (at most 16
   * characters) makes it a named agent, replacing one of the same name; without it, it
   * replaces the unnamed one. `validUntil` (ms, with a name) sets its expiry (at most 180
   * days ahead).
   */
  async approveAgent(agentAddress: string, options: { name?: string; validUntil?: number } = {}): Promise<void> {
    if (!ADDRESS.test(agentAddress)) throw new ValidationError(`agent address "${agentAddress}" is not an address`);
    const name = options.name ?? '';
    if (name.length > 16) throw new ValidationError(`agent name "${name}" is longer than 16 characters`);
    if (options.validUntil !== undefined) {
      if (!Number.isSafeInteger(options.validUntil) || options.validUntil <= 0)
        throw new ValidationError(`validUntil must be a time in ms, not ${options.validUntil}`);
      // The expiry rides in the name ("name valid_until <ms>"); an unnamed form is not documented.
      if (name === '') throw new ValidationError('an agent with an expiry needs a name');
    }
    const signer = this.signer();
    const nonce = this.options.nonces.next(signer.address);
    const action = {
      type: 'approveAgent',
      signatureChainId: SIGNATURE_CHAIN_ID,
      hyperliquidChain: signer.isTestnet ? 'Testnet' : 'Mainnet',
      // Lower case, as the venue rebuilds the message from what it receives.
      agentAddress: agentAddress.toLowerCase(),
      agentName: options.validUntil === undefined ? name : `${name} valid_until ${options.validUntil}`,
      nonce,
    } as const;
    const signature = await signer.signUserSigned(action, APPROVE_AGENT_TYPES);
    // An unnamed agent is signed with an empty name and sent without one, as the Python SDK does.
    const { agentName, ...unnamed } = action;
    const sent = agentName === '' ? unnamed : action;
    await this.send({ action: sent, nonce, signature }, 1);
  }

  /**
   * Reads `user`'s action budget from the venue (userRateLimit) and remembers it as
   * {@link addressBudget}. Agents spend their master's budget: pass the master's address.
   */
  async refreshAddressBudget(user: string): Promise<AddressBudget> {
    const raw = await this.info({ type: 'userRateLimit', user });
    const parsed = UserRateLimitSchema.safeParse(raw);
    if (!parsed.success) throw new ValidationError(describeIssues('venue userRateLimit', parsed.error));
    this.budget = {
      user: user.toLowerCase(),
      used: parsed.data.nRequestsUsed,
      cap: parsed.data.nRequestsCap,
      surplus: parsed.data.nRequestsSurplus,
      cumVolume: new Decimal(parsed.data.cumVlm),
    };
    return this.budget;
  }

  /** The action budget as last read by {@link refreshAddressBudget}; null before the first read. */
  get addressBudget(): AddressBudget | null {
    return this.budget;
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

  /**
   * Replaces one order, named by oid or cloid (cancel-and-replace: the replacement gets a new
   * oid). The venue answers without statuses, so the new oid is not known from it; use
   * {@link batchModify} for that.
   */
  async modify(oid: number | string, order: WireOrder): Promise<void> {
    await this.action({ type: 'modify', oid, order });
  }

  /** Replaces orders (cancel-and-replace: each replacement gets a new oid). */
  batchModify(modifies: readonly { oid: number | string; order: WireOrder }[]): Promise<WireStatus[]> {
    return this.action({ type: 'batchModify', modifies });
  }

  /** Sets `asset`'s leverage (a whole number up to its maximum), cross or isolated. */
  updateLeverage(asset: number, isCross: boolean, leverage: number): Promise<WireStatus[]> {
    return this.action({ type: 'updateLeverage', asset, isCross, leverage });
  }

  /**
   * Adds margin to (or, negative, removes it from) the isolated position in `asset`. `ntli` is
   * whole micro-dollars (1 000 000 = 1 USD). `isBuy` is the position's side; it has no effect
   * until the venue has hedge mode.
   */
  async updateIsolatedMargin(asset: number, isBuy: boolean, ntli: number): Promise<void> {
    if (!Number.isSafeInteger(ntli) || ntli === 0)
      throw new ValidationError(`ntli must be a non-zero whole number of micro-USD, not ${ntli}`);
    await this.action({ type: 'updateIsolatedMargin', asset, isBuy, ntli });
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

  private async send(body: Record<string, unknown>, weight: number): Promise<WireStatus[]> {
    const attempt = { reached: false };
    const raw = await this.post('/exchange', body, weight, undefined, attempt);
    const parsed = ExchangeResponseSchema.safeParse(raw);
    if (!parsed.success) throw new ValidationError(describeIssues('exchange response', parsed.error));
    if (parsed.data.status === 'err') {
      // An earlier attempt may have reached the venue (a timeout, a dropped connection, a 5xx):
      // then this refusal is of the repeat (a duplicate nonce), not of the action, whose
      // outcome is unknown. The caller asks the venue instead of taking it for a rejection.
      if (attempt.reached) {
        throw new TransportError(
          `the venue refused a repeat of an action an earlier attempt may have delivered (${parsed.data.response}); its outcome is unknown`,
          'TIMEOUT',
        );
      }
      throw new VenueRejectedError(parsed.data.response);
    }
    return parsed.data.response.data?.statuses ?? [];
  }

  private signer(): HlSigner {
    if (!this.options.signer) {
      throw new ConfigurationError(
        'this connection is read-only: trading needs a signing key (hyperdesk keys set signing-key)',
      );
    }
    return this.options.signer;
  }

  private async post(
    path: '/info' | '/exchange',
    body: unknown,
    weight: number,
    actual?: (result: unknown) => number,
    attempt: { reached: boolean } = { reached: false },
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
          // Sent or not, nobody can tell: the request may have been processed.
          attempt.reached = true;
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
          if (response.status >= 500) {
            attempt.reached = true;
            throw new HttpFailure(response.status, `${path}: venue error ${response.status}`);
          }
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
