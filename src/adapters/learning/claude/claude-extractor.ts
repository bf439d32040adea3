import { Anthropic, APIError, APIUserAbortError } from '@anthropic-ai/sdk';
import type { MessageCreateParamsNonStreaming, MessageParam } from '@anthropic-ai/sdk/resources/messages';
import { Decimal } from 'decimal.js';
import type {
  ExtractionFailure,
  ExtractionReport,
  ExtractOptions,
  RuleExtractor,
} from '../../../engine/learning/learning-ports.ts';
import { HyperdeskError } from '../../../shared/contract/errors.ts';
import { ExtractionSchema, type Chunk, type Rule } from '../../../shared/contract/knowledge.ts';
import { toWire } from '../../../shared/values/decimal-values.ts';
import { rememberSecret } from '../../secrets/secret-redactor.ts';
import { checkCitations } from './claude-citations.ts';
import {
  FORCED_TOOL_CHOICE_REJECTED,
  resolveClaudeOptions,
  type ClaudeExtractorOptions,
  type ResolvedClaudeOptions,
} from './claude-options.ts';
import { costOf } from './claude-pricing.ts';
import { chunkMessage, RECORD_RULES, RECORD_RULES_TOOL, repairInstruction, systemBlocks } from './claude-prompt.ts';
import {
  assistantContentOf,
  MessageResponseSchema,
  textOf,
  toolUsesOf,
  usageOf,
  type MessageResponse,
} from './claude-response.ts';
import { abortableSleep, backoffDelay, classifyForRetry } from './claude-retry.ts';

export { DEFAULT_CLAUDE_MODEL, type ClaudeExtractorOptions } from './claude-options.ts';

/** A truncated answer is retried once with twice the output budget, never more than this. */
const MAX_OUTPUT_TOKENS = 64_000;
/** Raw model output kept on a failure, for the trader to look at. */
const MAX_RAW_CHARS = 100_000;
/** Statuses after which no later request can succeed (bad key, no access, no credit, no such model). */
const FATAL_STATUSES = new Set([401, 402, 403, 404]);

/** Why a chunk ended without rules; thrown inside a chunk's extraction and turned into its failure. */
class ChunkAbandoned extends HyperdeskError {
  readonly raw: string | null;
  /** True when the model answered (badly); false when the chunk never got an answer. */
  readonly answered: boolean;
  constructor(message: string, raw: string | null = null, answered = false) {
    super('ChunkAbandoned', 'TRANSPORT', message);
    this.raw = raw;
    this.answered = answered;
  }
}

/** What one `extract` call has used so far. */
interface RunState {
  inputTokens: number;
  outputTokens: number;
  cacheReadTokens: number;
  cacheWriteTokens: number;
  cost: Decimal;
  calls: number;
  /** Set when an error means every later request would fail the same way. */
  fatal: string | null;
}

interface ChunkOutcome {
  readonly rules: readonly Rule[];
  readonly failures: readonly ExtractionFailure[];
}

/**
 * Extracts rules with Claude through the Messages API: one request per chunk, the shared
 * instructions in a cached system prompt, the answer as a call of the `record_rules` tool whose
 * schema is generated from {@link ExtractionSchema}. Answers are validated (one repair round
 * when invalid or truncated), every citation is checked against the chunk's text, transient
 * API errors are retried with backoff, at most `maxConcurrency` requests are in flight, and no
 * request is sent once the budget is spent. Failures are reported per chunk; the API key never
 * appears in them.
 */
export class ClaudeExtractor implements RuleExtractor {
  readonly method = 'claude' as const;
  /** The model every request names. */
  readonly model: string;
  readonly #options: ResolvedClaudeOptions;
  readonly #client: Anthropic;
  readonly #apiKey: string;
  readonly #budget: Decimal;
  #spent = new Decimal(0);
  #forceTool: boolean;

  /** @throws ConfigurationError when an option is invalid or the model has no known prices. */
  constructor(options: ClaudeExtractorOptions) {
    this.#options = resolveClaudeOptions(options);
    this.#apiKey = this.#options.apiKey;
    rememberSecret(this.#apiKey);
    this.model = this.#options.model;
    this.#budget = new Decimal(this.#options.budgetUsd);
    this.#forceTool = (this.#options.toolChoice ?? defaultToolChoice(this.model)) === 'force';
    this.#client = new Anthropic({
      apiKey: this.#apiKey,
      baseURL: this.#options.baseURL,
      // Retries are ours: bounded, abortable, with an injectable clock and sleep, and budget-checked.
      maxRetries: 0,
      timeout: this.#options.timeoutMs,
      logLevel: 'off',
      openTelemetry: false,
    });
  }

  /** USD spent by this extractor so far, over all its extractions (a decimal string). */
  get spentUsd(): string {
    return toWire(this.#spent);
  }

  /** Extracts the rules of `chunks`; resolves with a report even when chunks fail or the run is canceled. */
  async extract(chunks: readonly Chunk[], options: ExtractOptions = {}): Promise<ExtractionReport> {
    const run: RunState = {
      inputTokens: 0,
      outputTokens: 0,
      cacheReadTokens: 0,
      cacheWriteTokens: 0,
      cost: new Decimal(0),
      calls: 0,
      fatal: null,
    };
    const outcomes: ChunkOutcome[] = new Array<ChunkOutcome>(chunks.length);
    let next = 0;
    let done = 0;
    const worker = async (): Promise<void> => {
      for (let i = next++; i < chunks.length; i = next++) {
        const chunk = chunks[i] as Chunk;
        outcomes[i] = await this.#extractChunk(chunk, run, options.signal);
        done++;
        try {
          options.onProgress?.(done, chunks.length);
        } catch {
          // A failing progress listener must not throw away work already paid for.
        }
      }
    };
    const workers = Math.min(this.#options.maxConcurrency, chunks.length);
    await Promise.all(Array.from({ length: workers }, worker));
    return {
      method: 'claude',
      model: this.model,
      rules: outcomes.flatMap((o) => o.rules),
      failures: outcomes.flatMap((o) => o.failures),
      usage: {
        inputTokens: run.inputTokens,
        outputTokens: run.outputTokens,
        cacheReadTokens: run.cacheReadTokens,
        cacheWriteTokens: run.cacheWriteTokens,
        costUsd: toWire(run.cost),
      },
      calls: run.calls,
    };
  }

  async #extractChunk(chunk: Chunk, run: RunState, signal: AbortSignal | undefined): Promise<ChunkOutcome> {
    try {
      return await this.#converse(chunk, run, signal);
    } catch (error) {
      const failure =
        error instanceof ChunkAbandoned
          ? { message: error.message, raw: error.raw, answered: error.answered }
          : {
              message: `unexpected error: ${error instanceof Error ? error.message : String(error)}`,
              raw: null,
              answered: false,
            };
      return {
        rules: [],
        failures: [
          {
            chunkIndex: chunk.index,
            message: this.#scrub(failure.message),
            raw: failure.raw === null ? null : this.#scrub(failure.raw),
            unanswered: !failure.answered,
          },
        ],
      };
    }
  }

  /** The exchange for one chunk: a request, and at most one repair round. */
  async #converse(chunk: Chunk, run: RunState, signal: AbortSignal | undefined): Promise<ChunkOutcome> {
    let messages: MessageParam[] = [chunkMessage(chunk)];
    let maxTokens = this.#options.maxTokens;
    let repaired = false;
    for (;;) {
      const response = await this.#send(messages, maxTokens, run, signal);
      switch (response.stop_reason) {
        case 'refusal':
          throw new ChunkAbandoned('the model declined to analyse this section (refusal)', raw(textOf(response)), true);
        case 'model_context_window_exceeded':
          throw new ChunkAbandoned("this section does not fit the model's context window", null, true);
        case 'max_tokens': {
          const partial = raw(JSON.stringify(response.content));
          if (repaired || maxTokens >= MAX_OUTPUT_TOKENS) {
            throw new ChunkAbandoned(`the answer was cut off at ${maxTokens} output tokens`, partial, true);
          }
          // The cut-off call cannot be continued (its input is incomplete): ask again with room to finish.
          repaired = true;
          maxTokens = Math.min(MAX_OUTPUT_TOKENS, maxTokens * 2);
          messages = [chunkMessage(chunk)];
          continue;
        }
      }
      const uses = toolUsesOf(response);
      const calls = uses.filter((use) => use.name === RECORD_RULES_TOOL);
      const problem =
        calls.length === 0
          ? `You answered without calling ${RECORD_RULES_TOOL}.`
          : calls.length > 1
            ? `You called ${RECORD_RULES_TOOL} ${calls.length} times; call it once with all the rules.`
            : invalidInput(calls[0]?.input);
      if (problem === null) {
        const { kept, dropped } = checkCitations(ExtractionSchema.parse(calls[0]?.input).rules, chunk);
        return { rules: kept, failures: dropped };
      }
      const answer =
        calls.length === 0
          ? raw(textOf(response))
          : raw(JSON.stringify(calls.length === 1 ? calls[0]?.input : calls.map((c) => c.input)));
      if (repaired) {
        throw new ChunkAbandoned(`the model's answer was still invalid after one repair: ${problem}`, answer, true);
      }
      repaired = true;
      // Every tool call must be answered by a tool_result; the repair request goes with them.
      const results = uses.map((use) => ({
        type: 'tool_result' as const,
        tool_use_id: use.id,
        is_error: true,
        content: use.name === RECORD_RULES_TOOL ? repairInstruction(problem) : `There is no tool named ${use.name}.`,
      }));
      messages = [
        ...messages,
        { role: 'assistant', content: assistantContentOf(response) },
        {
          role: 'user',
          content: calls.length === 1 ? results : [...results, { type: 'text', text: repairInstruction(problem) }],
        },
      ];
    }
  }

  /** Sends one request, retrying transient errors; accounts its usage. */
  async #send(
    messages: MessageParam[],
    maxTokens: number,
    run: RunState,
    signal: AbortSignal | undefined,
  ): Promise<MessageResponse> {
    const now = this.#options.now ?? Date.now;
    const sleep = this.#options.sleep ?? abortableSleep;
    for (let retry = 0; ; retry++) {
      if (signal?.aborted) throw new ChunkAbandoned('canceled');
      if (run.fatal !== null) throw new ChunkAbandoned(`not sent: ${run.fatal}`);
      if (this.#spent.gte(this.#budget)) {
        throw new ChunkAbandoned(`budget reached: ${this.spentUsd} of ${this.#options.budgetUsd} USD spent; not sent`);
      }
      const forced = this.#forceTool;
      run.calls++;
      let body: unknown;
      try {
        body = await this.#client.messages.create(this.#params(messages, maxTokens, forced), {
          signal,
          timeout: this.#options.timeoutMs,
          maxRetries: 0,
        });
      } catch (error) {
        if (error instanceof APIUserAbortError || signal?.aborted) throw new ChunkAbandoned('canceled');
        if (forced && rejectsForcedToolChoice(error)) {
          // Learnt once per extractor: the model wants tool_choice auto. Not a retry of a failure.
          this.#forceTool = false;
          retry--;
          continue;
        }
        if (error instanceof APIError && typeof error.status === 'number' && FATAL_STATUSES.has(error.status)) {
          run.fatal = describeApiError(error);
          throw new ChunkAbandoned(run.fatal);
        }
        const verdict = classifyForRetry(error, now);
        if (!verdict) throw new ChunkAbandoned(`request failed: ${describeError(error)}`);
        if (retry >= this.#options.maxRetries) {
          throw new ChunkAbandoned(`gave up after ${retry + 1} attempts: ${verdict.reason}`);
        }
        const delay = backoffDelay(retry + 1, verdict, {
          baseDelayMs: this.#options.retryBaseDelayMs,
          maxDelayMs: this.#options.retryMaxDelayMs,
          random: this.#options.random ?? Math.random,
        });
        try {
          await sleep(delay, signal);
        } catch {
          throw new ChunkAbandoned('canceled');
        }
        continue;
      }
      const parsed = MessageResponseSchema.safeParse(body);
      if (!parsed.success) {
        throw new ChunkAbandoned('unexpected response from the API', raw(JSON.stringify(body)));
      }
      this.#account(parsed.data, run);
      return parsed.data;
    }
  }

  #params(messages: MessageParam[], maxTokens: number, forced: boolean): MessageCreateParamsNonStreaming {
    return {
      model: this.model,
      max_tokens: maxTokens,
      system: systemBlocks(),
      tools: [RECORD_RULES],
      tool_choice: forced
        ? { type: 'tool', name: RECORD_RULES_TOOL, disable_parallel_tool_use: true }
        : { type: 'auto', disable_parallel_tool_use: true },
      messages,
      ...(this.#options.effort ? { output_config: { effort: this.#options.effort } } : {}),
    };
  }

  #account(response: MessageResponse, run: RunState): void {
    const usage = usageOf(response);
    const cost = costOf(usage, this.#options.price);
    run.inputTokens += usage.inputTokens;
    run.outputTokens += usage.outputTokens;
    run.cacheWriteTokens += usage.cacheWriteTokens;
    run.cacheReadTokens += usage.cacheReadTokens;
    run.cost = run.cost.plus(cost);
    this.#spent = this.#spent.plus(cost);
  }

  /** Last line of defence: the key must never leave in a message, even if an error echoed it. */
  #scrub(text: string): string {
    return this.#apiKey.length >= 8 ? text.split(this.#apiKey).join('[redacted]') : text;
  }
}

function defaultToolChoice(model: string): 'force' | 'auto' {
  return FORCED_TOOL_CHOICE_REJECTED.has(model) ? 'auto' : 'force';
}

function invalidInput(input: unknown): string | null {
  const parsed = ExtractionSchema.safeParse(input);
  if (parsed.success) return null;
  const issues = parsed.error.issues
    .slice(0, 20)
    .map((issue) => `- ${issue.path.join('.') || '(input)'}: ${issue.message}`);
  return `The ${RECORD_RULES_TOOL} input does not match its schema:\n${issues.join('\n')}`;
}

function rejectsForcedToolChoice(error: unknown): boolean {
  return error instanceof APIError && error.status === 400 && /tool_choice/i.test(error.apiMessage ?? error.message);
}

function describeApiError(error: APIError): string {
  const what = [error.status, error.type].filter((part) => part !== undefined && part !== null).join(' ');
  const why = error.apiMessage ?? error.message;
  return `the API refused the request (${what}): ${why}`;
}

function describeError(error: unknown): string {
  if (error instanceof APIError && typeof error.status === 'number') {
    return `${[error.status, error.type].filter((p) => p !== null).join(' ')}: ${error.apiMessage ?? error.message}`;
  }
  return error instanceof Error ? error.message : String(error);
}

function raw(text: string | null): string | null {
  if (text === null) return null;
  return text.length > MAX_RAW_CHARS ? `${text.slice(0, MAX_RAW_CHARS)}…` : text;
}
