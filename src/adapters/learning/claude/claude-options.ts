import { z } from 'zod';
import { ConfigurationError } from '../../../shared/contract/errors.ts';
import { DecimalStringSchema } from '../../../shared/values/decimal-values.ts';
import { DEFAULT_PRICING, ModelPricingSchema, type ModelPricing } from './claude-pricing.ts';

/**
 * The model used unless configured: Claude Sonnet 5.5, the current Sonnet, which reads long
 * trading prose well at a fifth of Opus's output price.
 */
export const DEFAULT_CLAUDE_MODEL = 'claude-sonnet-5-5';

/**
 * Models that answer a forced `tool_choice` with a 400 (their adaptive thinking cannot be
 * combined with it). They get `tool_choice: auto` and the prompt's "call the tool exactly
 * once"; an answer without the call is repaired like any other invalid answer. A model not
 * listed here that rejects forcing is switched to `auto` on its first such 400.
 */
export const FORCED_TOOL_CHOICE_REJECTED: ReadonlySet<string> = new Set([
  'claude-sonnet-5-5',
  'claude-opus-5-5',
  'claude-fable-5-1',
]);

const fn = <T>(name: string) =>
  z.custom<T>((value) => typeof value === 'function', { message: `${name} must be a function` });

/** Options of the Claude extractor, as given by the host. */
export const ClaudeExtractorOptionsSchema = z
  .object({
    /** Anthropic API key. Never logged, echoed or put into a result. */
    apiKey: z.string().min(1, 'the Anthropic API key is empty'),
    model: z.string().min(1).max(128).default(DEFAULT_CLAUDE_MODEL),
    /** API root, such as a local test server; the SDK's default (api.anthropic.com) when absent. */
    baseURL: z.url({ protocol: /^https?$/ }).optional(),
    /** Requests in flight at once. */
    maxConcurrency: z.number().int().min(1).max(16).default(3),
    /** USD the extractor may spend over its lifetime; no request is sent once it is spent. */
    budgetUsd: DecimalStringSchema,
    /** Prices per model, over {@link DEFAULT_PRICING}. */
    pricing: z.record(z.string(), ModelPricingSchema).default({}),
    /** Retries of one request after a rate limit, overload, 5xx or connection failure. */
    maxRetries: z.number().int().min(0).max(10).default(4),
    retryBaseDelayMs: z.number().int().min(0).max(60_000).default(1_000),
    retryMaxDelayMs: z.number().int().min(0).max(300_000).default(30_000),
    /** Time limit of one request. */
    timeoutMs: z.number().int().min(1).max(3_600_000).default(300_000),
    /** Output tokens of a first request (thinking included); a truncated answer is retried with twice this. */
    maxTokens: z.number().int().min(256).max(64_000).default(16_000),
    /** `force` names the tool in `tool_choice`; `auto` relies on the prompt. Default by model. */
    toolChoice: z.enum(['force', 'auto']).optional(),
    /** `output_config.effort`; the model's default when absent. */
    effort: z.enum(['low', 'medium', 'high', 'xhigh', 'max']).optional(),
    /** Clock for Retry-After dates (ms). */
    now: fn<() => number>('now').optional(),
    /** Pause between retries; rejects when the signal aborts. */
    sleep: fn<(ms: number, signal?: AbortSignal) => Promise<void>>('sleep').optional(),
    /** Jitter source, uniform in [0, 1). */
    random: fn<() => number>('random').optional(),
  })
  .strict();

/** Options of the Claude extractor; see {@link ClaudeExtractorOptionsSchema}. */
export type ClaudeExtractorOptions = z.input<typeof ClaudeExtractorOptionsSchema>;
/** Options after defaults. */
export type ResolvedClaudeOptions = z.output<typeof ClaudeExtractorOptionsSchema> & { readonly price: ModelPricing };

/**
 * Checks and completes the options. Errors name the field and never repeat a value, since
 * one of them is the API key.
 */
export function resolveClaudeOptions(options: ClaudeExtractorOptions): ResolvedClaudeOptions {
  const parsed = ClaudeExtractorOptionsSchema.safeParse(options);
  if (!parsed.success) {
    const fields = parsed.error.issues.map((issue) => `${issue.path.join('.') || 'options'}: ${issue.message}`);
    throw new ConfigurationError(`invalid Claude extractor options: ${fields.join('; ')}`);
  }
  const price = parsed.data.pricing[parsed.data.model] ?? DEFAULT_PRICING[parsed.data.model];
  if (!price) {
    throw new ConfigurationError(
      `no prices known for model "${parsed.data.model}": add them under pricing so the budget can be kept`,
    );
  }
  return { ...parsed.data, price };
}
