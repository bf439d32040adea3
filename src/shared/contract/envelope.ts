import { ValidationError, toWireError } from './errors.ts';
import {
  PROTOCOL_VERSION,
  RequestIdSchema,
  RequestMessageSchema,
  type RequestMessage,
  type ResponseMessage,
} from './protocol.ts';
import { describeIssues } from './validation.ts';

/** The error response to request `id` (null when the request had no readable id). */
export function errorResponse(id: string | null, error: unknown): ResponseMessage {
  return { v: PROTOCOL_VERSION, type: 'response', id, ok: false, error: toWireError(error) };
}

/**
 * Parses the envelope of a raw request (not its payload: that is the engine's job). On
 * failure, returns the error response to send back, addressed to the request's id when one
 * can be read, with every bad field named.
 */
export function parseRequestEnvelope(
  raw: unknown,
): { ok: true; message: RequestMessage } | { ok: false; response: ResponseMessage } {
  const envelope = RequestMessageSchema.safeParse(raw);
  if (envelope.success) return { ok: true, message: envelope.data };
  const id = RequestIdSchema.safeParse((raw as { id?: unknown } | null)?.id);
  return {
    ok: false,
    response: errorResponse(
      id.success ? id.data : null,
      new ValidationError(describeIssues('request', envelope.error)),
    ),
  };
}
