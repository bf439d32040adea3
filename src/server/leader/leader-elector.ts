import { z } from 'zod';

/**
 * Share of the lease a leader keeps in reserve: it steps down once `lease × (1 − SAFETY_SHARE)`
 * has passed since it last started a renewal that succeeded, so it is gone well before anyone
 * may take its place (see docs/server.md, "Leader election").
 */
export const SAFETY_SHARE = 0.2;

/**
 * The longest renewal period for a lease: two renewal attempts must fit before the leader's
 * step-down point (`2 × renew ≤ lease × (1 − SAFETY_SHARE)`), so one failed request alone never
 * costs the leadership.
 */
export function maxRenew(lease: number): number {
  return Math.floor((lease * (1 - SAFETY_SHARE)) / 2);
}

/**
 * How this instance decides whether it may trade. Exactly one instance per account trades:
 * `file` for instances on one machine sharing a data folder, `kubernetes` for pods sharing a
 * `coordination.k8s.io/v1` Lease, `none` for a single instance that always leads.
 */
export const LeaderConfigSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('none') }).strict(),
  z
    .object({
      kind: z.literal('file'),
      /** Lease file, normally next to the database. */
      path: z.string().min(1),
      /** A holder that has not renewed for this long is presumed dead. */
      leaseMs: z.number().int().min(500).default(15_000),
      /** How often the holder renews (and a standby retries); well under `leaseMs`. */
      renewMs: z.number().int().min(100).default(5_000),
    })
    .strict()
    .superRefine((value, ctx) => {
      if (value.renewMs > maxRenew(value.leaseMs)) {
        ctx.addIssue({
          code: 'custom',
          path: ['renewMs'],
          message: `must be ≤ ${maxRenew(value.leaseMs)} (40% of leaseMs) so a leader gets two renewal attempts before it steps down`,
        });
      }
    }),
  z
    .object({
      kind: z.literal('kubernetes'),
      /** API server; in a pod, from KUBERNETES_SERVICE_HOST/PORT when left out. */
      apiUrl: z.string().url().optional(),
      namespace: z.string().min(1),
      /** Lease name, one per traded account. */
      name: z.string().min(1),
      /**
       * This pod's identity (its name, from the downward API); unique among the candidates. A
       * Lease naming it that this process did not write (a restarted container, or a second pod
       * given the same name) is waited out like any other holder's, never renewed at once.
       */
      identity: z.string().min(1),
      /** `leaseDurationSeconds` written into the Lease: how long a silent holder is presumed alive. */
      leaseSeconds: z.number().int().min(1).default(15),
      /** How often the holder renews (and a standby retries); well under `leaseSeconds`. */
      renewSeconds: z.number().int().min(1).default(5),
      /** Service account token (re-read on every request: it rotates) and cluster CA, as mounted in every pod. */
      tokenPath: z.string().default('/var/run/secrets/kubernetes.io/serviceaccount/token'),
      caPath: z.string().default('/var/run/secrets/kubernetes.io/serviceaccount/ca.crt'),
    })
    .strict()
    .superRefine((value, ctx) => {
      if (value.renewSeconds * 1000 > maxRenew(value.leaseSeconds * 1000)) {
        ctx.addIssue({
          code: 'custom',
          path: ['renewSeconds'],
          message: `must be ≤ 40% of leaseSeconds (${value.leaseSeconds}) so a leader gets two renewal attempts before it steps down`,
        });
      }
    }),
]);

/** See {@link LeaderConfigSchema}. */
export type LeaderConfig = z.infer<typeof LeaderConfigSchema>;

/** The `file` variant of {@link LeaderConfig}. */
export type FileLeaderConfig = Extract<LeaderConfig, { kind: 'file' }>;

/** The `kubernetes` variant of {@link LeaderConfig}. */
export type KubernetesLeaderConfig = Extract<LeaderConfig, { kind: 'kubernetes' }>;

/** Where electors report what they do; messages never hold credentials. */
export type LeaderLog = (level: 'info' | 'warn' | 'error', msg: string) => void;

/**
 * Leader election for singleton trading. A standby keeps trying and takes over only once the
 * holder's lease has expired; a leader that fails to renew before its lease runs out steps
 * down (and says so) rather than risk two traders.
 *
 * Check {@link LeaderElector.isLeader} right before every trading action: it compares against
 * the monotonic clock, so it turns false at the step-down point even when a busy event loop
 * delays the `onChange(false)` notification.
 */
export interface LeaderElector {
  /** Who this instance is in the lease. */
  readonly identity: string;
  /** Whether this instance holds the lease now. */
  isLeader(): boolean;
  /** Calls `listener` on every change of leadership; returns the unsubscribe function. */
  onChange(listener: (leader: boolean) => void): () => void;
  /** Starts campaigning (resolves once the first attempt is done, leader or not). */
  start(): Promise<void>;
  /**
   * Stops campaigning and releases the lease if held, so a standby can take over at once.
   * Listeners hear `false` before the lease is released; stop trading before calling this.
   */
  stop(): Promise<void>;
}
