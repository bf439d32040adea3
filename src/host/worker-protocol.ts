import { z } from 'zod';
import { WireErrorSchema } from '../shared/contract/errors.ts';

/**
 * Control messages between a supervisor and its engine worker, next to the contract's own
 * request/response/event messages. They never leave the host.
 */
export const WorkerControlSchema = z.discriminatedUnion('type', [
  /** Worker → supervisor: the kernel started and accepts commands. */
  z.object({ type: z.literal('ready') }),
  /** Worker → supervisor: start-up failed; the worker exits after sending this. */
  z.object({ type: z.literal('fatal'), error: WireErrorSchema }),
  /** Supervisor → worker: stop the kernel, close the store and exit. */
  z.object({ type: z.literal('shutdown') }),
]);

/** A control message. */
export type WorkerControl = z.infer<typeof WorkerControlSchema>;
