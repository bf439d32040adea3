import { Decimal } from 'decimal.js';
import { beforeEach, describe, expect, it } from 'vitest';
import {
  clearModify,
  requestModify,
  setModifyUnderstood,
  useModifyStore,
} from '../../../src/renderer/src/trading/modify-store.ts';
import type { PendingModify } from '../../../src/renderer/src/trading/order-lines.ts';

const move = (to: string): PendingModify => ({
  cloid: '0xabc',
  field: 'limitPrice',
  from: new Decimal('45000'),
  to: new Decimal(to),
  description: 'buy limit 0.01',
});

describe('the modify confirmation store (the mainnet real-money box)', () => {
  beforeEach(() => clearModify());

  it('a move dropped (Escape, Cancel) leaves no ticked box for the next move', () => {
    requestModify(move('46000'));
    setModifyUnderstood(true);
    expect(useModifyStore.getState().understood).toBe(true);
    // Escape drops the move without sending it.
    clearModify();
    requestModify(move('47000'));
    expect(useModifyStore.getState()).toMatchObject({ understood: false });
    expect(useModifyStore.getState().pending?.to.toFixed()).toBe('47000');
  });

  it('a move that replaces the one waiting starts unticked, and no box is ticked without a move', () => {
    requestModify(move('46000'));
    setModifyUnderstood(true);
    requestModify(move('48000'));
    expect(useModifyStore.getState().understood).toBe(false);
    clearModify();
    setModifyUnderstood(true);
    expect(useModifyStore.getState().understood).toBe(false);
  });
});
