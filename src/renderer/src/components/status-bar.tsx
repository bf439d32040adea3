import { useEngineStore } from '../state/engine-store.ts';
import { TradingStatus } from '../trading/trading-status.tsx';

const CONNECTION_LABEL = {
  connecting: 'Connecting…',
  open: 'Engine connected',
  reconnecting: 'Reconnecting…',
  closed: 'Disconnected',
} as const;

/** Always-visible strip: connection state, engine notices. */
export function StatusBar({ transport }: { readonly transport: 'ipc' | 'websocket' }) {
  const connection = useEngineStore((s) => s.connection);
  const detail = useEngineStore((s) => s.connectionDetail);
  const notice = useEngineStore((s) => s.engineNotice);
  return (
    <footer className="status-bar" role="status" aria-live="polite">
      <span className={`status-dot status-${connection}`} aria-hidden="true" />
      <span data-testid="connection-status" title={detail ?? undefined}>
        {CONNECTION_LABEL[connection]}
      </span>
      <span className="status-sep">·</span>
      <span>{transport === 'ipc' ? 'Desktop' : 'Web mode'}</span>
      {notice && (
        <>
          <span className="status-sep">·</span>
          <span className="status-notice" data-testid="engine-notice">
            {notice}
          </span>
        </>
      )}
      <TradingStatus />
      <a className="attribution" href="https://www.tradingview.com/" target="_blank" rel="noopener noreferrer">
        Charts by TradingView Lightweight Charts™
      </a>
    </footer>
  );
}
