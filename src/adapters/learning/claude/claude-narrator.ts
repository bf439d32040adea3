import { Anthropic, APIError } from '@anthropic-ai/sdk';
import { TransportError } from '../../../shared/contract/errors.ts';
import type { TradeExplanation } from '../../../engine/learning/trade-reasoner.ts';
import { redactSecrets, rememberSecret } from '../../secrets/secret-redactor.ts';
import { DEFAULT_CLAUDE_MODEL } from './claude-options.ts';

/** Options of {@link ClaudeNarrator}. */
export interface ClaudeNarratorOptions {
  readonly apiKey: string;
  readonly model?: string;
  readonly baseURL?: string;
  readonly timeoutMs?: number;
}

const SYSTEM = [
  'You explain one trade to the trader who made it, in plain words, in three to five sentences.',
  'Use only the facts in the JSON you are given: the rules that fired (with the source they were',
  'read from), what was seen for each condition, the market phase, the stop and target placement,',
  'and the result. Never invent a reason, a number or a rule. Say which source page or moment each',
  'rule comes from. If no rule explains the entry, say so.',
].join(' ');

/**
 * The optional narrative on top of the trade reasoner's structured explanation: Claude
 * retells it as prose. The facts stay the structured explanation's; this only words them.
 */
export class ClaudeNarrator {
  readonly #client: Anthropic;
  readonly #model: string;

  constructor(options: ClaudeNarratorOptions) {
    rememberSecret(options.apiKey);
    this.#model = options.model ?? DEFAULT_CLAUDE_MODEL;
    this.#client = new Anthropic({
      apiKey: options.apiKey,
      baseURL: options.baseURL,
      maxRetries: 2,
      timeout: options.timeoutMs ?? 60_000,
      logLevel: 'off',
    });
  }

  /** The trade in prose. */
  async narrate(explanation: TradeExplanation, signal?: AbortSignal): Promise<string> {
    try {
      const message = await this.#client.messages.create(
        {
          model: this.#model,
          max_tokens: 600,
          system: SYSTEM,
          messages: [{ role: 'user', content: `<trade>${JSON.stringify(explanation)}</trade>` }],
        },
        { signal },
      );
      const text = message.content
        .flatMap((block) => (block.type === 'text' ? [block.text] : []))
        .join('\n')
        .trim();
      if (!text) throw new TransportError('Claude returned no narrative');
      return text;
    } catch (error) {
      if (error instanceof TransportError) throw error;
      const status = error instanceof APIError ? ` (${error.status ?? 'no status'})` : '';
      throw new TransportError(`the trade narrative failed${status}: ${redactSecrets((error as Error).message)}`);
    }
  }
}
