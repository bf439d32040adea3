import type { TradeExplanation } from './trade-reasoner.ts';

/** How a group of trades went. */
export interface OutcomeFigures {
  readonly trades: number;
  readonly wins: number;
  readonly losses: number;
  /** Wins over trades, 0..1 (0 when there are none). */
  readonly winRate: number;
  /** Mean result in R over the trades that had a stop; null when none had. */
  readonly expectancyR: number | null;
  readonly totalR: number;
}

/** How the trades a rule took part in went, overall and per market phase. */
export interface RuleOutcome extends OutcomeFigures {
  readonly ruleId: string;
  readonly name: string;
  /** Keyed by cycle phase at entry (`unknown` when there was none yet). */
  readonly byPhase: Readonly<Record<string, OutcomeFigures>>;
}

/** Per-rule and whole-strategy figures. */
export interface OutcomeReport {
  readonly strategy: OutcomeFigures;
  readonly rules: readonly RuleOutcome[];
}

/**
 * Per-rule statistics from explained trades (backtest, replay, paper or live): every rule
 * that opened a trade (the entry rule and the filters that allowed it) is credited with its
 * result. A win is a trade with a positive net result.
 */
export function analyzeOutcomes(trades: readonly TradeExplanation[]): OutcomeReport {
  const all = new Tally();
  const rules = new Map<string, { name: string; tally: Tally; phases: Map<string, Tally> }>();
  for (const t of trades) {
    const r = t.trade.rMultiple;
    const win = Number(t.trade.pnl) > 0;
    all.add(win, r);
    for (const rule of t.entryRules) {
      let entry = rules.get(rule.id);
      if (!entry) {
        entry = { name: rule.name, tally: new Tally(), phases: new Map() };
        rules.set(rule.id, entry);
      }
      entry.tally.add(win, r);
      const phase = t.phase ?? 'unknown';
      let byPhase = entry.phases.get(phase);
      if (!byPhase) {
        byPhase = new Tally();
        entry.phases.set(phase, byPhase);
      }
      byPhase.add(win, r);
    }
  }
  return {
    strategy: all.figures(),
    rules: [...rules].map(([ruleId, e]) => ({
      ruleId,
      name: e.name,
      ...e.tally.figures(),
      byPhase: Object.fromEntries([...e.phases].map(([phase, tally]) => [phase, tally.figures()])),
    })),
  };
}

/** A proposed change of a rule's confidence, for the trader to approve. */
export interface ConfidenceSuggestion {
  readonly ruleId: string;
  readonly name: string;
  readonly current: number;
  readonly suggested: number;
  readonly trades: number;
  readonly winRate: number;
  readonly expectancyR: number | null;
  readonly reason: string;
}

/** Options of {@link suggestConfidence}. */
export interface ConfidenceOptions {
  /** No suggestion from fewer trades than this (default 20): small samples mislead. */
  readonly minTrades?: number;
  /** Weight of the current confidence, in trades (default 10). */
  readonly priorTrades?: number;
  /** Smallest change worth proposing (default 0.05). */
  readonly minChange?: number;
}

/**
 * A Bayesian update of each rule's confidence from its outcomes: the current confidence is
 * the mean of a Beta prior worth `priorTrades` trades; wins and losses update it; the
 * posterior mean is suggested when enough trades back it and it moved enough. Confidence here
 * is the chance a trade the rule takes is a winner.
 */
export function suggestConfidence(
  outcomes: readonly RuleOutcome[],
  current: ReadonlyMap<string, number>,
  options: ConfidenceOptions & {
    /** Each rule's prior (its extracted confidence); the current confidence when left out. */
    readonly priors?: ReadonlyMap<string, number>;
  } = {},
): ConfidenceSuggestion[] {
  const priors = options.priors ?? current;
  const minTrades = options.minTrades ?? 20;
  const k = options.priorTrades ?? 10;
  const minChange = options.minChange ?? 0.05;
  const out: ConfidenceSuggestion[] = [];
  for (const o of outcomes) {
    const prior = priors.get(o.ruleId);
    if (prior === undefined || o.trades < minTrades) continue;
    const now = current.get(o.ruleId) ?? prior;
    const posterior = (prior * k + o.wins) / (k + o.wins + o.losses);
    const suggested = Math.round(posterior * 1000) / 1000;
    if (Math.abs(suggested - now) < minChange) continue;
    const expectancy = o.expectancyR === null ? '' : `, expectancy ${o.expectancyR.toFixed(2)}R`;
    out.push({
      ruleId: o.ruleId,
      name: o.name,
      current: now,
      suggested,
      trades: o.trades,
      winRate: o.winRate,
      expectancyR: o.expectancyR,
      reason: `${o.wins} of ${o.wins + o.losses} trades won (${(o.winRate * 100).toFixed(1)} %${expectancy}): confidence ${now.toFixed(2)} → ${suggested.toFixed(2)}`,
    });
  }
  return out;
}

class Tally {
  private trades = 0;
  private wins = 0;
  private withR = 0;
  private sumR = 0;

  add(win: boolean, r: number | null): void {
    this.trades++;
    if (win) this.wins++;
    if (r !== null) {
      this.withR++;
      this.sumR += r;
    }
  }

  figures(): OutcomeFigures {
    return {
      trades: this.trades,
      wins: this.wins,
      losses: this.trades - this.wins,
      winRate: this.trades === 0 ? 0 : this.wins / this.trades,
      expectancyR: this.withR === 0 ? null : this.sumR / this.withR,
      totalR: this.sumR,
    };
  }
}
