import { describe, expect, it } from 'vitest';
import { MessageBus } from '../../../src/engine/kernel/message-bus.ts';

type Msg = { event: 'A'; n: number } | { event: 'B'; n: number };

describe('MessageBus', () => {
  it('delivers in publish order, handlers in subscription order, typed handlers before catch-alls', () => {
    const bus = new MessageBus<Msg>();
    const log: string[] = [];
    bus.subscribeAll((m) => log.push(`all:${m.event}${m.n}`));
    bus.subscribe('A', (m) => log.push(`a1:${m.n}`));
    bus.subscribe('A', (m) => log.push(`a2:${m.n}`));
    bus.subscribe('B', (m) => log.push(`b:${m.n}`));
    bus.publish({ event: 'A', n: 1 });
    bus.publish({ event: 'B', n: 2 });
    expect(log).toEqual(['a1:1', 'a2:1', 'all:A1', 'b:2', 'all:B2']);
  });

  it('queues messages published from a handler until the current one reached everyone', () => {
    const bus = new MessageBus<Msg>();
    const log: string[] = [];
    bus.subscribe('A', (m) => {
      log.push(`a-first:${m.n}`);
      if (m.n === 1) bus.publish({ event: 'B', n: 2 });
    });
    bus.subscribe('A', (m) => log.push(`a-second:${m.n}`));
    bus.subscribe('B', (m) => log.push(`b:${m.n}`));
    bus.publish({ event: 'A', n: 1 });
    expect(log).toEqual(['a-first:1', 'a-second:1', 'b:2']);
  });

  it('freezes messages so no handler can change what the next one sees', () => {
    const bus = new MessageBus<Msg>();
    const seen: number[] = [];
    bus.subscribe('A', (m) => {
      try {
        (m as { n: number }).n = 99;
      } catch {
        // strict mode: writing a frozen property throws
      }
    });
    bus.subscribe('A', (m) => seen.push(m.n));
    bus.publish({ event: 'A', n: 1 });
    expect(seen).toEqual([1]);
  });

  it('unsubscribes, and lets a throwing handler propagate (a broken invariant) without wedging the bus', () => {
    const bus = new MessageBus<Msg>();
    const seen: number[] = [];
    const off = bus.subscribe('A', (m) => seen.push(m.n));
    bus.publish({ event: 'A', n: 1 });
    off();
    bus.publish({ event: 'A', n: 2 });
    expect(seen).toEqual([1]);

    const offBoom = bus.subscribe('B', () => {
      throw new Error('invariant broken');
    });
    expect(() => bus.publish({ event: 'B', n: 3 })).toThrow('invariant broken');
    offBoom();
    const after: number[] = [];
    bus.subscribe('B', (m) => after.push(m.n));
    bus.publish({ event: 'B', n: 4 });
    expect(after).toEqual([4]);
  });
});
