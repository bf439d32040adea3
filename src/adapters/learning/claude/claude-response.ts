import type { ContentBlockParam } from '@anthropic-ai/sdk/resources/messages';
import { z } from 'zod';
import type { TokenUsage } from './claude-pricing.ts';

const Count = z.number().int().min(0);

/**
 * The parts of a Messages API response this adapter reads. The SDK types the response but
 * does not check it; this does, so a proxy or a changed API fails as a clear "unexpected
 * response" on its chunk instead of an exception somewhere in the extraction. Blocks of types
 * we do not read (thinking, server tools) are kept as they came.
 */
export const MessageResponseSchema = z
  .object({
    type: z.literal('message'),
    model: z.string(),
    content: z.array(z.looseObject({ type: z.string() })),
    stop_reason: z.string().nullable(),
    usage: z.looseObject({
      input_tokens: Count,
      output_tokens: Count,
      cache_creation_input_tokens: Count.nullable().optional(),
      cache_read_input_tokens: Count.nullable().optional(),
    }),
  })
  .loose();
/** See {@link MessageResponseSchema}. */
export type MessageResponse = z.infer<typeof MessageResponseSchema>;

/** A tool call in a response. */
export const ToolUseSchema = z.object({
  type: z.literal('tool_use'),
  id: z.string().min(1),
  name: z.string(),
  input: z.unknown(),
});
/** See {@link ToolUseSchema}. */
export type ToolUse = z.infer<typeof ToolUseSchema>;

const TextSchema = z.object({ type: z.literal('text'), text: z.string() });
const ThinkingSchema = z.object({ type: z.literal('thinking'), thinking: z.string(), signature: z.string() });
const RedactedThinkingSchema = z.object({ type: z.literal('redacted_thinking'), data: z.string() });

/** The token counts of a response. */
export function usageOf(response: MessageResponse): TokenUsage {
  return {
    inputTokens: response.usage.input_tokens,
    outputTokens: response.usage.output_tokens,
    cacheWriteTokens: response.usage.cache_creation_input_tokens ?? 0,
    cacheReadTokens: response.usage.cache_read_input_tokens ?? 0,
  };
}

/** The tool calls of a response, in order. */
export function toolUsesOf(response: MessageResponse): ToolUse[] {
  const uses: ToolUse[] = [];
  for (const block of response.content) {
    const use = ToolUseSchema.safeParse(block);
    if (use.success) uses.push(use.data);
  }
  return uses;
}

/** The text of a response's text blocks, or null when it has none. */
export function textOf(response: MessageResponse): string | null {
  const texts = response.content.flatMap((block) => {
    const text = TextSchema.safeParse(block);
    return text.success ? [text.data.text] : [];
  });
  return texts.length > 0 ? texts.join('\n') : null;
}

/**
 * A response's content as it is sent back in the assistant turn of a repair. Thinking blocks
 * go back unchanged (their signatures tie them to this conversation); blocks this adapter never
 * asks for are left out.
 */
export function assistantContentOf(response: MessageResponse): ContentBlockParam[] {
  const content: ContentBlockParam[] = [];
  for (const block of response.content) {
    const use = ToolUseSchema.safeParse(block);
    if (use.success) {
      content.push({ type: 'tool_use', id: use.data.id, name: use.data.name, input: use.data.input });
      continue;
    }
    const text = TextSchema.safeParse(block);
    if (text.success) {
      if (text.data.text.length > 0) content.push({ type: 'text', text: text.data.text });
      continue;
    }
    const thinking = ThinkingSchema.safeParse(block);
    if (thinking.success) {
      content.push({ type: 'thinking', thinking: thinking.data.thinking, signature: thinking.data.signature });
      continue;
    }
    const redacted = RedactedThinkingSchema.safeParse(block);
    if (redacted.success) content.push({ type: 'redacted_thinking', data: redacted.data.data });
  }
  return content;
}
