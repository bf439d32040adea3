import { useEffect } from 'react';
import iconUrl from '../../../resources/icon.svg';
import { SignInGate } from './auth/sign-in-gate.tsx';
import { ChartWorkspace } from './components/chart-workspace.tsx';
import { StatusBar } from './components/status-bar.tsx';
import { useWorkspaceSeries } from './client/use-workspace-data.ts';
import { SidePanels } from './panels/side-panels.tsx';
import { useWorkspaceStore } from './state/workspace-store.ts';

const DATE = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeZone: 'UTC' });

/** The application, behind the sign-in screen when a web-mode server requires a token. */
export function App({ transport }: { readonly transport: 'ipc' | 'websocket' }) {
  return (
    <SignInGate enabled={transport === 'websocket'}>
      <AppShell transport={transport} />
    </SignInGate>
  );
}

/** The application shell: header, chart workspace with its toolbar, side panels, status bar. */
function AppShell({ transport }: { readonly transport: 'ipc' | 'websocket' }) {
  const { info, error } = useWorkspaceSeries();
  const series = useWorkspaceStore((s) => s.series);
  const theme = useWorkspaceStore((s) => s.theme);

  // The theme lives on <html> so the page background and scrollbars follow it too.
  useEffect(() => {
    const root = document.documentElement;
    root.classList.toggle('theme-light', theme === 'light');
    root.classList.toggle('theme-dark', theme === 'dark');
  }, [theme]);

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
      <div className="app-body">
        <main className="workspace">
          {error && (
            <div className="alert" role="alert">
              {error}
            </div>
          )}
          {series ? <ChartWorkspace series={series} /> : !error && <div className="placeholder">Loading candles…</div>}
        </main>
        <aside className="side-panel" aria-label="Panels">
          <SidePanels />
        </aside>
      </div>
      <StatusBar transport={transport} />
    </div>
  );
}
