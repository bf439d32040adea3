import { ValidationError } from '../../shared/contract/errors.ts';
import type { Condition, PATTERN_NAMES, Rule } from '../../shared/contract/knowledge.ts';
import { TIMEFRAME_MS, type Timeframe } from '../../shared/values/timeframe.ts';
import { canResample } from '../data/resample.ts';
import type { PatternName } from '../detect/detection-events.ts';
import type { CompiledRule } from '../strategy/rules-strategy.ts';
import { resolveStrategy, type StrategySpec } from '../strategy/strategy-registry.ts';

// The rule vocabulary must name exactly the engine's patterns: a pattern the engine does not
// detect could never be met, one it detects could never be asked for. Checked by the compiler.
type VocabularyPattern = (typeof PATTERN_NAMES)[number];
type SamePatterns = [PatternName] extends [VocabularyPattern]
  ? [VocabularyPattern] extends [PatternName]
    ? true
    : false
  : false;
export const PATTERN_VOCABULARY_MATCHES_ENGINE: SamePatterns = true;

/** A rule as the knowledge base holds it. */
export interface KnowledgeRule {
  readonly id: string;
  readonly version: number;
  readonly enabled: boolean;
  readonly rule: Rule;
}

/** A rule the compiler could not turn into something the engine runs, and why. */
export interface UnsupportedRule {
  readonly id: string;
  readonly name: string;
  readonly reason: string;
}

/** What the compiler made of a set of rules. */
export interface CompileReport {
  /** The `rules` strategy, ready for a backtest, a replay or a trading session. */
  readonly spec: StrategySpec;
  /** Rules compiled into it. */
  readonly used: readonly { id: string; version: number; name: string; kind: string }[];
  /** Rules left out, each with the reason: never silently dropped. */
  readonly unsupported: readonly UnsupportedRule[];
  /** Choices the compiler made that the trader should know about. */
  readonly notes: readonly string[];
}

/** Options of {@link compileStrategy}. */
export interface CompileOptions {
  /** Interval of the bars the strategy will run on: condition timeframes must be built from it. */
  readonly interval: Timeframe;
  /** Rules below this confidence are left out (reported). */
  readonly minConfidence?: number;
  readonly windowBars?: number;
}

/**
 * Rules → a validated `rules` strategy. Entry, exit and filter rules whose conditions the
 * engine can evaluate are compiled; risk rules set the sizing (the smallest risk % stated);
 * everything else (management rules, conditions in words only, timeframes the data cannot
 * build) is reported as unsupported with the reason. Fails with a ValidationError naming
 * what is missing when no entry rule remains.
 */
export function compileStrategy(rules: readonly KnowledgeRule[], options: CompileOptions): CompileReport {
  const used: CompileReport['used'][number][] = [];
  const unsupported: UnsupportedRule[] = [];
  const notes: string[] = [];
  const compiled: CompiledRule[] = [];
  const timeframes = new Set<Timeframe>([options.interval]);
  let riskPercent: number | null = null;
  const skip = (k: KnowledgeRule, reason: string) => unsupported.push({ id: k.id, name: k.rule.name, reason });
  const lowerRisk = (percent: number | null) => {
    if (percent !== null) riskPercent = riskPercent === null ? percent : Math.min(riskPercent, percent);
  };
  // Stops, targets and risk stated in sentences of their own ("the stop goes 1.5 ATR below the
  // entry", "take profit at 3R") hold for every entry that states none.
  const general = rules.filter((k) => k.enabled && k.rule.conditions.length === 0 && k.rule.kind !== 'management');
  const generalStop = general.map((k) => k.rule.stop).find((stop) => stop !== null && stop.type !== 'text') ?? null;
  const generalTargets = general.map((k) => usableTargets(k.rule.targets)).find((t) => t.length > 0) ?? [];

  for (const k of rules) {
    const rule = k.rule;
    if (!k.enabled) {
      skip(k, 'disabled');
      continue;
    }
    if (options.minConfidence !== undefined && rule.confidence < options.minConfidence) {
      skip(k, `confidence ${rule.confidence.toFixed(2)} is below ${options.minConfidence}`);
      continue;
    }
    if (rule.conditions.length === 0 && rule.kind !== 'management') {
      const parts = [
        rule.riskPercent !== null ? `risk ${rule.riskPercent} %` : null,
        rule.stop !== null && rule.stop.type !== 'text' && rule.stop === generalStop ? 'its stop' : null,
        usableTargets(rule.targets).length > 0 && rule.targets.some((t) => generalTargets.includes(t))
          ? 'its target'
          : null,
      ].filter((p): p is string => p !== null);
      if (parts.length === 0) {
        skip(k, 'no conditions, and no risk %, stop or target the engine can use');
        continue;
      }
      lowerRisk(rule.riskPercent);
      notes.push(`${rule.name}: ${parts.join(', ')} applies to every entry that states none`);
      used.push({ id: k.id, version: k.version, name: rule.name, kind: rule.kind });
      continue;
    }
    if (rule.kind === 'risk') {
      skip(k, 'a risk rule with conditions (only a risk % per trade, a stop or a target is automated)');
      continue;
    }
    if (rule.kind === 'management') {
      skip(k, 'trade management rules (scaling, trailing, break-even) are shown with trades but not automated');
      continue;
    }
    const words = rule.conditions.filter((c) => c.type === 'unsupported');
    if (words.length > 0) {
      skip(k, `conditions the engine cannot evaluate: ${words.map((c) => `"${c.text}"`).join('; ')}`);
      continue;
    }
    const own = [...rule.timeframes].sort((a, b) => TIMEFRAME_MS[a] - TIMEFRAME_MS[b])[0] ?? options.interval;
    const conditions = rule.conditions.map((c) => withTimeframe(c, own));
    const needed = conditions.map(timeframeOf).filter((tf): tf is Timeframe => tf !== null);
    const unbuildable = needed.filter((tf) => tf !== options.interval && !canResample(options.interval, tf));
    if (unbuildable.length > 0) {
      skip(
        k,
        `needs ${[...new Set(unbuildable)].join(', ')} bars, which cannot be built from ${options.interval} bars`,
      );
      continue;
    }
    const side = rule.direction ?? sideFor(rule.kind, conditions);
    let stop = rule.stop;
    let targets = usableTargets(rule.targets);
    if (rule.kind === 'entry') {
      lowerRisk(rule.riskPercent);
      if (stop === null || stop.type === 'text') {
        const said = stop?.type === 'text' ? `the stop "${stop.text ?? ''}" is in words` : 'no stop stated';
        stop = generalStop;
        notes.push(
          `${rule.name}: ${said}; ${generalStop ? 'the general stop rule applies' : 'the stop goes beyond the last swing'}`,
        );
      } else if (stop.type === 'structure') {
        notes.push(`${rule.name}: a structural stop is placed beyond the last swing`);
      }
      if (targets.length < rule.targets.length) {
        notes.push(`${rule.name}: targets in words or of zero size are not automated`);
      }
      if (targets.length === 0) targets = generalTargets;
    }
    for (const tf of needed) timeframes.add(tf);
    compiled.push({
      id: k.id,
      version: k.version,
      name: rule.name,
      kind: rule.kind,
      side,
      conditions,
      stop,
      targets,
      confidence: rule.confidence,
      citation: rule.citation,
    });
    used.push({ id: k.id, version: k.version, name: rule.name, kind: rule.kind });
  }

  if (!compiled.some((r) => r.kind === 'entry')) {
    const why = unsupported.map((u) => `${u.name}: ${u.reason}`).join('; ');
    throw new ValidationError(`no entry rule can be run by the engine${why ? ` (${why})` : ''}`);
  }
  const ordered = [...timeframes].sort((a, b) => TIMEFRAME_MS[a] - TIMEFRAME_MS[b]);
  if (ordered.length > 4) {
    throw new ValidationError(`the rules read ${ordered.join(', ')}: at most 4 timeframes at once`);
  }
  if (riskPercent === null) notes.push('no risk rule: 2 % of equity per trade');
  const spec = resolveStrategy(
    'rules',
    { timeframes: ordered, rules: compiled, ...(options.windowBars ? { windowBars: options.windowBars } : {}) },
    { kind: 'risk', percent: riskPercent ?? 2 },
  );
  return { spec, used, unsupported, notes };
}

function withTimeframe(condition: Condition, tf: Timeframe): Condition {
  if (condition.type === 'confluence' || condition.type === 'unsupported') return condition;
  return condition.timeframe === null ? { ...condition, timeframe: tf } : condition;
}

function timeframeOf(condition: Condition): Timeframe | null {
  return condition.type === 'confluence' || condition.type === 'unsupported' ? null : condition.timeframe;
}

/**
 * The positions a rule that states no direction applies to. An entry trades the way its
 * conditions point ("a bullish engulfing" → long); an exit closes the position its signal is
 * against ("a bearish change of character" → longs); a filter gates both sides.
 */
function sideFor(kind: 'entry' | 'exit' | 'filter', conditions: readonly Condition[]): 'long' | 'short' | 'both' {
  if (kind === 'filter') return 'both';
  const directions = new Set(
    conditions.flatMap((c) => ('direction' in c && c.direction !== null ? [c.direction] : [])),
  );
  if (directions.size !== 1) return 'both';
  const bull = directions.has('bull');
  return kind === 'entry' ? (bull ? 'long' : 'short') : bull ? 'short' : 'long';
}

/** Targets the engine can place: numeric ones above zero, and the nearest liquidity. */
function usableTargets(targets: Rule['targets']): Rule['targets'] {
  return targets.filter((t) => t.type === 'liquidity' || (t.type !== 'text' && t.value !== null && t.value > 0));
}
