import type { RequestMessage } from '../contract/protocol.ts';

/** Connection state as a client sees it. */
export type ConnectionStatus = 'connecting' | 'open' | 'reconnecting' | 'closed';

/** What a transport reports back to its client. */
export interface TransportHandlers {
  /** A message arrived. It is `unknown` on purpose: the client validates it. */
  onMessage(raw: unknown): void;
  /** The connection changed state; in-flight requests fail when it leaves `open`. */
  onStatus(status: ConnectionStatus, detail?: string): void;
}

/**
 * Carries contract messages between a client and the engine side. WebSocket (browser),
 * Electron IPC (renderer) and in-memory pipes (tests) all implement it.
 */
export interface ClientTransport {
  /** Connects (or reconnects) and reports through `handlers`. Called once, by the client. */
  start(handlers: TransportHandlers): void;
  /** Sends one request; throws a TransportError when it cannot be sent now. */
  send(message: RequestMessage): void;
  /** Closes for good. */
  close(): void;
}
