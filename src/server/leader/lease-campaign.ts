import { performance } from 'node:perf_hooks';
import { SAFETY_SHARE, type LeaderElector, type LeaderLog } from './leader-elector.ts';

/** Monotonic milliseconds: wall-clock steps (NTP, a user changing the time) never move it. */
export const monotonicNow = (): number => performance.now();

/**
 * How soon a leader whose renewal failed tries again, as a share of `renewMs`: waiting the whole
 * period after a request that hung until its timeout would leave no room for a second try
 * before the step-down point.
 */
const FAILED_RENEWAL_RETRY_SHARE = 0.25;

/** Lease timing in milliseconds. */
export interface LeaseTiming {
  /** How long a silent holder is presumed alive. */
  leaseMs: number;
  /** Renewal (and standby retry) period. */
  renewMs: number;
  /** The leader steps down `leaseMs − marginMs` after it started its last successful renewal. */
  marginMs: number;
}

/** Timing for a lease of `leaseMs` renewed every `renewMs`, with the standard safety margin. */
export function leaseTiming(leaseMs: number, renewMs: number): LeaseTiming {
  return { leaseMs, renewMs, marginMs: Math.ceil(leaseMs * SAFETY_SHARE) };
}

/** What one attempt at the lease found. */
export type Attempt =
  /** This instance holds the lease: the write that says so has been confirmed. */
  | { kind: 'held' }
  /** Someone else holds the lease. */
  | { kind: 'standby'; holder: string }
  /** The state of the lease could not be learned or changed (API down, lock busy...). */
  | { kind: 'failed'; error: string };

/**
 * Remembers since when (monotonic) a lease record has been seen unchanged. A standby takes a
 * held lease only after watching it sit still for a whole lease on its own clock, as client-go
 * does, so the holder's wall clock, however wrong, can never make it take over early.
 */
export class RecordWatch {
  private key: string | null = null;
  private since = 0;

  /** Records that `key` was just read; returns how long (ms) it has been seen unchanged. */
  observe(key: string): number {
    const now = monotonicNow();
    if (key !== this.key) {
      this.key = key;
      this.since = now;
    }
    return now - this.since;
  }
}

/**
 * The campaign loop shared by the lease electors: attempt, then sleep `renewMs`, forever.
 * Leadership lasts from a confirmed write until `startedAt + leaseMs − marginMs`, where
 * `startedAt` is the monotonic time the attempt began (before its first request, so before the
 * write reached the store): every standby reads that write no earlier, and waits a full lease
 * from that reading, so the leader is gone `marginMs` before anyone may take over. The same
 * deadline is also kept on the wall clock, because the monotonic clock stands still while the
 * machine is suspended (a laptop asleep, a hibernated VM) while a standby elsewhere keeps
 * counting: whichever clock reaches the deadline first ends the leadership.
 */
export abstract class LeaseCampaign implements LeaderElector {
  readonly identity: string;
  protected readonly timing: LeaseTiming;
  protected readonly log: LeaderLog;
  private leader = false;
  /** Monotonic step-down point. */
  private deadline = 0;
  /** The same point on the wall clock (see the class comment). */
  private wallDeadline = 0;
  private readonly listeners = new Set<(leader: boolean) => void>();
  private stepDownTimer: NodeJS.Timeout | undefined;
  private sleeping: { timer: NodeJS.Timeout; wake: () => void } | undefined;
  private loop: Promise<void> | undefined;
  private stopping: Promise<void> | undefined;
  private readonly abort = new AbortController();
  private lastHolder: string | null = null;
  private lastError: string | null = null;

  protected constructor(identity: string, timing: LeaseTiming, log: LeaderLog) {
    this.identity = identity;
    this.timing = timing;
    this.log = log;
  }

  /** One read-decide-write round on the lease. `signal` aborts when the elector stops. */
  protected abstract attempt(signal: AbortSignal): Promise<Attempt>;

  /** Hands the lease over if this instance holds it; true when it did. */
  protected abstract release(): Promise<boolean>;

  /** The lease, for log lines ("Lease ns/name", "lease file /path"). */
  protected abstract get what(): string;

  isLeader(): boolean {
    return this.leader && monotonicNow() < this.deadline && Date.now() < this.wallDeadline;
  }

  onChange(listener: (leader: boolean) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  async start(): Promise<void> {
    if (this.loop || this.stopping) throw new Error(`leader election on ${this.what} was already started or stopped`);
    let firstDone!: () => void;
    const first = new Promise<void>((resolve) => (firstDone = resolve));
    this.loop = this.run(firstDone);
    await first;
  }

  stop(): Promise<void> {
    this.stopping ??= this.shutdown();
    return this.stopping;
  }

  private async shutdown(): Promise<void> {
    this.abort.abort();
    if (!this.loop) return;
    if (this.sleeping) {
      clearTimeout(this.sleeping.timer);
      this.sleeping.wake();
    }
    await this.loop;
    // Trading stops (listeners hear false) before anyone else may start.
    if (this.leader) this.setLeader(false, 'info', `stepping down from ${this.what}: stopping`);
    clearTimeout(this.stepDownTimer);
    try {
      if (await this.release()) this.log('info', `released ${this.what} so a standby can take over at once`);
    } catch (error) {
      this.log('warn', `could not release ${this.what} (${messageOf(error)}); a standby takes over once it expires`);
    }
  }

  private async run(firstDone: () => void): Promise<void> {
    try {
      await this.campaign(firstDone);
    } catch (error) {
      // A bug, not an outage (attempt errors are caught): do not trade on without a campaign.
      this.log('error', `leader election on ${this.what} stopped: ${messageOf(error)}`);
      this.stepDown('leader election stopped');
    } finally {
      firstDone();
    }
  }

  private async campaign(firstDone: () => void): Promise<void> {
    while (!this.abort.signal.aborted) {
      // Timers count on the monotonic clock only: after a suspend, only the wall clock shows
      // that the deadline has passed, so check it before anything else.
      if (this.leader && !this.isLeader()) this.onDeadline();
      const startedAt = monotonicNow();
      const wallStartedAt = Date.now();
      let result: Attempt;
      try {
        result = await this.attempt(this.abort.signal);
      } catch (error) {
        result = { kind: 'failed', error: messageOf(error) };
      }
      if (this.abort.signal.aborted) return;
      // Applied before start() resolves, so isLeader() is already right when it does.
      this.apply(result, startedAt, wallStartedAt);
      firstDone();
      // Standbys spread their retries a little so they do not race each other in lockstep.
      const delay = this.leader
        ? result.kind === 'failed'
          ? this.timing.renewMs * FAILED_RENEWAL_RETRY_SHARE
          : this.timing.renewMs
        : this.timing.renewMs * (1 + Math.random() * 0.1);
      await new Promise<void>((wake) => {
        this.sleeping = { timer: setTimeout(wake, delay), wake };
      });
      this.sleeping = undefined;
    }
  }

  private apply(result: Attempt, startedAt: number, wallStartedAt: number): void {
    if (result.kind === 'held') {
      this.lastError = null;
      this.lastHolder = this.identity;
      const deadline = startedAt + this.timing.leaseMs - this.timing.marginMs;
      const wallDeadline = wallStartedAt + this.timing.leaseMs - this.timing.marginMs;
      if (monotonicNow() >= deadline || Date.now() >= wallDeadline) {
        // The confirmation came back after the point where we must be gone: it cannot count.
        const why = `the write to ${this.what} was confirmed too late to count`;
        if (this.leader) this.stepDown(why);
        else this.log('warn', `${why}; trying again`);
        return;
      }
      this.deadline = deadline;
      this.wallDeadline = wallDeadline;
      clearTimeout(this.stepDownTimer);
      this.stepDownTimer = setTimeout(() => this.onDeadline(), deadline - monotonicNow());
      if (!this.leader) this.setLeader(true, 'info', `${this.identity} is now the leader (${this.what})`);
      return;
    }
    if (result.kind === 'standby') {
      this.lastError = null;
      if (this.leader) {
        this.stepDown(`${result.holder} holds ${this.what} now`);
      } else if (result.holder !== this.lastHolder) {
        this.log('info', `standing by: ${result.holder} holds ${this.what}`);
      }
      this.lastHolder = result.holder;
      return;
    }
    if (this.leader) {
      const left = Math.max(0, Math.round(this.deadline - monotonicNow()));
      this.log(
        'warn',
        `could not renew ${this.what}: ${result.error} (stepping down in ${left} ms unless a renewal succeeds)`,
      );
    } else if (result.error !== this.lastError) {
      this.log('warn', `cannot reach ${this.what}: ${result.error}`);
    }
    this.lastError = result.error;
  }

  private onDeadline(): void {
    // A timer may fire a little early; the wall clock may have passed the deadline first.
    const early = Date.now() >= this.wallDeadline ? 0 : this.deadline - monotonicNow();
    if (early > 0) {
      this.stepDownTimer = setTimeout(() => this.onDeadline(), early);
      return;
    }
    if (this.leader) {
      this.stepDown(
        `could not renew ${this.what} for ${this.timing.leaseMs - this.timing.marginMs} ms; stepping down ` +
          `${this.timing.marginMs} ms before the lease expires so no other instance can trade at the same time`,
      );
    }
  }

  private stepDown(why: string): void {
    clearTimeout(this.stepDownTimer);
    this.deadline = 0;
    this.wallDeadline = 0;
    if (this.leader) this.setLeader(false, 'error', `${this.identity} is no longer the leader: ${why}`);
  }

  private setLeader(leader: boolean, level: 'info' | 'error', message: string): void {
    this.leader = leader;
    if (!leader) {
      this.deadline = 0;
      this.wallDeadline = 0;
    }
    this.log(level, message);
    for (const listener of [...this.listeners]) {
      try {
        listener(leader);
      } catch (error) {
        this.log('error', `a leadership listener failed: ${messageOf(error)}`);
      }
    }
  }
}

/** The message of anything thrown. */
export function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
