import { IPC_CHANNELS, type HyperdeskBridge } from '../shared/bridge.ts';

/** The part of Electron's ipcRenderer the bridge uses. */
export interface IpcRendererLike {
  invoke(channel: string, ...args: unknown[]): Promise<unknown>;
  on(channel: string, listener: (event: unknown, message: unknown) => void): unknown;
  removeListener(channel: string, listener: (event: unknown, message: unknown) => void): unknown;
}

/**
 * Builds the object exposed as `window.hyperdesk`. Every function is a closure over fixed
 * channel names: the page can send contract messages and hear events, nothing else.
 */
export function createBridge(
  ipc: IpcRendererLike,
  platform: string,
  pathOf: (file: File) => string = () => '',
): HyperdeskBridge {
  return Object.freeze({
    platform,
    // Electron's webUtils.getPathForFile: a dropped file's path, nothing about any other file.
    pathForFile: (file: File) => {
      try {
        return pathOf(file);
      } catch {
        return '';
      }
    },
    invoke: (request: unknown) => ipc.invoke(IPC_CHANNELS.request, request),
    onMessage: (listener: (message: unknown) => void) => {
      // The IPC event object is dropped: it would hand the page a reference to ipcRenderer.
      const wrapped = (_event: unknown, message: unknown) => listener(message);
      ipc.on(IPC_CHANNELS.message, wrapped);
      return () => {
        ipc.removeListener(IPC_CHANNELS.message, wrapped);
      };
    },
  });
}
