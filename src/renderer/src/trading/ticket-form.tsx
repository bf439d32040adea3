import type { Decimal } from 'decimal.js';
import { useRef, useState } from 'react';
import type { Ticket, TicketCheck, TradingState } from '../../../shared/contract/trading.ts';
import { useEngineClient } from '../client/engine-context.ts';
import { useToast } from '../panels/toast.tsx';
import {
  bps,
  EMPTY_TICKET,
  FEE_SOURCE_LABEL,
  previewTicket,
  ticketMarketOf,
  usd,
  type TicketForm as TicketFields,
  type TicketPreview,
} from './ticket-model.ts';

/** The pre-trade check of the ticket under review: asked, answered, or failed. */
type Verdict =
  | { readonly kind: 'checking' }
  | { readonly kind: 'answered'; readonly check: TicketCheck }
  | { readonly kind: 'failed'; readonly message: string };

/**
 * The trade ticket: market, limit or stop; sized in coins, by notional (USD, rounded down to
 * the venue's size step) or by the risk to the stop; leverage; stop and take-profit. The
 * preview is exact (decimal.js): notional, fee (the session's rates and their source),
 * initial margin and a liquidation estimate. Review asks the engine's pre-trade check
 * (`CheckTicket`, a dry run) and shows its verdict; Confirm stays off until it passes (and,
 * on mainnet, until the real-money box is ticked). Every refusal or failure is a toast.
 */
export function TicketForm({ state }: { readonly state: TradingState }) {
  const client = useEngineClient();
  const toast = useToast();
  const [form, setForm] = useState<TicketFields>(EMPTY_TICKET);
  /** The ticket under review, frozen as it was when Review was pressed (the price moves on). */
  const [review, setReview] = useState<{ readonly ticket: Ticket; readonly preview: TicketPreview } | null>(null);
  const [understood, setUnderstood] = useState(false);
  const [sending, setSending] = useState(false);
  const [verdict, setVerdict] = useState<Verdict | null>(null);
  /** Which review an answer of the check belongs to: a late answer to an older one is dropped. */
  const reviewId = useRef(0);
  const mainnet = state.mode === 'live' && state.network === 'mainnet';
  const checked = previewTicket(form, ticketMarketOf(state));
  const errors = 'errors' in checked ? checked.errors : {};
  const preview = 'preview' in checked ? checked.preview : null;
  const close = () => {
    reviewId.current += 1;
    setReview(null);
    setUnderstood(false);
    setVerdict(null);
  };
  const set = (patch: Partial<TicketFields>) => {
    setForm((f) => ({ ...f, ...patch }));
    close();
  };
  /** Opens the confirmation step and asks the engine's pre-trade check (a dry run) about the ticket. */
  const startReview = () => {
    if (!('ticket' in checked)) return;
    const frozen = { ticket: checked.ticket, preview: checked.preview };
    const id = ++reviewId.current;
    setReview(frozen);
    setUnderstood(false);
    setVerdict({ kind: 'checking' });
    client
      .request('CheckTicket', frozen.ticket)
      .then((check) => {
        if (id !== reviewId.current) return;
        setVerdict({ kind: 'answered', check });
        if (!check.allowed)
          toast({ title: 'Risk check refused', message: `${check.rule ?? 'rule'}: ${check.reason ?? 'refused'}` });
      })
      .catch((error: unknown) => {
        if (id !== reviewId.current) return;
        const message = (error as Error).message;
        setVerdict({ kind: 'failed', message });
        toast({ title: 'Risk check failed', message });
      });
  };
  const passed = verdict?.kind === 'answered' && verdict.check.allowed;
  const send = () => {
    if (!review || !passed) return;
    setSending(true);
    client
      .request('SubmitTicket', review.ticket)
      .then((answer) => {
        if (answer.accepted) {
          toast({ title: 'Order sent', message: `${form.side} ${form.kind} accepted`, tone: 'info' });
          setForm((f) => ({ ...f, qty: '', notional: '', stop: '', takeProfit: '' }));
        } else toast({ title: 'Order refused', message: answer.reason ?? 'refused' });
      })
      .catch((error: unknown) => toast({ title: 'Order failed', message: (error as Error).message }))
      .finally(() => {
        setSending(false);
        close();
      });
  };
  const field = (key: keyof TicketFields, label: string, testId: string, disabled = false) => (
    <label>
      {label}
      <input
        data-testid={testId}
        value={form[key]}
        inputMode="decimal"
        disabled={disabled}
        aria-invalid={errors[key] !== undefined && form[key] !== ''}
        onChange={(e) => set({ [key]: e.target.value })}
      />
      {errors[key] !== undefined && form[key] !== '' && <span className="field-error">{errors[key]}</span>}
    </label>
  );
  const margin = state.margin;
  const leverageLabel = margin
    ? margin.leverageFixed
      ? `Leverage (paper account: ${margin.leverage ?? 1}×, fixed)`
      : `Leverage (1–${margin.maxLeverage}×; now ${margin.leverage === null ? 'not set' : `${margin.leverage}×`})`
    : 'Leverage';
  const sizeField =
    form.sizeBy === 'risk' && form.kind === 'market'
      ? field('riskPercent', 'Risk %', 'ticket-risk')
      : form.sizeBy === 'notional'
        ? field('notional', 'Notional (USD)', 'ticket-notional-input')
        : field('qty', `Quantity (${state.coin ?? ''})`, 'ticket-qty');
  return (
    <form
      className="trading-form"
      aria-label="Trade ticket"
      onSubmit={(e) => {
        e.preventDefault();
        startReview();
      }}
    >
      <div className="segmented" role="group" aria-label="Side">
        {(['buy', 'sell'] as const).map((side) => (
          <button
            key={side}
            type="button"
            aria-pressed={form.side === side}
            className={`side-${side}`}
            data-testid={`ticket-${side}`}
            onClick={() => set({ side })}
          >
            {side === 'buy' ? 'Buy' : 'Sell'}
          </button>
        ))}
      </div>
      <label>
        Order type
        <select
          data-testid="ticket-kind"
          value={form.kind}
          onChange={(e) => {
            const kind = e.target.value as TicketFields['kind'];
            set({ kind, sizeBy: kind !== 'market' && form.sizeBy === 'risk' ? 'qty' : form.sizeBy });
          }}
        >
          <option value="market">Market</option>
          <option value="limit">Limit</option>
          <option value="stop-market">Stop (market)</option>
        </select>
      </label>
      <label>
        Size by
        <select
          data-testid="ticket-size-by"
          value={form.sizeBy}
          onChange={(e) => set({ sizeBy: e.target.value as TicketFields['sizeBy'] })}
        >
          <option value="qty">Quantity ({state.coin ?? 'coins'})</option>
          <option value="notional">Notional (USD)</option>
          {form.kind === 'market' && <option value="risk">Risk % of equity (to the stop)</option>}
        </select>
      </label>
      {sizeField}
      {field('leverage', leverageLabel, 'ticket-leverage', margin?.leverageFixed === true)}
      {form.kind === 'limit' && field('limitPrice', 'Limit price', 'ticket-limit')}
      {form.kind === 'stop-market' && field('triggerPrice', 'Trigger price', 'ticket-trigger')}
      {form.kind === 'market' && field('stop', 'Stop loss (optional)', 'ticket-stop')}
      {form.kind === 'market' && field('takeProfit', 'Take profit (optional)', 'ticket-tp')}
      {preview && (
        <dl className="ticket-preview" data-testid="ticket-preview">
          <dt>Size</dt>
          <dd data-testid="ticket-size">
            {preview.estimated ? '≈ ' : ''}
            {preview.qty.toString()} {state.coin}
          </dd>
          <dt>Price</dt>
          <dd>{preview.price.toString()}</dd>
          <dt>Notional</dt>
          <dd data-testid="ticket-notional">{usd(preview.notional)}</dd>
          <dt>Fee</dt>
          <dd>
            <span data-testid="ticket-fee">{usd(preview.fee)}</span>{' '}
            <span className="muted" data-testid="ticket-fee-source">
              ({bps(preview.feeRate)} {form.kind === 'limit' ? 'maker' : 'taker'}, {FEE_SOURCE_LABEL[preview.feeSource]}
              )
            </span>
          </dd>
          <dt>Margin</dt>
          <dd>
            <span data-testid="ticket-margin" className={preview.marginAboveEquity ? 'pnl-down' : undefined}>
              {usd(preview.margin)} at {preview.leverage}×
            </span>
            {preview.marginAboveEquity && <span className="field-error"> more than the equity</span>}
          </dd>
          <dt>Liq. price</dt>
          <dd>
            <span data-testid="ticket-liquidation">{price2(preview.liquidation.price)}</span>{' '}
            <span className="muted" data-testid="ticket-liquidation-basis">
              estimate,{' '}
              {preview.liquidation.basis === 'cross' ? 'cross: backed by the equity' : 'isolated: backed by the margin'}
            </span>
            {preview.liquidation.basis === 'cross' && (
              <>
                <br />
                <span className="muted" data-testid="ticket-liquidation-isolated">
                  isolated at {preview.leverage}×: {price2(preview.isolatedLiquidation)}
                </span>
              </>
            )}
          </dd>
          {preview.riskToStop && (
            <>
              <dt>Loss at stop</dt>
              <dd>{usd(preview.riskToStop)}</dd>
            </>
          )}
        </dl>
      )}
      {review ? (
        <div
          className={mainnet ? 'ticket-confirm ticket-confirm-mainnet' : 'ticket-confirm'}
          role="group"
          aria-label="Confirm order"
        >
          <p>
            {review.ticket.side === 'buy' ? 'Buy' : 'Sell'} {review.preview.estimated ? '≈ ' : ''}
            {review.preview.qty.toString()} {state.coin} ({review.ticket.kind}) at {review.preview.leverage}×, notional{' '}
            {usd(review.preview.notional)}, on the{' '}
            {state.mode === 'live' ? `LIVE ${state.network ?? ''} account ${state.account ?? ''}` : 'PAPER account'}?
          </p>
          <RiskVerdict verdict={verdict} coin={state.coin ?? ''} />
          {mainnet && (
            <label className="ticket-understood">
              <input
                type="checkbox"
                checked={understood}
                data-testid="ticket-understood"
                onChange={(e) => setUnderstood(e.target.checked)}
              />
              I understand this sends a real order with real money on MAINNET.
            </label>
          )}
          <button
            type="button"
            className={state.mode === 'live' ? 'danger' : 'primary'}
            disabled={sending || !passed || (mainnet && !understood)}
            onClick={send}
            data-testid="ticket-confirm"
          >
            {sending ? 'Sending…' : 'Confirm'}
          </button>
          <button type="button" onClick={close}>
            Back
          </button>
        </div>
      ) : (
        <button type="submit" className="primary" disabled={!preview} data-testid="ticket-review">
          Review order
        </button>
      )}
    </form>
  );
}

/** A liquidation price for display ('none' when there is none). */
function price2(price: Decimal | null): string {
  return price === null ? 'none' : price.toFixed(2);
}

/** The pre-trade check's answer, in the confirmation step. */
function RiskVerdict({ verdict, coin }: { readonly verdict: Verdict | null; readonly coin: string }) {
  if (verdict === null || verdict.kind === 'checking') {
    return (
      <p className="ticket-check" data-testid="ticket-check" data-verdict="checking">
        Risk check…
      </p>
    );
  }
  if (verdict.kind === 'failed') {
    return (
      <p className="ticket-check ticket-check-refused" role="alert" data-testid="ticket-check" data-verdict="failed">
        Risk check failed: {verdict.message}
      </p>
    );
  }
  const check = verdict.check;
  if (!check.allowed) {
    return (
      <p className="ticket-check ticket-check-refused" role="alert" data-testid="ticket-check" data-verdict="refused">
        Refused by <strong data-testid="ticket-check-rule">{check.rule}</strong>: {check.reason}
      </p>
    );
  }
  return (
    <p className="ticket-check ticket-check-passed" data-testid="ticket-check" data-verdict="passed">
      Risk check passes: {check.sizedQty} {coin}
      {check.notional !== null && `, notional ${usd(check.notional)}`}
      {check.riskToStop !== null && `, loss at stop ${usd(check.riskToStop)}`}
    </p>
  );
}
