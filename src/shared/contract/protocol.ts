import { z } from 'zod';
import { WireErrorSchema } from './errors.ts';

/**
 * Version of the wire protocol. Bump it when a message shape changes incompatibly; both
 * ends refuse a peer with another version, with an error that says which.
 */
export const PROTOCOL_VERSION = 1;

/** Correlates a response with its request; unique per connection. */
export const RequestIdSchema = z.string().min(1).max(64);

/** A command sent to the engine. */
export const RequestMessageSchema = z.object({
  v: z.number().int(),
  type: z.literal('request'),
  id: RequestIdSchema,
  command: z.string().min(1).max(64),
  payload: z.unknown(),
});

/** A command sent to the engine. */
export type RequestMessage = z.infer<typeof RequestMessageSchema>;

/** The single answer to a request. */
export const ResponseMessageSchema = z.discriminatedUnion('ok', [
  z.object({
    v: z.number().int(),
    type: z.literal('response'),
    id: RequestIdSchema,
    ok: z.literal(true),
    result: z.unknown(),
  }),
  z.object({
    v: z.number().int(),
    type: z.literal('response'),
    /** Null when the request was too malformed to read its id. */
    id: RequestIdSchema.nullable(),
    ok: z.literal(false),
    error: WireErrorSchema,
  }),
]);

/** The single answer to a request. */
export type ResponseMessage = z.infer<typeof ResponseMessageSchema>;

/** An event pushed to every subscriber. `seq` increases by one per event per engine run. */
export const EventMessageSchema = z.object({
  v: z.number().int(),
  type: z.literal('event'),
  event: z.string().min(1),
  seq: z.number().int().nonnegative(),
  payload: z.unknown(),
});

/** An event pushed to every subscriber. */
export type EventMessage = z.infer<typeof EventMessageSchema>;

/** First message on a new connection: who is talking and which protocol it speaks. */
export const HelloMessageSchema = z.object({
  v: z.number().int(),
  type: z.literal('hello'),
  server: z.string(),
  version: z.string(),
});

/** First message on a new connection. */
export type HelloMessage = z.infer<typeof HelloMessageSchema>;

/** Anything the engine side sends to a client. */
export const ServerMessageSchema = z.union([ResponseMessageSchema, EventMessageSchema, HelloMessageSchema]);

/** Anything the engine side sends to a client. */
export type ServerMessage = z.infer<typeof ServerMessageSchema>;
