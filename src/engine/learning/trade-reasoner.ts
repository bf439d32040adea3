import type { Citation, Condition } from '../../shared/contract/knowledge.ts';
import type { CyclePhase } from '../detect/detection-events.ts';
import type { SignalExplanation } from '../strategy/rules-strategy.ts';
import type { TradeRecord } from '../venue/trade-record.ts';

/** A condition of a rule, in words, with what was seen when it held. */
export interface ExplainedCondition {
  readonly text: string;
  readonly evidence: string;
  readonly value: number | null;
}

/** A rule behind a trade, with its source. */
export interface ExplainedRule {
  readonly id: string;
  readonly version: number;
  readonly name: string;
  readonly kind: string;
  readonly citation: Citation;
  readonly conditions: readonly ExplainedCondition[];
}

/** Why a trade happened and how it went: the trade reasoner's answer. */
export interface TradeExplanation {
  readonly trade: {
    readonly side: 'long' | 'short';
    readonly entryTime: number;
    readonly exitTime: number;
    /** Exact decimal strings. */
    readonly entryPrice: string;
    readonly exitPrice: string;
    readonly qty: string;
    readonly pnl: string;
    readonly rMultiple: number | null;
    readonly exitReason: string;
  };
  /** The rules that opened it (the entry rule first, then the filters that allowed it). */
  readonly entryRules: readonly ExplainedRule[];
  /** The exit rule that closed it, when a rule did. */
  readonly exitRules: readonly ExplainedRule[];
  /** The cycle phase on the entry timeframe when it was opened. */
  readonly phase: CyclePhase | null;
  readonly risk: {
    readonly signalPrice: number;
    readonly stop: number | null;
    readonly takeProfit: number | null;
    /** Target distance over stop distance, as planned. */
    readonly plannedR: number | null;
    readonly placement: string;
  } | null;
}

/**
 * Joins a backtest's (or replay's) trades with the rules strategy's explanations: the entry
 * is found by the `rules#<n>` its reason carries, the exit by the last exit decision between
 * the entry and the exit. A trade no explanation covers (another strategy's, a liquidation's)
 * comes back with empty rule lists, never with invented ones.
 */
export function explainTrades(
  trades: readonly TradeRecord[],
  explanations: readonly SignalExplanation[],
): TradeExplanation[] {
  const bySeq = new Map(explanations.map((e) => [e.seq, e]));
  const exits = explanations.filter((e) => e.action === 'exit');
  return trades.map((trade) => {
    const seq = /^rules#(\d+)/.exec(trade.tag ?? '')?.[1];
    const entry = seq === undefined ? undefined : bySeq.get(Number(seq));
    const exit =
      trade.exitReason === 'signal'
        ? exits.filter((e) => e.time >= trade.entryTime && e.time <= trade.exitTime).at(-1)
        : undefined;
    return explanationFor(
      {
        side: trade.side,
        entryTime: trade.entryTime,
        exitTime: trade.exitTime,
        entryPrice: trade.entryPrice.toFixed(),
        exitPrice: trade.exitPrice.toFixed(),
        qty: trade.qty.toFixed(),
        pnl: trade.pnl.toFixed(),
        rMultiple: trade.rMultiple,
        exitReason: trade.exitReason,
      },
      entry,
      exit,
    );
  });
}

/** A trade, the decision that opened it and the one that closed it, as one explanation. */
export function explanationFor(
  trade: TradeExplanation['trade'],
  entry: SignalExplanation | undefined,
  exit: SignalExplanation | undefined,
): TradeExplanation {
  const plannedR =
    entry && entry.stop !== null && entry.takeProfit !== null
      ? Math.abs(entry.takeProfit - entry.close) / Math.abs(entry.close - entry.stop)
      : null;
  return {
    trade,
    entryRules: entry ? rulesOf(entry) : [],
    exitRules: exit ? rulesOf(exit) : [],
    phase: entry?.phase ?? null,
    risk: entry
      ? {
          signalPrice: entry.close,
          stop: entry.stop,
          takeProfit: entry.takeProfit,
          plannedR,
          placement: entry.placement,
        }
      : null,
  };
}

function rulesOf(explanation: SignalExplanation): ExplainedRule[] {
  return explanation.matches.map((m) => ({
    id: m.rule.id,
    version: m.rule.version,
    name: m.rule.name,
    kind: m.rule.kind,
    citation: m.rule.citation,
    conditions: m.checks.map((c) => ({
      text: describeCondition(c.condition),
      evidence: c.check.evidence,
      value: c.check.value,
    })),
  }));
}

/** A condition in words, as a trader would say it. */
export function describeCondition(condition: Condition): string {
  const on = (tf: string | null) => (tf ? ` on ${tf}` : '');
  const dir = (d: 'bull' | 'bear' | null) => (d === 'bull' ? 'bullish ' : d === 'bear' ? 'bearish ' : '');
  switch (condition.type) {
    case 'pattern':
      return `${dir(condition.direction)}${condition.pattern}${on(condition.timeframe)}`;
    case 'structure':
      if (condition.event === 'trend') {
        const way =
          condition.direction === 'bull' ? 'up' : condition.direction === 'bear' ? 'down' : 'in the trade’s direction';
        return `trend ${way}${on(condition.timeframe)}`;
      }
      return `${dir(condition.direction)}${condition.event}${on(condition.timeframe)}`;
    case 'cycle':
      return `cycle phase ${condition.phase}${on(condition.timeframe)}`;
    case 'confluence':
      return `${condition.setup} setup${condition.minScore === null ? '' : ` scoring at least ${condition.minScore}`}`;
    case 'indicator':
      return `${condition.indicator.toUpperCase()}(${condition.period})${on(condition.timeframe)} ${condition.op} ${condition.value}`;
    case 'unsupported':
      return condition.text;
  }
}

/** A plain-text account of a trade, for a tooltip, a log or a report. */
export function narrateTrade(explanation: TradeExplanation): string {
  const t = explanation.trade;
  const lines = [
    `${t.side} ${t.qty} from ${t.entryPrice} to ${t.exitPrice} (${t.exitReason}): ${t.pnl}${t.rMultiple === null ? '' : `, ${t.rMultiple.toFixed(2)}R`}`,
  ];
  if (explanation.entryRules.length === 0) lines.push('no rule explains this entry');
  for (const rule of explanation.entryRules) {
    const where = rule.citation.page !== null ? `p. ${rule.citation.page}` : `${rule.citation.timestamp ?? 0} s`;
    lines.push(`${rule.kind} “${rule.name}” (${where}: “${rule.citation.quote}”)`);
    for (const c of rule.conditions) lines.push(`  ✓ ${c.text} — ${c.evidence}`);
  }
  if (explanation.risk) {
    const r = explanation.risk;
    lines.push(
      `risk: signal at ${r.signalPrice}, ${r.placement}${r.plannedR === null ? '' : ` (${r.plannedR.toFixed(2)}R planned)`}`,
    );
  }
  if (explanation.phase) lines.push(`market phase at entry: ${explanation.phase}`);
  for (const rule of explanation.exitRules) lines.push(`closed by “${rule.name}”`);
  return lines.join('\n');
}
