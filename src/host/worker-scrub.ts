import { redactSecrets } from '../adapters/secrets/secret-redactor.ts';
import type { EventMessage, ResponseMessage } from '../shared/contract/protocol.ts';
import type { WorkerControl } from './worker-protocol.ts';

/**
 * Keys read in this thread are remembered by this thread's redactor only; the main thread's
 * logs cannot scrub them. So the text most likely to be logged there (error messages of
 * responses and of `…Failed` events) is scrubbed here, as a last line of defence.
 */
export function scrubbed<M extends WorkerControl | EventMessage | ResponseMessage>(message: M): M {
  if (message.type === 'response' && !message.ok) {
    return { ...message, error: { ...message.error, message: redactSecrets(message.error.message) } };
  }
  if (message.type === 'event' && message.event.endsWith('Failed')) {
    return { ...message, payload: JSON.parse(redactSecrets(JSON.stringify(message.payload))) as unknown };
  }
  return message;
}
