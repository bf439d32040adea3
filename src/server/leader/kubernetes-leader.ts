import { ConfigurationError } from '../../shared/contract/errors.ts';
import { maxRenew, type KubernetesLeaderConfig, type LeaderLog } from './leader-elector.ts';
import {
  CONFLICT,
  KubeLeaseClient,
  formatMicroTime,
  kubeApiUrl,
  parseMicroTime,
  type Lease,
  type LeaseSpec,
} from './kube-lease-client.ts';
import { LeaseCampaign, RecordWatch, leaseTiming, type Attempt } from './lease-campaign.ts';

/** Finer timing than the whole seconds of the config, for tests. */
export interface KubernetesLeaderTuning {
  /** Renewal period in ms (default `renewSeconds × 1000`). */
  renewMs?: number;
  /** Per-request timeout in ms (default half the renewal period, at least 1 s). */
  requestTimeoutMs?: number;
  /** Where KUBERNETES_SERVICE_HOST/PORT come from (default `process.env`). */
  env?: NodeJS.ProcessEnv;
}

/** Writes that lose a resourceVersion race are retried this often per attempt (after a re-read). */
const CONFLICT_RETRIES = 3;

/** How many writes of unknown outcome {@link KubernetesLeaderElector} remembers as its own. */
const MAX_UNCONFIRMED = 32;

/** The key {@link RecordWatch} watches while the Lease does not exist. */
const ABSENT = '\u0000absent';

/**
 * Leader election on a `coordination.k8s.io/v1` Lease, compatible with client-go's LeaseLock:
 * the holder writes `holderIdentity`, `renewTime` (MicroTime) and `leaseDurationSeconds`; a
 * standby takes the Lease over (incrementing `leaseTransitions`, setting `acquireTime`) once
 * the holder's `renewTime + leaseDurationSeconds` has passed on its wall clock AND it has seen
 * the Lease unchanged for `leaseDurationSeconds` on its monotonic clock; a released Lease
 * (empty holder) is taken at once. Every write carries the `resourceVersion` just read, so of
 * two instances racing for the same Lease the API server lets exactly one win (409 for the
 * other, which re-reads).
 *
 * Two more cases are treated like a silent holder, so that they too wait a whole lease:
 * - a Lease naming this identity that this process did not write (a restarted container with
 *   the same pod name, or two pods given the same identity by mistake): renewing it at once
 *   would let two processes lead under one name;
 * - a missing Lease, unless this instance leads: it may have been deleted while someone held
 *   it, and creating it at once would make a second leader next to the one still trading.
 */
export class KubernetesLeaderElector extends LeaseCampaign {
  private readonly client: KubeLeaseClient;
  private readonly leaseSeconds: number;
  private readonly watch = new RecordWatch();
  private readonly label: string;
  /**
   * The `renewTime`s (epoch ms, so that the server's formatting does not matter) of this
   * process's writes that may be in the Lease: the last confirmed one and any sent since whose
   * outcome is unknown (a timeout may hide a write that went through). A Lease naming this
   * identity counts as ours only with one of these.
   */
  private mine = new Set<number>();

  constructor(config: KubernetesLeaderConfig, log: LeaderLog, tuning: KubernetesLeaderTuning = {}) {
    const leaseMs = config.leaseSeconds * 1000;
    const renewMs = tuning.renewMs ?? config.renewSeconds * 1000;
    if (renewMs > maxRenew(leaseMs)) {
      throw new ConfigurationError(
        `leader.renewSeconds: must be ≤ 40% of leaseSeconds (${config.leaseSeconds}) so a leader gets two renewal attempts before it steps down`,
      );
    }
    super(config.identity, leaseTiming(leaseMs, renewMs), log);
    this.leaseSeconds = config.leaseSeconds;
    this.label = `Lease ${config.namespace}/${config.name}`;
    this.client = new KubeLeaseClient(
      {
        apiUrl: kubeApiUrl(config.apiUrl, tuning.env ?? process.env),
        tokenPath: config.tokenPath,
        caPath: config.caPath,
        // Half the period, so a request that hangs still leaves time for a retry before the
        // step-down point (see LeaseCampaign).
        timeoutMs: tuning.requestTimeoutMs ?? Math.max(1000, Math.floor(renewMs / 2)),
      },
      config.namespace,
      config.name,
    );
  }

  protected get what(): string {
    return this.label;
  }

  protected async attempt(signal: AbortSignal): Promise<Attempt> {
    for (let round = 0; round < CONFLICT_RETRIES; round++) {
      const lease = await this.client.get(signal);
      const now = Date.now();
      if (lease === null) {
        if (!this.isLeader()) {
          const absentMs = this.watch.observe(ABSENT);
          if (absentMs < this.timing.leaseMs) {
            return {
              kind: 'standby',
              holder: `nobody (the Lease does not exist; creating it once it has been missing for ${this.timing.leaseMs} ms)`,
            };
          }
        }
        const spec = this.spec(now, 0);
        if ((await this.write(spec, () => this.client.create(spec, signal))) !== CONFLICT) return { kind: 'held' };
        continue;
      }
      const spec = lease.spec;
      const holder = spec.holderIdentity ?? '';
      const transitions = spec.leaseTransitions ?? 0;
      let next: LeaseSpec;
      if (holder === this.identity && this.wroteIt(lease)) {
        const acquired = spec.acquireTime ?? formatMicroTime(now);
        next = { ...this.spec(now, transitions), acquireTime: acquired };
      } else if (holder === '') {
        next = this.spec(now, transitions + 1);
      } else {
        const someone = holder === this.identity ? `another process named ${holder}` : holder;
        if (holder === this.identity && this.isLeader()) {
          // Two processes are renewing under one name: both must stop until one of them has
          // the Lease to itself again.
          this.log('error', `${someone} renewed ${this.label}; identities must be unique per process`);
        }
        const unchangedMs = this.watch.observe(lease.metadata.resourceVersion);
        if (!expired(lease, now, unchangedMs, this.timing.leaseMs)) return { kind: 'standby', holder: someone };
        this.log('warn', `${someone} stopped renewing ${this.label}; taking it over`);
        next = this.spec(now, transitions + 1);
      }
      const updated = { ...lease, spec: { ...spec, ...next } };
      if ((await this.write(next, () => this.client.update(updated, signal))) !== CONFLICT) return { kind: 'held' };
      // Someone wrote the Lease since we read it: read again and decide again.
    }
    return { kind: 'failed', error: `the Lease kept changing under us (${CONFLICT_RETRIES} conflicts in a row)` };
  }

  /**
   * Sends a write of `spec`, keeping {@link mine} up to date: its renewTime is ours while its
   * outcome is unknown, the only one once confirmed, and dropped when refused.
   */
  private async write(spec: LeaseSpec, send: () => Promise<Lease | typeof CONFLICT>): Promise<Lease | typeof CONFLICT> {
    const renewed = parseMicroTime(spec.renewTime);
    this.mine.add(renewed);
    // Bounded through a long outage; forgetting an old unknown write only makes us wait a
    // lease before taking our own Lease back, as after a restart.
    if (this.mine.size > MAX_UNCONFIRMED) this.mine.delete(this.mine.values().next().value ?? renewed);
    // When send() throws, the write may or may not have gone through: its renewTime stays ours.
    const result = await send();
    if (result === CONFLICT) this.mine.delete(renewed);
    else this.mine = new Set([renewed]);
    return result;
  }

  /** Whether `lease` holds one of this process's writes (see {@link mine}). */
  private wroteIt(lease: Lease): boolean {
    return this.mine.has(parseMicroTime(lease.spec.renewTime ?? ''));
  }

  protected async release(): Promise<boolean> {
    const signal = AbortSignal.timeout(Math.max(2000, this.timing.renewMs));
    try {
      for (let round = 0; round < CONFLICT_RETRIES; round++) {
        const lease = await this.client.get(signal);
        if (lease === null || lease.spec.holderIdentity !== this.identity) return false;
        // Named after us but written by another process: not ours to hand over.
        if (!this.wroteIt(lease)) return false;
        // As client-go's ReleaseOnCancel: no holder, a 1 s lease renewed now, so that standbys
        // of any implementation (ours take an empty holder at once) may take over right away.
        const now = formatMicroTime(Date.now());
        const released = {
          ...lease,
          spec: {
            ...lease.spec,
            holderIdentity: '',
            leaseDurationSeconds: 1,
            acquireTime: now,
            renewTime: now,
            leaseTransitions: lease.spec.leaseTransitions ?? 0,
          },
        };
        if ((await this.client.update(released, signal)) !== CONFLICT) return true;
      }
      return false;
    } finally {
      this.client.close();
    }
  }

  /** A spec naming this instance, acquired and renewed `now`. */
  private spec(now: number, transitions: number): LeaseSpec {
    return {
      holderIdentity: this.identity,
      leaseDurationSeconds: this.leaseSeconds,
      acquireTime: formatMicroTime(now),
      renewTime: formatMicroTime(now),
      leaseTransitions: transitions,
    };
  }
}

/**
 * Whether the holder of `lease` is presumed gone. Both clocks must agree: the holder's
 * `renewTime + leaseDurationSeconds` has passed on our wall clock (the Lease contract), and we
 * have watched the Lease sit unchanged for that long on our monotonic clock, so a holder whose
 * clock runs behind ours (or a renewal we have not seen) can never make us take over early.
 */
function expired(lease: Lease, now: number, unchangedMs: number, ourLeaseMs: number): boolean {
  const durationMs = (lease.spec.leaseDurationSeconds ?? ourLeaseMs / 1000) * 1000;
  const renewed = parseMicroTime(lease.spec.renewTime ?? lease.spec.acquireTime ?? '');
  const wallExpired = Number.isNaN(renewed) || now >= renewed + durationMs;
  return wallExpired && unchangedMs >= durationMs;
}
