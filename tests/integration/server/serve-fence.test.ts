import { Decimal } from 'decimal.js';
import { describe, expect, it } from 'vitest';
import type { ExecOrder, ExecutionClient } from '../../../src/engine/execution/execution-client.ts';
import type { Logger } from '../../../src/server/logger.ts';
import { waitForShutdown } from '../../../src/server/shutdown/graceful-shutdown.ts';
import { fenceExecution } from '../../../src/server/trading/fenced-execution.ts';

/** A venue client that records what reaches it. */
function recordingClient(calls: string[]): ExecutionClient {
  const record =
    <T>(name: string, value: T) =>
    async (...args: unknown[]): Promise<T> => {
      calls.push(`${name}${args[0] === null ? '(null)' : ''}`);
      return value;
    };
  return {
    validate: () => undefined,
    sizeStep: () => new Decimal('0.001'),
    roundPrice: (_coin, price) => price,
    place: async (orders) => {
      calls.push('place');
      return orders.map(() => ({ status: 'resting', oid: 1 }) as const);
    },
    modify: record('modify', 2),
    cancel: record('cancel', [true]),
    cancelAll: record('cancelAll', 1),
    orderByCloid: record('orderByCloid', null),
    openOrders: record('openOrders', []),
    fillsSince: record('fillsSince', []),
    account: record('account', { equity: new Decimal(100), positions: [] }),
    mark: record('mark', new Decimal(50_000)),
    setLeverage: record('setLeverage', undefined),
    deadManSwitch: record('deadManSwitch', undefined),
    subscribe: record('subscribe', { close: async () => undefined }),
    fundingSince: record('fundingSince', []),
  };
}

const ORDER: ExecOrder = {
  cloid: `0x${'ab'.repeat(16)}`,
  coin: 'BTC',
  side: 'buy',
  qty: new Decimal('0.01'),
  kind: 'market',
  limitPrice: null,
  triggerPrice: null,
  tif: 'ioc',
  reduceOnly: false,
};

describe('the fenced venue client of a serve trading session', () => {
  it('open: everything passes through', async () => {
    const calls: string[] = [];
    const fence = fenceExecution(recordingClient(calls));
    expect(await fence.client.place([ORDER])).toEqual([{ status: 'resting', oid: 1 }]);
    await fence.client.deadManSwitch(null);
    expect((await fence.client.account()).equity.toFixed()).toBe('100');
    expect(calls).toEqual(['place', 'deadManSwitch(null)', 'account']);
  });

  it('shutting down with keep: orders are refused as rejections, cancels pass, the dead-man switch stays armed', async () => {
    const calls: string[] = [];
    const fence = fenceExecution(recordingClient(calls));
    fence.blockOrders('the server is shutting down', { holdDeadMan: true });
    expect(await fence.client.place([ORDER, ORDER])).toEqual([
      { status: 'rejected', reason: 'not sent: the server is shutting down' },
      { status: 'rejected', reason: 'not sent: the server is shutting down' },
    ]);
    await expect(fence.client.modify(ORDER.cloid, ORDER)).rejects.toThrow('not sent: the server is shutting down');
    await expect(fence.client.setLeverage('BTC', 2, true)).rejects.toThrow('not sent');
    expect(await fence.client.cancel([{ coin: 'BTC', cloid: ORDER.cloid }])).toEqual([true]);
    // Removing the switch is skipped (its removal would keep orders alive with no one watching).
    await fence.client.deadManSwitch(null);
    expect(calls).toEqual(['cancel']);
  });

  it('shutting down with cancel: the dead-man switch is lifted normally', async () => {
    const calls: string[] = [];
    const fence = fenceExecution(recordingClient(calls));
    fence.blockOrders('the server is shutting down', { holdDeadMan: false });
    await fence.client.cancelAll('BTC');
    await fence.client.deadManSwitch(null);
    expect(calls).toEqual(['cancelAll', 'deadManSwitch(null)']);
  });

  it('leadership lost: nothing that changes the account goes out, reads still do', async () => {
    const calls: string[] = [];
    const fence = fenceExecution(recordingClient(calls));
    fence.seal('this instance lost the trading lease');
    expect(fence.state).toBe('sealed');
    expect((await fence.client.place([ORDER]))[0]).toMatchObject({ status: 'rejected' });
    await expect(fence.client.cancel([{ coin: 'BTC', cloid: ORDER.cloid }])).rejects.toThrow('lost the trading lease');
    await expect(fence.client.cancelAll('BTC')).rejects.toThrow('lost the trading lease');
    await fence.client.deadManSwitch(Date.now() + 60_000);
    await fence.client.deadManSwitch(null);
    await fence.client.openOrders();
    expect(calls).toEqual(['openOrders']);
    // A fence never reopens.
    fence.blockOrders('later', { holdDeadMan: false });
    expect(fence.state).toBe('sealed');
  });

  it('asks the lease before each change: a lease lost without notice seals the client at once', async () => {
    const calls: string[] = [];
    let leader = true;
    const fence = fenceExecution(recordingClient(calls), () => leader);
    await fence.client.place([ORDER]);
    expect(fence.state).toBe('open');
    // The lease ran out, and no one has told the session yet.
    leader = false;
    expect((await fence.client.place([ORDER]))[0]).toMatchObject({
      status: 'rejected',
      reason: 'not sent: this instance no longer holds the trading lease',
    });
    await expect(fence.client.cancelAll('BTC')).rejects.toThrow('no longer holds the trading lease');
    await fence.client.deadManSwitch(Date.now() + 60_000);
    expect(fence.state).toBe('sealed');
    // Winning the lease back does not reopen a sealed client: a new session starts instead.
    leader = true;
    expect((await fence.client.place([ORDER]))[0]).toMatchObject({ status: 'rejected' });
    expect(calls).toEqual(['place']);
  });
});

describe('graceful shutdown', () => {
  const lines: string[] = [];
  const logger: Logger = {
    info: (m) => lines.push(`info ${m}`),
    warn: (m) => lines.push(`warn ${m}`),
    error: (m) => lines.push(`error ${m}`),
  };

  it('stops once on the first signal, says so on the second, and resolves with 0', async () => {
    lines.length = 0;
    let stops = 0;
    const exits: number[] = [];
    const done = waitForShutdown({
      graceMs: 5000,
      logger,
      signals: ['SIGUSR2'],
      exit: (code) => exits.push(code),
      stop: async () => {
        stops += 1;
        await new Promise((resolve) => setTimeout(resolve, 50));
      },
    });
    process.emit('SIGUSR2', 'SIGUSR2');
    process.emit('SIGUSR2', 'SIGUSR2');
    expect(await done).toBe(0);
    expect(stops).toBe(1);
    expect(lines.some((l) => l.startsWith('warn SIGUSR2 received again'))).toBe(true);
    expect(exits).toEqual([]);
  });

  it('a stop that failed somewhere resolves with 1 and says why', async () => {
    lines.length = 0;
    const done = waitForShutdown({
      graceMs: 5000,
      logger,
      signals: ['SIGUSR2'],
      exit: () => undefined,
      stop: () => Promise.reject(new Error('lease did not stop cleanly')),
    });
    process.emit('SIGUSR2', 'SIGUSR2');
    expect(await done).toBe(1);
    expect(lines).toContain('error shutdown failed: lease did not stop cleanly');
  });

  it('past the grace period it exits with code 1 and a log line', async () => {
    lines.length = 0;
    const exits: number[] = [];
    void waitForShutdown({
      graceMs: 100,
      logger,
      signals: ['SIGUSR2'],
      exit: (code) => exits.push(code),
      stop: () => new Promise((resolve) => setTimeout(resolve, 400)),
    });
    process.emit('SIGUSR2', 'SIGUSR2');
    await new Promise((resolve) => setTimeout(resolve, 250));
    expect(exits).toEqual([1]);
    expect(lines).toContain('error shutdown did not finish within 100 ms; exiting now');
  });
});
