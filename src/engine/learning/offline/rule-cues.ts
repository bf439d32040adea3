import type { Condition, Rule } from '../../../shared/contract/knowledge.ts';
import { matchAll } from './phrase-match.ts';
import type { RiskTerms } from './risk-phrases.ts';

type Kind = Rule['kind'];

/** Words that make a sentence an instruction of each kind. */
const MANAGEMENT =
  /\b(?:break[- ]?even|trail(?:ing)?|scale out|scaling out|take partials?|partial profits?|move (?:the|your|my) stop)\b/i;
const ENTRY =
  /\b(?:enter|entering|(?<!(?:below|above|under|over|beyond|past|from|than|of|at)\s)entry|entries|go long|go short|get in|take (?:the |a )?(?:trade|long|short|entry|position)|open (?:a |the )?(?:trade|position|long|short)|look for (?:longs|shorts|entries|a long|a short)|(?<!sell[- ]|buy[- ])(?:buy|sell)(?![- ]?(?:side|stops?)\b))\b/i;
/**
 * Weaker entry cues: "short when …", "longs on …", and an imperative opening that names a
 * setup ("Trade the breakout …"). Only an entry when no filter wording says otherwise: "only
 * trade longs when the trend is up" is a filter.
 */
const WEAK_ENTRY = /\b(?:long|short)s? (?:when|if|on|after|once|at)\b|^(?:trade|take|play)\s+(?:the|a|an|every)\b/i;
const EXIT =
  /\b(?:exit|get out|close (?:the|your|my|a) (?:trade|position)|take[- ]?profits?|cut (?:the|your) (?:trade|loss))\b/i;
const FILTER =
  /\b(?:only (?:trade|take|enter|go|buy|sell|look)|trade only|wait for|wait until|avoid|stay out|stay flat|no trades?|(?:don't|do not|never|dont) (?:trade|enter|take|buy|sell|chase|short|long))\b/i;

/** Words that turn the conditions of a sentence around ("do not enter when …"). */
const NEGATION = /\b(?:avoid|don't|dont|do not|never|no trades?|stay out|stay flat|not (?:trade|enter|take))\b/i;

/**
 * What kind of rule a sentence states, or null when it states none. A sentence is a rule when
 * it tells the reader what to do (enter, wait for, only trade, avoid, exit, put the stop,
 * target, risk, move the stop); descriptions ("price often sweeps the lows") are not, even in
 * the vocabulary. Precedence: managing an open trade, then entering, then stop and risk, then
 * exiting, then filtering; weak entry cues yield to filter wording.
 */
export function ruleKind(text: string, risk: RiskTerms): Kind | null {
  if (risk.movesStop || MANAGEMENT.test(text)) return 'management';
  if (ENTRY.test(text)) return NEGATION.test(text) ? 'filter' : 'entry';
  if (WEAK_ENTRY.test(text) && !FILTER.test(text)) return 'entry';
  if (risk.stop !== null || risk.riskPercent !== null) return 'risk';
  if (EXIT.test(text) || risk.targets.length > 0) return 'exit';
  if (FILTER.test(text)) return 'filter';
  return null;
}

/**
 * Whether the sentence says what not to do. The vocabulary has no negation, so the conditions
 * of such a rule cannot be stated as they are; they are kept in words (`unsupported`) rather
 * than inverted by guesswork.
 */
export function isNegated(text: string): boolean {
  return NEGATION.test(text);
}

/** Unambiguous direction words: plurals, verbs and "go long". */
const LONG = /\b(?:longs|go(?:ing)? long|buy(?:s|ing)?|bullish (?:trades|positions|setups))\b/gi;
const SHORT = /\b(?:shorts|go(?:ing)? short|sell(?:s|ing)?|bearish (?:trades|positions|setups))\b/gi;
/** "long" and "short" alone are trade words only next to trading words ("enter long", "short when"). */
const BARE_LONG = /\blong\b/gi;
const BARE_SHORT = /\bshort\b/gi;
const TRADE_BEFORE =
  /(?:^|\b(?:go|going|went|enter|entering|get|getting|stay|only|(?:take|taking|open|opening)(?:\s+a)?)\s+)$/i;
const TRADE_AFTER = /^\s+(?:when|if|on|after|once|at|positions?|trades?|entr(?:y|ies)|setups?|only|bias)\b/i;
/** "buy-side", "sell stops": liquidity, not trade directions. */
const NOT_AFTER = /^[- ]?(?:side|stops?)\b/i;

function says(pattern: RegExp, bare: RegExp, text: string): boolean {
  const words = matchAll(pattern, text).some(({ span }) => !NOT_AFTER.test(text.slice(span.end, span.end + 8)));
  return (
    words ||
    matchAll(bare, text).some(
      ({ span }) =>
        TRADE_BEFORE.test(text.slice(Math.max(0, span.start - 12), span.start)) ||
        TRADE_AFTER.test(text.slice(span.end, span.end + 14)),
    )
  );
}

/**
 * The trade direction: as stated ("longs", "buy", "go short"), else as the conditions imply
 * when they all point one way (a bullish engulfing after a sweep of the lows is a long).
 */
export function directionOf(text: string, conditions: readonly Condition[]): Rule['direction'] {
  const long = says(LONG, BARE_LONG, text);
  const short = says(SHORT, BARE_SHORT, text);
  if (long && short) return 'both';
  if (long) return 'long';
  if (short) return 'short';
  const sides = new Set(
    conditions.flatMap((c) =>
      (c.type === 'pattern' || c.type === 'structure') && c.direction !== null ? [c.direction] : [],
    ),
  );
  if (sides.size !== 1) return null;
  return sides.has('bull') ? 'long' : 'short';
}

/** True when the sentence names a direction itself (it counts towards confidence). */
export function statesDirection(text: string): boolean {
  return says(LONG, BARE_LONG, text) || says(SHORT, BARE_SHORT, text);
}
