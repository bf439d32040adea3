import { z } from 'zod';
import { CitationSchema, ConditionSchema, StopSchema, TargetSchema } from '../../shared/contract/knowledge.ts';
import { TIMEFRAME_MS, TimeframeSchema, type Timeframe } from '../../shared/values/timeframe.ts';
import { DetectionConfigSchema } from '../detect/detection-config.ts';
import { DetectionEngine } from '../detect/detection-engine.ts';
import type { CyclePhase, DetectionEvent, Direction } from '../detect/detection-events.ts';
import { Atr } from '../detect/indicators/atr.ts';
import { ConditionState, type ConditionCheck } from '../learning/condition-state.ts';
import type { Intent } from '../trading/intent.ts';
import type { Strategy, StrategyBar, StrategyDefinition, StrategyEnvironment } from './strategy.ts';

/** A knowledge-base rule as the rules strategy runs it (the strategy compiler writes these). */
export const CompiledRuleSchema = z
  .object({
    id: z.string().min(1).max(64),
    version: z.number().int().min(1),
    name: z.string().min(1).max(120),
    kind: z.enum(['entry', 'exit', 'filter']),
    side: z.enum(['long', 'short', 'both']),
    /** Every condition has its timeframe filled in by the compiler. */
    conditions: z.array(ConditionSchema).min(1).max(20),
    stop: StopSchema.nullable(),
    targets: z.array(TargetSchema).max(10),
    confidence: z.number().min(0).max(1),
    citation: CitationSchema,
  })
  .strict();
/** See {@link CompiledRuleSchema}. */
export type CompiledRule = z.infer<typeof CompiledRuleSchema>;

/** Parameters of the rules strategy. */
export const RulesParamsSchema = z
  .object({
    /** Timeframes the conditions read (the lowest is the entry timeframe). */
    timeframes: z.array(TimeframeSchema).min(1).max(4).optional(),
    rules: z.array(CompiledRuleSchema).min(1).max(100),
    /** An event counts for this many bars of its timeframe after it happened ("a sweep, then an engulfing"). */
    windowBars: z.number().int().min(1).max(100).default(5),
    /** Swing and structure stops go this many ATRs beyond the level. */
    stopBufferAtr: z.number().min(0).max(10).default(0.1),
    /** Reward:risk when an entry rule names no usable target. */
    rewardRisk: z.number().min(0.2).max(50).default(2),
    detection: DetectionConfigSchema.prefault({}),
  })
  .strict();
/** Parameters of the rules strategy. */
export type RulesParams = z.output<typeof RulesParamsSchema>;

/** One rule's part in a decision. */
export interface RuleMatch {
  readonly rule: CompiledRule;
  readonly checks: readonly {
    readonly condition: CompiledRule['conditions'][number];
    readonly check: ConditionCheck;
  }[];
}

/** Why the rules strategy asked for what it asked: the trade reasoner's raw material. */
export interface SignalExplanation {
  /** Sequence number; the intent's reason starts with `rules#<seq>`. */
  readonly seq: number;
  readonly time: number;
  readonly action: 'enter' | 'exit';
  readonly side: 'long' | 'short';
  /** The rule that fired first, then the filters that allowed it. */
  readonly matches: readonly RuleMatch[];
  readonly close: number;
  readonly stop: number | null;
  readonly takeProfit: number | null;
  /** How the stop and target were placed. */
  readonly placement: string;
  /** The market cycle phase on the entry timeframe at the decision. */
  readonly phase: CyclePhase | null;
}

interface Candidate {
  readonly side: Direction;
  readonly rule: CompiledRule;
  readonly matches: RuleMatch[];
}

/**
 * Runs rules from the knowledge base: the detection engine's events and bars feed a
 * {@link ConditionState}; when every condition of an entry rule holds, and every filter for
 * that side allows it, the strategy enters with the rule's stop and target; an exit rule whose
 * conditions hold closes the position. Every decision is explained (which rules, which
 * conditions, what was seen) through `hooks.onExplanation`, and its intent's reason carries
 * the explanation's number, so trades can be traced back to the rules and their citations.
 */
class RulesStrategy implements Strategy {
  readonly warmupBars: number;
  private readonly params: RulesParams;
  private readonly engine: DetectionEngine;
  private readonly state: ConditionState;
  private readonly entryTf: Timeframe;
  private readonly atr: Atr;
  private readonly env: StrategyEnvironment;
  private lastSwingHigh = Number.NaN;
  private lastSwingLow = Number.NaN;
  private readonly poolsAbove: number[] = [];
  private readonly poolsBelow: number[] = [];
  private seq = 0;

  constructor(params: RulesParams, env: StrategyEnvironment) {
    this.params = params;
    this.env = env;
    const timeframes = params.timeframes ?? [env.interval];
    this.entryTf = [...timeframes].sort((a, b) => TIMEFRAME_MS[a] - TIMEFRAME_MS[b])[0] as Timeframe;
    this.state = new ConditionState({ windowBars: params.windowBars, defaultTimeframe: this.entryTf });
    for (const rule of params.rules) this.state.require(rule.conditions);
    this.atr = new Atr(params.detection.atrPeriod);
    this.warmupBars = params.detection.atrPeriod;
    const report = env.hooks.onDetection;
    this.engine = new DetectionEngine({
      base: env.interval,
      timeframes,
      config: params.detection,
      onEvent: (event) => {
        report?.(event);
        this.observe(event);
      },
      onBar: (bar) => {
        this.state.onBar(bar);
        if (bar.tf === this.entryTf) this.atr.update(bar.high, bar.low, bar.close);
      },
    });
  }

  onBar(bar: StrategyBar, position: number): Intent | null {
    this.engine.push(bar.time, bar.open, bar.high, bar.low, bar.close, bar.volume);
    if (position !== 0) {
      const held: Direction = position > 0 ? 'bull' : 'bear';
      const exit = this.exitRule(held);
      if (exit) {
        const seq = this.explain({
          time: bar.time,
          action: 'exit',
          side: held === 'bull' ? 'long' : 'short',
          matches: [exit],
          close: bar.close,
          stop: null,
          takeProfit: null,
          placement: '',
        });
        return { kind: 'exit', reason: `rules#${seq} exit: ${exit.rule.name}` };
      }
    }
    const candidate = this.entryCandidate(position);
    if (!candidate) return null;
    const long = candidate.side === 'bull';
    const levels = this.levels(candidate.rule, long, bar.close);
    if (!levels) return null;
    const seq = this.explain({
      time: bar.time,
      action: 'enter',
      side: long ? 'long' : 'short',
      matches: candidate.matches,
      close: bar.close,
      stop: levels.stop,
      takeProfit: levels.takeProfit,
      placement: levels.placement,
    });
    return {
      kind: 'enter',
      side: long ? 'buy' : 'sell',
      stop: levels.stop,
      takeProfit: levels.takeProfit,
      reason: `rules#${seq} ${candidate.rule.name}`,
    };
  }

  private exitRule(held: Direction): RuleMatch | null {
    for (const rule of this.params.rules) {
      if (rule.kind !== 'exit' || !sideAllows(rule.side, held)) continue;
      // "Exit on a change of character": for a long, a bearish one. Conditions without a
      // direction are read against the position.
      const match = this.match(rule, held === 'bull' ? 'bear' : 'bull');
      if (match) return match;
    }
    return null;
  }

  private entryCandidate(position: number): Candidate | null {
    let best: Candidate | null = null;
    for (const rule of this.params.rules) {
      if (rule.kind !== 'entry') continue;
      for (const side of ['bull', 'bear'] as const) {
        if (!sideAllows(rule.side, side)) continue;
        // Already in this direction: nothing to do.
        if (position !== 0 && position > 0 === (side === 'bull')) continue;
        const entry = this.match(rule, side);
        if (!entry) continue;
        const filters = this.filtersFor(side);
        if (!filters) continue;
        if (!best || rule.confidence > best.rule.confidence) best = { side, rule, matches: [entry, ...filters] };
      }
    }
    return best;
  }

  /** The filters that apply to `side`, each checked; null when one of them blocks it. */
  private filtersFor(side: Direction): RuleMatch[] | null {
    const out: RuleMatch[] = [];
    for (const rule of this.params.rules) {
      if (rule.kind !== 'filter' || !sideAllows(rule.side, side)) continue;
      const match = this.match(rule, side);
      if (!match) return null;
      out.push(match);
    }
    return out;
  }

  private match(rule: CompiledRule, side: Direction): RuleMatch | null {
    const checks: RuleMatch['checks'][number][] = [];
    for (const condition of rule.conditions) {
      const check = this.state.check(condition, side);
      if (!check.met) return null;
      checks.push({ condition, check });
    }
    return { rule, checks };
  }

  private levels(
    rule: CompiledRule,
    long: boolean,
    close: number,
  ): { stop: number; takeProfit: number; placement: string } | null {
    const atr = this.atr.value;
    const stopSpec = rule.stop;
    let stop: number;
    let stopText: string;
    if (stopSpec && stopSpec.type === 'atr' && stopSpec.value !== null && !Number.isNaN(atr)) {
      stop = long ? close - stopSpec.value * atr : close + stopSpec.value * atr;
      stopText = `stop ${stopSpec.value}× ATR`;
    } else if (stopSpec && stopSpec.type === 'percent' && stopSpec.value !== null) {
      stop = close * (long ? 1 - stopSpec.value / 100 : 1 + stopSpec.value / 100);
      stopText = `stop ${stopSpec.value}% away`;
    } else {
      const buffer = Number.isNaN(atr) ? 0 : atr * this.params.stopBufferAtr;
      stop = long ? this.lastSwingLow - buffer : this.lastSwingHigh + buffer;
      stopText = `stop beyond the last swing ${long ? 'low' : 'high'}`;
    }
    if (Number.isNaN(stop) || !(stop > 0) || !(long ? stop < close : stop > close)) return null;
    const risk = Math.abs(close - stop);
    let takeProfit = Number.NaN;
    let targetText = '';
    for (const target of rule.targets) {
      if (target.type === 'r-multiple' && target.value !== null) {
        takeProfit = long ? close + risk * target.value : close - risk * target.value;
        targetText = `target ${target.value}R`;
      } else if (target.type === 'percent' && target.value !== null) {
        takeProfit = close * (long ? 1 + target.value / 100 : 1 - target.value / 100);
        targetText = `target ${target.value}%`;
      } else if (target.type === 'liquidity') {
        const level = nearest(long ? this.poolsAbove : this.poolsBelow, close, long);
        if (level !== null) {
          takeProfit = level;
          targetText = `target the liquidity at ${level}`;
        }
      }
      if (!Number.isNaN(takeProfit)) break;
    }
    if (Number.isNaN(takeProfit)) {
      takeProfit = long ? close + risk * this.params.rewardRisk : close - risk * this.params.rewardRisk;
      targetText = `target ${this.params.rewardRisk}R (default)`;
    }
    if (!(takeProfit > 0)) return null;
    return { stop, takeProfit, placement: `${stopText}, ${targetText}` };
  }

  private observe(event: DetectionEvent): void {
    this.state.onEvent(event);
    if (event.tf !== this.entryTf) return;
    if (event.kind === 'swing') {
      if (event.side === 'high') this.lastSwingHigh = event.price;
      else this.lastSwingLow = event.price;
    } else if (event.kind === 'liquidity-pool') {
      const pools = event.side === 'highs' ? this.poolsAbove : this.poolsBelow;
      pools.push(event.level);
      if (pools.length > 20) pools.shift();
    }
  }

  private explain(explanation: Omit<SignalExplanation, 'seq' | 'phase'>): number {
    const seq = ++this.seq;
    this.env.hooks.onExplanation?.({ seq, ...explanation, phase: this.state.phaseOf(this.entryTf) });
    return seq;
  }
}

function sideAllows(side: CompiledRule['side'], direction: Direction): boolean {
  return side === 'both' || (side === 'long') === (direction === 'bull');
}

function nearest(levels: readonly number[], price: number, above: boolean): number | null {
  let best: number | null = null;
  for (const level of levels) {
    if (above ? level > price : level < price) {
      if (best === null || Math.abs(level - price) < Math.abs(best - price)) best = level;
    }
  }
  return best;
}

/** `rules`: runs rules compiled from the knowledge base (see the strategy compiler). */
export const RULES: StrategyDefinition<typeof RulesParamsSchema> = {
  id: 'rules',
  summary: 'runs knowledge-base rules (entries, filters, exits) compiled by `hyperdesk kb strategy`',
  params: RulesParamsSchema,
  defaultSizing: 'risk:2',
  create: (params, env) => new RulesStrategy(params, env),
};
