import type { LeaderElector } from '../leader/leader-elector.ts';
import type { TradingStatus } from '../trading/leader-trading.ts';

/** One readiness check's verdict. */
export interface CheckResult {
  readonly ok: boolean;
  /** Why it fails (absent when it passes). */
  readonly message?: string;
}

/** The answer of `/readyz`. */
export interface Readiness {
  readonly ready: boolean;
  readonly checks: Readonly<Record<string, CheckResult>>;
  /** Names of the failing checks. */
  readonly failing: readonly string[];
}

/** What readiness looks at. */
export interface ReadinessSources {
  /** Throws when the store cannot be written. */
  readonly probeStore: () => void;
  readonly engineState: () => string;
  readonly elector: LeaderElector;
  /** Trading status, or null when serve runs without a trading section. */
  readonly trading: (() => TradingStatus) | null;
  readonly candleMarginMs: number;
}

const pass: CheckResult = { ok: true };
const fail = (message: string): CheckResult => ({ ok: false, message });

/**
 * Whether this instance should receive traffic and count as healthy trading: the store takes
 * writes, the engine worker runs, it holds the lease, and (when it trades) the venue is
 * connected and the last closed bar is no older than one interval plus the margin. Each
 * failing check is named with its reason.
 */
export function checkReadiness(sources: ReadinessSources): Readiness {
  const checks: Record<string, CheckResult> = {};
  try {
    sources.probeStore();
    checks.store = pass;
  } catch (error) {
    checks.store = fail((error as Error).message);
  }
  const engine = sources.engineState();
  checks.engine = engine === 'running' ? pass : fail(`the engine worker is ${engine}`);
  checks.leader = sources.elector.isLeader()
    ? pass
    : fail(`another instance holds the trading lease (this is ${sources.elector.identity})`);
  if (sources.trading) {
    const status = sources.trading();
    if (!status.running) {
      const why = sources.elector.isLeader() ? 'the trading session is not running yet' : 'standby: not trading';
      checks.venue = fail(why);
      checks.marketData = fail(why);
    } else {
      checks.venue = status.venueConnected ? pass : fail("the venue's connection is down (reconnecting)");
      const limit = (status.intervalMs + sources.candleMarginMs) / 1000;
      const lag = status.candleLagSeconds;
      checks.marketData =
        lag === null
          ? fail('no closed bar yet')
          : lag <= limit
            ? pass
            : fail(`the last closed bar closed ${Math.round(lag)} s ago (limit ${Math.round(limit)} s)`);
    }
  }
  const failing = Object.entries(checks)
    .filter(([, result]) => !result.ok)
    .map(([name]) => name);
  return { ready: failing.length === 0, checks, failing };
}
