import type { Condition } from '../../shared/contract/knowledge.ts';
import type { Timeframe } from '../../shared/values/timeframe.ts';
import type { ProcessedBar } from '../detect/detection-engine.ts';
import type { CyclePhase, DetectionEvent, Direction, TrendState } from '../detect/detection-events.ts';
import { Atr } from '../detect/indicators/atr.ts';
import { Ema } from '../detect/indicators/ema.ts';
import { Rsi } from '../detect/indicators/rsi.ts';
import { Sma } from '../detect/indicators/sma.ts';
import { Vwap } from '../detect/indicators/vwap.ts';

/** Whether a condition holds now, and what showed it. */
export interface ConditionCheck {
  readonly met: boolean;
  /** For people: "bullish engulfing on 15m", "RSI(14) on 1h = 72.4". */
  readonly evidence: string;
  /** The number behind it, when there is one (an indicator value, a score). */
  readonly value: number | null;
}

/** One indicator a condition reads, on one timeframe. */
interface IndicatorSlot {
  readonly key: string;
  readonly tf: Timeframe;
  readonly update: (bar: ProcessedBar) => number;
  value: number;
  previous: number;
  previousClose: number;
}

interface TimeframeState {
  /** Bars of this timeframe closed so far. */
  bars: number;
  close: number;
  previousClose: number;
  trend: TrendState;
  phase: CyclePhase | null;
  /** Event key → the bar count at which it last happened. */
  readonly seen: Map<string, number>;
  /** The latest setup of each kind and direction: its bar and its best score on that bar. */
  readonly scores: Map<string, { at: number; score: number }>;
}

/** What "recent" means: an event counts for this many bars of its timeframe after it happened. */
export interface ConditionStateOptions {
  readonly windowBars: number;
  /** Timeframe of conditions that name none. */
  readonly defaultTimeframe: Timeframe;
}

/**
 * The market as rule conditions see it, built from the detection engine's events and bars:
 * per timeframe, the recent events (within `windowBars` of its bars), the trend and the cycle
 * phase now, and the indicators conditions ask for. Evaluates conditions in the rule
 * vocabulary; the evidence says what was seen, for the trade reasoner.
 */
export class ConditionState {
  private readonly options: ConditionStateOptions;
  private readonly frames = new Map<Timeframe, TimeframeState>();
  private readonly indicators = new Map<string, IndicatorSlot>();

  constructor(options: ConditionStateOptions) {
    this.options = options;
  }

  /** Prepares the indicators `conditions` need, so they are fed from the first bar. */
  require(conditions: readonly Condition[]): void {
    for (const c of conditions) {
      if (c.type !== 'indicator') continue;
      const tf = c.timeframe ?? this.options.defaultTimeframe;
      const key = indicatorKey(c.indicator, c.period, tf);
      if (this.indicators.has(key)) continue;
      this.indicators.set(key, {
        key,
        tf,
        update: updaterFor(c.indicator, c.period),
        value: Number.NaN,
        previous: Number.NaN,
        previousClose: Number.NaN,
      });
    }
  }

  /** A bar of some timeframe closed (before its events are reported). */
  onBar(bar: ProcessedBar): void {
    const frame = this.frame(bar.tf);
    frame.bars++;
    frame.previousClose = frame.close;
    frame.close = bar.close;
    for (const slot of this.indicators.values()) {
      if (slot.tf !== bar.tf) continue;
      slot.previous = slot.value;
      slot.previousClose = frame.previousClose;
      slot.value = slot.update(bar);
    }
  }

  /** A detection event. */
  onEvent(event: DetectionEvent): void {
    const frame = this.frame(event.tf);
    const at = frame.bars;
    switch (event.kind) {
      case 'pattern':
        frame.seen.set(`pattern:${event.pattern}:${event.direction ?? 'none'}`, at);
        frame.seen.set(`pattern:${event.pattern}:any`, at);
        break;
      case 'bos':
      case 'choch':
        frame.seen.set(`${event.kind}:${event.direction}`, at);
        break;
      case 'sweep':
        // Running the stops under the lows is the bullish sweep (and the other way round).
        frame.seen.set(`sweep:${event.side === 'lows' ? 'bull' : 'bear'}`, at);
        break;
      case 'range':
        if (event.status === 'formed') frame.seen.set('range-formed:any', at);
        else frame.seen.set(`range-broken:${event.direction ?? 'any'}`, at);
        break;
      case 'liquidity-pool':
        frame.seen.set(`liquidity-pool:${event.side === 'lows' ? 'bull' : 'bear'}`, at);
        break;
      case 'trend':
        frame.trend = event.state;
        break;
      case 'phase':
        frame.phase = event.phase;
        break;
      case 'setup':
        frame.seen.set(`setup:${event.setup}:${event.direction}`, at);
        {
          // The score that counts is the latest setup's, not the best one ever seen.
          const key = `${event.setup}:${event.direction}`;
          const last = frame.scores.get(key);
          frame.scores.set(key, { at, score: last?.at === at ? Math.max(last.score, event.score) : event.score });
        }
        break;
      case 'swing':
        break;
    }
  }

  /** The cycle phase on `tf` now (null before the first). */
  phaseOf(tf: Timeframe): CyclePhase | null {
    return this.frames.get(tf)?.phase ?? null;
  }

  /** Whether `condition` holds now, for a trade in `side`'s direction when it names none. */
  check(condition: Condition, side: Direction): ConditionCheck {
    switch (condition.type) {
      case 'pattern': {
        const tf = condition.timeframe ?? this.options.defaultTimeframe;
        const direction = condition.direction ?? side;
        const met =
          this.recent(tf, `pattern:${condition.pattern}:${direction}`) ||
          this.recent(tf, `pattern:${condition.pattern}:none`);
        return { met, evidence: `${words(direction)} ${condition.pattern} on ${tf}`, value: null };
      }
      case 'structure':
        return this.structure(condition, side);
      case 'cycle': {
        const tf = condition.timeframe ?? this.options.defaultTimeframe;
        const phase = this.frames.get(tf)?.phase ?? null;
        return { met: phase === condition.phase, evidence: `${tf} cycle phase ${phase ?? 'unknown'}`, value: null };
      }
      case 'confluence': {
        const tf = this.options.defaultTimeframe;
        const key = `${condition.setup}:${side}`;
        const recent = this.recent(tf, `setup:${key}`);
        const score = this.frames.get(tf)?.scores.get(key)?.score ?? 0;
        const met = recent && (condition.minScore === null || score >= condition.minScore);
        return {
          met,
          evidence: `${words(side)} ${condition.setup} setup on ${tf}, score ${score.toFixed(2)}`,
          value: score,
        };
      }
      case 'indicator':
        return this.indicator(condition);
      case 'unsupported':
        return { met: false, evidence: `cannot evaluate: ${condition.text}`, value: null };
    }
  }

  private structure(condition: Extract<Condition, { type: 'structure' }>, side: Direction): ConditionCheck {
    const tf = condition.timeframe ?? this.options.defaultTimeframe;
    const direction = condition.direction ?? side;
    if (condition.event === 'trend') {
      const trend = this.frames.get(tf)?.trend ?? 'neutral';
      return {
        met: trend === (direction === 'bull' ? 'up' : 'down'),
        evidence: `${tf} trend ${trend}`,
        value: null,
      };
    }
    const key = condition.event === 'range-formed' ? 'range-formed:any' : `${condition.event}:${direction}`;
    const met = this.recent(tf, key) || (condition.event === 'range-broken' && this.recent(tf, 'range-broken:any'));
    const name =
      condition.event === 'bos'
        ? 'break of structure'
        : condition.event === 'choch'
          ? 'change of character'
          : condition.event;
    return {
      met,
      evidence: `${condition.event === 'range-formed' ? '' : `${words(direction)} `}${name} on ${tf}`,
      value: null,
    };
  }

  private indicator(condition: Extract<Condition, { type: 'indicator' }>): ConditionCheck {
    const tf = condition.timeframe ?? this.options.defaultTimeframe;
    const slot = this.indicators.get(indicatorKey(condition.indicator, condition.period, tf));
    const frame = this.frames.get(tf);
    const label = `${condition.indicator.toUpperCase()}(${condition.period}) on ${tf}`;
    if (!slot || !frame || Number.isNaN(slot.value)) return { met: false, evidence: `${label} not ready`, value: null };
    // "price above the 200 EMA": the indicator is the reference, the close is compared to it.
    const [now, before, reference, referenceBefore] =
      condition.value === 'price'
        ? [frame.close, frame.previousClose, slot.value, slot.previous]
        : [slot.value, slot.previous, condition.value, condition.value];
    let met: boolean;
    switch (condition.op) {
      case 'above':
        met = now > reference;
        break;
      case 'below':
        met = now < reference;
        break;
      case 'crosses-above':
        met = now > reference && before <= referenceBefore;
        break;
      case 'crosses-below':
        met = now < reference && before >= referenceBefore;
        break;
    }
    return {
      met,
      evidence:
        condition.value === 'price'
          ? `close ${frame.close} ${condition.op} ${label} ${round(slot.value)}`
          : `${label} = ${round(slot.value)} (${condition.op} ${condition.value})`,
      value: slot.value,
    };
  }

  private recent(tf: Timeframe, key: string): boolean {
    const frame = this.frames.get(tf);
    const at = frame?.seen.get(key);
    return frame !== undefined && at !== undefined && frame.bars - at < this.options.windowBars;
  }

  private frame(tf: Timeframe): TimeframeState {
    let frame = this.frames.get(tf);
    if (!frame) {
      frame = {
        bars: 0,
        close: Number.NaN,
        previousClose: Number.NaN,
        trend: 'neutral',
        phase: null,
        seen: new Map(),
        scores: new Map(),
      };
      this.frames.set(tf, frame);
    }
    return frame;
  }
}

function indicatorKey(name: string, period: number, tf: Timeframe): string {
  return `${name}:${period}:${tf}`;
}

function updaterFor(name: 'sma' | 'ema' | 'rsi' | 'atr' | 'vwap', period: number): (bar: ProcessedBar) => number {
  switch (name) {
    case 'sma': {
      const sma = new Sma(period);
      return (bar) => sma.update(bar.close);
    }
    case 'ema': {
      const ema = new Ema(period);
      return (bar) => ema.update(bar.close);
    }
    case 'rsi': {
      const rsi = new Rsi(period);
      return (bar) => rsi.update(bar.close);
    }
    case 'atr': {
      const atr = new Atr(period);
      return (bar) => atr.update(bar.high, bar.low, bar.close);
    }
    case 'vwap': {
      // Session VWAP: it starts again each UTC day, as traders read it (else it would depend
      // on where the data happens to start).
      const vwap = new Vwap();
      let day = Number.NaN;
      return (bar) => {
        const today = Math.floor(bar.time / 86_400_000);
        if (today !== day) {
          vwap.reset();
          day = today;
        }
        return vwap.update(bar.high, bar.low, bar.close, bar.volume);
      };
    }
  }
}

function words(direction: Direction): string {
  return direction === 'bull' ? 'bullish' : 'bearish';
}

function round(x: number): string {
  return Math.abs(x) >= 100 ? x.toFixed(2) : x.toPrecision(4);
}
