import type { EventSink, IpcMainLike } from '../../src/main/ipc-bridge.ts';
import type { SenderFrameLike } from '../../src/main/security-policy.ts';
import type { IpcRendererLike } from '../../src/preload/create-bridge.ts';

type MainListener = (event: { senderFrame: SenderFrameLike | null }, ...args: unknown[]) => unknown;
type RendererListener = (event: unknown, message: unknown) => void;

/**
 * An in-process stand-in for Electron IPC with its semantics: `invoke` reaches the one
 * handler of a channel, arguments and results are structured-cloned, `webContents.send`
 * reaches renderer listeners, and every call carries the sender frame.
 */
export class SimulatedIpc {
  private readonly handlers = new Map<string, MainListener>();
  private readonly listeners = new Map<string, Set<RendererListener>>();
  /** The frame the renderer's messages come from; tests change it to play an attacker. */
  frame: SenderFrameLike | null;

  constructor(frame: SenderFrameLike) {
    this.frame = frame;
  }

  readonly ipcMain: IpcMainLike = {
    handle: (channel, listener) => {
      if (this.handlers.has(channel)) throw new Error(`Attempted to register a second handler for '${channel}'`);
      this.handlers.set(channel, listener);
    },
    removeHandler: (channel) => {
      this.handlers.delete(channel);
    },
  };

  readonly ipcRenderer: IpcRendererLike = {
    invoke: async (channel, ...args) => {
      const handler = this.handlers.get(channel);
      if (!handler) throw new Error(`No handler registered for '${channel}'`);
      return structuredClone(await handler({ senderFrame: this.frame }, ...args.map((a) => structuredClone(a))));
    },
    on: (channel, listener) => {
      const set = this.listeners.get(channel) ?? new Set();
      set.add(listener);
      this.listeners.set(channel, set);
    },
    removeListener: (channel, listener) => {
      this.listeners.get(channel)?.delete(listener);
    },
  };

  readonly webContents: EventSink = {
    send: (channel, message) => {
      for (const listener of this.listeners.get(channel) ?? [])
        listener({ sender: 'ipcRenderer' }, structuredClone(message));
    },
    isDestroyed: () => false,
  };

  /** Number of renderer listeners on a channel. */
  listenerCount(channel: string): number {
    return this.listeners.get(channel)?.size ?? 0;
  }
}
