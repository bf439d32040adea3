/**
 * Entry point of the engine worker thread. It wires the kernel from `workerData`, forwards
 * bus events to the supervisor and answers contract requests arriving on `parentPort`.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { toWireError } from '../shared/contract/errors.ts';
import { PROTOCOL_VERSION, type EventMessage, type ResponseMessage } from '../shared/contract/protocol.ts';
import { parseOrThrow } from '../shared/contract/validation.ts';
import { dispatchRequest } from './command-dispatcher.ts';
import { createEngine, type EngineInstance } from './create-engine.ts';
import { EngineHostConfigSchema } from './engine-host-config.ts';
import { WorkerControlSchema, type WorkerControl } from './worker-protocol.ts';
import { scrubbed } from './worker-scrub.ts';

const port = parentPort;
if (!port) throw new Error('engine-worker must run in a worker thread');

function send(message: WorkerControl | EventMessage | ResponseMessage): void {
  port?.postMessage(scrubbed(message));
}

let engine: EngineInstance;
try {
  engine = createEngine(parseOrThrow(EngineHostConfigSchema, workerData, 'engine worker config'));
} catch (error) {
  send({ type: 'fatal', error: toWireError(error) });
  process.exit(1);
}

let seq = 0;
engine.kernel.bus.subscribeAll((message) => {
  send({ v: PROTOCOL_VERSION, type: 'event', event: message.event, seq: seq++, payload: message.payload });
});

port.on('message', (raw: unknown) => {
  if (WorkerControlSchema.safeParse(raw).data?.type === 'shutdown') {
    engine.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
    return;
  }
  // dispatchRequest never rejects: every failure becomes an error response.
  void dispatchRequest(engine.kernel, raw).then(send);
});

try {
  await engine.kernel.start();
  send({ type: 'ready' });
} catch (error) {
  send({ type: 'fatal', error: toWireError(error) });
  await engine.close().catch(() => undefined);
  process.exit(1);
}
