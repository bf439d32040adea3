/**
 * What the Electron preload exposes to the renderer as `window.hyperdesk`: named functions
 * only, never ipcRenderer itself. Messages are contract messages; both ends validate them.
 */
export interface HyperdeskBridge {
  /** Sends a request message; resolves with the response message. */
  invoke(request: unknown): Promise<unknown>;
  /** Receives pushed messages (events); returns the unsubscribe function. */
  onMessage(listener: (message: unknown) => void): () => void;
  /** The operating system, for platform-specific UI. */
  readonly platform: string;
}

/** IPC channel names, shared by main and preload. */
export const IPC_CHANNELS = {
  request: 'hyperdesk:request',
  message: 'hyperdesk:message',
} as const;
