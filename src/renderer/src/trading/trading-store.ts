import { useEffect } from 'react';
import { create } from 'zustand';
import type { EngineClient } from '../../../shared/client/engine-client.ts';
import { COMMAND_NAMES } from '../../../shared/contract/commands.ts';
import type { TradingState } from '../../../shared/contract/trading.ts';

/** The manual trading session as this window last heard of it (null before the first answer). */
export const useTradingStore = create<{ readonly state: TradingState | null }>()(() => ({ state: null }));

/** True when this build's contract has the manual trading commands. */
export function contractHasTrading(): boolean {
  return (COMMAND_NAMES as readonly string[]).includes('StartPaperSession');
}

/** Keeps the store fed: the state on mount and after every engine restart, then its events. */
export function useTradingSync(client: EngineClient): void {
  useEffect(() => {
    if (!contractHasTrading()) return;
    let alive = true;
    const refresh = () =>
      client
        .request('GetTradingState', {})
        .then((state) => {
          if (alive) useTradingStore.setState({ state });
        })
        .catch(() => undefined);
    void refresh();
    const detach = [
      client.on('TradingStateChanged', (payload) => {
        const { at: _at, ...state } = payload;
        useTradingStore.setState({ state });
      }),
      client.on('EngineStarted', () => void refresh()),
    ];
    return () => {
      alive = false;
      for (const d of detach) d();
    };
  }, [client]);
}

/** Sets the store from a command's answer (the event may come a little later). */
export function acceptTradingState(state: TradingState): void {
  useTradingStore.setState({ state });
}
