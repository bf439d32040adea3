import { useState } from 'react';
import { useEngineClient } from '../client/engine-context.ts';
import { acceptTradingState, useTradingStore, useTradingSync } from './trading-store.ts';
import './trading.css';

/**
 * The status bar's part of manual trading: while a session runs, an unmistakable PAPER badge
 * and the kill switch (cancel every order, flatten, halt), behind a confirmation.
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
      <span className="paper-badge" data-testid="paper-badge" title={`Paper trading ${state.coin ?? ''}`}>
        PAPER {state.coin}
      </span>
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
