import {
  markerSeconds,
  RuleSchema,
  TIME_MARKER,
  withoutTimeMarkers,
  type Chunk,
  type Condition,
  type Rule,
} from '../../shared/contract/knowledge.ts';
import type { Timeframe } from '../../shared/values/timeframe.ts';
import type { ExtractionFailure, ExtractionReport, ExtractOptions, RuleExtractor } from './learning-ports.ts';
import { findConditions, type ConditionMention } from './offline/condition-phrases.ts';
import { findRiskTerms } from './offline/risk-phrases.ts';
import { directionOf, isNegated, ruleKind, statesDirection } from './offline/rule-cues.ts';
import { ruleName } from './offline/rule-naming.ts';
import { splitSentences, type Sentence } from './offline/sentences.ts';
import { distinctTimeframes, findTimeframes, type TimeframeMention } from './offline/timeframe-phrases.ts';

/**
 * The offline extractor's confidence never exceeds this: keyword matching misses context a
 * language model reads (irony, exceptions, "in my old system I used to …"), so its rules
 * must rank below Claude's.
 */
export const OFFLINE_MAX_CONFIDENCE = 0.6;
/** Confidence of a rule kept only in words (nothing mapped onto the vocabulary). */
const UNMAPPED_CONFIDENCE = 0.15;

/**
 * Extracts rules without a model, deterministically, from keywords and phrases: the fallback
 * when there is no API key or no network, and a baseline to compare Claude with.
 *
 * Each sentence that instructs (enter, only trade, wait for, avoid, exit, stop, target, risk,
 * move the stop) becomes one rule, citing the sentence verbatim; descriptive sentences yield
 * none. Phrases of the detection vocabulary become conditions, with the timeframe named in
 * their clause. A rule sentence from which nothing maps (no condition, stop, target, risk or
 * direction) is kept with a single `unsupported` condition holding the sentence, so the trader
 * still sees it; the conditions of a negated sentence ("do not enter when …") are kept the same
 * way, because the vocabulary cannot say "not". Pure: same chunks, same report.
 */
export class OfflineExtractor implements RuleExtractor {
  readonly method = 'offline' as const;

  /** Extracts the rules of `chunks`; a canceled extraction reports the chunks it did not read. */
  async extract(chunks: readonly Chunk[], options: ExtractOptions = {}): Promise<ExtractionReport> {
    const rules: Rule[] = [];
    const failures: ExtractionFailure[] = [];
    chunks.forEach((chunk, i) => {
      if (options.signal?.aborted) {
        failures.push({ chunkIndex: chunk.index, message: 'canceled', raw: null });
      } else {
        const extracted = extractChunk(chunk);
        rules.push(...extracted.rules);
        failures.push(...extracted.failures);
      }
      options.onProgress?.(i + 1, chunks.length);
    });
    return {
      method: 'offline',
      model: 'offline',
      rules,
      failures,
      usage: { inputTokens: 0, outputTokens: 0, cacheReadTokens: 0, cacheWriteTokens: 0, costUsd: '0' },
      calls: 0,
    };
  }
}

/** The rules of one chunk, each validated; a rule that fails validation is a failure, not a crash. */
export function extractChunk(chunk: Chunk): { rules: Rule[]; failures: ExtractionFailure[] } {
  const rules: Rule[] = [];
  const failures: ExtractionFailure[] = [];
  for (const sentence of splitSentences(chunk.text)) {
    const draft = ruleFromSentence(sentence, chunk);
    if (draft === null) continue;
    const checked = RuleSchema.safeParse(draft);
    if (checked.success) rules.push(checked.data);
    else {
      const issue = checked.error.issues[0];
      failures.push({
        chunkIndex: chunk.index,
        message:
          `offline rule from "${sentence.text.slice(0, 60)}" is invalid: ${issue?.path.join('.') ?? ''} ${issue?.message ?? ''}`.trim(),
        raw: JSON.stringify(draft),
      });
    }
  }
  return { rules, failures };
}

function ruleFromSentence(sentence: Sentence, chunk: Chunk): Rule | null {
  const text = sentence.text;
  const risk = findRiskTerms(text);
  const kind = ruleKind(text, risk);
  if (kind === null) return null;
  const timeframes = findTimeframes(text);
  const mapped = dedupe(withTimeframes(findConditions(text, risk.claimed), timeframes, text));
  const negated = isNegated(text) && mapped.length > 0;
  // Only an entry's direction follows from its conditions ("a bullish engulfing" is a long); a
  // bearish signal in an exit closes longs, and a filter gates both sides unless it says which.
  const direction = directionOf(text, negated || kind !== 'entry' ? [] : mapped);
  const nothingMapped =
    mapped.length === 0 &&
    risk.stop === null &&
    risk.targets.length === 0 &&
    risk.riskPercent === null &&
    direction === null;
  const conditions: Condition[] = negated || nothingMapped ? [{ type: 'unsupported', text: clip(text) }] : mapped;
  const parts =
    (negated ? 0 : mapped.length) +
    (risk.stop && risk.stop.type !== 'text' ? 1 : 0) +
    risk.targets.filter((t) => t.type !== 'text').length +
    (risk.riskPercent !== null ? 1 : 0) +
    (statesDirection(text) ? 1 : 0) +
    (timeframes.length > 0 ? 1 : 0);
  const body = {
    kind,
    timeframes: distinctTimeframes(timeframes),
    conditions,
    direction,
    stop: risk.stop,
    targets: [...risk.targets],
    riskPercent: risk.riskPercent,
  };
  return {
    name: ruleName(body, text),
    ...body,
    confidence: nothingMapped ? UNMAPPED_CONFIDENCE : Math.min(OFFLINE_MAX_CONFIDENCE, round2(0.2 + 0.08 * parts)),
    citation: {
      sourceId: chunk.sourceId,
      page: pageOf(sentence, chunk),
      timestamp: timestampOf(sentence, chunk),
      quote: quoteOf(text),
    },
  };
}

/** Clause boundaries: a condition takes the timeframe named in its own clause. */
const CLAUSE_BREAK = /[,;:]|\s(?:then|but|and then)\s/g;

function clauseIndex(breaks: readonly number[], at: number): number {
  return breaks.filter((b) => b <= at).length;
}

/**
 * Gives each condition the timeframe named nearest to it in its own clause ("a sweep of the
 * equal lows on the 15m, then enter on a bullish engulfing" reads the sweep on 15m and the
 * engulfing on the rule's own timeframe). Null when its clause names none.
 */
function withTimeframes(
  mentions: readonly ConditionMention[],
  timeframes: readonly TimeframeMention[],
  text: string,
): Condition[] {
  const breaks: number[] = [];
  CLAUSE_BREAK.lastIndex = 0;
  for (let m = CLAUSE_BREAK.exec(text); m !== null; m = CLAUSE_BREAK.exec(text)) breaks.push(m.index);
  return mentions.map((mention) => {
    const condition = mention.condition;
    if (condition.type === 'confluence' || condition.type === 'unsupported') return condition;
    const clause = clauseIndex(breaks, mention.start);
    let best: { timeframe: Timeframe; distance: number } | null = null;
    for (const tf of timeframes) {
      if (clauseIndex(breaks, tf.start) !== clause) continue;
      const distance = tf.start >= mention.end ? tf.start - mention.end : mention.start - tf.end;
      if (best === null || distance < best.distance) best = { timeframe: tf.timeframe, distance };
    }
    return { ...condition, timeframe: best?.timeframe ?? null };
  });
}

/**
 * Drops repeats ("the trend is up (higher highs and higher lows)" names one condition twice),
 * and a condition without a timeframe when the same one with a timeframe is there.
 */
function dedupe(conditions: readonly Condition[]): Condition[] {
  const keyOf = (c: Condition) => JSON.stringify({ ...c, timeframe: undefined });
  const timed = new Set(conditions.filter((c) => 'timeframe' in c && c.timeframe !== null).map(keyOf));
  const seen = new Set<string>();
  const kept: Condition[] = [];
  for (const c of conditions) {
    const exact = JSON.stringify(c);
    if (seen.has(exact)) continue;
    if ('timeframe' in c && c.timeframe === null && timed.has(keyOf(c))) continue;
    seen.add(exact);
    kept.push(c);
  }
  return kept;
}

/** The page a sentence is on: pages of a chunk are separated by form feeds when the reader kept them. */
function pageOf(sentence: Sentence, chunk: Chunk): number | null {
  if (!chunk.pages) return null;
  let breaks = 0;
  for (let i = 0; i < sentence.start; i++) if (chunk.text.charCodeAt(i) === 12) breaks++;
  return Math.min(chunk.pages.to, chunk.pages.from + breaks);
}

/** When a sentence is spoken: the last "[mm:ss]" marker before it, if within the chunk, else the chunk's start. */
function timestampOf(sentence: Sentence, chunk: Chunk): number | null {
  if (!chunk.seconds) return null;
  // The marker before the sentence, or the first one inside it (the cue it starts in).
  const before = [...chunk.text.slice(0, sentence.start).matchAll(TIME_MARKER)].at(-1);
  const within = [...sentence.text.matchAll(TIME_MARKER)][0];
  const last = within && within.index === 0 ? within : (before ?? within);
  if (last) {
    const seconds = markerSeconds(last);
    if (seconds >= chunk.seconds.from && seconds <= chunk.seconds.to) return seconds;
  }
  return chunk.seconds.from;
}

function clip(text: string): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > 500 ? flat.slice(0, 500) : flat;
}

function round2(x: number): number {
  return Math.round(x * 100) / 100;
}

/** The sentence as said: without transcript time markers, at most 1000 characters. */
function quoteOf(text: string): string {
  const words = withoutTimeMarkers(text);
  return words.length > 1000 ? words.slice(0, 1000) : words;
}
