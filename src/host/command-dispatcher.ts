import { Commands, isCommandName, type CommandName, type ParsedCommandRequest } from '../shared/contract/commands.ts';
import { ValidationError, toWireError } from '../shared/contract/errors.ts';
import {
  PROTOCOL_VERSION,
  RequestIdSchema,
  RequestMessageSchema,
  type ResponseMessage,
} from '../shared/contract/protocol.ts';
import { describeIssues, parseOrThrow } from '../shared/contract/validation.ts';
import type { Kernel } from '../engine/kernel/kernel.ts';

/**
 * Answers one raw message from any transport. Whatever arrives is parsed against the
 * contract first; a malformed message gets an error response that names the bad field and
 * the engine carries on. Never throws.
 */
export async function dispatchRequest(kernel: Kernel, raw: unknown): Promise<ResponseMessage> {
  const envelope = RequestMessageSchema.safeParse(raw);
  if (!envelope.success) {
    const id = RequestIdSchema.safeParse((raw as { id?: unknown } | null)?.id);
    return failure(id.success ? id.data : null, new ValidationError(describeIssues('request', envelope.error)));
  }
  const { id, command, payload, v } = envelope.data;
  try {
    if (v !== PROTOCOL_VERSION) {
      throw new ValidationError(
        `request: v: protocol ${v} is not supported; this engine speaks ${PROTOCOL_VERSION}`,
        'PROTOCOL_MISMATCH',
      );
    }
    if (!isCommandName(command)) {
      throw new ValidationError(`request: command: unknown command "${command}"`, 'UNKNOWN_COMMAND');
    }
    const result = await execute(kernel, command, payload);
    return { v: PROTOCOL_VERSION, type: 'response', id, ok: true, result };
  } catch (error) {
    return failure(id, error);
  }
}

async function execute<K extends CommandName>(kernel: Kernel, command: K, payload: unknown) {
  // The schema is Commands[K].request, so its output is ParsedCommandRequest<K>; TypeScript
  // cannot follow that through a generic index, hence the assertion.
  const parsed = parseOrThrow(Commands[command].request, payload, `${command}: payload`) as ParsedCommandRequest<K>;
  return kernel.execute(command, parsed);
}

function failure(id: string | null, error: unknown): ResponseMessage {
  return { v: PROTOCOL_VERSION, type: 'response', id, ok: false, error: toWireError(error) };
}
