/** A message on the bus: an immutable value discriminated by `event`. */
export interface BusMessage {
  readonly event: string;
}

type Handler<M> = (message: M) => void;

/**
 * Synchronous, single-threaded publish/subscribe. Delivery order is deterministic:
 * messages in publish order, handlers in subscription order. A message published from
 * inside a handler is queued and delivered after the current one has reached every
 * handler, so no handler sees messages out of order. A handler that throws is a broken
 * invariant: the error propagates and takes the engine host down, by design.
 */
export class MessageBus<M extends BusMessage> {
  private readonly byType = new Map<M['event'], Handler<M>[]>();
  private readonly all: Handler<M>[] = [];
  private readonly queue: M[] = [];
  private draining = false;

  /** Subscribes to one message type; returns the unsubscribe function. */
  subscribe<T extends M['event']>(event: T, handler: (message: Extract<M, { event: T }>) => void): () => void {
    const list = this.byType.get(event) ?? [];
    list.push(handler as Handler<M>);
    this.byType.set(event, list);
    return () => removeFrom(list, handler as Handler<M>);
  }

  /** Subscribes to every message; returns the unsubscribe function. */
  subscribeAll(handler: Handler<M>): () => void {
    this.all.push(handler);
    return () => removeFrom(this.all, handler);
  }

  /** Publishes a message (frozen, so no handler can change what the next one sees). */
  publish(message: M): void {
    this.queue.push(Object.freeze(message));
    if (this.draining) return;
    this.draining = true;
    try {
      for (let next = this.queue.shift(); next !== undefined; next = this.queue.shift()) {
        for (const handler of [...(this.byType.get(next.event) ?? [])]) handler(next);
        for (const handler of [...this.all]) handler(next);
      }
    } finally {
      this.draining = false;
      this.queue.length = 0;
    }
  }
}

function removeFrom<T>(list: T[], item: T): void {
  const index = list.indexOf(item);
  if (index >= 0) list.splice(index, 1);
}
