import { Decimal } from 'decimal.js';
import { useState, type FormEvent } from 'react';
import type { TradingState } from '../../../shared/contract/trading.ts';
import { useEngineClient } from '../client/engine-context.ts';
import { useToast } from '../panels/toast.tsx';
import { EMPTY_TICKET, previewTicket, usd, type TicketForm } from './ticket-model.ts';
import { acceptTradingState, contractHasTrading, useTradingStore, useTradingSync } from './trading-store.ts';
import './trading.css';

/** The Trade tab, as a tab panel of the side panels. */
export function TradingTabPanel({ hidden }: { readonly hidden: boolean }) {
  return (
    <div role="tabpanel" id="tabpanel-trade" aria-labelledby="tab-trade" hidden={hidden} className="tabpanel">
      <TradingPanel />
    </div>
  );
}

/**
 * Manual paper trading: a start form (venue, coin, capital), then a trade ticket (checked and
 * priced exactly before a confirmation step) and the blotter (position, open orders, fills,
 * result). Refusals come as toasts naming the rule or the venue's reason.
 */
export function TradingPanel() {
  const client = useEngineClient();
  useTradingSync(client);
  const state = useTradingStore((s) => s.state);
  if (!contractHasTrading()) return <p className="muted">This engine has no manual trading.</p>;
  const running = state?.status === 'running';
  return (
    <section className="trading" aria-label="Paper trading" data-testid="trading-panel">
      {running && state ? (
        <>
          <SessionHeader state={state} />
          {state.halted !== null && (
            <div className="trading-halted" role="alert" data-testid="trading-halted">
              HALTED: {state.halted}
            </div>
          )}
          <TicketForm state={state} />
          <Blotter state={state} />
        </>
      ) : (
        <StartForm state={state} />
      )}
    </section>
  );
}

function StartForm({ state }: { readonly state: TradingState | null }) {
  const client = useEngineClient();
  const toast = useToast();
  const [apiUrl, setApiUrl] = useState(state?.apiUrl ?? 'http://127.0.0.1:7777');
  const [coin, setCoin] = useState(state?.coin ?? 'BTC');
  const [capital, setCapital] = useState('10000');
  const [busy, setBusy] = useState(false);
  const starting = busy || state?.status === 'starting';
  const onSubmit = (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    client
      .request('StartPaperSession', { apiUrl: apiUrl.trim(), coin: coin.trim(), capital: capital.trim() || undefined })
      .then(acceptTradingState)
      .catch((error: unknown) => toast({ title: 'Paper session not started', message: (error as Error).message }))
      .finally(() => setBusy(false));
  };
  return (
    <form className="trading-form" onSubmit={onSubmit} aria-label="Start a paper session">
      <p className="muted">
        Paper trading: a simulated account on a Hyperliquid-compatible venue&apos;s live prices. No real money.
      </p>
      <label>
        Venue URL
        <input data-testid="trading-url" value={apiUrl} onChange={(e) => setApiUrl(e.target.value)} required />
      </label>
      <label>
        Coin
        <input data-testid="trading-coin" value={coin} onChange={(e) => setCoin(e.target.value)} required />
      </label>
      <label>
        Capital (USD, new account)
        <input
          data-testid="trading-capital"
          value={capital}
          inputMode="decimal"
          onChange={(e) => setCapital(e.target.value)}
        />
      </label>
      {state?.status === 'failed' && state.error && <p className="field-error">{state.error}</p>}
      <button type="submit" className="primary" disabled={starting} data-testid="trading-start">
        {starting ? 'Starting…' : 'Start paper session'}
      </button>
    </form>
  );
}

function SessionHeader({ state }: { readonly state: TradingState }) {
  const client = useEngineClient();
  const toast = useToast();
  return (
    <div className="trading-header">
      <span className="paper-tag">PAPER</span>
      <strong>{state.coin}</strong>
      <span className="muted" title={state.apiUrl ?? undefined}>
        mark {state.mark ?? '—'}
      </span>
      <button
        type="button"
        className="link-button"
        onClick={() =>
          client
            .request('StopPaperSession', {})
            .then(acceptTradingState)
            .catch((error: unknown) => toast({ title: 'Not stopped', message: (error as Error).message }))
        }
      >
        Stop session
      </button>
    </div>
  );
}

function TicketForm({ state }: { readonly state: TradingState }) {
  const client = useEngineClient();
  const toast = useToast();
  const [form, setForm] = useState<TicketForm>(EMPTY_TICKET);
  const [confirming, setConfirming] = useState(false);
  const [sending, setSending] = useState(false);
  const mark = state.mark === null ? null : new Decimal(state.mark);
  const checked = previewTicket(form, mark, new Decimal(state.equity));
  const set = (patch: Partial<TicketForm>) => {
    setForm((f) => ({ ...f, ...patch }));
    setConfirming(false);
  };
  const errors = 'errors' in checked ? checked.errors : {};
  const preview = 'preview' in checked ? checked.preview : null;
  const send = () => {
    if (!('ticket' in checked)) return;
    setSending(true);
    client
      .request('SubmitTicket', checked.ticket)
      .then((answer) => {
        if (answer.accepted) {
          toast({ title: 'Order sent', message: `${form.side} ${form.kind} accepted`, tone: 'info' });
          setForm((f) => ({ ...f, qty: '', stop: '', takeProfit: '' }));
        } else toast({ title: 'Order refused', message: answer.reason ?? 'refused' });
      })
      .catch((error: unknown) => toast({ title: 'Order failed', message: (error as Error).message }))
      .finally(() => {
        setSending(false);
        setConfirming(false);
      });
  };
  const field = (key: keyof TicketForm, label: string, testId: string) => (
    <label>
      {label}
      <input
        data-testid={testId}
        value={form[key]}
        inputMode="decimal"
        aria-invalid={errors[key] !== undefined && form[key] !== ''}
        onChange={(e) => set({ [key]: e.target.value })}
      />
      {errors[key] !== undefined && form[key] !== '' && <span className="field-error">{errors[key]}</span>}
    </label>
  );
  return (
    <form
      className="trading-form"
      aria-label="Trade ticket"
      onSubmit={(e) => {
        e.preventDefault();
        if (preview) setConfirming(true);
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
          onChange={(e) => set({ kind: e.target.value as TicketForm['kind'], sizeBy: 'qty' })}
        >
          <option value="market">Market</option>
          <option value="limit">Limit</option>
          <option value="stop-market">Stop (market)</option>
        </select>
      </label>
      {form.kind === 'market' && (
        <label>
          Size by
          <select
            data-testid="ticket-size-by"
            value={form.sizeBy}
            onChange={(e) => set({ sizeBy: e.target.value as TicketForm['sizeBy'] })}
          >
            <option value="qty">Quantity</option>
            <option value="risk">Risk % of equity (to the stop)</option>
          </select>
        </label>
      )}
      {form.sizeBy === 'risk' && form.kind === 'market'
        ? field('riskPercent', 'Risk %', 'ticket-risk')
        : field('qty', `Quantity (${state.coin ?? ''})`, 'ticket-qty')}
      {form.kind === 'limit' && field('limitPrice', 'Limit price', 'ticket-limit')}
      {form.kind === 'stop-market' && field('triggerPrice', 'Trigger price', 'ticket-trigger')}
      {form.kind === 'market' && field('stop', 'Stop loss (optional)', 'ticket-stop')}
      {form.kind === 'market' && field('takeProfit', 'Take profit (optional)', 'ticket-tp')}
      {preview && (
        <dl className="ticket-preview" data-testid="ticket-preview">
          <dt>Size</dt>
          <dd>
            {preview.estimated ? '≈ ' : ''}
            {preview.qty.toSignificantDigits(6).toString()} {state.coin}
          </dd>
          <dt>Price</dt>
          <dd>{preview.price.toString()}</dd>
          <dt>Notional</dt>
          <dd data-testid="ticket-notional">{usd(preview.notional)}</dd>
          <dt>Fee</dt>
          <dd data-testid="ticket-fee">{usd(preview.fee)}</dd>
          {preview.riskToStop && (
            <>
              <dt>Loss at stop</dt>
              <dd>{usd(preview.riskToStop)}</dd>
            </>
          )}
        </dl>
      )}
      {confirming && preview ? (
        <div className="ticket-confirm" role="group" aria-label="Confirm order">
          <p>
            {form.side === 'buy' ? 'Buy' : 'Sell'} {preview.estimated ? '≈ ' : ''}
            {preview.qty.toSignificantDigits(6).toString()} {state.coin} ({form.kind}), notional {usd(preview.notional)}
            , on the PAPER account?
          </p>
          <button type="button" className="primary" disabled={sending} onClick={send} data-testid="ticket-confirm">
            {sending ? 'Sending…' : 'Confirm'}
          </button>
          <button type="button" onClick={() => setConfirming(false)}>
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

function Blotter({ state }: { readonly state: TradingState }) {
  const client = useEngineClient();
  const toast = useToast();
  const qty = new Decimal(state.position.qty);
  const fills = state.fills.slice(-20).reverse();
  return (
    <div className="blotter" data-testid="blotter">
      <h3>Position</h3>
      <dl className="ticket-preview">
        <dt>Size</dt>
        <dd data-testid="blotter-position">
          {qty.isZero() ? 'flat' : `${qty.isPositive() ? 'long' : 'short'} ${qty.abs().toString()} ${state.coin}`}
        </dd>
        <dt>Entry</dt>
        <dd>{state.position.entryPrice ?? '—'}</dd>
        <dt>Unrealised</dt>
        <dd className={pnlClass(state.position.unrealized)}>{usd(state.position.unrealized)}</dd>
        <dt>Realised (net)</dt>
        <dd className={pnlClass(state.realized)}>{usd(state.realized)}</dd>
        <dt>Equity</dt>
        <dd data-testid="blotter-equity">{usd(state.equity)}</dd>
      </dl>
      <h3>Open orders ({state.orders.length})</h3>
      {state.orders.length === 0 ? (
        <p className="muted">none</p>
      ) : (
        <table className="blotter-table" data-testid="blotter-orders">
          <thead>
            <tr>
              <th>Side</th>
              <th>Type</th>
              <th>Size</th>
              <th>Price</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {state.orders.map((o) => (
              <tr key={o.cloid}>
                <td>{o.side}</td>
                <td>{o.kind}</td>
                <td>{o.qty}</td>
                <td>{o.limitPrice ?? o.triggerPrice ?? 'market'}</td>
                <td>
                  <button
                    type="button"
                    className="link-button"
                    aria-label={`Cancel ${o.side} ${o.kind} ${o.qty}`}
                    onClick={() =>
                      client
                        .request('CancelOrder', { cloid: o.cloid })
                        .then((r) => {
                          if (!r.canceled) toast({ title: 'Not canceled', message: 'the order was no longer open' });
                        })
                        .catch((error: unknown) => toast({ title: 'Cancel failed', message: (error as Error).message }))
                    }
                  >
                    Cancel
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <h3>Fills ({state.fills.length})</h3>
      {fills.length === 0 ? (
        <p className="muted">none</p>
      ) : (
        <table className="blotter-table" data-testid="blotter-fills">
          <thead>
            <tr>
              <th>Time</th>
              <th>Side</th>
              <th>Size</th>
              <th>Price</th>
              <th>Fee</th>
            </tr>
          </thead>
          <tbody>
            {fills.map((f) => (
              <tr key={f.tid}>
                <td>{new Date(f.time).toISOString().slice(11, 19)}</td>
                <td>{f.side}</td>
                <td>{f.qty}</td>
                <td>{f.price}</td>
                <td>{usd(f.fee)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </div>
  );
}

function pnlClass(value: string): string {
  const d = new Decimal(value);
  return d.isZero() ? '' : d.isPositive() ? 'pnl-up' : 'pnl-down';
}
