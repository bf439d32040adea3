import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { FileLeaderElector } from '../../../src/server/leader/file-leader.ts';
import type { FileLeaderConfig } from '../../../src/server/leader/leader-elector.ts';
import { ConfigurationError } from '../../../src/shared/contract/errors.ts';
import { waitFor } from '../../helpers/wait-for.ts';

const LEASE_MS = 500;
const RENEW_MS = 100;

let dir: string;
let config: FileLeaderConfig;
const electors: FileLeaderElector[] = [];
const logs: string[] = [];

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'file-leader-unit-'));
  config = { kind: 'file', path: join(dir, 'data', 'leader.lease'), leaseMs: LEASE_MS, renewMs: RENEW_MS };
  logs.length = 0;
});

afterEach(async () => {
  await Promise.all(electors.splice(0).map((e) => e.stop()));
  rmSync(dir, { recursive: true, force: true });
});

function elector(identity: string): FileLeaderElector {
  const made = new FileLeaderElector(config, (level, msg) => logs.push(`${level}: ${msg}`), { identity });
  electors.push(made);
  return made;
}

const lease = () =>
  JSON.parse(readFileSync(config.path, 'utf8')) as { holder: string; renewedAt: number; leaseMs: number };
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('FileLeaderElector', () => {
  it('creates the lease file (and its folder), renews it, and releases it on stop', async () => {
    const a = elector('a');
    await a.start();
    expect(a.isLeader()).toBe(true);
    const first = lease();
    expect(first).toMatchObject({ holder: 'a', leaseMs: LEASE_MS });
    await sleep(350);
    expect(lease().renewedAt).toBeGreaterThan(first.renewedAt);

    await a.stop();
    expect(a.isLeader()).toBe(false);
    expect(lease().holder).toBe('');
    expect(existsSync(`${config.path}.lock`)).toBe(false);
    // A released lease is taken at once by whoever comes next.
    const b = elector('b');
    await b.start();
    expect(b.isLeader()).toBe(true);
  });

  it('never has two leaders among five candidates hammering one file', async () => {
    const candidates = ['a', 'b', 'c', 'd', 'e'].map(elector);
    await Promise.all(candidates.map((c) => c.start()));
    let most = 0;
    let least = Infinity;
    for (let i = 0; i < 80; i++) {
      const count = candidates.filter((c) => c.isLeader()).length;
      most = Math.max(most, count);
      least = Math.min(least, count);
      await sleep(10);
    }
    expect(most).toBe(1);
    expect(least).toBe(1);
  });

  it('waits a whole lease on its own clock before taking a silent holder’s lease, even one whose renewal looks old', async () => {
    const a = elector('a');
    // A holder that (by the wall clock) renewed long ago: the clock may have jumped, so the
    // newcomer still watches the file unchanged for leaseMs before it believes it.
    mkdirSync(join(dir, 'data'), { recursive: true });
    writeFileSync(config.path, JSON.stringify({ holder: 'ghost', renewedAt: Date.now() - 60_000, leaseMs: LEASE_MS }));
    const startedAt = Date.now();
    await a.start();
    expect(a.isLeader()).toBe(false);
    await waitFor(() => (a.isLeader() ? true : undefined), 3000, 'takeover');
    expect(Date.now() - startedAt).toBeGreaterThanOrEqual(LEASE_MS);
    expect(lease().holder).toBe('a');
    expect(logs.some((l) => l.includes('ghost stopped renewing'))).toBe(true);
  });

  it('honours a live holder’s lease for as long as it renews', async () => {
    const a = elector('a');
    await a.start();
    const b = elector('b');
    await b.start();
    await sleep(3 * LEASE_MS);
    expect(a.isLeader()).toBe(true);
    expect(b.isLeader()).toBe(false);
    expect(logs.some((l) => l.includes('standing by: a holds'))).toBe(true);
  });

  it('replaces an unreadable lease file only after it sat unchanged for a lease', async () => {
    mkdirSync(join(dir, 'data'), { recursive: true });
    writeFileSync(config.path, 'not json');
    const a = elector('a');
    const startedAt = Date.now();
    await a.start();
    expect(a.isLeader()).toBe(false);
    await waitFor(() => (a.isLeader() ? true : undefined), 3000, 'takeover');
    expect(Date.now() - startedAt).toBeGreaterThanOrEqual(LEASE_MS);
    expect(lease().holder).toBe('a');
  });

  it('takes over a lock file left by a dead process, and waits while a live one holds it', async () => {
    mkdirSync(join(dir, 'data'), { recursive: true });
    const deadPid = spawnSync(process.execPath, ['-e', '']).pid;
    writeFileSync(`${config.path}.lock`, String(deadPid));
    const a = elector('a');
    await a.start();
    expect(a.isLeader()).toBe(true);
    await a.stop();

    writeFileSync(`${config.path}.lock`, String(process.ppid)); // held by a live process (our parent; our own pid without our token counts as stale)
    const b = elector('b');
    await b.start();
    expect(b.isLeader()).toBe(false);
    expect(logs.some((l) => l.includes('stayed locked'))).toBe(true);
    rmSync(`${config.path}.lock`);
    await waitFor(() => (b.isLeader() ? true : undefined), 2000, 'leading once the lock is gone');
  });

  it('steps down before its lease expires when it cannot renew', async () => {
    const a = elector('a');
    const changes: { leader: boolean; at: number }[] = [];
    a.onChange((leader) => changes.push({ leader, at: Date.now() }));
    await a.start();
    mkdirSync(join(dir, 'data'), { recursive: true });
    writeFileSync(`${config.path}.lock`, String(process.ppid)); // every renewal now finds the lock busy (a live other process)
    const renewed = lease().renewedAt;
    // isLeader() is the guarantee: a true answer proves leadership at an instant after
    // `before`, however late this poll runs on a busy machine.
    let lastSeenLeading = -Infinity;
    await waitFor(
      () => {
        const before = Date.now();
        if (a.isLeader()) lastSeenLeading = before;
        return changes.find((c) => !c.leader);
      },
      3000,
      'step-down',
    );
    expect(a.isLeader()).toBe(false);
    expect(lastSeenLeading).toBeGreaterThanOrEqual(renewed);
    expect(lastSeenLeading - renewed).toBeLessThan(LEASE_MS);
    expect(lease().renewedAt).toBe(renewed);
    expect(logs.some((l) => l.startsWith('error:') && l.includes('stepping down'))).toBe(true);
    rmSync(`${config.path}.lock`);
  });

  it('stops leading when the wall clock says its lease is over, though the monotonic clock stood still (a suspend)', async () => {
    const a = elector('a');
    await a.start();
    expect(a.isLeader()).toBe(true);
    const now = Date.now();
    // Resumed from a suspend: the wall clock moved on a lease, the monotonic clock did not.
    const clock = vi.spyOn(Date, 'now').mockReturnValue(now + LEASE_MS);
    try {
      expect(a.isLeader()).toBe(false);
    } finally {
      clock.mockRestore();
    }
  });

  it('warns that the file lease is unsafe when a holder on another host or container shares it', async () => {
    mkdirSync(join(dir, 'data'), { recursive: true });
    writeFileSync(
      config.path,
      JSON.stringify({ holder: 'other-host/1/abcdef', renewedAt: Date.now(), leaseMs: LEASE_MS }),
    );
    const a = elector('a');
    await a.start();
    expect(a.isLeader()).toBe(false);
    expect(logs.filter((l) => l.startsWith('warn:') && l.includes('shared with other-host'))).toHaveLength(1);
  });

  it('refuses a renewal period that leaves no room for a retry', () => {
    expect(() => new FileLeaderElector({ ...config, renewMs: 300 }, () => {})).toThrow(ConfigurationError);
    expect(() => new FileLeaderElector({ ...config, renewMs: 300 }, () => {})).toThrow(/leader\.renewMs/);
  });

  it('gives each process start its own identity', () => {
    const one = new FileLeaderElector(config, () => {});
    const two = new FileLeaderElector(config, () => {});
    expect(one.identity).toContain(`/${process.pid}/`);
    expect(one.identity).not.toBe(two.identity);
  });
});

describe('FileLeaderElector lifecycle', () => {
  it('does not hang when stopped before it started, and cannot be restarted', async () => {
    const dirNow = mkdtempSync(join(tmpdir(), 'file-leader-life-'));
    try {
      const e = new FileLeaderElector({ kind: 'file', path: join(dirNow, 'l'), leaseMs: 500, renewMs: 100 }, () => {});
      await e.stop();
      await expect(e.start()).rejects.toThrow(/already started or stopped/);
      expect(existsSync(join(dirNow, 'l'))).toBe(false);
    } finally {
      rmSync(dirNow, { recursive: true, force: true });
    }
  });
});
