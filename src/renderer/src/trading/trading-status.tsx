import { useState } from 'react';
import { useEngineClient } from '../client/engine-context.ts';
import type { TradingState } from '../../../shared/contract/trading.ts';
import { rateLimitView } from './rate-limit-view.ts';
import { acceptTradingState, useTradingStore, useTradingSync } from './trading-store.ts';
import './trading.css';

/**
 * The status bar's part of manual trading: while a session runs, an unmistakable PAPER or LIVE
 * badge (LIVE in red), the venue request budget in use (warning colour above 80 %), and the
 * kill switch (cancel every order, flatten, halt), behind a confirmation.
 */
export function TradingStatus() {
  const client = useEngineClient();
  useTradingSync(client);
  const state = useTradingStore((s) => s.state);
  const [confirming, setConfirming] = useState(false);
  const [problem, setProblem] = useState<string | null>(null);
  if (state?.status !== 'running') return null;
  const kill = () => {
    setConfirming(false);
    client
      .request('KillSwitch', { reason: 'kill switch (status bar)' })
      .then((s) => {
        acceptTradingState(s);
        setProblem(null);
      })
      .catch((error: unknown) => setProblem((error as Error).message));
  };
  return (
    <span className="trading-status">
      {state.mode === 'live' ? (
        <span
          className="live-badge"
          data-testid="live-badge"
          title={`LIVE trading ${state.coin ?? ''} on ${state.network ?? ''} (${state.apiUrl ?? ''}), account ${state.account ?? ''}: real orders`}
        >
          LIVE{state.network === 'mainnet' ? ' MAINNET' : ''} {state.coin}
        </span>
      ) : (
        <span className="paper-badge" data-testid="paper-badge" title={`Paper trading ${state.coin ?? ''}`}>
          PAPER {state.coin}
        </span>
      )}
      {state.rateLimit && <RateLimitUse use={state.rateLimit} />}
      {state.halted !== null ? (
        <span className="status-notice" data-testid="status-halted">
          halted
        </span>
      ) : confirming ? (
        <>
          <button type="button" className="kill-button" data-testid="kill-confirm" onClick={kill}>
            Confirm kill: cancel all, flatten, halt
          </button>
          <button type="button" className="kill-cancel" onClick={() => setConfirming(false)}>
            Cancel
          </button>
        </>
      ) : (
        <button type="button" className="kill-button" data-testid="kill-switch" onClick={() => setConfirming(true)}>
          Kill switch
        </button>
      )}
      {problem && (
        <span className="status-notice" role="alert">
          {problem}
        </span>
      )}
    </span>
  );
}

/** The venue request budget in use, e.g. "API 12 %"; the details in its title. */
function RateLimitUse({ use }: { readonly use: NonNullable<TradingState['rateLimit']> }) {
  const view = rateLimitView(use);
  return (
    <span
      className={view.warn ? 'rate-limit rate-limit-warn' : 'rate-limit'}
      data-testid="rate-limit"
      data-ratio={use.ratio.toFixed(3)}
      title={view.title}
    >
      {view.text}
    </span>
  );
}
