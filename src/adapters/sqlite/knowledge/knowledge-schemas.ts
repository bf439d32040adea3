import { z } from 'zod';
import type {
  ExtractionFailure,
  ExtractionReport,
  Ingestion,
  LlmUsage,
} from '../../../engine/learning/learning-ports.ts';
import { RULE_KINDS, RuleSchema } from '../../../shared/contract/knowledge.ts';
import { DecimalStringSchema } from '../../../shared/values/decimal-values.ts';

/**
 * What the knowledge store accepts and reads back, checked with zod: the ingester and the
 * extractors are separate modules, and the database file can be edited by hand.
 */

const HEX16 = /^[0-9a-f]{16}$/;
const HEX64 = /^[0-9a-f]{64}$/;

/** A rule's stable id: `r-` and 10 hex digits, shared by all its versions. */
export const RuleIdSchema = z.string().regex(/^r-[0-9a-f]{10}$/, 'must be "r-" and 10 hex digits');

/** A source id: the first 16 hex digits of its content's SHA-256. */
export const SourceIdSchema = z.string().regex(HEX16, 'must be 16 lowercase hex digits');

const SpanSchema = (min: number, integer: boolean) => {
  const bound = integer ? z.number().int().min(min) : z.number().min(min);
  return z
    .object({ from: bound, to: bound })
    .refine((s) => s.to >= s.from, { message: 'to must not be before from', path: ['to'] });
};

const ChunkSchema = z.object({
  sourceId: SourceIdSchema,
  index: z.number().int().min(0),
  heading: z.string().nullable(),
  text: z.string(),
  pages: SpanSchema(1, true).nullable(),
  seconds: SpanSchema(0, false).nullable(),
});

const KeyframeSchema = z.object({
  timestamp: z.number().min(0),
  path: z.string().min(1),
  hash: z.string().regex(HEX16, 'must be 16 lowercase hex digits'),
});

/** An {@link Ingestion}, with its parts checked against each other. */
export const IngestionSchema = z
  .object({
    source: z.object({
      id: SourceIdSchema,
      kind: z.enum(['pdf', 'video', 'subtitles']),
      name: z
        .string()
        .min(1)
        .max(512)
        .refine((n) => !/[/\\]/.test(n), 'must be a file name, not a path'),
      bytes: z.number().int().min(0),
      contentHash: z.string().regex(HEX64, 'must be a SHA-256 in lowercase hex'),
      pages: z.number().int().min(0).nullable(),
      durationSec: z.number().min(0).nullable(),
    }),
    chunks: z.array(ChunkSchema),
    notices: z.array(z.string()),
    keyframes: z.array(KeyframeSchema),
  })
  .superRefine((ingestion, ctx) => {
    const { source } = ingestion;
    if (!source.contentHash.startsWith(source.id)) {
      ctx.addIssue({ code: 'custom', path: ['source', 'id'], message: 'must be the first 16 digits of contentHash' });
    }
    const seen = new Set<number>();
    ingestion.chunks.forEach((chunk, i) => {
      if (chunk.sourceId !== source.id) {
        ctx.addIssue({
          code: 'custom',
          path: ['chunks', i, 'sourceId'],
          message: `must be the source's id ${source.id}`,
        });
      }
      if (seen.has(chunk.index)) {
        ctx.addIssue({ code: 'custom', path: ['chunks', i, 'index'], message: `duplicate chunk index ${chunk.index}` });
      }
      seen.add(chunk.index);
    });
  }) satisfies z.ZodType<Ingestion>;

/** {@link LlmUsage}; the cost is a non-negative decimal string. */
export const LlmUsageSchema = z.object({
  inputTokens: z.number().int().min(0),
  outputTokens: z.number().int().min(0),
  cacheReadTokens: z.number().int().min(0),
  cacheWriteTokens: z.number().int().min(0),
  costUsd: DecimalStringSchema.refine((s) => !s.startsWith('-'), 'must not be negative'),
}) satisfies z.ZodType<LlmUsage>;

/** {@link ExtractionFailure}. */
export const ExtractionFailureSchema = z.object({
  chunkIndex: z.number().int().min(0),
  message: z.string(),
  raw: z.string().nullable(),
  unanswered: z.boolean().optional(),
}) satisfies z.ZodType<ExtractionFailure>;

/** An {@link ExtractionReport}; every rule is checked with {@link RuleSchema}. */
export const ExtractionReportSchema = z.object({
  method: z.enum(['claude', 'offline']),
  model: z.string().min(1).max(200),
  rules: z.array(RuleSchema),
  failures: z.array(ExtractionFailureSchema),
  usage: LlmUsageSchema,
  calls: z.number().int().min(0),
}) satisfies z.ZodType<ExtractionReport>;

/** A change to some fields of a rule; unknown fields are refused. */
export const RulePatchSchema = RuleSchema.partial().refine((p) => Object.keys(p).length > 0, 'nothing to change');

/** Filter of {@link KnowledgeStore.rules}. */
export const RuleFilterSchema = z
  .object({
    current: z.boolean().optional(),
    sourceId: z.string().optional(),
    kind: z.enum(RULE_KINDS).optional(),
    enabled: z.boolean().optional(),
    tag: z.string().optional(),
  })
  .strict();

/** A tag: trimmed, not empty. */
export const TagSchema = z.string().trim().min(1).max(64);

/** Who may edit a rule. */
export const EditorSchema = z.enum(['user', 'feedback']);

/** Arguments of a confidence change. */
export const ConfidenceChangeInputSchema = z.object({
  confidence: z.number().min(0).max(1),
  reason: z.string().trim().min(1).max(2000),
  evidence: z.json(),
  approvedBy: z.string().trim().min(1).max(200),
});

/** Arguments of a new strategy. */
export const StrategyInputSchema = z.object({
  name: z.string().trim().min(1).max(120),
  ruleIds: z
    .array(z.string())
    .min(1)
    .refine((ids) => new Set(ids).size === ids.length, 'must not repeat a rule'),
  note: z.string().max(2000).nullable(),
});

/** Search arguments. */
export const SearchInputSchema = z.object({
  text: z.string().max(1000),
  limit: z.number().int().min(1).max(500),
  marks: z.tuple([z.string().max(32), z.string().max(32)]),
});
