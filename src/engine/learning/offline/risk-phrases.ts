import type { Rule } from '../../../shared/contract/knowledge.ts';
import { matchAll, numberOf, overlaps, type Span } from './phrase-match.ts';

type Stop = NonNullable<Rule['stop']>;
type Target = Rule['targets'][number];

/** Stop, targets and risk a sentence states, and the spans they were read from. */
export interface RiskTerms {
  readonly stop: Stop | null;
  readonly targets: readonly Target[];
  readonly riskPercent: number | null;
  /** Clauses that are about the stop or a target, so conditions are not read from them. */
  readonly claimed: readonly Span[];
  /** The stop is moved or trailed rather than placed: a management rule. */
  readonly movesStop: boolean;
}

// A full stop inside a number ("1.5x ATR") does not end a clause.
const CLAUSE_END = /[,;!?(]|\.(?!\d)|\s(?:and|then|but|when|if|once|after|while)\s/;

/** From `start` to the end of its clause. */
function clauseFrom(text: string, start: number, skip: number): Span {
  const rest = text.slice(start + skip);
  const stop = rest.search(CLAUSE_END);
  return { start, end: stop >= 0 ? start + skip + stop : text.length };
}

function clip(text: string): string {
  const trimmed = text.trim();
  return trimmed.length > 500 ? trimmed.slice(0, 500) : trimmed;
}

const RISK_PERCENT = [
  /\brisk(?:ing|s)?\s+(?:only\s+|no more than\s+|at most\s+|max(?:imum)?\s+|up to\s+|about\s+|around\s+)?(\d+(?:\.\d+)?)\s*%/gi,
  /\b(\d+(?:\.\d+)?)\s*%\s+(?:risk\b|of (?:the |my |your |our )?(?:account|equity|balance|capital|portfolio)\b)/gi,
];

function riskPercentIn(text: string): { value: number; span: Span } | null {
  for (const pattern of RISK_PERCENT) {
    for (const { match, span } of matchAll(pattern, text)) {
      const value = numberOf(match[1]);
      // "2% of the account" alone is risk only in a sentence about risk or sizing.
      const aboutRisk = /\b(?:risk|per trade|each trade|every trade|position size|sizing)\b/i.test(text);
      if (value !== null && value > 0 && value <= 100 && aboutRisk) return { value, span };
    }
  }
  return null;
}

const STOP_WORD =
  /\b(?:[Ss]top[- ]?[Ll]oss|[Ss]top|STOP|SL)\b(?!s\b|[- ]?(?:hunt|hunting|run|runs|order|orders|trading)\b)/g;

function stopIn(text: string, taken: readonly Span[]): { stop: Stop; span: Span; moved: boolean } | null {
  for (const { span: word } of matchAll(STOP_WORD, text)) {
    if (taken.some((t) => overlaps(t, word))) continue;
    const span = clauseFrom(text, word.start, word.end - word.start);
    const clause = text.slice(span.start, span.end);
    const before = text.slice(Math.max(0, word.start - 24), word.start);
    const mover = /\b(?:move|moving|trail|trailing|tighten|raise|lower)\s+(?:the\s+|your\s+|my\s+)?$/i.exec(before);
    if (mover) {
      // Moving a stop is managing the trade: kept in the trader's words.
      const from = word.start - before.length + mover.index;
      return {
        stop: { type: 'text', value: null, text: clip(text.slice(from, span.end)) },
        span: { start: from, end: span.end },
        moved: true,
      };
    }
    const atr =
      /(\d+(?:\.\d+)?)\s*(?:x|×|\*|times)?\s*(?:the\s+)?ATR\b/i.exec(clause) ??
      /\bATR\s*(?:x|×|\*)\s*(\d+(?:\.\d+)?)/i.exec(clause);
    const atrValue = numberOf(atr?.[1]);
    if (atrValue !== null && atrValue <= 1000)
      return { stop: { type: 'atr', value: atrValue, text: null }, span, moved: false };
    const percent = numberOf(/(\d+(?:\.\d+)?)\s*%/.exec(clause)?.[1]);
    if (percent !== null && percent <= 1000)
      return { stop: { type: 'percent', value: percent, text: null }, span, moved: false };
    // Where it goes, in the trader's words ("below the swing low"), is kept as the stop's text.
    const swing =
      /\b(?:below|under|above|beyond|past)\s+(?:the\s+)?(?:last\s+|recent\s+|previous\s+|prior\s+|nearest\s+|most recent\s+)?(?:swing[- ](?:low|high)s?|(?:higher[- ])?lows?|(?:lower[- ])?highs?|HL|LH)\b(?!\s+of\b)/i.exec(
        clause,
      );
    if (swing) return { stop: { type: 'swing', value: null, text: swing[0] }, span, moved: false };
    const structure =
      /\b(?:below|under|above|beyond|past|outside)\s+(?:\S+\s+){0,3}?(?:range|structure|order block|support|resistance|level|sweep)(?:\s+(?:low|high|edge))?\b/i.exec(
        clause,
      );
    if (structure) return { stop: { type: 'structure', value: null, text: structure[0] }, span, moved: false };
    return { stop: { type: 'text', value: null, text: clip(clause) }, span, moved: false };
  }
  return null;
}

const TARGET_WORD =
  /\b(?:[Tt]argets?|[Tt]ake[- ]?[Pp]rofits?|TP\d?|[Aa]im(?:ing)? for|[Ee]xit at|[Cc]lose (?:it |the trade |the position )?at|[Pp]rofit targets?)\b/g;

function targetsIn(text: string, taken: readonly Span[]): { targets: Target[]; spans: Span[] } {
  const targets: Target[] = [];
  const spans: Span[] = [];
  for (const { span: word } of matchAll(TARGET_WORD, text)) {
    if (taken.some((t) => overlaps(t, word)) || spans.some((s) => overlaps(s, word))) continue;
    // A target clause runs on through "and" and commas ("target 1R, 2R and 3R"), up to the next target word.
    const rest = text.slice(word.end);
    const nextWord = rest.search(TARGET_WORD);
    const breakAt = rest.search(/[;!?(]|\.(?!\d)|\s(?:then|but|when|if|once|after|while)\s/);
    const ends = [nextWord, breakAt].filter((at) => at >= 0);
    const span = { start: word.start, end: ends.length > 0 ? word.end + Math.min(...ends) : text.length };
    const clause = text.slice(span.start, span.end);
    spans.push(span);
    const found: Target[] = [];
    for (const { match } of matchAll(/(\d+(?:\.\d+)?)\s?R\b/g, clause)) {
      const value = numberOf(match[1]);
      if (value !== null && value <= 1000) found.push({ type: 'r-multiple', value, text: null });
    }
    const ratio = /\b(\d+(?:\.\d+)?)\s*:\s*(\d+(?:\.\d+)?)\b/.exec(clause);
    const [a, b] = [numberOf(ratio?.[1]), numberOf(ratio?.[2])];
    if (a !== null && b !== null && a > 0 && b > 0) {
      // "2:1" and "1:2" both mean two units of reward per unit of risk.
      const value = Math.max(a, b) / Math.min(a, b);
      if (value <= 1000) found.push({ type: 'r-multiple', value, text: null });
    }
    const times = numberOf(/(\d+(?:\.\d+)?)\s*(?:x|times)\s+(?:the\s+|your\s+|my\s+)?risk\b/i.exec(clause)?.[1]);
    if (times !== null && times <= 1000) found.push({ type: 'r-multiple', value: times, text: null });
    const percent = numberOf(/(\d+(?:\.\d+)?)\s*%/.exec(clause)?.[1]);
    if (percent !== null && percent <= 1000) found.push({ type: 'percent', value: percent, text: null });
    if (
      found.length === 0 &&
      /\b(?:liquidity|equal (?:highs|lows)|buy[- ]side|sell[- ]side|(?:other|opposite) side of the range|range (?:high|low)|previous (?:high|low)|swing (?:high|low)|the (?:highs|lows))\b/i.test(
        clause,
      )
    ) {
      found.push({ type: 'liquidity', value: null, text: null });
    }
    if (found.length === 0) found.push({ type: 'text', value: null, text: clip(clause) });
    targets.push(...found);
  }
  return { targets, spans };
}

/** The stop, targets and risk per trade a sentence states. */
export function findRiskTerms(text: string): RiskTerms {
  const risk = riskPercentIn(text);
  const taken = risk ? [risk.span] : [];
  const stop = stopIn(text, taken);
  const targets = targetsIn(text, stop ? [...taken, stop.span] : taken);
  return {
    stop: stop?.stop ?? null,
    targets: targets.targets,
    riskPercent: risk?.value ?? null,
    claimed: [...(stop ? [stop.span] : []), ...targets.spans],
    movesStop: stop?.moved ?? false,
  };
}
