import { DecimalStringSchema } from '../values/decimal-values.ts';
import { z } from 'zod';
import { TimeframeSchema } from '../values/timeframe.ts';
import { CitationSchema, RULE_KINDS } from './knowledge.ts';
import { SeriesIdSchema } from './series.ts';

/**
 * Learning from the trader's files through the engine: list the PDFs, videos and subtitle
 * files in the engine's data folders, learn one (a job reporting progress by events), list
 * the rules learned with their citations, switch rules on and off, and read a cited page.
 * Files are only read inside the engine's data folders (as candle files are).
 */

/** Identifies one learning job started with `LearnFile`. */
export const LearnJobIdSchema = z.string().min(1).max(64);

/** Source id: the first 16 hex digits of the content's SHA-256. */
export const SourceIdSchema = z.string().min(1).max(128);

/** Rule id (`r-…`), shared by every version of a rule. */
export const RuleIdSchema = z.string().min(1).max(64);

/** Largest source PDF `GetSourcePage` sends along with the page (20 MB); bigger ones come as null. */
export const MAX_SOURCE_PDF_BYTES = 20 * 1024 * 1024;

/** Learning jobs running at once, at most; `LearnFile` refuses another. */
export const MAX_CONCURRENT_LEARN_JOBS = 2;

/** Most files `ListLearnableFiles` returns. */
export const MAX_LEARNABLE_FILES = 1_000;

/** Kind of a learnable file. */
export const LearnableKindSchema = z.enum(['pdf', 'video', 'subtitles']);

/** A file in a data folder HyperDesk can learn from. */
export const LearnableFileSchema = z.object({
  /** File name. */
  name: z.string(),
  /** Path relative to its data folder, with "/" separators. */
  relativePath: z.string(),
  /** Absolute path, as `LearnFile` takes it. */
  path: z.string(),
  kind: LearnableKindSchema,
  bytes: z.number().int().nonnegative(),
});
/** See {@link LearnableFileSchema}. */
export type LearnableFile = z.infer<typeof LearnableFileSchema>;

/** How a source's rules were extracted. */
export const ExtractionMethodSchema = z.enum(['claude', 'offline']);

/** A rule as the UI lists it: its current version, switch, confidence and where it was read. */
export const RuleSummarySchema = z.object({
  id: RuleIdSchema,
  version: z.number().int().positive(),
  name: z.string(),
  kind: z.enum(RULE_KINDS),
  /** 0..1: how sure the extractor (or the feedback loop) is of the rule. */
  confidence: z.number().min(0).max(1),
  enabled: z.boolean(),
  citation: CitationSchema,
});
/** See {@link RuleSummarySchema}. */
export type RuleSummary = z.infer<typeof RuleSummarySchema>;

/** Identifies one feedback run started with `RunFeedback`. */
export const FeedbackIdSchema = z.string().min(1).max(64);

/** A strategy's name in the knowledge base. */
export const StrategyNameSchema = z.string().trim().min(1).max(120);

/** Feedback runs going at once, at most; `RunFeedback` refuses another. */
export const MAX_CONCURRENT_FEEDBACK_RUNS = 2;

/** Largest keyframe image `GetKeyframeImage` sends (2 MB of JPEG); bigger ones come as null. */
export const MAX_KEYFRAME_IMAGE_BYTES = 2 * 1024 * 1024;

/** Most keyframes and transcript cues `GetSourceMedia` returns. */
export const MAX_MEDIA_ITEMS = 5_000;

/** A strategy of the knowledge base with the current version of each of its rules, in order. */
export const StrategyInfoSchema = z.object({
  name: z.string(),
  note: z.string().nullable(),
  /** Unix ms. */
  createdAt: z.number().int(),
  rules: z.array(RuleSummarySchema),
});
/** See {@link StrategyInfoSchema}. */
export type StrategyInfo = z.infer<typeof StrategyInfoSchema>;

/** What the strategy compiler made of a strategy's rules for bars of one interval. */
export const CompileReportSchema = z.object({
  name: z.string(),
  interval: TimeframeSchema,
  /** Rules compiled into the strategy the engine runs. */
  used: z.array(
    z.object({ id: RuleIdSchema, version: z.number().int().positive(), name: z.string(), kind: z.string() }),
  ),
  /** Rules left out, each with the reason. */
  unsupported: z.array(z.object({ id: RuleIdSchema, name: z.string(), reason: z.string() })),
  /** Choices the compiler made that the trader should know about. */
  notes: z.array(z.string()),
  /** Position sizing of the compiled strategy (`risk:2`, `all-in`). */
  sizing: z.string(),
});
/** See {@link CompileReportSchema}. */
export type CompileReportWire = z.infer<typeof CompileReportSchema>;

/** How a group of trades went: wins are trades with a positive net result; R is net result over initial risk. */
export const OutcomeFiguresSchema = z.object({
  trades: z.number().int().nonnegative(),
  wins: z.number().int().nonnegative(),
  losses: z.number().int().nonnegative(),
  /** 0..1. */
  winRate: z.number().min(0).max(1),
  /** Mean R of the trades that had a stop; null when none had. */
  expectancyR: z.number().nullable(),
  totalR: z.number(),
});
/** See {@link OutcomeFiguresSchema}. */
export type OutcomeFiguresWire = z.infer<typeof OutcomeFiguresSchema>;

/** The trades a rule opened (as the entry rule or an allowing filter), overall and per cycle phase at entry. */
export const RuleOutcomeSchema = OutcomeFiguresSchema.extend({
  ruleId: RuleIdSchema,
  name: z.string(),
  /** Keyed by cycle phase (`drive`, `range`, `liquidity`, or `unknown` before the first). */
  byPhase: z.record(z.string(), OutcomeFiguresSchema),
});
/** See {@link RuleOutcomeSchema}. */
export type RuleOutcomeWire = z.infer<typeof RuleOutcomeSchema>;

/** A proposed confidence change, with its evidence, waiting for the trader's approval. */
export const ConfidenceSuggestionSchema = z.object({
  ruleId: RuleIdSchema,
  name: z.string(),
  current: z.number().min(0).max(1),
  suggested: z.number().min(0).max(1),
  trades: z.number().int().nonnegative(),
  winRate: z.number().min(0).max(1),
  expectancyR: z.number().nullable(),
  reason: z.string(),
});
/** See {@link ConfidenceSuggestionSchema}. */
export type ConfidenceSuggestionWire = z.infer<typeof ConfidenceSuggestionSchema>;

/** One frame kept from a video, by its time. */
export const KeyframeInfoSchema = z.object({
  /** Seconds into the video. */
  timestamp: z.number().min(0),
});

/** One transcript cue: the second its words start and the words. */
export const TranscriptCueSchema = z.object({ time: z.number().min(0), text: z.string() });
/** See {@link TranscriptCueSchema}. */
export type TranscriptCue = z.infer<typeof TranscriptCueSchema>;

/** The commands of learning and the knowledge base. */
export const KnowledgeCommands = {
  /**
   * The PDFs (.pdf), videos (.mp4 .mkv .mov .webm .avi .m4v) and subtitle files (.srt .vtt)
   * inside the engine's data folders (subfolders included, hidden ones not), sorted by path;
   * at most {@link MAX_LEARNABLE_FILES} (`truncated` says when there were more).
   */
  ListLearnableFiles: {
    request: z.object({}).strict(),
    response: z.object({ files: z.array(LearnableFileSchema), truncated: z.boolean() }),
  },
  /**
   * Starts learning a file; answers at once with the job id, then `LearnProgress`,
   * `LearnFinished` or `LearnFailed` tell how it goes. The path must be absolute and inside a
   * data folder (resolved through symlinks), else `VALIDATION`. Claude extracts the rules when
   * the engine has an Anthropic API key and `offline` is false; otherwise the offline extractor.
   */
  LearnFile: {
    request: z
      .object({
        path: z.string().min(1).max(4096),
        /** Use the offline (keyword) extractor even when a key is set. */
        offline: z.boolean().default(false),
      })
      .strict(),
    response: z.object({ jobId: LearnJobIdSchema }),
  },
  /** Current versions of the rules in the knowledge base (of one source when `sourceId` is given). */
  ListRules: {
    request: z.object({ sourceId: SourceIdSchema.optional() }).strict(),
    response: z.object({ rules: z.array(RuleSummarySchema) }),
  },
  /** Switches a rule on or off (every version); answers with the rule as it now is. */
  SetRuleEnabled: {
    request: z.object({ id: RuleIdSchema, enabled: z.boolean() }).strict(),
    response: RuleSummarySchema,
  },
  /**
   * The text of one page of a learned document, as it was read (reading order, headings, page
   * numbers removed), and the document itself (base64) when it is still in a data folder and
   * at most {@link MAX_SOURCE_PDF_BYTES}, else null.
   */
  GetSourcePage: {
    request: z.object({ sourceId: SourceIdSchema, page: z.number().int().min(1).max(100_000) }).strict(),
    response: z.object({
      sourceId: SourceIdSchema,
      name: z.string(),
      page: z.number().int().min(1),
      pages: z.number().int().nonnegative().nullable(),
      text: z.string(),
      pdf: z.string().nullable(),
    }),
  },
  /**
   * Cancels a learning job started with `LearnFile`: the reader or extractor stops and the job
   * ends with `LearnFailed` and error `canceled`, nothing saved (a job already saving its rules
   * still ends with `LearnFinished`). `canceled` is false when no such job is running.
   */
  CancelLearn: {
    request: z.object({ jobId: LearnJobIdSchema }).strict(),
    response: z.object({ jobId: LearnJobIdSchema, canceled: z.boolean() }),
  },
  /** The knowledge base's strategies, by name, each with its rules' current versions. */
  ListStrategies: {
    request: z.object({}).strict(),
    response: z.object({ strategies: z.array(StrategyInfoSchema) }),
  },
  /**
   * Makes a strategy from rules (in the order given, no repeats). A name already used or an
   * empty list is `VALIDATION`; an unknown rule id `NOT_FOUND`.
   */
  CreateStrategy: {
    request: z
      .object({
        name: StrategyNameSchema,
        ruleIds: z.array(RuleIdSchema).min(1).max(200),
        note: z.string().max(2000).optional(),
      })
      .strict(),
    response: StrategyInfoSchema,
  },
  /**
   * Compiles a strategy for bars of `interval`: which rules run, which cannot and why. A
   * strategy left without an entry rule is `VALIDATION`, naming what is missing.
   */
  CompileStrategy: {
    request: z.object({ name: StrategyNameSchema, interval: TimeframeSchema }).strict(),
    response: CompileReportSchema,
  },
  /**
   * Starts the feedback loop on a stored series (what `hyperdesk kb feedback` does): the
   * strategy is compiled for the series' interval and backtested with every decision
   * explained, each trade credited to its rules, outcomes counted per rule and cycle phase,
   * confidence changes suggested (nothing changed). Answers at once with the run id, then
   * `FeedbackProgress`, `FeedbackFinished` or `FeedbackFailed`. At most
   * {@link MAX_CONCURRENT_FEEDBACK_RUNS} at once.
   */
  RunFeedback: {
    request: z
      .object({
        strategy: StrategyNameSchema,
        seriesId: SeriesIdSchema,
        /** Fewest trades behind a suggestion. */
        minTrades: z.number().int().min(1).max(100_000).default(20),
      })
      .strict(),
    response: z.object({ feedbackId: FeedbackIdSchema }),
  },
  /** Cancels a feedback run; it then ends with `FeedbackFailed` and error `canceled`. */
  CancelFeedback: {
    request: z.object({ feedbackId: FeedbackIdSchema }).strict(),
    response: z.object({ feedbackId: FeedbackIdSchema, canceled: z.boolean() }),
  },
  /**
   * Approves one suggestion of a finished feedback run (what `kb feedback --apply` does for
   * that rule): a new rule version with the suggested confidence, recorded with its reason
   * and evidence. The engine keeps the suggestions it made, so only those can be approved;
   * a rule changed since the run is `VALIDATION` (run feedback again), an unknown run or
   * rule `NOT_FOUND`.
   */
  ApproveSuggestion: {
    request: z.object({ feedbackId: FeedbackIdSchema, ruleId: RuleIdSchema }).strict(),
    response: z.object({
      rule: RuleSummarySchema,
      from: z.number().min(0).max(1),
      to: z.number().min(0).max(1),
    }),
  },
  /**
   * A video's (or subtitle file's) study material: its keyframes' times and its transcript
   * cues, at most {@link MAX_MEDIA_ITEMS} of each. A document is `VALIDATION`.
   */
  GetSourceMedia: {
    request: z.object({ sourceId: SourceIdSchema }).strict(),
    response: z.object({
      sourceId: SourceIdSchema,
      name: z.string(),
      kind: z.enum(['video', 'subtitles']),
      durationSec: z.number().nonnegative().nullable(),
      keyframes: z.array(KeyframeInfoSchema),
      cues: z.array(TranscriptCueSchema),
      truncated: z.boolean(),
    }),
  },
  /**
   * One keyframe as a `data:image/jpeg;base64,…` URL, or null when its file is gone or over
   * {@link MAX_KEYFRAME_IMAGE_BYTES}. An unknown source or time is `NOT_FOUND`.
   */
  GetKeyframeImage: {
    request: z.object({ sourceId: SourceIdSchema, timestamp: z.number().min(0).max(1_000_000) }).strict(),
    response: z.object({
      sourceId: SourceIdSchema,
      timestamp: z.number().min(0),
      dataUrl: z.string().nullable(),
      /** Size of the image file; null when it is gone. */
      bytes: z.number().int().nonnegative().nullable(),
    }),
  },
} as const satisfies Record<string, { request: z.ZodType; response: z.ZodType }>;

const at = z.number().int();

/** The events of learning jobs. */
export const KnowledgeEvents = {
  /** A learning job moved on: `reading` the file, then `extracting` rules, `done` of `total` units. */
  LearnProgress: z.object({
    jobId: LearnJobIdSchema,
    at,
    stage: z.enum(['reading', 'extracting']),
    done: z.number().int().nonnegative(),
    total: z.number().int().nonnegative(),
  }),
  /** A learning job ended: the source, the rules learned and what the trader should know. */
  LearnFinished: z.object({
    jobId: LearnJobIdSchema,
    at,
    sourceId: SourceIdSchema,
    name: z.string(),
    /** True when the file had been learned before with this extractor (nothing was read or sent). */
    cached: z.boolean(),
    method: ExtractionMethodSchema,
    rules: z.array(RuleSummarySchema),
    notices: z.array(z.string()),
    /** What the model calls of this job used and cost (all 0 offline or from the cache). */
    usage: z.object({
      inputTokens: z.number().int().nonnegative(),
      outputTokens: z.number().int().nonnegative(),
      /** USD, an exact decimal string. */
      costUsd: DecimalStringSchema,
    }),
  }),
  /** A learning job failed (`canceled` when canceled); nothing was saved. */
  LearnFailed: z.object({ jobId: LearnJobIdSchema, at, error: z.string() }),
  /** A feedback run has backtested `done` of its `total` bars; about 50 per run at most. */
  FeedbackProgress: z.object({
    feedbackId: FeedbackIdSchema,
    at,
    done: z.number().int().nonnegative(),
    total: z.number().int().positive(),
  }),
  /** A feedback run ended: what ran, the outcomes per rule and the suggestions waiting for approval. */
  FeedbackFinished: z.object({
    feedbackId: FeedbackIdSchema,
    at,
    strategy: z.string(),
    seriesId: SeriesIdSchema,
    compiled: CompileReportSchema,
    outcomes: z.object({ strategy: OutcomeFiguresSchema, rules: z.array(RuleOutcomeSchema) }),
    suggestions: z.array(ConfidenceSuggestionSchema),
    minTrades: z.number().int().positive(),
    /** Things the reader must know about the backtest (a ruined account…). */
    notes: z.array(z.string()),
  }),
  /** A feedback run stopped without a result: `error` says why (`canceled` when canceled). */
  FeedbackFailed: z.object({ feedbackId: FeedbackIdSchema, at, error: z.string() }),
} as const satisfies Record<string, z.ZodType>;
