import type { HyperdeskBridge } from '../../../shared/bridge.ts';
import type { ClientTransport, TransportHandlers } from '../../../shared/client/transport.ts';
import { TransportError, toWireError } from '../../../shared/contract/errors.ts';
import { PROTOCOL_VERSION, type RequestMessage } from '../../../shared/contract/protocol.ts';

/**
 * Contract transport over Electron IPC, through the preload bridge. The main process is
 * always there while the window exists, so the connection is open from the start.
 */
export class IpcTransport implements ClientTransport {
  private readonly bridge: HyperdeskBridge;
  private unsubscribe: (() => void) | null = null;
  private handlers: TransportHandlers | null = null;

  constructor(bridge: HyperdeskBridge) {
    this.bridge = bridge;
  }

  start(handlers: TransportHandlers): void {
    this.handlers = handlers;
    this.unsubscribe = this.bridge.onMessage((message) => handlers.onMessage(message));
    handlers.onStatus('open');
  }

  send(message: RequestMessage): void {
    const handlers = this.handlers;
    this.bridge.invoke(message).then(
      (response) => handlers?.onMessage(response),
      // An IPC failure fails this request only; the channel itself stays usable.
      (error: unknown) =>
        handlers?.onMessage({
          v: PROTOCOL_VERSION,
          type: 'response',
          id: message.id,
          ok: false,
          error: toWireError(new TransportError(`IPC failed: ${(error as Error).message}`)),
        }),
    );
  }

  close(): void {
    this.unsubscribe?.();
    this.handlers?.onStatus('closed');
  }
}
