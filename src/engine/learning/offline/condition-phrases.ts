import type { Condition, PATTERN_NAMES } from '../../../shared/contract/knowledge.ts';
import { matchAll, numberOf, overlaps, type Span } from './phrase-match.ts';

/** A condition read from a phrase of a sentence (timeframes are assigned afterwards). */
export interface ConditionMention extends Span {
  readonly condition: Condition;
}

type Direction = 'bull' | 'bear' | null;
type Build = (match: RegExpExecArray, text: string, span: Span, found: readonly ConditionMention[]) => Condition | null;

/** The words just before `start` ("a bullish engulfing": "bullish"). */
function directionBefore(text: string, start: number): Direction {
  const words = text
    .slice(Math.max(0, start - 40), start)
    .split(/\s+/)
    .slice(-4)
    .join(' ');
  if (/\b(?:bullish|bull)\b/i.test(words)) return 'bull';
  if (/\b(?:bearish|bear)\b/i.test(words)) return 'bear';
  return null;
}

/** The rest of the clause after `end`, where a phrase's object is ("a sweep of the equal lows"). */
function clauseAfter(text: string, end: number, limit = 48): string {
  const rest = text.slice(end, end + limit);
  const stop = rest.search(/[,;:.!?]|\s(?:then|and then|but)\s/);
  return stop >= 0 ? rest.slice(0, stop) : rest;
}

/** Which side liquidity was taken from, read from the words after the phrase: lows favour longs. */
function sideAfter(text: string, end: number): Direction {
  const after = clauseAfter(text, end);
  const low = after.search(/\b(?:lows?|bottoms?|below|sell[- ]side|sell stops|support)\b/i);
  const high = after.search(/\b(?:highs?|tops?|above|buy[- ]side|buy stops|resistance)\b/i);
  if (low >= 0 && (high < 0 || low < high)) return 'bull';
  if (high >= 0) return 'bear';
  return null;
}

/** Up or down from the phrase itself or the words around it ("breaks above the range", "to the upside"). */
function upOrDown(text: string, span: Span): Direction {
  const phrase = text.slice(span.start, span.end);
  if (/\b(?:above|up|upside|higher|bullish)\b/i.test(phrase)) return 'bull';
  if (/\b(?:below|down|downside|lower|bearish)\b/i.test(phrase)) return 'bear';
  const after = clauseAfter(text, span.end, 24);
  if (/^\s*(?:to the\s+)?(?:upside|up|higher)\b/i.test(after)) return 'bull';
  if (/^\s*(?:to the\s+)?(?:downside|down|lower)\b/i.test(after)) return 'bear';
  return directionBefore(text, span.start);
}

const pattern =
  (name: (typeof PATTERN_NAMES)[number], fallback: Direction, directional = true): Build =>
  (_match, text, span) => ({
    type: 'pattern',
    pattern: name,
    direction: directional ? (directionBefore(text, span.start) ?? fallback) : null,
    timeframe: null,
  });

const structure =
  (
    event: 'bos' | 'choch' | 'range-formed' | 'range-broken' | 'trend',
    direction: (text: string, span: Span) => Direction,
  ): Build =>
  (_match, text, span) => ({ type: 'structure', event, direction: direction(text, span), timeframe: null });

const cycle =
  (phase: 'drive' | 'range' | 'liquidity'): Build =>
  () => ({ type: 'cycle', phase, timeframe: null });

const setup =
  (name: 'breakout' | 'fakeout' | 'onion' | 'trend-entry'): Build =>
  (_match, text) => ({ type: 'confluence', setup: name, minScore: minScoreIn(text) });

/** "score of 0.7", "score above 70%": the least confluence score, 0..1. */
function minScoreIn(text: string): number | null {
  const match = /\bscore\s+(?:of\s+|above\s+|over\s+|at least\s+|>=?\s*)(\d+(?:\.\d+)?)\s*(%)?/i.exec(text);
  const value = numberOf(match?.[1]);
  if (value === null) return null;
  const score = match?.[2] === '%' || value > 1 ? value / 100 : value;
  return score >= 0 && score <= 1 ? score : null;
}

type Op = 'above' | 'below' | 'crosses-above' | 'crosses-below';

function opOf(words: string): Op {
  const w = words.toLowerCase().replace(/\s+/g, ' ');
  const crosses = w.startsWith('cross');
  const up = /(?:above|over|>)$/.test(w);
  if (crosses) return up ? 'crosses-above' : 'crosses-below';
  return up ? 'above' : 'below';
}

const OP = String.raw`(crosses?\s+(?:above|over|below|under)|above|over|below|under)`;

function movingAverage(name: string): 'ema' | 'sma' {
  return /^ema$/i.test(name) ? 'ema' : 'sma';
}

function period(text: string | undefined, fallback: number): number | null {
  const value = text === undefined ? fallback : Number.parseInt(text, 10);
  return Number.isInteger(value) && value >= 1 && value <= 1000 ? value : null;
}

/**
 * Phrases and the conditions they name, in order of precedence: a phrase claimed by an
 * earlier entry is not read again by a later one ("liquidity engulfing" is an LE candle, not
 * an engulfing; "false breakout" is a fakeout, not a breakout).
 */
const PHRASES: ReadonlyArray<{ pattern: RegExp; build: Build }> = [
  // Candles.
  { pattern: /\b(?:LE candles?|liquidity[- ]engulfing(?: candles?)?)\b/gi, build: pattern('le-candle', null) },
  { pattern: /\bengulf(?:ing|s)?(?: candles?| bars?| patterns?)?\b/gi, build: pattern('engulfing', null) },
  { pattern: /\bpin[- ]?bars?\b/gi, build: pattern('pin-bar', null) },
  { pattern: /\bhammers?\b/gi, build: pattern('hammer', 'bull') },
  { pattern: /\bshooting[- ]stars?\b/gi, build: pattern('shooting-star', 'bear') },
  { pattern: /\bdojis?\b/gi, build: pattern('doji', null, false) },
  { pattern: /\binside[- ]bars?\b/gi, build: pattern('inside-bar', null, false) },
  { pattern: /\boutside[- ]bars?\b/gi, build: pattern('outside-bar', null, false) },
  { pattern: /\bsmall[- ]wick(?: candles?)?\b/gi, build: pattern('small-wick', null) },
  { pattern: /\bsteeper[- ]wicks?\b/gi, build: pattern('steeper-wick', null) },
  { pattern: /\bcelery(?: plays?| candles?)?\b/gi, build: pattern('celery', null) },
  // Setups before structure, so "false breakout" and "trend entry" keep their meaning.
  { pattern: /\b(?:fake[- ]?outs?|false break(?:out)?s?|failed break(?:out)?s?)\b/gi, build: setup('fakeout') },
  { pattern: /\btrend[- ]entr(?:y|ies)\b/gi, build: setup('trend-entry') },
  { pattern: /\bonion(?: setups?)?\b/gi, build: setup('onion') },
  // Structure.
  { pattern: /\b(?:change of character|choch)\b/gi, build: structure('choch', upOrDown) },
  { pattern: /\bBOS\b/g, build: structure('bos', upOrDown) },
  {
    pattern: /\b(?:break of structure|structure break|breaks? (?:the )?(?:market )?structure)\b/gi,
    build: structure('bos', upOrDown),
  },
  {
    pattern:
      /\b(?:sweeps?|swept|sweeping|liquidity (?:grabs?|sweeps?|runs?)|grabs? (?:the )?liquidity|stop[- ]hunts?|stop hunting|stop[- ]runs?|runs? the stops|raids?)\b/gi,
    build: (_match, text, span) => ({
      type: 'structure',
      event: 'sweep',
      direction: sideAfter(text, span.end),
      timeframe: null,
    }),
  },
  {
    pattern: /\b(?:equal (highs|lows)|double (top|bottom)s?|liquidity pools?)\b/gi,
    build: (match, text, span, found) => {
      // "a sweep of the equal lows" is one condition, the sweep; its object is not a second one.
      const object = found.some(
        (m) =>
          m.condition.type === 'structure' &&
          m.condition.event === 'sweep' &&
          m.end <= span.start &&
          span.start - m.end <= 48,
      );
      if (object) return null;
      const side = (match[1] ?? match[2] ?? '').toLowerCase();
      const direction: Direction =
        side === 'lows' || side === 'bottom'
          ? 'bull'
          : side === 'highs' || side === 'top'
            ? 'bear'
            : sideAfter(text, span.end);
      return { type: 'structure', event: 'liquidity-pool', direction, timeframe: null };
    },
  },
  {
    pattern:
      /\b(?:range (?:breaks?|broke|broken)(?: (?:above|below|up|down))?|breaks? (?:out )?(?:of|from) the range|break of the range|(?:breaks?|closes?) (?:above|below|out of) the range)\b/gi,
    build: structure('range-broken', upOrDown),
  },
  {
    pattern:
      /\b(?:range (?:forms|formed|has formed|is formed|is established|established)|forms? a range|(?:a|the) range (?:is|has been) (?:set|established|built))\b/gi,
    build: structure('range-formed', () => null),
  },
  {
    pattern:
      /\b(?:up[- ]?trend(?:ing)?|trend(?: is|'s)? (?:up|bullish)|trending (?:up|higher)|bullish trend|higher highs(?: and higher lows)?|higher lows|HH(?:\s*(?:\/|and|,)\s*HL)?)\b/gi,
    build: structure('trend', () => 'bull'),
  },
  {
    pattern:
      /\b(?:down[- ]?trend(?:ing)?|trend(?: is|'s)? (?:down|bearish)|trending (?:down|lower)|bearish trend|lower lows(?: and lower highs)?|lower highs(?: and lower lows)?|LH(?:\s*(?:\/|and|,)\s*LL)?)\b/gi,
    build: structure('trend', () => 'bear'),
  },
  { pattern: /\bwith the trend\b/gi, build: structure('trend', () => null) },
  // Cycle phases.
  { pattern: /\bliquidity phase\b/gi, build: cycle('liquidity') },
  {
    pattern: /\b(?:drive phase|impulse(?: phase| moves?| legs?)?|impulsive(?: moves?| legs?)?|(?:a|the) drive)\b/gi,
    build: cycle('drive'),
  },
  { pattern: /\b(?:consolidation|consolidating|consolidates|ranging|range phase|choppy)\b/gi, build: cycle('range') },
  { pattern: /\bbreak[- ]?outs?\b/gi, build: setup('breakout') },
  // Indicators.
  {
    pattern: new RegExp(
      String.raw`\bRSI\s*(?:\(\s*(\d{1,4})\s*\)|(\d{1,4})\b)?\s*(?:is\s+|reads\s+|goes\s+)?${OP}\s*(\d+(?:\.\d+)?)`,
      'gi',
    ),
    build: (match) => {
      const p = period(match[1] ?? match[2], 14);
      const value = numberOf(match[4]);
      if (p === null || value === null) return null;
      return { type: 'indicator', indicator: 'rsi', period: p, op: opOf(match[3] ?? ''), value, timeframe: null };
    },
  },
  {
    pattern: /\bRSI\s*(?:\(\s*(\d{1,4})\s*\))?\s+(?:is\s+)?(overbought|oversold)\b/gi,
    build: (match) => {
      const p = period(match[1], 14);
      if (p === null) return null;
      const overbought = match[2]?.toLowerCase() === 'overbought';
      return {
        type: 'indicator',
        indicator: 'rsi',
        period: p,
        op: overbought ? 'above' : 'below',
        value: overbought ? 70 : 30,
        timeframe: null,
      };
    },
  },
  {
    pattern: new RegExp(
      String.raw`${OP}\s+(?:the\s+)?(\d{1,4})[\s-]*(?:period[\s-]+|day[\s-]+)?(EMA|SMA|MA|moving average)\b`,
      'gi',
    ),
    build: (match) => {
      const p = period(match[2], 0);
      if (p === null) return null;
      const indicator = movingAverage(match[3] ?? '');
      return { type: 'indicator', indicator, period: p, op: opOf(match[1] ?? ''), value: 'price', timeframe: null };
    },
  },
  {
    pattern: new RegExp(String.raw`${OP}\s+(?:the\s+)?(EMA|SMA|MA)\s*\(?\s*(\d{1,4})\b\s*\)?`, 'gi'),
    build: (match) => {
      const p = period(match[3], 0);
      if (p === null) return null;
      const indicator = movingAverage(match[2] ?? '');
      return { type: 'indicator', indicator, period: p, op: opOf(match[1] ?? ''), value: 'price', timeframe: null };
    },
  },
  {
    // VWAP has no period; the evaluator ignores it, the schema wants one.
    pattern: new RegExp(String.raw`${OP}\s+(?:the\s+)?(?:session\s+|daily\s+|anchored\s+)?VWAP\b`, 'gi'),
    build: (match) => ({
      type: 'indicator',
      indicator: 'vwap',
      period: 1,
      op: opOf(match[1] ?? ''),
      value: 'price',
      timeframe: null,
    }),
  },
  {
    pattern: new RegExp(
      String.raw`\bATR\s*(?:\(\s*(\d{1,4})\s*\)|(\d{1,4})\b)?\s+(?:is\s+)?${OP}\s+(\d+(?:\.\d+)?)`,
      'gi',
    ),
    build: (match) => {
      const p = period(match[1] ?? match[2], 14);
      const value = numberOf(match[4]);
      if (p === null || value === null) return null;
      return { type: 'indicator', indicator: 'atr', period: p, op: opOf(match[3] ?? ''), value, timeframe: null };
    },
  },
];

/**
 * The conditions a sentence names, in the order they appear, leaving out phrases inside
 * `claimed` spans (the stop and target clauses: "target the equal highs" is a target, not a
 * condition).
 */
export function findConditions(text: string, claimed: readonly Span[]): ConditionMention[] {
  const found: ConditionMention[] = [];
  for (const phrase of PHRASES) {
    for (const { match, span } of matchAll(phrase.pattern, text)) {
      if (claimed.some((c) => overlaps(c, span)) || found.some((m) => overlaps(m, span))) continue;
      const condition = phrase.build(match, text, span, found);
      if (condition) found.push({ ...span, condition });
    }
  }
  return found.sort((a, b) => a.start - b.start);
}
