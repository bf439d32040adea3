import type { HyperdeskBridge } from '../../../shared/bridge.ts';
import { EngineClient } from '../../../shared/client/engine-client.ts';
import type { ClientTransport, TransportHandlers } from '../../../shared/client/transport.ts';
import { WebSocketTransport } from '../../../shared/client/websocket-transport.ts';
import { TransportError } from '../../../shared/contract/errors.ts';
import type { RequestMessage } from '../../../shared/contract/protocol.ts';
import { IpcTransport } from './ipc-transport.ts';

declare global {
  interface Window {
    /** Present in Electron only, exposed by the preload script. */
    readonly hyperdesk?: HyperdeskBridge;
  }
}

/** Path of the WebSocket API on the serving origin (web mode). */
const WS_PATH = '/api/v1/ws';

/**
 * Holds the WebSocket back until the sign-in gate lets it connect, and can drop it again when
 * the session ends. The credential is the HttpOnly session cookie the server set at sign-in,
 * which the browser sends with the handshake by itself: no script here ever holds the token.
 */
class GatedTransport implements ClientTransport {
  private inner: WebSocketTransport | null = null;
  private handlers: TransportHandlers | null = null;
  private closed = false;

  private readonly create: () => WebSocketTransport;

  constructor(create: () => WebSocketTransport) {
    this.create = create;
  }

  start(handlers: TransportHandlers): void {
    this.handlers = handlers;
    handlers.onStatus('connecting');
  }

  /** Connects (once signed in, or at once when the server needs no sign-in). */
  open(): void {
    if (this.closed || this.inner || !this.handlers) return;
    const handlers = this.handlers;
    const inner = this.create();
    this.inner = inner;
    inner.start({
      onMessage: (raw) => handlers.onMessage(raw),
      // A transport dropped by `suspend` reports `closed`; that is not the end of this client.
      onStatus: (status, detail) => {
        if (this.inner === inner) handlers.onStatus(status, detail);
      },
    });
  }

  /** Drops the connection until {@link open} is called again (the session ended). */
  suspend(detail: string): void {
    const inner = this.inner;
    if (!inner) return;
    this.inner = null;
    inner.close();
    this.handlers?.onStatus('reconnecting', detail);
  }

  send(message: RequestMessage): void {
    if (!this.inner) {
      // Nothing renders requests before sign-in; one that slips through fails at once.
      throw new TransportError('not connected to the engine: sign in first');
    }
    this.inner.send(message);
  }

  close(): void {
    this.closed = true;
    this.inner?.close();
    this.inner = null;
  }
}

let webGate: GatedTransport | null = null;

/**
 * The single engine client of the UI: Electron IPC inside the desktop app, WebSocket back to
 * the serving origin in a browser (web mode). In web mode it waits for {@link connectWebClient}.
 */
export function createEngineClient(): EngineClient {
  const onProtocolError = (error: Error) => console.error(`engine protocol error: ${error.message}`);
  if (window.hyperdesk) return new EngineClient(new IpcTransport(window.hyperdesk), { onProtocolError });
  const url = new URL(WS_PATH, window.location.href);
  url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
  const gate = new GatedTransport(
    () => new WebSocketTransport({ url: url.toString(), createSocket: (u) => new WebSocket(u) }),
  );
  webGate = gate;
  return new EngineClient(gate, { onProtocolError });
}

/** Lets the web-mode client connect: signed in, or the server needs no sign-in. */
export function connectWebClient(): void {
  webGate?.open();
}

/** Drops the web-mode connection because the session ended; {@link connectWebClient} resumes. */
export function suspendWebClient(detail: string): void {
  webGate?.suspend(detail);
}
