import { TIMEFRAMES, type Timeframe } from '../../../shared/values/timeframe.ts';
import { matchAll, overlaps, type Span } from './phrase-match.ts';

/** A timeframe named in a sentence. */
export interface TimeframeMention extends Span {
  readonly timeframe: Timeframe;
}

function isTimeframe(name: string): name is Timeframe {
  return (TIMEFRAMES as readonly string[]).includes(name);
}
const CHART_WORD = String.raw`(?=\s+(?:chart|charts|timeframe|time frame|tf|candles?|close|trend|structure|bars?)\b)`;

/**
 * How traders write timeframes, in order of precedence. Compact forms ("4h", "15m", "15min",
 * "1D") and hyphenated or singular forms ("4-hour", "15 minute") are timeframes; plural
 * durations ("wait 15 minutes") are not, unless a chart word follows ("the 15 minutes chart").
 * "1M" is a month, as on Hyperliquid; every other "m" is minutes.
 */
const FORMS: ReadonlyArray<{ pattern: RegExp; build: (m: RegExpExecArray) => string | null }> = [
  { pattern: /\b1M\b/g, build: () => '1M' },
  { pattern: /\b(\d{1,2})\s?(?:m|min|mins)\b/gi, build: (m) => `${m[1]}m` },
  { pattern: /\b(\d{1,2})\s?(?:h|hr|hrs)\b/gi, build: (m) => `${m[1]}h` },
  { pattern: /\b([13])\s?(?:d)\b/gi, build: (m) => `${m[1]}d` },
  { pattern: /\b1\s?w\b/gi, build: () => '1w' },
  { pattern: /\b(\d{1,2})(?:-|\s)minute\b/gi, build: (m) => `${m[1]}m` },
  { pattern: /\b(\d{1,2})(?:-|\s)hour\b/gi, build: (m) => `${m[1]}h` },
  { pattern: /\b([13])(?:-|\s)day\b/gi, build: (m) => `${m[1]}d` },
  { pattern: new RegExp(String.raw`\b(\d{1,2})\s(?:minutes|mins)${CHART_WORD}`, 'gi'), build: (m) => `${m[1]}m` },
  { pattern: new RegExp(String.raw`\b(\d{1,2})\s(?:hours|hrs)${CHART_WORD}`, 'gi'), build: (m) => `${m[1]}h` },
  // MetaTrader names: M15, H4, D1, W1, MN.
  { pattern: /\bM(1|3|5|15|30)\b/g, build: (m) => `${m[1]}m` },
  { pattern: /\bH(1|2|4|8|12)\b/g, build: (m) => `${m[1]}h` },
  { pattern: /\bD1\b/g, build: () => '1d' },
  { pattern: /\bW1\b/g, build: () => '1w' },
  { pattern: /\bMN1?\b/g, build: () => '1M' },
  { pattern: /\bhourly\b/gi, build: () => '1h' },
  { pattern: /\b(?:daily|(?<!\d[\s-])day chart)\b/gi, build: () => '1d' },
  { pattern: /\bweekly\b/gi, build: () => '1w' },
  { pattern: /\bmonthly\b/gi, build: () => '1M' },
];

/** The timeframes a sentence names, in order; names of intervals Hyperliquid does not serve are ignored. */
export function findTimeframes(text: string): TimeframeMention[] {
  const mentions: TimeframeMention[] = [];
  for (const form of FORMS) {
    for (const { match, span } of matchAll(form.pattern, text)) {
      const name = form.build(match);
      if (name === null || !isTimeframe(name) || mentions.some((m) => overlaps(m, span))) continue;
      mentions.push({ ...span, timeframe: name });
    }
  }
  return mentions.sort((a, b) => a.start - b.start);
}

/** Distinct timeframes in the venue's order (shortest first). */
export function distinctTimeframes(mentions: readonly TimeframeMention[]): Timeframe[] {
  const named = new Set(mentions.map((m) => m.timeframe));
  return TIMEFRAMES.filter((tf) => named.has(tf));
}
