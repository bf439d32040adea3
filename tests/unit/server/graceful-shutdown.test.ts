import { describe, expect, it, vi } from 'vitest';
import { runUntilSignalled } from '../../../src/server/shutdown/graceful-shutdown.ts';
import type { Logger } from '../../../src/server/logger.ts';

/*
 * In a container the server is PID 1, and the kernel ignores a signal PID 1 has no handler for:
 * a SIGTERM that comes while the server is still starting must be handled, not lost.
 */

const SIGNAL: NodeJS.Signals = 'SIGUSR2';

function quietLogger(): Logger & { lines: string[] } {
  const lines: string[] = [];
  const log = (message: string) => void lines.push(message);
  return { lines, debug: log, info: log, warn: log, error: log } as unknown as Logger & { lines: string[] };
}

function deferred<T>() {
  let resolve!: (value: T) => void;
  let reject!: (error: Error) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

describe('runUntilSignalled', () => {
  it('a signal during start-up stops what was started as soon as it is up', async () => {
    const before = process.listenerCount(SIGNAL);
    const startup = deferred<{ stop: () => Promise<void> }>();
    const stop = vi.fn(async () => undefined);
    const exit = vi.fn();
    const started = vi.fn();
    const logger = quietLogger();
    const running = runUntilSignalled(
      () => startup.promise,
      { graceMs: 5000, logger, exit, signals: [SIGNAL] },
      started,
    );
    expect(process.listenerCount(SIGNAL)).toBe(before + 1);
    process.emit(SIGNAL, SIGNAL);
    expect(stop).not.toHaveBeenCalled();
    startup.resolve({ stop });
    expect(await running).toBe(0);
    expect(started).toHaveBeenCalledTimes(1);
    expect(stop).toHaveBeenCalledTimes(1);
    expect(exit).not.toHaveBeenCalledWith(1);
    expect(process.listenerCount(SIGNAL)).toBe(before);
    expect(logger.lines.join('\n')).toContain(`${SIGNAL} received: stopping`);
  });

  it('a signal after start-up stops as before', async () => {
    const stop = vi.fn(async () => undefined);
    const running = runUntilSignalled(async () => ({ stop }), {
      graceMs: 5000,
      logger: quietLogger(),
      exit: vi.fn(),
      signals: [SIGNAL],
    });
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(stop).not.toHaveBeenCalled();
    process.emit(SIGNAL, SIGNAL);
    expect(await running).toBe(0);
    expect(stop).toHaveBeenCalledTimes(1);
  });

  it('a start-up that fails rethrows and leaves no handler behind', async () => {
    const before = process.listenerCount(SIGNAL);
    await expect(
      runUntilSignalled(
        async () => {
          throw new Error('config: server.port: 8787 is already in use');
        },
        { graceMs: 5000, logger: quietLogger(), exit: vi.fn(), signals: [SIGNAL] },
      ),
    ).rejects.toThrow(/already in use/);
    expect(process.listenerCount(SIGNAL)).toBe(before);
  });
});
