import { Commands, isCommandName, type CommandName, type ParsedCommandRequest } from '../shared/contract/commands.ts';
import { errorResponse, parseRequestEnvelope } from '../shared/contract/envelope.ts';
import { ValidationError } from '../shared/contract/errors.ts';
import { PROTOCOL_VERSION, type ResponseMessage } from '../shared/contract/protocol.ts';
import { parseOrThrow } from '../shared/contract/validation.ts';
import type { Kernel } from '../engine/kernel/kernel.ts';

/**
 * Answers one raw message from any transport. Whatever arrives is parsed against the
 * contract first; a malformed message gets an error response that names the bad field and
 * the engine carries on. Never throws.
 */
export async function dispatchRequest(kernel: Kernel, raw: unknown): Promise<ResponseMessage> {
  const envelope = parseRequestEnvelope(raw);
  if (!envelope.ok) return envelope.response;
  const { id, command, payload, v } = envelope.message;
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
    return errorResponse(id, error);
  }
}

async function execute<K extends CommandName>(kernel: Kernel, command: K, payload: unknown) {
  // The schema is Commands[K].request, so its output is ParsedCommandRequest<K>; TypeScript
  // cannot follow that through a generic index, hence the assertion.
  const parsed = parseOrThrow(Commands[command].request, payload, `${command}: payload`) as ParsedCommandRequest<K>;
  return kernel.execute(command, parsed);
}
