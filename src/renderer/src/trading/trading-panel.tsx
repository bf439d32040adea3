import { Decimal } from 'decimal.js';
import { useState, type FormEvent } from 'react';
import { seriesIdOf } from '../../../shared/contract/series.ts';
import type { TradingOrder, TradingState } from '../../../shared/contract/trading.ts';
import { useEngineClient } from '../client/engine-context.ts';
import { useToast } from '../panels/toast.tsx';
import { useWorkspaceStore } from '../state/workspace-store.ts';
import { ModifyOrderDialog } from './modify-dialog.tsx';
import { requestModify } from './modify-store.ts';
import { orderPriceField, pendingModify, snapToGrid } from './order-lines.ts';
import { needsMainnetPhrase, phraseFor, startRequest, type StartForm as StartFormFields } from './start-model.ts';
import { TicketForm } from './ticket-form.tsx';
import { usd } from './ticket-model.ts';
import { acceptTradingState, contractHasTrading, useTradingStore, useTradingSync } from './trading-store.ts';
import './trading.css';

/** The Trade tab, as a tab panel of the side panels. */
export function TradingTabPanel({ hidden }: { readonly hidden: boolean }) {
  return (
    <>
      <div role="tabpanel" id="tabpanel-trade" aria-labelledby="tab-trade" hidden={hidden} className="tabpanel">
        <TradingPanel />
      </div>
      {/* Outside the tab: a drag on the chart asks for confirmation whichever tab is open. */}
      {contractHasTrading() && <ModifyOrderDialog />}
    </>
  );
}

/**
 * Manual trading, paper or live: a start form (mode, network, coin; capital for paper, the
 * account for live, the typed phrase for mainnet), then a trade ticket (checked and
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
    <section className="trading" aria-label="Trading" data-testid="trading-panel">
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
  const [form, setForm] = useState<StartFormFields>({
    mode: 'paper',
    network: state?.network === 'testnet' || state?.network === 'mainnet' ? state.network : 'custom',
    apiUrl: state?.apiUrl ?? 'http://127.0.0.1:7777',
    coin: state?.coin ?? 'BTC',
    capital: '10000',
    account: '',
    confirmation: '',
  });
  const [busy, setBusy] = useState(false);
  const [tried, setTried] = useState(false);
  const starting = busy || state?.status === 'starting';
  const set = (patch: Partial<StartFormFields>) => setForm((f) => ({ ...f, ...patch }));
  const checked = startRequest(form);
  const errors = tried && !checked.ok ? checked.errors : {};
  const live = form.mode === 'live';
  const onSubmit = (e: FormEvent) => {
    e.preventDefault();
    setTried(true);
    if (!checked.ok) return;
    setBusy(true);
    const { request } = checked;
    // A paper account at a URL is what StartPaperSession opens: the command every role that
    // trades has; the others (live, or a named network) need StartTradingSession.
    const started =
      request.mode === 'paper' && request.apiUrl !== undefined
        ? client.request('StartPaperSession', { coin: request.coin, apiUrl: request.apiUrl, capital: request.capital })
        : client.request('StartTradingSession', request);
    started
      .then(acceptTradingState)
      .catch((error: unknown) =>
        toast({ title: `${live ? 'Live' : 'Paper'} session not started`, message: (error as Error).message }),
      )
      .finally(() => setBusy(false));
  };
  const error = (key: keyof StartFormFields) =>
    errors[key] !== undefined && <span className="field-error">{errors[key]}</span>;
  return (
    <form className="trading-form" onSubmit={onSubmit} aria-label="Start a trading session" noValidate>
      <div className="segmented" role="group" aria-label="Mode">
        {(['paper', 'live'] as const).map((mode) => (
          <button
            key={mode}
            type="button"
            aria-pressed={form.mode === mode}
            className={mode === 'live' ? 'mode-live' : undefined}
            data-testid={`trading-mode-${mode}`}
            onClick={() => set({ mode, confirmation: '' })}
          >
            {mode === 'paper' ? 'Paper' : 'Live'}
          </button>
        ))}
      </div>
      <p className={live ? 'trading-live-note' : 'muted'}>
        {live
          ? 'LIVE: real orders on the venue with the signing key stored as "signing-key" (hyperdesk keys set signing-key).'
          : "Paper trading: a simulated account on a Hyperliquid-compatible venue's live prices. No real money."}
      </p>
      <label>
        Network
        <select
          data-testid="trading-network"
          value={form.network}
          onChange={(e) => set({ network: e.target.value as StartFormFields['network'], confirmation: '' })}
        >
          <option value="testnet">Hyperliquid testnet</option>
          <option value="mainnet">Hyperliquid mainnet</option>
          <option value="custom">Custom URL</option>
        </select>
      </label>
      {form.network === 'custom' && (
        <label>
          Venue URL
          <input
            data-testid="trading-url"
            value={form.apiUrl}
            onChange={(e) => set({ apiUrl: e.target.value })}
            required
          />
          {error('apiUrl')}
        </label>
      )}
      <label>
        Coin
        <input
          data-testid="trading-coin"
          value={form.coin}
          onChange={(e) => set({ coin: e.target.value, confirmation: '' })}
          required
        />
        {error('coin')}
      </label>
      {live ? (
        <label>
          Account (when the key is an agent&apos;s; empty: the key&apos;s own)
          <input
            data-testid="trading-account"
            value={form.account}
            placeholder="0x…"
            onChange={(e) => set({ account: e.target.value })}
          />
          {error('account')}
        </label>
      ) : (
        <label>
          Capital (USD, new account)
          <input
            data-testid="trading-capital"
            value={form.capital}
            inputMode="decimal"
            onChange={(e) => set({ capital: e.target.value })}
          />
          {error('capital')}
        </label>
      )}
      {needsMainnetPhrase(form) && (
        <label className="trading-mainnet-confirm">
          Real money on MAINNET. Type &quot;{phraseFor(form)}&quot; to confirm
          <input
            data-testid="trading-confirmation"
            value={form.confirmation}
            autoComplete="off"
            spellCheck={false}
            onChange={(e) => set({ confirmation: e.target.value })}
          />
          {error('confirmation')}
        </label>
      )}
      {state?.status === 'failed' && state.error && <p className="field-error">{state.error}</p>}
      <button
        type="submit"
        className={live ? 'danger' : 'primary'}
        disabled={starting || (needsMainnetPhrase(form) && !checked.ok)}
        data-testid="trading-start"
      >
        {starting ? 'Starting…' : live ? 'Start LIVE session' : 'Start paper session'}
      </button>
    </form>
  );
}

function SessionHeader({ state }: { readonly state: TradingState }) {
  const client = useEngineClient();
  const toast = useToast();
  // The session records the venue's 1m candles into the engine's cache under this series.
  const showOnChart = () => {
    if (state.apiUrl === null || state.coin === null) return;
    const seriesId = seriesIdOf({ source: `hl@${new URL(state.apiUrl).host}`, coin: state.coin, interval: '1m' });
    client
      .request('ListSeries', {})
      .then(({ series }) => {
        const info = series.find((s) => s.seriesId === seriesId);
        if (info) useWorkspaceStore.getState().selectSeries(info);
        else toast({ title: 'Not on the chart', message: `no candles of ${seriesId} in the cache yet` });
      })
      .catch((error: unknown) => toast({ title: 'Not on the chart', message: (error as Error).message }));
  };
  return (
    <div className="trading-header">
      <span className={state.mode === 'live' ? 'live-tag' : 'paper-tag'} data-testid="session-mode">
        {state.mode === 'live' ? `LIVE${state.network === 'mainnet' ? ' MAINNET' : ''}` : 'PAPER'}
      </span>
      <strong>{state.coin}</strong>
      <span className="muted" title={state.apiUrl ?? undefined}>
        mark {state.mark ?? '—'}
      </span>
      <span className="trading-header-links">
        <button type="button" className="link-button" data-testid="trading-show-chart" onClick={showOnChart}>
          Show on chart
        </button>
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
      </span>
    </div>
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
                <td data-testid="blotter-order-price">{o.triggerPrice ?? o.limitPrice ?? 'market'}</td>
                <td className="blotter-actions">
                  <ModifyAction order={o} decimals={state.priceDecimals} />
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

/**
 * The blotter's keyboard way to move an order: Modify opens a price field (Enter reviews,
 * Escape closes); the price goes onto the venue's tick and then to the same confirmation as
 * a drag on the chart.
 */
function ModifyAction({ order, decimals }: { readonly order: TradingOrder; readonly decimals: number | null }) {
  const field = orderPriceField(order);
  const current = field === null ? null : order[field];
  const [editing, setEditing] = useState(false);
  const [value, setValue] = useState(current ?? '');
  const [problem, setProblem] = useState<string | null>(null);
  if (field === null || current === null || decimals === null) return null;
  const label = `${order.side} ${order.kind} ${order.qty}`;
  if (!editing) {
    return (
      <button
        type="button"
        className="link-button"
        aria-label={`Modify ${label}`}
        data-testid="blotter-modify"
        onClick={() => {
          setValue(current);
          setProblem(null);
          setEditing(true);
        }}
      >
        Modify
      </button>
    );
  }
  const review = (e: FormEvent) => {
    e.preventDefault();
    let typed: Decimal;
    try {
      typed = new Decimal(value.trim());
    } catch {
      setProblem('not a number');
      return;
    }
    const to = snapToGrid(typed, decimals);
    if (!to) {
      setProblem('must be greater than 0');
      return;
    }
    const modify = pendingModify(order, to);
    if (!modify) {
      setProblem('same price');
      return;
    }
    setEditing(false);
    requestModify(modify);
  };
  return (
    <form
      className="blotter-modify"
      onSubmit={review}
      onKeyDown={(e) => {
        if (e.key === 'Escape') setEditing(false);
      }}
    >
      <input
        // The field is what the Modify button opened: focus moves to it.
        autoFocus
        aria-label={`New ${field === 'limitPrice' ? 'limit' : 'trigger'} price of ${label}`}
        data-testid="blotter-modify-price"
        inputMode="decimal"
        value={value}
        aria-invalid={problem !== null}
        onChange={(e) => {
          setValue(e.target.value);
          setProblem(null);
        }}
      />
      <button type="submit" className="link-button" data-testid="blotter-modify-review">
        Review
      </button>
      {problem && <span className="field-error">{problem}</span>}
    </form>
  );
}
