import type { EventMessage, RequestMessage, ResponseMessage } from '../shared/contract/protocol.ts';

/**
 * What a front door (HTTP/WebSocket server, Electron IPC bridge) needs from the engine:
 * send a request, hear events, know whether it is up. {@link WorkerSupervisor} implements it.
 */
export interface EngineGateway {
  /** Supervisor state, for health endpoints. */
  readonly state: string;
  /** Always resolves with the response for `message.id`; failures become error responses. */
  request(message: RequestMessage): Promise<ResponseMessage>;
  /** Subscribes to engine events; returns the unsubscribe function. */
  onEvent(listener: (event: EventMessage) => void): () => void;
}
