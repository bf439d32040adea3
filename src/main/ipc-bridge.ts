import type { EngineGateway } from '../host/engine-gateway.ts';
import { IPC_CHANNELS } from '../shared/bridge.ts';
import { ValidationError, toWireError } from '../shared/contract/errors.ts';
import {
  PROTOCOL_VERSION,
  RequestIdSchema,
  RequestMessageSchema,
  type EventMessage,
  type ResponseMessage,
} from '../shared/contract/protocol.ts';
import { describeIssues } from '../shared/contract/validation.ts';
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
    const envelope = RequestMessageSchema.safeParse(raw);
    const rawId = RequestIdSchema.safeParse((raw as { id?: unknown } | null)?.id);
    const id = rawId.success ? rawId.data : null;
    if (!isTrustedSender(event.senderFrame, options.appUrl())) {
      options.log?.(`refused IPC from untrusted frame ${event.senderFrame?.url ?? '(gone)'}`);
      return failure(id, new ValidationError('request: sender is not the HyperDesk window'));
    }
    if (!envelope.success) return failure(id, new ValidationError(describeIssues('request', envelope.error)));
    return engine.request(envelope.data);
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

function failure(id: string | null, error: Error): ResponseMessage {
  return { v: PROTOCOL_VERSION, type: 'response', id, ok: false, error: toWireError(error) };
}
