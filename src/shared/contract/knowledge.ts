import { z } from 'zod';
import { TimeframeSchema } from '../values/timeframe.ts';

/**
 * The knowledge base's vocabulary: trading rules as extracted from a trader's documents and
 * videos, each tied to where it was read. One schema for the Claude extractor (its tool's
 * JSON schema is generated from it), the offline extractor, the store, the strategy compiler
 * and the UI. Conditions use the detection engine's vocabulary so a rule can be evaluated;
 * whatever does not map is kept as an `unsupported` condition, never dropped.
 */

/** The candle patterns the detection engine names. */
export const PATTERN_NAMES = [
  'engulfing',
  'pin-bar',
  'hammer',
  'shooting-star',
  'doji',
  'inside-bar',
  'outside-bar',
  'le-candle',
  'small-wick',
  'steeper-wick',
  'celery',
] as const;

/** Structure events the detection engine reports. */
export const STRUCTURE_EVENTS = [
  'bos',
  'choch',
  'sweep',
  'range-formed',
  'range-broken',
  'liquidity-pool',
  'trend',
] as const;

/** Market cycle phases. */
export const CYCLE_PHASES = ['drive', 'range', 'liquidity'] as const;

/** Setups the confluence scorer recognises. */
export const SETUP_NAMES = ['breakout', 'fakeout', 'onion', 'trend-entry'] as const;

/** Indicators a condition may compare. */
export const INDICATOR_NAMES = ['sma', 'ema', 'rsi', 'atr', 'vwap'] as const;

/** What a rule is for. */
export const RULE_KINDS = ['entry', 'exit', 'filter', 'risk', 'management'] as const;

const DirectionSchema = z.enum(['bull', 'bear']).nullable().describe('bull or bear; null when either');
const Tf = TimeframeSchema.nullable().describe('timeframe it is read on; null for the rule’s own');

/** One condition, in the detection engine's vocabulary. */
export const ConditionSchema = z.discriminatedUnion('type', [
  z
    .object({ type: z.literal('pattern'), pattern: z.enum(PATTERN_NAMES), direction: DirectionSchema, timeframe: Tf })
    .strict(),
  z
    .object({
      type: z.literal('structure'),
      event: z.enum(STRUCTURE_EVENTS),
      direction: DirectionSchema,
      timeframe: Tf,
    })
    .strict(),
  z.object({ type: z.literal('cycle'), phase: z.enum(CYCLE_PHASES), timeframe: Tf }).strict(),
  z
    .object({
      type: z.literal('confluence'),
      setup: z.enum(SETUP_NAMES),
      minScore: z.number().min(0).max(1).nullable().describe('least confluence score, 0..1; null for any'),
    })
    .strict(),
  z
    .object({
      type: z.literal('indicator'),
      indicator: z.enum(INDICATOR_NAMES),
      period: z.number().int().min(1).max(1000),
      op: z.enum(['above', 'below', 'crosses-above', 'crosses-below']),
      /** A number, or "price" (the close). */
      value: z.union([z.number(), z.literal('price')]),
      timeframe: Tf,
    })
    .strict(),
  z
    .object({
      type: z.literal('unsupported'),
      text: z.string().min(1).max(500).describe('the condition in words, when none of the other types fit'),
    })
    .strict(),
]);
/** See {@link ConditionSchema}. */
export type Condition = z.infer<typeof ConditionSchema>;

/** Where a rule was read: a page of a document or a moment of a video, with the words themselves. */
export const CitationSchema = z
  .object({
    sourceId: z.string().min(1).max(128),
    /** 1-based page of a document; null for a video. */
    page: z.number().int().min(1).nullable(),
    /** Seconds into a video; null for a document. */
    timestamp: z.number().min(0).nullable(),
    /** Verbatim words of the source that state the rule. */
    quote: z.string().min(1).max(1000),
  })
  .strict();
/** See {@link CitationSchema}. */
export type Citation = z.infer<typeof CitationSchema>;

/** Where a rule puts its stop. */
export const StopSchema = z
  .object({
    type: z.enum(['swing', 'structure', 'atr', 'percent', 'text']),
    /** ATR multiple or percent; null for swing/structure/text. */
    value: z.number().min(0).max(1000).nullable(),
    text: z.string().max(500).nullable(),
  })
  .strict();

/** A profit target. */
export const TargetSchema = z
  .object({
    type: z.enum(['r-multiple', 'percent', 'liquidity', 'text']),
    value: z.number().min(0).max(1000).nullable(),
    text: z.string().max(500).nullable(),
  })
  .strict();

/** One trading rule, as extracted. */
export const RuleSchema = z
  .object({
    name: z.string().min(1).max(120),
    kind: z.enum(RULE_KINDS),
    timeframes: z.array(TimeframeSchema).max(14),
    conditions: z.array(ConditionSchema).max(20),
    direction: z.enum(['long', 'short', 'both']).nullable(),
    stop: StopSchema.nullable(),
    targets: z.array(TargetSchema).max(10),
    /** Percent of equity risked per trade, when the source says. */
    riskPercent: z.number().gt(0).max(100).nullable(),
    /** How sure the extractor is that the source states this rule, 0..1. */
    confidence: z.number().min(0).max(1),
    citation: CitationSchema,
  })
  .strict();
/** See {@link RuleSchema}. */
export type Rule = z.infer<typeof RuleSchema>;

/** What an extractor returns for one chunk of a source. */
export const ExtractionSchema = z.object({ rules: z.array(RuleSchema).max(50) }).strict();
/** See {@link ExtractionSchema}. */
export type Extraction = z.infer<typeof ExtractionSchema>;

/** A section of a source, the unit extractors read. */
export interface Chunk {
  readonly sourceId: string;
  /** Position within the source. */
  readonly index: number;
  readonly heading: string | null;
  readonly text: string;
  /** Pages covered (documents), 1-based and inclusive; null for videos. */
  readonly pages: { readonly from: number; readonly to: number } | null;
  /** Seconds covered (videos); null for documents. */
  readonly seconds: { readonly from: number; readonly to: number } | null;
}

/**
 * Transcript text carries a time marker before each cue, "[m:ss]" or "[h:mm:ss]": the second
 * the following words are spoken, so a quote can be cited to its moment, not its section's.
 */
export const TIME_MARKER = /\[(?:(\d{1,3}):)?(\d{1,2}):(\d{2})\]/g;

/** The time marker for `seconds`. */
export function timeMarker(seconds: number): string {
  const s = Math.max(0, Math.floor(seconds));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const ss = String(s % 60).padStart(2, '0');
  return h > 0 ? `[${h}:${String(m).padStart(2, '0')}:${ss}]` : `[${m}:${ss}]`;
}

/** The seconds a time marker's match names. */
export function markerSeconds(match: RegExpMatchArray): number {
  return Number(match[1] ?? 0) * 3600 + Number(match[2]) * 60 + Number(match[3]);
}

/** Text without its time markers (each with the space after it); other spacing is kept. */
export function withoutTimeMarkers(text: string): string {
  return text.replace(/\[(?:\d{1,3}:)?\d{1,2}:\d{2}\] ?/g, '');
}

/**
 * A transcript's cues from its time-marked text: each marker starts a cue holding the words up
 * to the next marker (trimmed; empty cues dropped). Words before the first marker belong to no
 * moment and are left out.
 */
export function transcriptCues(text: string): { time: number; text: string }[] {
  const cues: { time: number; text: string }[] = [];
  const markers = [...text.matchAll(TIME_MARKER)];
  markers.forEach((match, i) => {
    const start = (match.index ?? 0) + match[0].length;
    const end = markers[i + 1]?.index ?? text.length;
    const words = text.slice(start, end).replace(/\s+/g, ' ').trim();
    if (words !== '') cues.push({ time: markerSeconds(match), text: words });
  });
  return cues;
}
