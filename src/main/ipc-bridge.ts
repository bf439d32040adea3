import type { EngineGateway } from '../host/engine-gateway.ts';
import { IPC_CHANNELS } from '../shared/bridge.ts';
import { errorResponse, parseRequestEnvelope } from '../shared/contract/envelope.ts';
import { ValidationError } from '../shared/contract/errors.ts';
import type { EventMessage, ResponseMessage } from '../shared/contract/protocol.ts';
import { isTrustedSender, type SenderFrameLike } from './security-policy.ts';

/** The part of Electron's ipcMain the bridge uses. */
export interface IpcMainLike {
  handle(
    channel: string,
    listener: (event: { senderFrame: SenderFrameLike | null }, ...args: unknown[]) => unknown,
  ): void;
  removeHandler(channel: string): void;
}

/** Something events can be pushed to (a window's webContents). */
export interface EventSink {
  send(channel: string, message: EventMessage): void;
  isDestroyed(): boolean;
}

/** Options for {@link registerIpcBridge}. */
export interface IpcBridgeOptions {
  readonly ipcMain: IpcMainLike;
  readonly engine: EngineGateway;
  /** Where the UI is loaded from; only its top frame may talk to the engine. */
  readonly appUrl: () => string;
  /** Windows that receive engine events. */
  readonly sinks: () => readonly EventSink[];
  readonly log?: (message: string) => void;
}

/**
 * Connects renderer IPC to the engine: requests from trusted senders are validated and
 * forwarded; anything else is answered with an error response (never a throw, so the
 * renderer never sees Electron's own error text). Engine events go to every window.
 *
 * @returns the function that disconnects the bridge
 */
export function registerIpcBridge(options: IpcBridgeOptions): () => void {
  const { ipcMain, engine } = options;
  ipcMain.handle(IPC_CHANNELS.request, async (event, raw): Promise<ResponseMessage> => {
    const envelope = parseRequestEnvelope(raw);
    if (!isTrustedSender(event.senderFrame, options.appUrl())) {
      options.log?.(`refused IPC from untrusted frame ${event.senderFrame?.url ?? '(gone)'}`);
      const id = envelope.ok ? envelope.message.id : envelope.response.id;
      return errorResponse(id, new ValidationError('request: sender is not the HyperDesk window'));
    }
    return envelope.ok ? engine.request(envelope.message) : envelope.response;
  });
  const unsubscribe = engine.onEvent((message) => {
    for (const sink of options.sinks()) {
      if (!sink.isDestroyed()) sink.send(IPC_CHANNELS.message, message);
    }
  });
  return () => {
    unsubscribe();
    ipcMain.removeHandler(IPC_CHANNELS.request);
  };
}
