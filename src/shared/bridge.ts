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
  /**
   * The path of a file the user dropped on the window (a PDF or video to learn from), or ""
   * when it has none. The page sees a dropped file's path only through this.
   */
  pathForFile(file: File): string;
}

/** IPC channel names, shared by main and preload. */
export const IPC_CHANNELS = {
  request: 'hyperdesk:request',
  message: 'hyperdesk:message',
} as const;
