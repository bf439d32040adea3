import { z } from 'zod';
import { CitationSchema, RULE_KINDS } from './knowledge.ts';

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
  }),
  /** A learning job failed; nothing was saved. */
  LearnFailed: z.object({ jobId: LearnJobIdSchema, at, error: z.string() }),
} as const satisfies Record<string, z.ZodType>;
