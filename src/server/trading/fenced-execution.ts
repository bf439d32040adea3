import type { ExecOrder, ExecutionClient, PlaceResult } from '../../engine/execution/execution-client.ts';
import { VenueRejectedError } from '../../shared/contract/errors.ts';

/**
 * How far the venue is closed to a session:
 * - `open`: everything passes;
 * - `no-new-orders` (shutting down): nothing is placed or changed; cancels still go, and the
 *   dead-man switch is left armed when `holdDeadMan` (a successor re-arms it; if none comes,
 *   the venue cancels the orders left behind);
 * - `sealed` (leadership lost): nothing that changes the account goes out at all, the
 *   dead-man switch included, since another instance may be trading it now.
 */
export type FenceState = 'open' | 'no-new-orders' | 'sealed';

/** A venue client whose session can be stopped from placing orders at once, from outside it. */
export interface FencedExecution {
  readonly client: ExecutionClient;
  readonly state: FenceState;
  /** Refuses new orders from now on (idempotent; never reopens). */
  blockOrders(reason: string, options: { holdDeadMan: boolean }): void;
  /** Refuses every change to the account from now on. */
  seal(reason: string): void;
}

/**
 * Wraps `inner` so that a server can stop its trading session from sending anything the
 * instant it must (a signal, a lost lease), whatever the session is in the middle of. Refused
 * orders come back as venue rejections naming the reason, so the session journals and reports
 * them like any other.
 */
export function fenceExecution(inner: ExecutionClient, stillLeader?: () => boolean): FencedExecution {
  let state: FenceState = 'open';
  let reason = '';
  let holdDeadMan = false;
  const refuse = () => new VenueRejectedError(`not sent: ${reason}`);
  // The lease is asked right before each change is sent, not only when it tells us it was
  // lost: on a busy machine that notification can come late, and the lease's safety margin
  // should not be all that stands between two traders.
  const checkLease = () => {
    if (state !== 'sealed' && stillLeader && !stillLeader()) {
      state = 'sealed';
      reason = 'this instance no longer holds the trading lease';
    }
  };
  const guards: Partial<ExecutionClient> = {
    place: async (orders: readonly ExecOrder[], grouping) => {
      checkLease();
      if (state !== 'open')
        return orders.map((): PlaceResult => ({ status: 'rejected', reason: `not sent: ${reason}` }));
      return inner.place(orders, grouping);
    },
    modify: async (cloid: string, order: ExecOrder) => {
      checkLease();
      if (state !== 'open') throw refuse();
      return inner.modify(cloid, order);
    },
    cancel: async (orders) => {
      checkLease();
      if (state === 'sealed') throw refuse();
      return inner.cancel(orders);
    },
    cancelAll: async (coin) => {
      checkLease();
      if (state === 'sealed') throw refuse();
      return inner.cancelAll(coin);
    },
    setLeverage: async (coin, leverage, cross) => {
      checkLease();
      if (state !== 'open') throw refuse();
      return inner.setLeverage(coin, leverage, cross);
    },
    deadManSwitch: async (time) => {
      checkLease();
      if (state === 'sealed') return;
      if (time === null && holdDeadMan) return;
      return inner.deadManSwitch(time);
    },
  };
  const client = new Proxy(inner, {
    get(target, property, receiver) {
      if (typeof property === 'string' && property in guards) return guards[property as keyof ExecutionClient];
      const value: unknown = Reflect.get(target, property, receiver);
      return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value;
    },
  });
  return {
    client,
    get state() {
      return state;
    },
    blockOrders(why, options) {
      if (state !== 'open') return;
      state = 'no-new-orders';
      reason = why;
      holdDeadMan = options.holdDeadMan;
    },
    seal(why) {
      if (state !== 'sealed') reason = why;
      state = 'sealed';
    },
  };
}
