import type { HyperdeskBridge } from '../../../shared/bridge.ts';
import { EngineClient } from '../../../shared/client/engine-client.ts';
import { WebSocketTransport } from '../../../shared/client/websocket-transport.ts';
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
 * The single engine client of the UI: Electron IPC inside the desktop app, WebSocket back to
 * the serving origin in a browser (web mode).
 */
export function createEngineClient(): EngineClient {
  const onProtocolError = (error: Error) => console.error(`engine protocol error: ${error.message}`);
  if (window.hyperdesk) return new EngineClient(new IpcTransport(window.hyperdesk), { onProtocolError });
  const url = new URL(WS_PATH, window.location.href);
  url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
  return new EngineClient(new WebSocketTransport({ url: url.toString(), createSocket: (u) => new WebSocket(u) }), {
    onProtocolError,
  });
}
