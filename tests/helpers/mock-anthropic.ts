import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { z } from 'zod';

/**
 * A local stand-in for the Anthropic Messages API (POST /v1/messages on 127.0.0.1), for tests
 * of the Claude extractor through the real SDK. It answers in the API's shapes, checks what the
 * real API checks that matters here (key, version header, message order, tool results for tool
 * calls, no assistant prefill), plays a scripted reply per request, records every request and
 * counts requests in flight.
 */

/** Token counts in a reply; unset ones are 0 (input 100, output 50 by default). */
export interface MockUsage {
  readonly input_tokens: number;
  readonly output_tokens: number;
  readonly cache_creation_input_tokens: number;
  readonly cache_read_input_tokens: number;
}

/** What the mock answers to one request. */
export type MockReply =
  /** A tool call (record_rules unless named), stop_reason tool_use. */
  | {
      readonly kind: 'tool';
      readonly input: unknown;
      readonly name?: string;
      readonly usage?: Partial<MockUsage>;
      /** Put a thinking block before the call, as models with adaptive thinking do. */
      readonly thinking?: boolean;
    }
  /** Prose instead of a tool call, stop_reason end_turn. */
  | { readonly kind: 'text'; readonly text: string; readonly usage?: Partial<MockUsage> }
  /** The output budget ran out inside the tool call: stop_reason max_tokens, partial input. */
  | { readonly kind: 'truncated'; readonly partialInput: unknown; readonly usage?: Partial<MockUsage> }
  /** stop_reason refusal, no content. */
  | { readonly kind: 'refusal' }
  /** 429 rate_limit_error with a retry-after header (seconds). */
  | { readonly kind: 'rate-limited'; readonly retryAfterSeconds: number }
  /** 529 overloaded_error. */
  | { readonly kind: 'overloaded' }
  /** Any error status and body. */
  | {
      readonly kind: 'error';
      readonly status: number;
      readonly type: string;
      readonly message: string;
      readonly headers?: Readonly<Record<string, string>>;
    }
  /** `reply` after `delayMs`; a client that gives up first is counted in `aborted`. */
  | { readonly kind: 'slow'; readonly delayMs: number; readonly reply: MockReply };

const ContentBlockSchema = z.looseObject({ type: z.string() });
const MessageSchema = z.object({
  role: z.enum(['user', 'assistant']),
  content: z.union([z.string(), z.array(ContentBlockSchema)]),
});

/** The request body fields the mock checks and tests read. */
export const MockRequestBodySchema = z.looseObject({
  model: z.string().min(1),
  max_tokens: z.number().int().min(1),
  messages: z.array(MessageSchema).min(1),
  system: z.union([z.string(), z.array(z.looseObject({ type: z.literal('text'), text: z.string() }))]).optional(),
  tools: z.array(z.looseObject({ name: z.string(), input_schema: z.looseObject({}) })).optional(),
  tool_choice: z.looseObject({ type: z.string(), name: z.string().optional() }).optional(),
});
/** See {@link MockRequestBodySchema}. */
export type MockRequestBody = z.infer<typeof MockRequestBodySchema>;

/** One request as the mock received it. */
export interface RecordedRequest {
  /** 1-based arrival order. */
  readonly n: number;
  /** Lowercased header names. */
  readonly headers: Readonly<Record<string, string>>;
  /** The body exactly as sent. */
  readonly raw: string;
  readonly body: MockRequestBody;
  /** The text of the first user message (where the document goes). */
  readonly document: string;
}

/** Options of {@link startMockAnthropic}. */
export interface MockAnthropicOptions {
  /** The only key accepted, as `x-api-key` or `Authorization: Bearer`. */
  readonly apiKey: string;
  /** The reply to each valid request. */
  readonly reply: (request: RecordedRequest) => MockReply;
  /** Answer a forced tool_choice with a 400, as models with always-on thinking do. */
  readonly rejectForcedToolChoice?: boolean;
}

/** A running mock. */
export interface MockAnthropic {
  /** Base URL for the SDK (no trailing slash). */
  readonly url: string;
  readonly requests: readonly RecordedRequest[];
  /** Requests being answered right now, and the most there ever were at once. */
  readonly inFlight: number;
  readonly maxInFlight: number;
  /** Requests whose client went away before the answer. */
  readonly aborted: number;
  close(): Promise<void>;
}

const DEFAULT_USAGE: MockUsage = {
  input_tokens: 100,
  output_tokens: 50,
  cache_creation_input_tokens: 0,
  cache_read_input_tokens: 0,
};

/** Replies in order, one per request; a request beyond the script gets a 500 that names the problem. */
export function scripted(...replies: MockReply[]): (request: RecordedRequest) => MockReply {
  let next = 0;
  return () => replies[next++] ?? { kind: 'error', status: 500, type: 'api_error', message: 'mock script exhausted' };
}

/** Starts the mock on 127.0.0.1 and a free port. */
export async function startMockAnthropic(options: MockAnthropicOptions): Promise<MockAnthropic> {
  const requests: RecordedRequest[] = [];
  const timers = new Set<NodeJS.Timeout>();
  let inFlight = 0;
  let maxInFlight = 0;
  let aborted = 0;
  let ids = 0;

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const raw = await readBody(req);
    if (req.method !== 'POST' || req.url?.split('?')[0] !== '/v1/messages') {
      sendError(res, 404, 'not_found_error', `no route ${req.method ?? ''} ${req.url ?? ''}`);
      return;
    }
    const headers = Object.fromEntries(
      Object.entries(req.headers).map(([name, value]) => [
        name,
        Array.isArray(value) ? value.join(', ') : (value ?? ''),
      ]),
    );
    const key = headers['x-api-key'] ?? headers.authorization?.replace(/^Bearer /, '');
    if (key !== options.apiKey) {
      // Deliberately echoes what it was given, as a careless proxy might: the client must scrub it.
      sendError(res, 401, 'authentication_error', `invalid x-api-key: ${key ?? '(none)'}`);
      return;
    }
    if (!/^\d{4}-\d{2}-\d{2}$/.test(headers['anthropic-version'] ?? '')) {
      sendError(res, 400, 'invalid_request_error', 'anthropic-version header is required');
      return;
    }
    let json: unknown;
    try {
      json = JSON.parse(raw);
    } catch {
      sendError(res, 400, 'invalid_request_error', 'body is not JSON');
      return;
    }
    const parsed = MockRequestBodySchema.safeParse(json);
    if (!parsed.success) {
      sendError(res, 400, 'invalid_request_error', `invalid request: ${parsed.error.issues[0]?.message ?? ''}`);
      return;
    }
    const body = parsed.data;
    const problem = conversationProblem(body);
    if (problem) {
      sendError(res, 400, 'invalid_request_error', problem);
      return;
    }
    if (options.rejectForcedToolChoice && (body.tool_choice?.type === 'tool' || body.tool_choice?.type === 'any')) {
      sendError(
        res,
        400,
        'invalid_request_error',
        `tool_choice.type "${body.tool_choice.type}" is not supported with this model; use "auto"`,
      );
      return;
    }
    const request: RecordedRequest = {
      n: requests.length + 1,
      headers,
      raw,
      body,
      document: firstUserText(body),
    };
    requests.push(request);
    await play(options.reply(request), body, res);
  };

  const play = async (reply: MockReply, body: MockRequestBody, res: ServerResponse): Promise<void> => {
    switch (reply.kind) {
      case 'slow': {
        const finished = await new Promise<boolean>((resolve) => {
          const timer = setTimeout(() => {
            timers.delete(timer);
            resolve(true);
          }, reply.delayMs);
          timers.add(timer);
          res.once('close', () => {
            if (res.writableFinished) return;
            clearTimeout(timer);
            timers.delete(timer);
            resolve(false);
          });
        });
        if (finished) await play(reply.reply, body, res);
        return;
      }
      case 'tool':
        sendMessage(
          res,
          body.model,
          [
            ...(reply.thinking ? [{ type: 'thinking', thinking: '', signature: `sig_${++ids}` }] : []),
            { type: 'tool_use', id: `toolu_mock_${++ids}`, name: reply.name ?? 'record_rules', input: reply.input },
          ],
          'tool_use',
          reply.usage,
        );
        return;
      case 'text':
        sendMessage(res, body.model, [{ type: 'text', text: reply.text }], 'end_turn', reply.usage);
        return;
      case 'truncated':
        sendMessage(
          res,
          body.model,
          [{ type: 'tool_use', id: `toolu_mock_${++ids}`, name: 'record_rules', input: reply.partialInput }],
          'max_tokens',
          reply.usage,
        );
        return;
      case 'refusal':
        sendMessage(res, body.model, [], 'refusal', undefined);
        return;
      case 'rate-limited':
        sendError(res, 429, 'rate_limit_error', 'Number of request tokens has exceeded your per-minute rate limit', {
          'retry-after': String(reply.retryAfterSeconds),
        });
        return;
      case 'overloaded':
        sendError(res, 529, 'overloaded_error', 'Overloaded');
        return;
      case 'error':
        sendError(res, reply.status, reply.type, reply.message, reply.headers);
        return;
    }
  };

  const sendMessage = (
    res: ServerResponse,
    model: string,
    content: readonly unknown[],
    stopReason: string,
    usage: Partial<MockUsage> | undefined,
  ): void => {
    send(res, 200, {
      id: `msg_mock_${++ids}`,
      type: 'message',
      role: 'assistant',
      model,
      content,
      stop_reason: stopReason,
      stop_sequence: null,
      usage: { ...DEFAULT_USAGE, ...usage },
    });
  };

  const server = createServer((req, res) => {
    inFlight++;
    maxInFlight = Math.max(maxInFlight, inFlight);
    res.once('close', () => {
      inFlight--;
      if (!res.writableFinished) aborted++;
    });
    handle(req, res).catch((error: unknown) => {
      if (!res.headersSent) sendError(res, 500, 'api_error', `mock failed: ${String(error)}`);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    get inFlight() {
      return inFlight;
    },
    get maxInFlight() {
      return maxInFlight;
    },
    get aborted() {
      return aborted;
    },
    async close() {
      for (const timer of timers) clearTimeout(timer);
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function send(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  if (res.destroyed) return;
  res.writeHead(status, { 'content-type': 'application/json', 'request-id': `req_mock_${Date.now()}`, ...headers });
  res.end(JSON.stringify(body));
}

function sendError(
  res: ServerResponse,
  status: number,
  type: string,
  message: string,
  headers: Readonly<Record<string, string>> = {},
): void {
  send(res, status, { type: 'error', error: { type, message } }, { ...headers });
}

/** What the real API would refuse about the conversation, or null. */
function conversationProblem(body: MockRequestBody): string | null {
  const messages = body.messages;
  if (messages[0]?.role !== 'user') return 'the first message must use the user role';
  if (messages[messages.length - 1]?.role !== 'user') return 'assistant message prefill is not supported';
  for (let i = 0; i < messages.length; i++) {
    const message = messages[i];
    if (!message) continue;
    if (i > 0 && messages[i - 1]?.role === message.role) return `messages.${i}: roles must alternate`;
    if (message.role !== 'assistant' || typeof message.content === 'string') continue;
    const callIds = message.content.filter((b) => b.type === 'tool_use').map((b) => String(b.id));
    const answer = messages[i + 1];
    const answered = new Set(
      answer && typeof answer.content !== 'string'
        ? answer.content.filter((b) => b.type === 'tool_result').map((b) => String(b.tool_use_id))
        : [],
    );
    const missing = callIds.find((id) => !answered.has(id));
    if (missing)
      return `messages.${i + 1}: tool_use ids were found without tool_result blocks immediately after: ${missing}`;
  }
  return null;
}

function firstUserText(body: MockRequestBody): string {
  const first = body.messages[0];
  if (!first) return '';
  if (typeof first.content === 'string') return first.content;
  return first.content
    .filter((b) => b.type === 'text')
    .map((b) => String(b.text))
    .join('\n');
}
