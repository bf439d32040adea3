import { describe, expect, it } from 'vitest';
import { shareRefresh, throttleCheck } from '../../../src/server/health/throttle.ts';

describe('throttleCheck (the /readyz store probe)', () => {
  it('runs the check at most once per interval and repeats its last outcome in between', () => {
    let t = 0;
    let runs = 0;
    let failing = false;
    const check = throttleCheck(
      () => {
        runs += 1;
        if (failing) throw new Error('the data folder cannot be written (EROFS)');
      },
      1000,
      () => t,
    );
    for (let i = 0; i < 100; i++) check();
    expect(runs).toBe(1);
    failing = true;
    t = 999;
    expect(() => check()).not.toThrow();
    t = 1000;
    expect(() => check()).toThrow('EROFS');
    // The failure is remembered for the interval, not re-probed per request.
    failing = false;
    for (let i = 0; i < 50; i++) expect(() => check()).toThrow('EROFS');
    expect(runs).toBe(2);
    t = 2000;
    expect(() => check()).not.toThrow();
    expect(runs).toBe(3);
  });
});

describe('shareRefresh (the /metrics venue refresh)', () => {
  it('shares one run among concurrent scrapes and starts no other within the interval', async () => {
    let t = 0;
    let runs = 0;
    let finish: () => void = () => undefined;
    const refresh = shareRefresh(
      () => {
        runs += 1;
        return new Promise<void>((resolve) => (finish = resolve));
      },
      5000,
      () => t,
    );
    // A flood while the venue is slow: one request to the venue, every scrape waits on it.
    const scrapes = Array.from({ length: 200 }, () => refresh());
    expect(runs).toBe(1);
    t = 60_000;
    expect(refresh()).toBe(scrapes[0]);
    finish();
    await Promise.all(scrapes);
    // Settled at t = 60 s: nothing new before 65 s.
    t = 64_999;
    await refresh();
    expect(runs).toBe(1);
    t = 65_000;
    const next = refresh();
    expect(runs).toBe(2);
    finish();
    await next;
  });

  it('lets a failed run be retried after the interval, and reports the failure to its waiters', async () => {
    let t = 0;
    let runs = 0;
    const refresh = shareRefresh(
      () => {
        runs += 1;
        return Promise.reject(new Error('venue down'));
      },
      5000,
      () => t,
    );
    await expect(refresh()).rejects.toThrow('venue down');
    await expect(refresh()).resolves.toBeUndefined();
    t = 5000;
    await expect(refresh()).rejects.toThrow('venue down');
    expect(runs).toBe(2);
  });

  it('runs again at once after invalidate(), and does not count a run in flight then as fresh', async () => {
    const t = 0;
    let runs = 0;
    let finish: () => void = () => undefined;
    const refresh = shareRefresh(
      () => {
        runs += 1;
        return new Promise<void>((resolve) => (finish = resolve));
      },
      5000,
      () => t,
    );
    const first = refresh();
    finish();
    await first;
    refresh.invalidate();
    const second = refresh();
    expect(runs).toBe(2);
    // Invalidated while the second run is in flight: it may predate the change.
    refresh.invalidate();
    finish();
    await second;
    const third = refresh();
    expect(runs).toBe(3);
    finish();
    await third;
    // Nothing changed since: throttled again.
    await refresh();
    expect(runs).toBe(3);
  });
});
