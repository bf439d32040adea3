import type { Decimal } from 'decimal.js';
import type { OrderKind, TimeInForce } from '../../shared/values/order.ts';
import type { Side } from '../../shared/values/side.ts';

/** An order as the engine sends it to a venue; the client order id makes it idempotent. */
export interface ExecOrder {
  /** Client order id: 0x + 32 hex digits, unique per account. */
  readonly cloid: string;
  readonly coin: string;
  readonly side: Side;
  readonly qty: Decimal;
  readonly kind: OrderKind;
  /** Limit price; null for market orders (the venue client prices them aggressively). */
  readonly limitPrice: Decimal | null;
  readonly triggerPrice: Decimal | null;
  readonly tif: TimeInForce;
  readonly reduceOnly: boolean;
}

/** What the venue said about one placed order. */
export type PlaceResult =
  | { readonly status: 'resting'; readonly oid: number }
  | { readonly status: 'filled'; readonly oid: number; readonly filledQty: Decimal; readonly avgPrice: Decimal }
  | { readonly status: 'waiting' }
  | { readonly status: 'rejected'; readonly reason: string };

/** A fill as the venue reports it. */
export interface VenueFill {
  /** The venue's trade id: fills are deduplicated by it. */
  readonly tid: number;
  readonly oid: number;
  readonly cloid: string | null;
  readonly coin: string;
  readonly side: Side;
  readonly price: Decimal;
  readonly qty: Decimal;
  readonly fee: Decimal;
  /** Profit or loss the fill realised, before its fee (the venue's closedPnl). */
  readonly closedPnl: Decimal;
  readonly time: number;
  readonly crossed: boolean;
}

/** A funding settlement on a position, as the venue reports it. */
export interface VenueFunding {
  readonly coin: string;
  /** Paid into the account (negative when the position paid). */
  readonly amount: Decimal;
  readonly rate: Decimal;
  /** Signed position size it was settled on. */
  readonly qty: Decimal;
  /** Settlement time (the hour), unix ms: with the coin, it identifies the payment. */
  readonly time: number;
}

/** An order as the venue holds it (or held it last). */
export interface VenueOrderState {
  readonly oid: number;
  readonly cloid: string | null;
  readonly coin: string;
  readonly side: Side;
  /** Size still open. */
  readonly qty: Decimal;
  readonly origQty: Decimal;
  readonly limitPrice: Decimal;
  /** open, filled, canceled, triggered, rejected, marginCanceled, scheduledCancel, … */
  readonly status: string;
  readonly statusTime: number;
}

/** A position as the venue holds it. */
export interface VenuePosition {
  readonly coin: string;
  /** Signed size. */
  readonly qty: Decimal;
  readonly entryPrice: Decimal | null;
}

/** The account as the venue sees it. */
export interface AccountState {
  readonly equity: Decimal;
  readonly positions: readonly VenuePosition[];
}

/** What a venue pushes. */
export interface ExecutionHandlers {
  readonly onFills: (fills: readonly VenueFill[]) => void;
  readonly onOrderUpdates: (orders: readonly VenueOrderState[]) => void;
  /** The push connection came back after a drop: missed fills must be fetched. */
  readonly onReconnect: () => void;
  /**
   * The push connection's state, for display and alerting: `up` on every open, `down` when
   * an open connection drops, `breaker-open` once when several attempts in a row have failed
   * (the venue keeps being retried). Optional: a venue without such a connection never calls it.
   */
  readonly onConnection?: (state: 'up' | 'down' | 'breaker-open') => void;
  /** Funding settled on a position (each payment once per coin and hour; replays are deduplicated). */
  readonly onFunding?: (payments: readonly VenueFunding[]) => void;
}

/**
 * A venue to trade on: Hyperliquid, or the simulated venue of paper trading. Calls throw a
 * TransportError when the outcome is unknown (a timeout after retries): the caller resolves
 * it by asking for the order by its cloid before doing anything else.
 */
export interface ExecutionClient {
  /**
   * Throws a ValidationError naming the problem when the venue would refuse `order` on its
   * face (unknown market, price off the tick grid, size below the lot or the minimum value).
   */
  validate(order: ExecOrder): void;
  /** The size step (lot) of `coin`: sizes are whole multiples of it. */
  sizeStep(coin: string): Decimal;
  /** `price` moved onto `coin`'s price grid, rounding `up` or `down`. */
  roundPrice(coin: string, price: Decimal, direction: 'up' | 'down'): Decimal;
  place(orders: readonly ExecOrder[], grouping?: 'na' | 'normalTpsl' | 'positionTpsl'): Promise<PlaceResult[]>;
  /**
   * Changes the resting order `cloid` into `order` (same cloid, new prices or size). Venues do
   * this as cancel-and-replace: the replacement gets a new oid, which is returned, and fills on
   * either oid belong to the order. Throws a VenueRejectedError with the venue's reason when the
   * replacement is refused (the original may be gone by then: ask for it by cloid).
   */
  modify(cloid: string, order: ExecOrder): Promise<number>;
  /** Cancels by cloid; true per order that was canceled, false when it was not open. */
  cancel(orders: readonly { coin: string; cloid: string }[]): Promise<boolean[]>;
  /** Cancels every open order on `coin`, ours or not (the kill switch); returns how many. */
  cancelAll(coin: string): Promise<number>;
  orderByCloid(cloid: string): Promise<VenueOrderState | null>;
  openOrders(): Promise<VenueOrderState[]>;
  /** Fills at or after `time`, oldest first. */
  fillsSince(time: number): Promise<VenueFill[]>;
  account(): Promise<AccountState>;
  /** Mid price of `coin`. */
  mark(coin: string): Promise<Decimal>;
  setLeverage(coin: string, leverage: number, cross: boolean): Promise<void>;
  /** Arms the venue's dead-man switch for `time` (ms), or removes it. */
  deadManSwitch(time: number | null): Promise<void>;
  subscribe(handlers: ExecutionHandlers): Promise<{ close(): Promise<void> }>;
  /** Funding settled at or after `time`, oldest first (to recover payments missed while away). */
  fundingSince(time: number): Promise<VenueFunding[]>;
}

/** An entry of the trading journal. */
export interface JournalEntry {
  readonly at: number;
  readonly event: string;
  readonly payload: Readonly<Record<string, unknown>>;
}

/**
 * Where a trading session writes everything it does and learns, in order. An append is
 * durable when it returns; start-up rebuilds the session's state by reading them back.
 */
export interface Journal {
  append(entries: readonly JournalEntry[]): void;
  read(): JournalEntry[];
}
