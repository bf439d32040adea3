import { Decimal } from 'decimal.js';
import { TransportError, ValidationError, VenueRejectedError } from '../../shared/contract/errors.ts';
import type { Clock } from '../ports.ts';
import type {
  ExecOrder,
  ExecutionClient,
  Journal,
  JournalEntry,
  VenueFill,
  VenueOrderState,
} from './execution-client.ts';
import { orderFromRecord, orderRecord } from './order-record.ts';
import type { PositionManager } from './position-manager.ts';

/** Where an order is in its life. */
export type OrderStatus =
  'submitted' | 'accepted' | 'partially-filled' | 'filled' | 'canceled' | 'rejected' | 'expired';

const FINAL: ReadonlySet<OrderStatus> = new Set(['filled', 'canceled', 'rejected', 'expired']);

/** An order the manager tracks. */
export interface TrackedOrder {
  /** The order as it works now: a modify replaces its prices (its cloid and size stay). */
  order: ExecOrder;
  status: OrderStatus;
  oid: number | null;
  filledQty: Decimal;
  filledValue: Decimal;
  reason: string | null;
  readonly submittedAt: number;
}

/** What the manager tells its owner. */
export type OrderManagerEvent =
  | { readonly kind: 'order'; readonly order: TrackedOrder }
  | { readonly kind: 'fill'; readonly fill: VenueFill; readonly realized: Decimal }
  | { readonly kind: 'difference'; readonly message: string };

/** Options for {@link OrderManager}. */
export interface OrderManagerOptions {
  readonly client: ExecutionClient;
  readonly journal: Journal;
  readonly clock: Clock;
  readonly positions: PositionManager;
  /** 8 hex digits that make this account's client order ids its own. */
  readonly cloidPrefix: string;
  readonly onEvent?: (event: OrderManagerEvent) => void;
}

const dec = (v: unknown) => new Decimal(String(v));

/** Venue statuses that end an order without a fill. */
const CANCELED_STATUSES = new Set([
  'canceled',
  'marginCanceled',
  'vaultWithdrawalCanceled',
  'openInterestCapCanceled',
  'selfTradeCanceled',
  'reduceOnlyCanceled',
  'siblingFilledCanceled',
  'delistedCanceled',
  'liquidatedCanceled',
  'scheduledCancel',
]);

/** New prices for a working order (see {@link OrderManager.modify}). */
export interface OrderChange {
  readonly limitPrice?: Decimal;
  readonly triggerPrice?: Decimal;
}

/** Tolerated difference between our clock and the venue's fill timestamps. */
const SKEW_MS = 60_000;

/**
 * Orders from submission to their end: submitted → accepted → partially filled → filled,
 * or canceled, rejected, expired. Every change is journaled as it happens (the journal is
 * the state: start-up replays it), before the venue is asked, so a crash between the two is
 * resolved on start by asking the venue about the order's cloid. Fills are deduplicated by
 * the venue's trade id, so a fill seen twice (push and fetch, or before and after a restart)
 * counts once. The venue is the truth: {@link reconcile} adopts its view and reports each
 * difference.
 */
export class OrderManager {
  private readonly options: OrderManagerOptions;
  private readonly orders = new Map<string, TrackedOrder>();
  private readonly byOid = new Map<number, string>();
  private readonly tids = new Set<number>();
  /**
   * Oids a modify replaced, and orders being modified: the venue reports the old oid's
   * cancel, which is not the end of the order (it works on under its new oid).
   */
  private readonly replacedOids = new Set<number>();
  private readonly modifying = new Set<string>();
  private seq = 0;
  /**
   * Fills up to this time are known: a REST fetch from before it to now succeeded. Pushed
   * fills do not move it (one may have been missed before them), so a reconnect or restart
   * fetches from here and never skips an older missed fill. Null until the first fetch.
   */
  private syncedUntil: number | null = null;
  /** Time of the journal's first entry: a new session only adopts fills from its own start. */
  private firstEntryAt: number | null = null;

  constructor(options: OrderManagerOptions) {
    this.options = options;
    if (!/^[0-9a-f]{8}$/.test(options.cloidPrefix)) throw new Error('order-manager: the cloid prefix is 8 hex digits');
  }

  /** Every tracked order, oldest first. */
  get all(): readonly TrackedOrder[] {
    return [...this.orders.values()];
  }

  /** Orders still working. */
  get open(): readonly TrackedOrder[] {
    return this.all.filter((o) => !FINAL.has(o.status));
  }

  /** Rebuilds orders, fills and positions from journal entries (start-up). */
  restore(entries: readonly JournalEntry[]): void {
    this.firstEntryAt ??= entries[0]?.at ?? null;
    for (const entry of entries) {
      const p = entry.payload;
      switch (entry.event) {
        case 'order.submitted': {
          const order = orderFromRecord(p);
          this.orders.set(order.cloid, this.track(order, entry.at));
          this.seq = Math.max(this.seq, Number(p.seq ?? 0));
          break;
        }
        case 'order.accepted': {
          const tracked = this.orders.get(String(p.cloid));
          if (tracked) {
            tracked.oid = Number(p.oid);
            this.byOid.set(tracked.oid, tracked.order.cloid);
            if (tracked.status === 'submitted') tracked.status = 'accepted';
          }
          break;
        }
        case 'order.modified': {
          const tracked = this.orders.get(String(p.cloid));
          if (tracked) this.applyModified(tracked, p);
          break;
        }
        case 'order.ended': {
          const tracked = this.orders.get(String(p.cloid));
          if (tracked) {
            tracked.status = p.status as OrderStatus;
            tracked.reason = (p.reason as string | null) ?? null;
          }
          break;
        }
        case 'fill':
          this.book(this.fillFrom(p), false);
          break;
        case 'fills.synced':
          this.syncedUntil = Math.max(this.syncedUntil ?? 0, Number(p.until));
          break;
        default:
      }
    }
  }

  /**
   * Validates, journals and places orders. The venue's answer is journaled order by order;
   * when it is unknown (a timeout after retries) the cloid is looked up before anything
   * else, and an order the venue never saw is recorded as rejected, never sent again.
   */
  async submit(
    orders: readonly Omit<ExecOrder, 'cloid'>[],
    grouping: 'na' | 'normalTpsl' | 'positionTpsl' = 'na',
  ): Promise<TrackedOrder[]> {
    for (const order of orders) {
      if (!order.qty.isFinite() || order.qty.lte(0))
        throw new ValidationError(`order size must be greater than 0, got ${order.qty.toString()}`);
    }
    const now = this.now();
    const full = orders.map((o) => ({ ...o, cloid: this.nextCloid(now) }));
    // Checked against the venue's rules before anything is recorded: a bad order leaves no trace.
    for (const order of full) this.validate(order);
    const tracked = full.map((order) => this.track(order, now));
    this.options.journal.append(
      tracked.map((t) => ({
        at: now,
        event: 'order.submitted',
        payload: { ...orderRecord(t.order), seq: this.seq },
      })),
    );
    for (const t of tracked) {
      this.orders.set(t.order.cloid, t);
      this.emit({ kind: 'order', order: t });
    }
    let results;
    try {
      results = await this.options.client.place(full, grouping);
    } catch (error) {
      if (!(error instanceof TransportError)) {
        for (const t of tracked) this.end(t, 'rejected', (error as Error).message);
        throw error;
      }
      await Promise.all(tracked.map((t) => this.resolveUnknown(t, error.message)));
      return tracked;
    }
    tracked.forEach((t, i) => {
      const result = results[i];
      if (!result || result.status === 'rejected')
        this.end(t, 'rejected', result?.reason ?? 'the venue gave no status');
      else if (result.status === 'resting' || result.status === 'filled') this.accept(t, result.oid);
    });
    // The venue stamps fills with its own clock: a minute of margin covers any skew.
    if (results.some((r) => r.status === 'filled')) await this.fetchFills(now - SKEW_MS);
    return tracked;
  }

  /**
   * Cancels working orders (all when `cloids` is left out). When the venue's answer is lost,
   * the venue is asked what is still open and those are canceled once more.
   */
  async cancel(cloids?: readonly string[]): Promise<void> {
    const pick = () => this.open.filter((o) => !cloids || cloids.includes(o.order.cloid));
    const send = async (targets: readonly TrackedOrder[]) => {
      const done = await this.options.client.cancel(targets.map((t) => ({ coin: t.order.coin, cloid: t.order.cloid })));
      targets.forEach((t, i) => {
        if (done[i]) this.end(t, 'canceled', 'canceled by request');
      });
    };
    const targets = pick();
    if (targets.length === 0) return;
    try {
      await send(targets);
    } catch (error) {
      if (!(error instanceof TransportError)) throw error;
      await this.reconcile();
      const left = pick();
      if (left.length > 0) await send(left);
    }
  }

  /**
   * Moves a working order to new prices: journaled as asked, then the venue's modify (a
   * cancel-and-replace under the same cloid, for the size still open), then journaled with
   * the replacement's oid. A refusal throws a VenueRejectedError with the venue's reason;
   * the venue is then asked whether the original still works, and it is ended if not.
   */
  async modify(cloid: string, change: OrderChange): Promise<TrackedOrder> {
    const tracked = this.orders.get(cloid);
    if (!tracked || FINAL.has(tracked.status)) {
      throw new ValidationError(`order ${cloid} is not working (${tracked?.status ?? 'unknown'}): nothing to modify`);
    }
    if (this.modifying.has(cloid)) throw new ValidationError(`order ${cloid} is being modified already`);
    const { order } = tracked;
    if (change.limitPrice !== undefined && order.limitPrice === null)
      throw new ValidationError(`a ${order.kind} order has no limit price to change`);
    if (change.triggerPrice !== undefined && order.triggerPrice === null)
      throw new ValidationError(`a ${order.kind} order has no trigger price to change`);
    const remaining = order.qty.minus(tracked.filledQty);
    if (remaining.lte(0)) throw new ValidationError(`order ${cloid} has nothing left to fill`);
    const next: ExecOrder = {
      ...order,
      limitPrice: change.limitPrice ?? order.limitPrice,
      triggerPrice: change.triggerPrice ?? order.triggerPrice,
    };
    const replacement: ExecOrder = { ...next, qty: remaining };
    this.validate(replacement);
    const prices = {
      limitPrice: next.limitPrice?.toFixed() ?? null,
      triggerPrice: next.triggerPrice?.toFixed() ?? null,
    };
    this.options.journal.append([{ at: this.now(), event: 'order.modify', payload: { cloid, ...prices } }]);
    const oldOid = tracked.oid;
    this.modifying.add(cloid);
    try {
      let oid: number;
      try {
        oid = await this.options.client.modify(cloid, replacement);
      } catch (error) {
        if (!(error instanceof TransportError) && !(error instanceof VenueRejectedError)) throw error;
        // The answer is lost or a refusal: what works now under the cloid settles it.
        const state = await this.options.client.orderByCloid(cloid).catch(() => null);
        const moved = state !== null && state.status === 'open' && state.oid !== oldOid;
        if (!moved) {
          if (state !== null && state.status !== 'open' && state.status !== 'filled') {
            this.end(tracked, CANCELED_STATUSES.has(state.status) ? 'canceled' : 'rejected', state.status);
          }
          throw error;
        }
        oid = state.oid;
      }
      if (oldOid !== null) this.replacedOids.add(oldOid);
      const payload = { cloid, oid, ...prices };
      this.options.journal.append([{ at: this.now(), event: 'order.modified', payload }]);
      this.applyModified(tracked, payload);
      this.emit({ kind: 'order', order: tracked });
      return tracked;
    } finally {
      this.modifying.delete(cloid);
    }
  }

  private applyModified(tracked: TrackedOrder, p: Readonly<Record<string, unknown>>): void {
    const price = (v: unknown) => (v === null || v === undefined ? null : new Decimal(String(v)));
    tracked.order = { ...tracked.order, limitPrice: price(p.limitPrice), triggerPrice: price(p.triggerPrice) };
    if (tracked.oid !== null) this.replacedOids.add(tracked.oid);
    tracked.oid = Number(p.oid);
    this.byOid.set(tracked.oid, tracked.order.cloid);
    if (tracked.status === 'submitted') tracked.status = 'accepted';
  }

  /** Books fills pushed by the venue (each once). */
  applyFills(fills: readonly VenueFill[]): void {
    const fresh = fills.filter((f) => !this.tids.has(f.tid));
    if (fresh.length === 0) return;
    this.options.journal.append(fresh.map((f) => ({ at: f.time, event: 'fill', payload: this.fillPayload(f) })));
    for (const fill of fresh) this.book(fill, true);
  }

  /** Applies order updates pushed by the venue. */
  applyOrderUpdates(states: readonly VenueOrderState[]): void {
    for (const state of states) {
      const cloid = state.cloid ?? this.byOid.get(state.oid);
      const tracked = cloid === undefined ? undefined : this.orders.get(cloid);
      if (!tracked || FINAL.has(tracked.status)) continue;
      // The cancel of an oid a modify replaced (or is replacing) is not the order's end.
      if (this.replacedOids.has(state.oid) || (this.modifying.has(tracked.order.cloid) && state.oid === tracked.oid))
        continue;
      if (state.status === 'open' && tracked.oid === null) this.accept(tracked, state.oid);
      else if (CANCELED_STATUSES.has(state.status)) this.end(tracked, 'canceled', state.status);
      else if (state.status === 'rejected' || state.status.endsWith('Rejected'))
        this.end(tracked, 'rejected', state.status);
    }
  }

  /**
   * Fetches and books every fill since the last complete fetch (or since the session began),
   * then records how far the fills are known. Returns how many were new.
   */
  async syncFills(): Promise<number> {
    const now = this.now();
    const from = (this.syncedUntil ?? this.firstEntryAt ?? now) - SKEW_MS;
    const count = await this.fetchFills(from);
    const until = now - SKEW_MS;
    if (this.syncedUntil === null || until > this.syncedUntil) {
      this.syncedUntil = until;
      this.options.journal.append([{ at: now, event: 'fills.synced', payload: { until } }]);
    }
    return count;
  }

  /** Fetches and books the fills since `time`. */
  private async fetchFills(time: number): Promise<number> {
    const fills = await this.options.client.fillsSince(Math.max(0, time));
    const before = this.tids.size;
    this.applyFills(fills);
    return this.tids.size - before;
  }

  /**
   * Makes the journal agree with the venue: orders we think work but the venue ended (or
   * never saw), orders the venue works that we do not know, fills we missed, and positions.
   * Every difference is journaled and reported.
   */
  async reconcile(): Promise<string[]> {
    const differences: string[] = [];
    const note = (message: string) => {
      differences.push(message);
      this.options.journal.append([{ at: this.now(), event: 'reconcile.difference', payload: { message } }]);
      this.emit({ kind: 'difference', message });
    };
    const recovered = await this.syncFills();
    if (recovered > 0) note(`${recovered} fill(s) missed while away were recovered`);
    const venueOpen = await this.options.client.openOrders();
    const open = new Set(venueOpen.map((o) => o.cloid ?? `oid:${o.oid}`));
    for (const tracked of this.open) {
      if (open.has(tracked.order.cloid)) {
        const state = venueOpen.find((o) => o.cloid === tracked.order.cloid);
        if (state && tracked.oid === null) this.accept(tracked, state.oid);
        continue;
      }
      const state = await this.options.client.orderByCloid(tracked.order.cloid);
      if (!state) {
        this.end(tracked, 'rejected', 'the venue never received it');
        note(`order ${tracked.order.cloid} was never received by the venue`);
      } else if (state.status === 'filled') {
        if (tracked.oid === null) this.accept(tracked, state.oid);
        if (tracked.status !== 'filled') this.end(tracked, 'filled', 'filled while away');
      } else if (state.status !== 'open') {
        this.end(tracked, CANCELED_STATUSES.has(state.status) ? 'canceled' : 'rejected', state.status);
        note(`order ${tracked.order.cloid} ended on the venue while away (${state.status})`);
      }
    }
    const known = new Set(this.orders.keys());
    for (const state of venueOpen) {
      if (!state.cloid || !known.has(state.cloid))
        note(`the venue works an order this session does not know (oid ${state.oid})`);
    }
    // A fill landing between the fetch and the account snapshot would be counted twice (in the
    // venue's position adopted here, then again when booked): take the snapshot again until no
    // fill arrived around it.
    let account = await this.options.client.account();
    for (let attempt = 0; attempt < 3; attempt++) {
      const late = await this.fetchFills((this.syncedUntil ?? this.now()) - SKEW_MS);
      if (late === 0) break;
      account = await this.options.client.account();
    }
    const coins = new Set([
      ...account.positions.map((p) => p.coin),
      ...this.options.positions.all().map((p) => p.coin),
    ]);
    for (const coin of coins) {
      const venue = account.positions.find((p) => p.coin === coin);
      const ours = this.options.positions.get(coin);
      const venueQty = venue?.qty ?? new Decimal(0);
      if (!venueQty.eq(ours.qty)) {
        note(`position ${coin}: journal ${ours.qty.toFixed()}, venue ${venueQty.toFixed()}; the venue's is kept`);
        this.options.positions.setFromVenue(coin, venueQty, venue?.entryPrice ?? null);
      }
    }
    return differences;
  }

  private async resolveUnknown(tracked: TrackedOrder, why: string): Promise<void> {
    let state: VenueOrderState | null;
    try {
      state = await this.options.client.orderByCloid(tracked.order.cloid);
    } catch {
      // Still unknown: left submitted, the next reconciliation settles it.
      return;
    }
    if (!state) {
      this.end(tracked, 'rejected', `not placed (${why}); not sent again`);
      return;
    }
    this.accept(tracked, state.oid);
    if (state.status === 'filled') await this.fetchFills(tracked.submittedAt - SKEW_MS);
    else if (state.status !== 'open')
      this.end(tracked, CANCELED_STATUSES.has(state.status) ? 'canceled' : 'rejected', state.status);
  }

  private validate(order: ExecOrder): void {
    const needsLimit = order.kind === 'limit' || order.kind === 'stop-limit' || order.kind === 'take-profit-limit';
    if (needsLimit && !(order.limitPrice && order.limitPrice.gt(0)))
      throw new ValidationError(`a ${order.kind} order needs a limit price > 0`);
    const needsTrigger = order.kind !== 'market' && order.kind !== 'limit';
    if (needsTrigger && !(order.triggerPrice && order.triggerPrice.gt(0)))
      throw new ValidationError(`a ${order.kind} order needs a trigger price > 0`);
    this.options.client.validate(order);
  }

  private accept(tracked: TrackedOrder, oid: number): void {
    if (tracked.oid === oid) return;
    tracked.oid = oid;
    this.byOid.set(oid, tracked.order.cloid);
    if (tracked.status === 'submitted') tracked.status = 'accepted';
    this.options.journal.append([
      { at: this.now(), event: 'order.accepted', payload: { cloid: tracked.order.cloid, oid } },
    ]);
    this.emit({ kind: 'order', order: tracked });
  }

  private end(tracked: TrackedOrder, status: OrderStatus, reason: string): void {
    if (FINAL.has(tracked.status) && tracked.status === status) return;
    tracked.status = status;
    tracked.reason = reason;
    this.options.journal.append([
      { at: this.now(), event: 'order.ended', payload: { cloid: tracked.order.cloid, status, reason } },
    ]);
    this.emit({ kind: 'order', order: tracked });
  }

  private book(fill: VenueFill, live: boolean): void {
    if (this.tids.has(fill.tid)) return;
    this.tids.add(fill.tid);
    const realized = this.options.positions.apply(fill);
    const cloid = fill.cloid ?? this.byOid.get(fill.oid);
    const tracked = cloid === undefined ? undefined : this.orders.get(cloid);
    if (tracked) {
      if (tracked.oid === null) {
        tracked.oid = fill.oid;
        this.byOid.set(fill.oid, tracked.order.cloid);
      }
      tracked.filledQty = tracked.filledQty.plus(fill.qty);
      tracked.filledValue = tracked.filledValue.plus(fill.qty.times(fill.price));
      if (tracked.filledQty.gte(tracked.order.qty)) {
        if (live) this.end(tracked, 'filled', 'filled');
        else tracked.status = 'filled';
      } else if (!FINAL.has(tracked.status)) tracked.status = 'partially-filled';
    }
    if (live) this.emit({ kind: 'fill', fill, realized });
  }

  private track(order: ExecOrder, at: number): TrackedOrder {
    return {
      order,
      status: 'submitted',
      oid: null,
      filledQty: new Decimal(0),
      filledValue: new Decimal(0),
      reason: null,
      submittedAt: at,
    };
  }

  private nextCloid(now: number): string {
    this.seq++;
    return `0x${this.options.cloidPrefix}${Math.trunc(now).toString(16).padStart(12, '0').slice(-12)}${this.seq.toString(16).padStart(12, '0').slice(-12)}`;
  }

  private fillPayload(f: VenueFill): Record<string, unknown> {
    return {
      tid: f.tid,
      oid: f.oid,
      cloid: f.cloid,
      coin: f.coin,
      side: f.side,
      price: f.price.toFixed(),
      qty: f.qty.toFixed(),
      fee: f.fee.toFixed(),
      closedPnl: f.closedPnl.toFixed(),
      time: f.time,
      crossed: f.crossed,
    };
  }

  private fillFrom(p: Readonly<Record<string, unknown>>): VenueFill {
    return {
      tid: Number(p.tid),
      oid: Number(p.oid),
      cloid: (p.cloid as string | null) ?? null,
      coin: String(p.coin),
      side: p.side === 'sell' ? 'sell' : 'buy',
      price: dec(p.price),
      qty: dec(p.qty),
      fee: dec(p.fee),
      closedPnl: dec(p.closedPnl),
      time: Number(p.time),
      crossed: p.crossed === true,
    };
  }

  private now(): number {
    return Math.trunc(this.options.clock.now());
  }

  private emit(event: OrderManagerEvent): void {
    this.options.onEvent?.(event);
  }
}
