import type { Condition, Rule } from '../../../shared/contract/knowledge.ts';

const KIND_LABEL: Readonly<Record<Rule['kind'], string>> = {
  entry: 'Entry',
  exit: 'Exit',
  filter: 'Filter',
  risk: 'Risk',
  management: 'Management',
};

const EVENT_LABEL = {
  bos: 'BOS',
  choch: 'CHoCH',
  'range-formed': 'range formed',
  'range-broken': 'range broken',
} as const;

function onTimeframe(label: string, timeframe: string | null): string {
  return timeframe === null ? label : `${label} on ${timeframe}`;
}

function directionWord(direction: 'bull' | 'bear' | null): string {
  return direction === 'bull' ? 'bullish ' : direction === 'bear' ? 'bearish ' : '';
}

/** A condition in a few words: "bullish engulfing", "sweep of lows on 15m", "4h uptrend". */
export function describeCondition(condition: Condition): string {
  switch (condition.type) {
    case 'pattern':
      return onTimeframe(
        `${directionWord(condition.direction)}${condition.pattern.replace('-', ' ')}`,
        condition.timeframe,
      );
    case 'structure':
      switch (condition.event) {
        case 'trend': {
          const trend =
            condition.direction === 'bull'
              ? 'uptrend'
              : condition.direction === 'bear'
                ? 'downtrend'
                : 'with the trend';
          return condition.timeframe === null ? trend : `${condition.timeframe} ${trend}`;
        }
        case 'sweep': {
          const side = condition.direction === 'bull' ? ' of lows' : condition.direction === 'bear' ? ' of highs' : '';
          return onTimeframe(`sweep${side}`, condition.timeframe);
        }
        case 'liquidity-pool': {
          const pool =
            condition.direction === 'bull'
              ? 'equal lows'
              : condition.direction === 'bear'
                ? 'equal highs'
                : 'liquidity pool';
          return onTimeframe(pool, condition.timeframe);
        }
        default:
          return onTimeframe(
            `${directionWord(condition.direction)}${EVENT_LABEL[condition.event]}`,
            condition.timeframe,
          );
      }
    case 'cycle':
      return onTimeframe(`${condition.phase} phase`, condition.timeframe);
    case 'confluence':
      return `${condition.setup.replace('-', ' ')} setup${condition.minScore === null ? '' : ` (score ≥ ${condition.minScore})`}`;
    case 'indicator': {
      const name = `${condition.indicator.toUpperCase()}${condition.indicator === 'vwap' ? '' : `(${condition.period})`}`;
      const op = condition.op.replace('-', ' ');
      const label = condition.value === 'price' ? `price ${op} ${name}` : `${name} ${op} ${condition.value}`;
      return onTimeframe(label, condition.timeframe);
    }
    case 'unsupported':
      return condition.text;
  }
}

function describeStop(stop: NonNullable<Rule['stop']>): string {
  switch (stop.type) {
    case 'swing':
      return `stop ${stop.text ?? 'beyond the swing'}`;
    case 'structure':
      return `stop ${stop.text ?? 'beyond structure'}`;
    case 'atr':
      return `stop ${stop.value ?? '?'}× ATR`;
    case 'percent':
      return `stop ${stop.value ?? '?'}%`;
    case 'text':
      return stop.text ?? 'stop';
  }
}

function describeTarget(target: Rule['targets'][number]): string {
  switch (target.type) {
    case 'r-multiple':
      return `target ${target.value ?? '?'}R`;
    case 'percent':
      return `target ${target.value ?? '?'}%`;
    case 'liquidity':
      return 'target liquidity';
    case 'text':
      return `target: ${target.text ?? '?'}`;
  }
}

/**
 * A short, specific name: the kind, then what the rule is about. An entry names its trigger
 * candles first and the context after them ("Entry: bullish engulfing after sweep of lows on
 * 15m"); other rules list their parts.
 */
export function ruleName(rule: Omit<Rule, 'name' | 'confidence' | 'citation'>, sentence: string): string {
  const mapped = rule.conditions.filter((c) => c.type !== 'unsupported');
  const parts: string[] = [];
  if (rule.kind === 'entry' && mapped.some((c) => c.type === 'pattern')) {
    const triggers = mapped.filter((c) => c.type === 'pattern').map(describeCondition);
    const context = mapped.filter((c) => c.type !== 'pattern').map(describeCondition);
    parts.push(triggers.join(' or ') + (context.length > 0 ? ` after ${context.join(' and ')}` : ''));
  } else if (mapped.length > 0) {
    parts.push(mapped.map(describeCondition).join(', '));
  }
  if (rule.kind === 'filter' && (rule.direction === 'long' || rule.direction === 'short')) {
    parts.unshift(`${rule.direction}s only`);
  }
  if (rule.stop) parts.push(describeStop(rule.stop));
  parts.push(...rule.targets.map(describeTarget));
  if (rule.riskPercent !== null) parts.push(`${rule.riskPercent}% per trade`);
  const summary = parts.length > 0 ? parts.join(', ') : sentence.replace(/\s+/g, ' ').trim();
  const name = `${KIND_LABEL[rule.kind]}: ${summary}`;
  return name.length > 120 ? `${name.slice(0, 119).trimEnd()}…` : name;
}
