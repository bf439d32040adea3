import { create } from 'zustand';
import type { PendingModify } from './order-lines.ts';

/**
 * The order move waiting for confirmation, from a drag on the chart or the blotter's modify
 * action; the trading panel's dialog confirms or drops it. `understood` is the mainnet
 * real-money box of that move: it belongs to the move, so every new move (and every way a
 * move ends: sent, Cancel, Escape) starts it unticked.
 */
export const useModifyStore = create<{ readonly pending: PendingModify | null; readonly understood: boolean }>()(
  () => ({ pending: null, understood: false }),
);

/** Asks for confirmation of `pending` (replacing any move still waiting), its mainnet box unticked. */
export function requestModify(pending: PendingModify): void {
  useModifyStore.setState({ pending, understood: false });
}

/** Ticks or unticks the mainnet box of the move waiting (nothing without one). */
export function setModifyUnderstood(understood: boolean): void {
  useModifyStore.setState((s) => ({ understood: s.pending !== null && understood }));
}

/** Drops the move waiting (cancelled, or sent), its mainnet box with it. */
export function clearModify(): void {
  useModifyStore.setState({ pending: null, understood: false });
}
