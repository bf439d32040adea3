import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { LeaderConfig } from '../../../src/server/leader/leader-elector.ts';
import { leads, spawnLeader, type LeaderProcess } from '../../helpers/leader-process.ts';

const LEASE_MS = 600;
const RENEW_MS = 100;
// Scheduling slack for upper bounds on a busy machine (lower bounds get none: they are the guarantee).
const SLACK_MS = 1000;

let dir: string;
let config: LeaderConfig;
const children: LeaderProcess[] = [];

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'file-leader-'));
  config = { kind: 'file', path: join(dir, 'leader.lease'), leaseMs: LEASE_MS, renewMs: RENEW_MS };
});

afterEach(async () => {
  for (const child of children.splice(0)) {
    child.process.kill('SIGKILL');
    await child.exited;
  }
  rmSync(dir, { recursive: true, force: true });
});

function start(): LeaderProcess {
  const child = spawnLeader(config);
  children.push(child);
  return child;
}

const leaseFile = () =>
  JSON.parse(readFileSync(join(dir, 'leader.lease'), 'utf8')) as { holder: string; renewedAt: number; leaseMs: number };

/** [from, to) intervals during which `child` led, from its own timestamps. */
function leadership(child: LeaderProcess, until: number): [number, number][] {
  const spans: [number, number][] = [];
  let from: number | null = null;
  for (const event of child.events) {
    if (leads(event) && from === null) from = event.at;
    if (event.event === 'leader' && event.leader === false && from !== null) {
      spans.push([from, event.at]);
      from = null;
    }
  }
  if (from !== null) spans.push([from, until]);
  return spans;
}

describe('file lease leader election across processes', () => {
  it('lets exactly one of two processes started together lead', async () => {
    const a = start();
    const b = start();
    const [startA, startB] = await Promise.all([
      a.next((e) => e.event === 'started'),
      b.next((e) => e.event === 'started'),
    ]);
    expect([startA.leader, startB.leader].filter(Boolean)).toHaveLength(1);
    await new Promise((resolve) => setTimeout(resolve, 1500));

    // Still one leader, the same one, named in the lease file and renewed recently.
    const leader = startA.leader ? startA : startB;
    const [leaderProcess, standby] = startA.leader ? [a, b] : [b, a];
    expect(leaderProcess.events.filter((e) => e.event === 'leader').map((e) => e.leader)).toEqual([true]);
    expect(standby.events.filter((e) => e.event === 'leader')).toEqual([]);
    const lease = leaseFile();
    expect(lease.holder).toBe(leader.identity);
    expect(lease.leaseMs).toBe(LEASE_MS);
    expect(Date.now() - lease.renewedAt).toBeLessThan(RENEW_MS + SLACK_MS);
  });

  it('hands over from a leader killed with SIGKILL only after leaseMs, not before', async () => {
    const a = start();
    await a.next(leads);
    const b = start();
    expect((await b.next((e) => e.event === 'started')).leader).toBe(false);
    await new Promise((resolve) => setTimeout(resolve, 300));

    a.process.kill('SIGKILL');
    await a.exited;
    const killed = Date.now();
    const last = leaseFile(); // the dead holder's last renewal, never released
    expect(last.holder).not.toBe('');
    const tookOver = await b.next(leads);

    expect(tookOver.at - last.renewedAt).toBeGreaterThanOrEqual(LEASE_MS);
    expect(tookOver.at - killed).toBeLessThan(LEASE_MS + RENEW_MS + SLACK_MS);
    expect(leaseFile().holder).not.toBe(last.holder);
  });

  it('hands over at once when the leader stops (SIGTERM), with no overlap', async () => {
    const a = start();
    await a.next(leads);
    const b = start();
    await b.next((e) => e.event === 'started');
    await new Promise((resolve) => setTimeout(resolve, 300));

    const stopping = Date.now();
    a.process.kill('SIGTERM');
    await a.next((e) => e.event === 'stopped');
    const tookOver = await b.next(leads);

    expect(tookOver.at - stopping).toBeLessThan(LEASE_MS);
    const [aSpans, bSpans] = [leadership(a, Date.now()), leadership(b, Date.now())];
    expect(aSpans).toHaveLength(1);
    expect(bSpans).toHaveLength(1);
    expect(aSpans[0]?.[1] ?? Infinity).toBeLessThanOrEqual(bSpans[0]?.[0] ?? 0);
  });
});
