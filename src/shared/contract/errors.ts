import { z } from 'zod';

/**
 * Stable error codes. A code is what a client branches on; the message is for people.
 */
export const ERROR_CODES = [
  'VALIDATION',
  'UNKNOWN_COMMAND',
  'PROTOCOL_MISMATCH',
  'NOT_FOUND',
  'TRANSPORT',
  'TIMEOUT',
  'ENGINE_RESTARTED',
  'ENGINE_UNAVAILABLE',
  'CONFIGURATION',
  'VENUE_REJECTED',
  'RISK_DENIED',
  'NOT_IMPLEMENTED',
  'INTERNAL',
  'UNAUTHORIZED',
  'FORBIDDEN',
  'RATE_LIMITED',
] as const;

/** One of {@link ERROR_CODES}. */
export type ErrorCode = (typeof ERROR_CODES)[number];

/** How every error crosses a process boundary: `{ name, code, message }`, nothing else. */
export const WireErrorSchema = z.object({
  name: z.string().min(1),
  code: z.enum(ERROR_CODES),
  message: z.string(),
});

/** Wire form of an error. */
export type WireError = z.infer<typeof WireErrorSchema>;

/** Base of every expected, typed HyperDesk error. */
export class HyperdeskError extends Error {
  /** Stable code for programs; {@link Error.message} is for people. */
  readonly code: ErrorCode;

  constructor(name: string, code: ErrorCode, message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = name;
    this.code = code;
  }
}

/** Input failed validation. The message names the offending field. */
export class ValidationError extends HyperdeskError {
  constructor(message: string, code: 'VALIDATION' | 'UNKNOWN_COMMAND' | 'PROTOCOL_MISMATCH' = 'VALIDATION') {
    super('ValidationError', code, message);
  }
}

/** A transport failed or timed out; the request may be retried. */
export class TransportError extends HyperdeskError {
  constructor(
    message: string,
    code: 'TRANSPORT' | 'TIMEOUT' | 'ENGINE_RESTARTED' | 'ENGINE_UNAVAILABLE' = 'TRANSPORT',
  ) {
    super('TransportError', code, message);
  }
}

/** Something the user must fix in configuration before going on. */
export class ConfigurationError extends HyperdeskError {
  constructor(message: string) {
    super('ConfigurationError', 'CONFIGURATION', message);
  }
}

/** A referenced item (series, order, rule...) does not exist. */
export class NotFoundError extends HyperdeskError {
  constructor(message: string) {
    super('NotFoundError', 'NOT_FOUND', message);
  }
}

/** The venue refused a request; the message carries the venue's reason. */
export class VenueRejectedError extends HyperdeskError {
  constructor(message: string) {
    super('VenueRejectedError', 'VENUE_REJECTED', message);
  }
}

/** The risk manager refused an intent; the message names the rule. */
export class RiskDeniedError extends HyperdeskError {
  constructor(message: string) {
    super('RiskDeniedError', 'RISK_DENIED', message);
  }
}

/** A capability that is declared but not built yet. Never a silent success. */
export class NotImplementedError extends HyperdeskError {
  constructor(what: string) {
    super('NotImplementedError', 'NOT_IMPLEMENTED', `${what} is not implemented yet`);
  }
}

/**
 * Turns anything thrown into its wire form. Unexpected errors become `INTERNAL` with their
 * message kept, because the stack and any attached data may hold paths or secrets.
 */
export function toWireError(error: unknown): WireError {
  if (error instanceof HyperdeskError) {
    return { name: error.name, code: error.code, message: error.message };
  }
  if (error instanceof Error) {
    return { name: 'InternalError', code: 'INTERNAL', message: error.message };
  }
  return { name: 'InternalError', code: 'INTERNAL', message: String(error) };
}

/** Rebuilds a typed error on the receiving side of a boundary. */
export function fromWireError(wire: WireError): HyperdeskError {
  return new HyperdeskError(wire.name, wire.code, wire.message);
}
