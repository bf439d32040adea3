import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { dirname } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { z } from 'zod';
import { RunLock } from '../../adapters/run-lock.ts';
import { ConfigurationError } from '../../shared/contract/errors.ts';
import { maxRenew, type FileLeaderConfig, type LeaderLog } from './leader-elector.ts';
import { LeaseCampaign, RecordWatch, leaseTiming, type Attempt } from './lease-campaign.ts';

/** The lease file's content. `holder` is empty once released. */
const LeaseFileSchema = z.object({
  holder: z.string(),
  /** Wall-clock epoch ms of the last renewal. */
  renewedAt: z.number(),
  /** The holder's lease: it promises to renew (or be gone) within this many ms. */
  leaseMs: z.number().int().positive(),
});

type LeaseFile = z.infer<typeof LeaseFileSchema>;

/** How often an attempt tries for the lock around the lease file before giving up this round. */
const LOCK_TRIES = 8;

/** Options beyond the config, for tests. */
export interface FileLeaderOptions {
  /** Identity in the lease file (default host/pid/random, unique per process start). */
  identity?: string;
}

/**
 * Leader election on a lease file shared by the instances on one machine. Each attempt runs
 * its read-check-write under an exclusive lock file (a {@link RunLock}: created by hard link,
 * so exactly one process holds it, and taken over only from a dead process), and writes the
 * lease by temp file + rename, so readers see the old or the new lease, never half of one. A
 * holder that stops renewing (kill -9) keeps the lease until its `leaseMs` has passed since
 * its last renewal on the wall clock and a standby has seen the file unchanged that long on
 * its monotonic clock.
 */
export class FileLeaderElector extends LeaseCampaign {
  private readonly path: string;
  private readonly lockPath: string;
  private readonly watch = new RecordWatch();
  private warnedHost = false;

  constructor(config: FileLeaderConfig, log: LeaderLog, options: FileLeaderOptions = {}) {
    if (config.renewMs > maxRenew(config.leaseMs)) {
      throw new ConfigurationError(
        `leader.renewMs: must be ≤ ${maxRenew(config.leaseMs)} (40% of leaseMs) so a leader gets two renewal attempts before it steps down`,
      );
    }
    // Random part: a restarted process may get a dead holder's pid (always 1 in a container)
    // and must not mistake that holder's lease for its own.
    const identity = options.identity ?? `${hostname()}/${process.pid}/${randomBytes(3).toString('hex')}`;
    super(identity, leaseTiming(config.leaseMs, config.renewMs), log);
    this.path = config.path;
    this.lockPath = `${config.path}.lock`;
  }

  protected get what(): string {
    return `lease file ${this.path}`;
  }

  protected async attempt(): Promise<Attempt> {
    mkdirSync(dirname(this.path), { recursive: true });
    return this.locked((read) => {
      const now = Date.now();
      const holder = read.lease?.holder ?? '';
      if (read.lease !== null && holder !== '' && holder !== this.identity) {
        this.checkHost(holder);
        const unchangedMs = this.watch.observe(read.raw);
        const wallExpired = now >= read.lease.renewedAt + read.lease.leaseMs;
        if (!(wallExpired && unchangedMs >= read.lease.leaseMs)) return { kind: 'standby', holder };
        this.log('warn', `${holder} stopped renewing ${this.what}; taking it over`);
      } else if (read.lease === null && read.raw !== '') {
        // Not ours to make sense of: treat it as held by someone unknown until it sits still a lease long.
        const unchangedMs = this.watch.observe(read.raw);
        if (unchangedMs < this.timing.leaseMs) return { kind: 'standby', holder: 'an unreadable lease file' };
        this.log('warn', `${this.what} is unreadable and has not changed for ${this.timing.leaseMs} ms; replacing it`);
      }
      this.write({ holder: this.identity, renewedAt: now, leaseMs: this.timing.leaseMs });
      return { kind: 'held' };
    });
  }

  protected async release(): Promise<boolean> {
    const result = await this.locked((read) => {
      if (read.lease?.holder !== this.identity) return { kind: 'standby', holder: read.lease?.holder ?? '' };
      this.write({ holder: '', renewedAt: Date.now(), leaseMs: this.timing.leaseMs });
      return { kind: 'held' };
    });
    if (result.kind === 'failed') throw new Error(result.error);
    return result.kind === 'held';
  }

  /**
   * Warns (once) when the lease names a holder on another host: the lock around the lease file
   * tells a live owner from a dead one by process id, which means nothing across machines or
   * containers (each has its own pids), so a lock could be taken from a live process there.
   */
  private checkHost(holder: string): void {
    const host = /^(.+)\/\d+\/[0-9a-f]{6}$/.exec(holder)?.[1];
    if (this.warnedHost || host === undefined || host === hostname()) return;
    this.warnedHost = true;
    this.log(
      'warn',
      `${this.what} is shared with ${host}, another host or container: file leases are only safe between processes on one machine; use leader.kind: kubernetes across machines`,
    );
  }

  /** Runs `decide` on the current lease while holding the lock (all synchronous in between). */
  private async locked(decide: (read: { lease: LeaseFile | null; raw: string }) => Attempt): Promise<Attempt> {
    for (let tries = 1; ; tries++) {
      let lock: RunLock;
      try {
        lock = RunLock.acquire(this.lockPath, 'leader election');
      } catch (error) {
        if (!(error instanceof ConfigurationError)) throw error;
        // Another process is between its read and its rename: a millisecond's work.
        if (tries >= LOCK_TRIES) return { kind: 'failed', error: `${this.lockPath} stayed locked` };
        await sleep(5 + Math.random() * 20);
        continue;
      }
      try {
        return decide(this.read());
      } finally {
        lock.release();
      }
    }
  }

  private read(): { lease: LeaseFile | null; raw: string } {
    let raw: string;
    try {
      raw = readFileSync(this.path, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { lease: null, raw: '' };
      throw error;
    }
    try {
      const lease = LeaseFileSchema.safeParse(JSON.parse(raw));
      return { lease: lease.success ? lease.data : null, raw: raw || ' ' };
    } catch {
      return { lease: null, raw: raw || ' ' };
    }
  }

  private write(lease: LeaseFile): void {
    const temp = `${this.path}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
    try {
      writeFileSync(temp, `${JSON.stringify(lease)}\n`, { mode: 0o644 });
      renameSync(temp, this.path);
    } catch (error) {
      rmSync(temp, { force: true });
      throw error;
    }
  }
}
