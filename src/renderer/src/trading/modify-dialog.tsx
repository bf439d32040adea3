import { useEffect, useRef, useState } from 'react';
import { createPortal } from 'react-dom';
import { useEngineClient } from '../client/engine-context.ts';
import { useToast } from '../panels/toast.tsx';
import { clearModify, setModifyUnderstood, useModifyStore } from './modify-store.ts';
import { useTradingStore } from './trading-store.ts';

const FIELD_LABEL = { limitPrice: 'limit price', triggerPrice: 'trigger price' } as const;

/**
 * Confirms an order move (from a chart drag or the blotter): old → new price, on the venue's
 * tick, then ModifyOrder. A refusal comes back as a toast with the venue's reason. Drawn over
 * the whole window (a portal), so it shows whichever side panel is open; Escape or Cancel
 * drops the move and the chart's line goes back.
 */
export function ModifyOrderDialog() {
  const client = useEngineClient();
  const toast = useToast();
  const pending = useModifyStore((s) => s.pending);
  const live = useTradingStore((s) => s.state?.mode === 'live');
  const mainnet = useTradingStore((s) => s.state?.mode === 'live' && s.state.network === 'mainnet');
  const [sending, setSending] = useState(false);
  // In the store with the move: a move dropped by Escape leaves no ticked box for the next one.
  const understood = useModifyStore((s) => s.understood);
  const confirmRef = useRef<HTMLButtonElement>(null);
  const returnFocus = useRef<Element | null>(null);

  useEffect(() => {
    if (!pending) return;
    returnFocus.current = document.activeElement;
    confirmRef.current?.focus();
    return () => {
      if (returnFocus.current instanceof HTMLElement) returnFocus.current.focus();
    };
  }, [pending]);

  if (!pending) return null;
  const send = () => {
    setSending(true);
    client
      .request('ModifyOrder', { cloid: pending.cloid, [pending.field]: pending.to.toFixed() })
      .then((answer) => {
        if (answer.modified) {
          toast({
            title: 'Order modified',
            message: `${pending.description} now at ${pending.to.toFixed()}`,
            tone: 'info',
          });
        } else toast({ title: 'Modify refused', message: answer.reason ?? 'refused by the venue' });
      })
      .catch((error: unknown) => toast({ title: 'Modify failed', message: (error as Error).message }))
      .finally(() => {
        setSending(false);
        clearModify();
      });
  };
  return createPortal(
    <div className="trading-modal-backdrop" data-testid="modify-dialog-backdrop">
      <div
        className="trading-modal"
        role="dialog"
        aria-modal="true"
        aria-labelledby="modify-dialog-title"
        data-testid="modify-dialog"
        onKeyDown={(e) => {
          if (e.key === 'Escape' && !sending) clearModify();
        }}
      >
        <h2 id="modify-dialog-title">Modify order{live ? ' (LIVE)' : ''}</h2>
        <p>
          Move the {FIELD_LABEL[pending.field]} of the {pending.description} order:
        </p>
        <p className="modify-prices" data-testid="modify-prices">
          <span data-testid="modify-from">{pending.from.toFixed()}</span>
          <span aria-hidden="true"> → </span>
          <span className="sr-only"> to </span>
          <strong data-testid="modify-to">{pending.to.toFixed()}</strong>
        </p>
        {mainnet && (
          <label className="ticket-understood">
            <input
              type="checkbox"
              checked={understood}
              data-testid="modify-understood"
              onChange={(e) => setModifyUnderstood(e.target.checked)}
            />
            I understand this moves a real order with real money on MAINNET.
          </label>
        )}
        <div className="trading-modal-actions">
          <button
            ref={confirmRef}
            type="button"
            className={live ? 'danger' : 'primary'}
            disabled={sending || (mainnet && !understood)}
            onClick={send}
            data-testid="modify-confirm"
          >
            {sending ? 'Sending…' : 'Confirm modify'}
          </button>
          <button type="button" disabled={sending} onClick={clearModify} data-testid="modify-cancel">
            Cancel
          </button>
        </div>
      </div>
    </div>,
    document.body,
  );
}
