import { create } from 'zustand';
import type { PendingModify } from './order-lines.ts';

/**
 * The order move waiting for confirmation, from a drag on the chart or the blotter's modify
 * action; the trading panel's dialog confirms or drops it.
 */
export const useModifyStore = create<{ readonly pending: PendingModify | null }>()(() => ({ pending: null }));

/** Asks for confirmation of `pending` (replacing any move still waiting). */
export function requestModify(pending: PendingModify): void {
  useModifyStore.setState({ pending });
}

/** Drops the move waiting (cancelled, or sent). */
export function clearModify(): void {
  useModifyStore.setState({ pending: null });
}
