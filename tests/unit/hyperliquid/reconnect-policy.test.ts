import { describe, expect, it } from 'vitest';
import {
  afterFailedAttempt,
  HEALTHY,
  openHlSocket,
  reconnectDelay,
  reconnectPolicy,
  type ConnectionHealth,
  type ReconnectPolicy,
} from '../../../src/adapters/hyperliquid/hl-socket.ts';
import { ConfigurationError } from '../../../src/shared/contract/errors.ts';

const policy: ReconnectPolicy = { baseMs: 100, capMs: 3_000, breakerAfter: 4 };
const failing = (failures: number): ConnectionHealth => ({ failures, breakerOpen: false });

/** Seeded uniform [0, 1): the same sequence on every run. */
function seeded(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (Math.imul(state, 1_664_525) + 1_013_904_223) >>> 0;
    return state / 2 ** 32;
  };
}

describe('reconnectDelay', () => {
  it('doubles its ceiling per consecutive failure until the cap', () => {
    const top = (failures: number) => reconnectDelay(failing(failures), policy, () => 1);
    expect([0, 1, 2, 3, 4, 5, 6, 40, 2000].map(top)).toEqual([100, 200, 400, 800, 1600, 3000, 3000, 3000, 3000]);
  });

  it('is full jitter: zero at the bottom of the range, and spread over all of it', () => {
    expect(reconnectDelay(failing(3), policy, () => 0)).toBe(0);
    const random = seeded(7);
    const delays = Array.from({ length: 2000 }, () => reconnectDelay(failing(3), policy, random));
    expect(Math.min(...delays)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...delays)).toBeLessThanOrEqual(800);
    // Uniform over [0, 800]: every fifth of the range is hit, and the mean is near the middle.
    for (let fifth = 0; fifth < 5; fifth++) {
      expect(delays.some((d) => d >= fifth * 160 && d < (fifth + 1) * 160)).toBe(true);
    }
    const mean = delays.reduce((a, b) => a + b, 0) / delays.length;
    expect(mean).toBeGreaterThan(360);
    expect(mean).toBeLessThan(440);
  });

  it('never exceeds the cap, however long the outage', () => {
    const random = seeded(11);
    for (let failures = 0; failures < 200; failures++)
      expect(reconnectDelay(failing(failures), policy, random)).toBeLessThanOrEqual(policy.capMs);
  });

  it('is not changed by the breaker, which only reports', () => {
    const random = () => 0.5;
    expect(reconnectDelay({ failures: 2, breakerOpen: true }, policy, random)).toBe(
      reconnectDelay(failing(2), policy, random),
    );
  });

  it('with the default policy, is at the cap by the time the breaker opens', () => {
    const defaults = reconnectPolicy();
    let health = HEALTHY;
    while (!health.breakerOpen) health = afterFailedAttempt(health, defaults).health;
    expect(health.failures).toBe(5);
    expect(reconnectDelay(health, defaults, () => 1)).toBe(defaults.capMs);
  });
});

describe('the breaker', () => {
  it('opens on the Nth consecutive failed attempt, once, and stays open', () => {
    let health = HEALTHY;
    const tripped: boolean[] = [];
    for (let i = 0; i < 7; i++) {
      const step = afterFailedAttempt(health, policy);
      health = step.health;
      tripped.push(step.tripped);
    }
    expect(tripped).toEqual([false, false, false, true, false, false, false]);
    expect(health).toEqual({ failures: 7, breakerOpen: true });
  });

  it('counts again from zero after a connection opens (HEALTHY), and trips again', () => {
    let health: ConnectionHealth = { failures: 12, breakerOpen: true };
    health = HEALTHY; // what a successful open resets to
    const steps = [1, 2, 3, 4].map(() => {
      const step = afterFailedAttempt(health, policy);
      health = step.health;
      return step.tripped;
    });
    expect(steps).toEqual([false, false, false, true]);
  });

  it('with a threshold of 1 opens on the first failure', () => {
    expect(afterFailedAttempt(HEALTHY, { ...policy, breakerAfter: 1 }).tripped).toBe(true);
  });
});

describe('reconnectPolicy', () => {
  it('fills defaults: 500 ms base, 10 s cap, breaker after 5', () => {
    expect(reconnectPolicy()).toEqual({ baseMs: 500, capMs: 10_000, breakerAfter: 5 });
    expect(reconnectPolicy({ reconnectBaseMs: 20, reconnectCapMs: 40, breakerAfter: 3 })).toEqual({
      baseMs: 20,
      capMs: 40,
      breakerAfter: 3,
    });
  });

  it('refuses nonsense', () => {
    expect(() => reconnectPolicy({ reconnectBaseMs: 0 })).toThrow(ConfigurationError);
    expect(() => reconnectPolicy({ reconnectBaseMs: 100, reconnectCapMs: 50 })).toThrow(ConfigurationError);
    expect(() => reconnectPolicy({ reconnectCapMs: Number.POSITIVE_INFINITY })).toThrow(ConfigurationError);
    expect(() => reconnectPolicy({ breakerAfter: 0 })).toThrow(ConfigurationError);
    expect(() => reconnectPolicy({ breakerAfter: 2.5 })).toThrow(ConfigurationError);
  });
});

describe('openHlSocket', () => {
  it('refuses a keep-alive interval the venue would not tolerate (it drops idle connections at 60 s)', () => {
    const endpoints = { wsUrl: 'ws://127.0.0.1:9/ws', isTestnet: true };
    expect(() => openHlSocket({ endpoints, keepAliveMs: 60_000 })).toThrow(ConfigurationError);
    expect(() => openHlSocket({ endpoints, keepAliveMs: 0 })).toThrow(ConfigurationError);
  });
});
