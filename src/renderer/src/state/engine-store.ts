import { create } from 'zustand';
import type { ConnectionStatus } from '../../../shared/client/transport.ts';
import type { EngineClient } from '../../../shared/client/engine-client.ts';

/** Engine state the whole UI shares, fed by the client's event stream. */
export interface EngineStoreState {
  readonly connection: ConnectionStatus;
  readonly connectionDetail: string | null;
  /** Restarts of the engine seen by this window. */
  readonly restarts: number;
  /** Last engine-level failure to show in the status bar, or null. */
  readonly engineNotice: string | null;
  /** Bumped on every (re)start so views refetch what the engine lost. */
  readonly engineEpoch: number;
}

/** The engine store. */
export const useEngineStore = create<EngineStoreState>()(() => ({
  connection: 'connecting',
  connectionDetail: null,
  restarts: 0,
  engineNotice: null,
  engineEpoch: 0,
}));

/**
 * Feeds the store from a client. Returns the function that detaches it. Runs outside React
 * so events update state without waiting for a render.
 */
export function connectEngineStore(client: EngineClient): () => void {
  const set = useEngineStore.setState;
  const detachers = [
    client.onStatus((connection, detail) =>
      set((s) => ({
        connection,
        connectionDetail: detail ?? null,
        // Back from a dropped connection: the engine may have restarted meanwhile.
        engineEpoch: connection === 'open' && s.connection === 'reconnecting' ? s.engineEpoch + 1 : s.engineEpoch,
      })),
    ),
    client.on('EngineRestarted', (e) =>
      set((s) => ({
        restarts: e.restarts,
        engineNotice: `Engine restarted after a crash (${e.reason})`,
        engineEpoch: s.engineEpoch + 1,
      })),
    ),
    client.on('EngineFailed', (e) => set({ engineNotice: `Engine stopped: ${e.reason}. Restart HyperDesk.` })),
  ];
  set({ connection: client.status });
  return () => {
    for (const detach of detachers) detach();
  };
}
