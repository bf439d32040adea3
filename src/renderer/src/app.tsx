import iconUrl from '../../../resources/icon.svg';
import { PriceChart } from './components/price-chart.tsx';
import { StatusBar } from './components/status-bar.tsx';
import { useSampleChart } from './client/use-sample-chart.ts';

const DATE = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeZone: 'UTC' });

/** The application shell: header, chart workspace, status bar. */
export function App({ transport }: { readonly transport: 'ipc' | 'websocket' }) {
  const { info, candles, error } = useSampleChart();
  return (
    <div className="app">
      <header className="app-header">
        <img src={iconUrl} alt="" className="app-logo" />
        <h1>HyperDesk</h1>
        {info && (
          <div className="series-info" data-testid="series-info">
            <strong>
              {info.coin} · {info.interval}
            </strong>
            {info.synthetic && (
              <span
                className="badge badge-synthetic"
                data-testid="synthetic-badge"
                title="Generated data, not a real market"
              >
                SYNTHETIC DATA
              </span>
            )}
            <span className="muted">
              {info.count.toLocaleString()} candles
              {info.first !== null &&
                info.last !== null &&
                ` · ${DATE.format(info.first)} – ${DATE.format(info.last)} UTC`}
            </span>
          </div>
        )}
      </header>
      <main className="workspace">
        {error && (
          <div className="alert" role="alert">
            {error}
          </div>
        )}
        {candles ? (
          <PriceChart candles={candles} label={info ? `${info.coin} ${info.interval}` : 'candles'} />
        ) : (
          !error && <div className="placeholder">Loading candles…</div>
        )}
      </main>
      <StatusBar transport={transport} />
    </div>
  );
}
