import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { formatMicroTime } from '../../../src/server/leader/kube-lease-client.ts';
import { KubernetesLeaderElector, type KubernetesLeaderTuning } from '../../../src/server/leader/kubernetes-leader.ts';
import { type KubernetesLeaderConfig } from '../../../src/server/leader/leader-elector.ts';
import { FakeKubeApi, makeTestCertificates } from '../../helpers/fake-kube-api.ts';
import { waitFor } from '../../helpers/wait-for.ts';
import { leads, spawnLeader } from '../../helpers/leader-process.ts';

// A 1 s lease renewed every 200 ms: the leader steps down 800 ms after it started its last
// successful renewal; a standby takes over no sooner than 1000 ms after it saw that renewal.
const LEASE_MS = 1000;
const RENEW_MS = 200;
const STEP_DOWN_MS = 800;
// Scheduling slack for upper bounds on a busy machine (lower bounds get none: they are the guarantee).
const SLACK_MS = 1000;

const NS = 'trading';
const NAME = 'acct-hyperdesk';

interface Candidate {
  elector: KubernetesLeaderElector;
  /** Leadership changes with Date.now() at each. */
  changes: { leader: boolean; at: number }[];
  /**
   * isLeader() polled every few ms: `before`/`after` are Date.now() around the call, so a true
   * answer proves leadership at some instant in between, however late the poll ran.
   */
  samples: { before: number; after: number; leader: boolean }[];
  logs: string[];
  token: string;
  tokenPath: string;
}

let dir: string;
let api: FakeKubeApi;
const started: Candidate[] = [];
let sampler: NodeJS.Timeout | undefined;

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'kube-leader-'));
  api = await new FakeKubeApi([]).listen();
  sampler = setInterval(() => {
    for (const c of started) {
      const before = Date.now();
      const leader = c.elector.isLeader();
      c.samples.push({ before, after: Date.now(), leader });
    }
  }, 5);
});

afterEach(async () => {
  clearInterval(sampler);
  for (const name of [...api.hung]) api.unhang(name);
  await Promise.all(started.splice(0).map((c) => c.elector.stop()));
  await api.close();
  rmSync(dir, { recursive: true, force: true });
});

/** A 1 s lease (whole seconds are the smallest the config takes); the renewal period comes as tuning. */
function config(
  identity: string,
  tokenPath: string,
  extra: Partial<KubernetesLeaderConfig> = {},
): KubernetesLeaderConfig {
  return {
    kind: 'kubernetes',
    apiUrl: api.url,
    namespace: NS,
    name: NAME,
    identity,
    leaseSeconds: LEASE_MS / 1000,
    renewSeconds: 1,
    tokenPath,
    caPath: join(dir, 'no-ca.crt'),
    ...extra,
  };
}

function candidate(
  identity: string,
  extra: Partial<KubernetesLeaderConfig> = {},
  tuning: KubernetesLeaderTuning = {},
): Candidate {
  const token = `token-${identity}-${Math.random().toString(36).slice(2, 12)}`;
  // Its own file even for a second candidate with the same identity.
  const tokenPath = join(dir, `${identity}-${started.length}.token`);
  writeFileSync(tokenPath, `${token}\n`);
  api.tokens.add(token);
  const logs: string[] = [];
  const changes: { leader: boolean; at: number }[] = [];
  const elector = new KubernetesLeaderElector(
    config(identity, tokenPath, extra),
    (level, msg) => logs.push(`${level}: ${msg}`),
    { renewMs: RENEW_MS, ...tuning },
  );
  elector.onChange((leader) => changes.push({ leader, at: Date.now() }));
  const made: Candidate = { elector, changes, samples: [], logs, token, tokenPath };
  started.push(made);
  return made;
}

/** Polls `candidates` for `ms` and returns the most leaders seen at once. */
async function mostLeaders(candidates: Candidate[], ms: number): Promise<number> {
  let most = 0;
  const end = Date.now() + ms;
  while (Date.now() < end) {
    most = Math.max(most, candidates.filter((c) => c.elector.isLeader()).length);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  return most;
}

/** When the last successful write with `token` reached the API (throws when there was none). */
function lastWriteBy(token: string): number {
  const at = api
    .writes()
    .filter((r) => r.token === token)
    .map((r) => r.at);
  if (at.length === 0) throw new Error('no successful write with that token');
  return Math.max(...at);
}

/** The latest instant `c` was seen leading (a lower bound of it), or -Infinity. */
const lastSeenLeading = (c: Candidate) => Math.max(...c.samples.filter((s) => s.leader).map((s) => s.before));

/** The first instant `c` was seen leading (an upper bound of it), or Infinity. */
const firstSeenLeading = (c: Candidate) => Math.min(...c.samples.filter((s) => s.leader).map((s) => s.after));

/** The first change of `c` to `leader`, waited for (the notification may come after isLeader() turns). */
const change = (c: Candidate, leader: boolean, what: string) =>
  waitFor(() => c.changes.find((x) => x.leader === leader), 5000, what).then((x) => x.at);

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A Lease released by an earlier leader: the first candidate takes it at once. */
const seedReleasedLease = () =>
  api.seed(NS, NAME, {
    holderIdentity: '',
    leaseDurationSeconds: 1,
    renewTime: formatMicroTime(Date.now()),
    leaseTransitions: 0,
  });

describe('Kubernetes Lease leader election', () => {
  it('creates a missing Lease only once it has been missing for a lease, and lets exactly one of two racing candidates lead', async () => {
    const a = candidate('pod-a', {}, { requestTimeoutMs: 10_000 });
    const b = candidate('pod-b', {}, { requestTimeoutMs: 10_000 });
    const startedAt = Date.now();
    await Promise.all([a.elector.start(), b.elector.start()]);
    // The Lease may have been deleted under a leader that still trades: nobody creates it yet.
    expect([a, b].filter((c) => c.elector.isLeader())).toHaveLength(0);
    expect(api.requests.filter((r) => r.method === 'POST')).toEqual([]);

    // Hold both candidates' reads until they may create it, then answer both "404" at once.
    api.hung.add(a.token);
    api.hung.add(b.token);
    await sleep(LEASE_MS + 200);
    api.holdReads(2);
    api.unhang(a.token);
    api.unhang(b.token);
    await waitFor(() => ([a, b].some((c) => c.elector.isLeader()) ? true : undefined), 5000, 'a leader');

    const posts = api.requests.filter((r) => r.method === 'POST').map((r) => r.status);
    expect(posts.sort()).toEqual([201, 409]);
    const leaders = [a, b].filter((c) => c.elector.isLeader());
    expect(leaders).toHaveLength(1);
    expect(Math.min(firstSeenLeading(a), firstSeenLeading(b)) - startedAt).toBeGreaterThanOrEqual(LEASE_MS);
    expect(await mostLeaders([a, b], 1500)).toBe(1);

    const lease = api.lease(NS, NAME);
    expect(lease?.spec.holderIdentity).toBe(leaders[0]?.elector.identity);
    expect(lease?.spec.leaseDurationSeconds).toBe(1);
    expect(lease?.spec.leaseTransitions).toBe(0);
    expect(String(lease?.spec.renewTime)).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$/);
    // Renewed every 200 ms: several PUTs by the leader in 1.5 s, none by the standby.
    const holderToken = leaders[0]?.token;
    const renewals = api.writes().filter((r) => r.method === 'PUT');
    expect(renewals.length).toBeGreaterThanOrEqual(4);
    expect(renewals.every((r) => r.token === holderToken)).toBe(true);
  });

  it('lets exactly one win the 409 race for a released Lease, and counts the transition', async () => {
    api.seed(NS, NAME, {
      holderIdentity: '',
      leaseDurationSeconds: 1,
      renewTime: '2026-01-01T00:00:00.000000Z',
      leaseTransitions: 7,
    });
    const a = candidate('pod-a');
    const b = candidate('pod-b');
    api.holdReads(2);
    await Promise.all([a.elector.start(), b.elector.start()]);

    const firstPuts = api.requests.filter((r) => r.method === 'PUT').slice(0, 2);
    expect(firstPuts.map((r) => r.status).sort()).toEqual([200, 409]);
    const winner = [a, b].find((c) => c.token === firstPuts.find((r) => r.status === 200)?.token);
    expect(winner?.elector.isLeader()).toBe(true);
    expect(await mostLeaders([a, b], 600)).toBe(1);
    expect(api.lease(NS, NAME)?.spec.leaseTransitions).toBe(8);
    expect(api.lease(NS, NAME)?.spec.holderIdentity).toBe(winner?.elector.identity);
  });

  it('hands over to the standby only after the lease expires when the leader stops renewing, and the leader has stepped down first', async () => {
    seedReleasedLease();
    const a = candidate('pod-a');
    await a.elector.start();
    expect(a.elector.isLeader()).toBe(true);
    const b = candidate('pod-b');
    await b.elector.start();
    expect(b.elector.isLeader()).toBe(false);
    await new Promise((resolve) => setTimeout(resolve, 300));

    api.hung.add(a.token); // pod-a is cut off: its requests get no answer
    const cut = Date.now();
    const tookOver = await change(b, true, 'the standby to lead');
    const steppedDown = await change(a, false, 'the leader to step down');
    const lastRenewal = lastWriteBy(a.token);

    // Safety, from isLeader() itself: pod-a never leads once a lease has passed since its last
    // renewal reached the API, and was last seen leading before pod-b was first seen leading.
    expect(lastSeenLeading(a) - lastRenewal).toBeLessThan(LEASE_MS);
    expect(lastSeenLeading(a)).toBeLessThan(firstSeenLeading(b));
    expect(tookOver - lastRenewal).toBeGreaterThanOrEqual(LEASE_MS);
    // The notification the trading fence acts on comes first too.
    expect(steppedDown).toBeLessThanOrEqual(tookOver);
    expect(tookOver - cut).toBeLessThan(LEASE_MS + RENEW_MS + SLACK_MS);
    expect(a.logs.some((l) => l.startsWith('error:') && l.includes('stepping down'))).toBe(true);
    expect(b.logs.some((l) => l.includes('pod-a stopped renewing'))).toBe(true);
    expect(api.lease(NS, NAME)?.spec.leaseTransitions).toBe(2);
    expect(await mostLeaders([a, b], 300)).toBe(1);
  });

  it('never takes over from a live holder whose clock runs 5 s behind', async () => {
    const ghostRenews = () =>
      api.seed(NS, NAME, {
        holderIdentity: 'skewed-pod',
        leaseDurationSeconds: 1,
        acquireTime: '2026-01-01T00:00:00.000000Z',
        renewTime: new Date(Date.now() - 5000).toISOString().replace('Z', '000Z'),
        leaseTransitions: 3,
      });
    ghostRenews();
    const timer = setInterval(ghostRenews, RENEW_MS);
    try {
      const b = candidate('pod-b');
      await b.elector.start();
      // By the wall clock the lease looks 4 s overdue at every read; b still waits, because it
      // sees the Lease change every 200 ms.
      await new Promise((resolve) => setTimeout(resolve, 3 * LEASE_MS));
      expect(b.changes).toEqual([]);
      expect(api.lease(NS, NAME)?.spec.holderIdentity).toBe('skewed-pod');
      expect(api.requests.filter((r) => r.token === b.token && r.method === 'PUT')).toEqual([]);
    } finally {
      clearInterval(timer);
    }
  });

  it('takes over a silent holder only after watching the Lease unchanged for a whole lease', async () => {
    api.seed(NS, NAME, {
      holderIdentity: 'gone-pod',
      leaseDurationSeconds: 1,
      renewTime: '2026-01-01T00:00:00.000000Z',
      leaseTransitions: 3,
    });
    const b = candidate('pod-b');
    const startedAt = Date.now();
    await b.elector.start();
    expect(b.elector.isLeader()).toBe(false);
    await waitFor(() => (b.elector.isLeader() ? true : undefined), 3000, 'takeover');
    expect((b.changes[0]?.at ?? 0) - startedAt).toBeGreaterThanOrEqual(LEASE_MS);
    expect(api.lease(NS, NAME)?.spec).toMatchObject({ holderIdentity: 'pod-b', leaseTransitions: 4 });
  });

  it('does not renew at once a Lease that names its identity but that another process wrote (a restart)', async () => {
    // The previous process of this pod died holding the Lease a moment ago, or is still alive.
    api.seed(NS, NAME, {
      holderIdentity: 'pod-a',
      leaseDurationSeconds: 1,
      renewTime: formatMicroTime(Date.now()),
      leaseTransitions: 2,
    });
    const a = candidate('pod-a');
    const startedAt = Date.now();
    await a.elector.start();
    expect(a.elector.isLeader()).toBe(false);
    const tookOver = await change(a, true, 'takeover');
    expect(firstSeenLeading(a) - startedAt).toBeGreaterThanOrEqual(LEASE_MS);
    expect(tookOver - startedAt).toBeGreaterThanOrEqual(LEASE_MS);
    expect(api.lease(NS, NAME)?.spec).toMatchObject({ holderIdentity: 'pod-a', leaseTransitions: 3 });
    expect(a.logs.some((l) => l.includes('another process named pod-a stopped renewing'))).toBe(true);
  });

  it('never lets two processes given the same identity lead together', async () => {
    const first = candidate('pod-a');
    const second = candidate('pod-a');
    await Promise.all([first.elector.start(), second.elector.start()]);
    await waitFor(() => ([first, second].some((c) => c.elector.isLeader()) ? true : undefined), 5000, 'a leader');
    expect(await mostLeaders([first, second], 2000)).toBe(1);
    // The same one throughout: the other one stands by, watching the Lease change.
    const leader = first.elector.isLeader() ? first : second;
    const other = leader === first ? second : first;
    expect(leader.changes.map((c) => c.leader)).toEqual([true]);
    expect(other.changes).toEqual([]);
    expect(api.requests.filter((r) => r.token === other.token && r.method === 'PUT' && r.status < 300)).toEqual([]);
  });

  it('does not let a standby recreate a deleted Lease while the leader still trades', async () => {
    seedReleasedLease();
    const a = candidate('pod-a');
    await a.elector.start();
    await change(a, true, 'pod-a to lead');
    const b = candidate('pod-b');
    await b.elector.start();
    await sleep(300);

    api.leases.delete(`${NS}/${NAME}`); // kubectl delete lease
    expect(await mostLeaders([a, b], 1500)).toBe(1);
    expect(a.elector.isLeader()).toBe(true);
    expect(b.changes).toEqual([]);
    // The leader put it back; the standby never wrote it.
    expect(api.lease(NS, NAME)?.spec.holderIdentity).toBe('pod-a');
    expect(api.requests.filter((r) => r.token === b.token && r.status < 300 && r.method !== 'GET')).toEqual([]);
  });

  it('lets a standby create a deleted Lease only after the cut-off leader has stepped down', async () => {
    seedReleasedLease();
    const a = candidate('pod-a');
    await a.elector.start();
    await change(a, true, 'pod-a to lead');
    const b = candidate('pod-b');
    await b.elector.start();
    await sleep(300);

    // The Lease is deleted while pod-a, which still trades, cannot reach the API.
    api.hung.add(a.token);
    api.leases.delete(`${NS}/${NAME}`);
    const deleted = Date.now();
    const tookOver = await change(b, true, 'pod-b to lead');
    expect(lastSeenLeading(a)).toBeLessThan(firstSeenLeading(b));
    expect(tookOver - deleted).toBeGreaterThanOrEqual(LEASE_MS);
    expect(api.lease(NS, NAME)?.spec.holderIdentity).toBe('pod-b');
  });

  it('keeps a token the server echoes out of its logs even when the message is cut short', async () => {
    const a = candidate('pod-a');
    api.failWith = 500;
    api.failPadding = 233; // the token starts 8 characters before the 300-character cut
    await a.elector.start();
    await sleep(300);
    expect(a.elector.isLeader()).toBe(false);
    const logs = a.logs.join('\n');
    expect(logs).toContain('HTTP 500');
    expect(logs).not.toContain(a.token.slice(0, 8));
  });

  it('steps down before the lease expires when the API fails, without logging the token, and leads again once it is back', async () => {
    seedReleasedLease();
    const a = candidate('pod-a');
    await a.elector.start();
    await new Promise((resolve) => setTimeout(resolve, 300));
    api.failWith = 500; // and the server echoes the Authorization header in its error
    const failedAt = Date.now();
    const steppedDown = await change(a, false, 'the leader to step down');
    const lastRenewal = lastWriteBy(a.token);

    // Safety: isLeader() turned false before the lease of its last renewal ran out.
    expect(a.elector.isLeader()).toBe(false);
    expect(lastSeenLeading(a) - lastRenewal).toBeLessThan(LEASE_MS);
    // Not at the first failed request: it kept leading and retried until its step-down point.
    const failures = api.requests.filter((r) => r.status === 500).map((r) => r.at);
    expect(failures.filter((at) => at < steppedDown).length).toBeGreaterThanOrEqual(2);
    expect(lastSeenLeading(a)).toBeGreaterThan(Math.min(...failures));
    expect(steppedDown - failedAt).toBeLessThan(STEP_DOWN_MS + SLACK_MS);
    expect(a.logs.some((l) => l.includes('HTTP 500'))).toBe(true);
    expect(a.logs.join('\n')).not.toContain(a.token);

    api.failWith = null;
    await waitFor(() => (a.elector.isLeader() ? true : undefined), 3000 + SLACK_MS, 'leading again');
    expect(a.changes.map((c) => c.leader)).toEqual([true, false, true]);
  });

  it('does not count a renewal the API confirms after the step-down point', async () => {
    seedReleasedLease();
    const a = candidate('pod-a', {}, { requestTimeoutMs: 10_000 });
    await a.elector.start();
    api.delayMs = 1200; // every answer arrives too late to extend the lease
    await change(a, false, 'the leader to step down');
    await new Promise((resolve) => setTimeout(resolve, 2000));
    expect(a.elector.isLeader()).toBe(false);
    expect(a.changes.map((c) => c.leader)).toEqual([true, false]);
    expect(a.logs.some((l) => l.includes('confirmed too late'))).toBe(true);
    api.delayMs = 0;
  });

  it('releases the Lease on stop() so the standby takes over at once', async () => {
    seedReleasedLease();
    const a = candidate('pod-a');
    await a.elector.start();
    const b = candidate('pod-b');
    await b.elector.start();
    await new Promise((resolve) => setTimeout(resolve, 300));

    const stopping = Date.now();
    await a.elector.stop();
    const release = api.writes().at(-1);
    expect(release?.holder).toBe('');
    expect(release?.token).toBe(a.token);
    // Trading stopped (listeners heard false) before the release reached the API.
    expect(a.changes.at(-1)?.leader).toBe(false);
    expect(a.changes.at(-1)?.at ?? Infinity).toBeLessThanOrEqual(release?.at ?? 0);

    const tookOver = await change(b, true, 'the standby to lead');
    expect(tookOver - stopping).toBeLessThan(LEASE_MS);
    expect(api.lease(NS, NAME)?.spec.holderIdentity).toBe('pod-b');
    expect(api.lease(NS, NAME)?.spec.leaseTransitions).toBe(2);
  });

  it('re-reads the rotated service account token for every request', async () => {
    seedReleasedLease();
    const a = candidate('pod-a');
    await a.elector.start();
    const rotated = `rotated-${a.token}`;
    writeFileSync(a.tokenPath, rotated);
    api.tokens.add(rotated);
    await sleep(100);
    api.tokens.delete(a.token); // the old token is revoked
    const revokedAt = Date.now();
    await sleep(800);

    expect(a.elector.isLeader()).toBe(true);
    expect(a.changes.map((c) => c.leader)).toEqual([true]);
    // A request that read the file just before the rotation may still arrive a little later
    // on a busy machine; everything from a while after the revocation carries the new token.
    const after = api.requests.filter((r) => r.at > revokedAt + 300);
    expect(after.length).toBeGreaterThan(2);
    expect(after.every((r) => r.token === rotated && r.status < 300)).toBe(true);
  });

  it('never leads with a refused token and keeps the token out of its logs', async () => {
    const a = candidate('pod-a');
    api.tokens.delete(a.token); // the server echoes the Authorization header in its 401
    await a.elector.start();
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(a.elector.isLeader()).toBe(false);
    expect(a.logs.some((l) => l.includes('HTTP 401') && l.includes('token was refused'))).toBe(true);
    expect(a.logs.join('\n')).not.toContain(a.token);
  });

  it('takes over from a leader pod killed with SIGKILL only after the lease expires', async () => {
    const a = candidate('pod-a'); // only for its token; the leader runs in a child process
    const child = spawnLeader(config('pod-x', a.tokenPath), { renewMs: RENEW_MS });
    try {
      await child.next(leads);
      const b = candidate('pod-b');
      await b.elector.start();
      expect(b.elector.isLeader()).toBe(false);
      await new Promise((resolve) => setTimeout(resolve, 300));
      child.process.kill('SIGKILL');
      const killed = Date.now();
      const tookOver = await change(b, true, 'the standby to lead');
      expect(tookOver - lastWriteBy(a.token)).toBeGreaterThanOrEqual(LEASE_MS);
      expect(tookOver - killed).toBeLessThan(LEASE_MS + RENEW_MS + SLACK_MS);
    } finally {
      child.process.kill('SIGKILL');
    }
  });
});

describe('Kubernetes Lease leader election over HTTPS', () => {
  const certificates = makeTestCertificates();

  it.skipIf(certificates === null)(
    'trusts the cluster CA from caPath, finds the API from KUBERNETES_SERVICE_HOST/PORT, and refuses another CA',
    async () => {
      if (!certificates) return;
      await api.close();
      api = await new FakeKubeApi([]).listen({ key: certificates.key, cert: certificates.cert });
      seedReleasedLease();
      const port = new URL(api.url).port;
      const env = { KUBERNETES_SERVICE_HOST: '127.0.0.1', KUBERNETES_SERVICE_PORT: port };
      const good = candidate('pod-a', { apiUrl: undefined, caPath: certificates.caPath }, { env });
      const wrong = candidate('pod-b', { caPath: certificates.otherCaPath });
      const missing = candidate('pod-c', { caPath: join(dir, 'absent.crt') });
      await Promise.all([good.elector.start(), wrong.elector.start(), missing.elector.start()]);

      expect(good.elector.isLeader()).toBe(true);
      expect(api.lease(NS, NAME)?.spec.holderIdentity).toBe('pod-a');
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(wrong.elector.isLeader()).toBe(false);
      // The wrong CA never got a request through (TLS failed before HTTP).
      expect(api.requests.some((r) => r.token === wrong.token)).toBe(false);
      expect(wrong.logs.some((l) => /certificate|self.signed|UNABLE_TO/i.test(l))).toBe(true);
      expect(missing.logs.some((l) => l.includes('cannot read the cluster CA'))).toBe(true);
    },
  );
});
