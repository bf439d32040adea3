import { useRef, useState, type KeyboardEvent } from 'react';
import { LearnTabPanel, RulesTabPanel } from '../learning/learning-tabs.tsx';
import { BacktestPanel } from './backtest-panel.tsx';
import { ReplayPanel } from './replay-panel.tsx';
import { ToastProvider } from './toast.tsx';
import { SettingsTabPanel } from '../settings/settings-panel.tsx';
import { TradingTabPanel } from '../trading/trading-panel.tsx';
import './panels.css';

const TABS = [
  { id: 'backtest', label: 'Backtest' },
  { id: 'replay', label: 'Replay' },
  { id: 'learn', label: 'Learn' },
  { id: 'rules', label: 'Rules' },
  { id: 'trade', label: 'Trade' },
  { id: 'settings', label: 'Settings' },
] as const;

type TabId = (typeof TABS)[number]['id'];

/**
 * The side panels: Backtest, Replay, Learn, Rules, Trade and Settings under an ARIA tablist
 * (arrow keys, Home and End move between tabs; the active tab alone is in the Tab order). The
 * panels stay mounted, hidden when not selected, so a running backtest, replay or learning job
 * carries on while another tab is open.
 */
export function SidePanels() {
  const [active, setActive] = useState<TabId>('backtest');
  const tabRefs = useRef<Partial<Record<TabId, HTMLButtonElement | null>>>({});

  const onKeyDown = (e: KeyboardEvent<HTMLDivElement>) => {
    const index = TABS.findIndex((t) => t.id === active);
    let next: number;
    if (e.key === 'ArrowRight' || e.key === 'ArrowDown') next = (index + 1) % TABS.length;
    else if (e.key === 'ArrowLeft' || e.key === 'ArrowUp') next = (index - 1 + TABS.length) % TABS.length;
    else if (e.key === 'Home') next = 0;
    else if (e.key === 'End') next = TABS.length - 1;
    else return;
    e.preventDefault();
    const tab = TABS[next];
    if (!tab) return;
    setActive(tab.id);
    tabRefs.current[tab.id]?.focus();
  };

  return (
    <ToastProvider>
      <div className="side-panels" data-testid="side-panels">
        <div className="tabs" role="tablist" aria-label="Side panels" onKeyDown={onKeyDown}>
          {TABS.map((tab) => (
            <button
              key={tab.id}
              ref={(el) => {
                tabRefs.current[tab.id] = el;
              }}
              type="button"
              role="tab"
              id={`tab-${tab.id}`}
              aria-selected={active === tab.id}
              aria-controls={`tabpanel-${tab.id}`}
              tabIndex={active === tab.id ? 0 : -1}
              className="tab"
              data-testid={`tab-${tab.id}`}
              onClick={() => setActive(tab.id)}
            >
              {tab.label}
            </button>
          ))}
        </div>
        <div
          role="tabpanel"
          id="tabpanel-backtest"
          aria-labelledby="tab-backtest"
          hidden={active !== 'backtest'}
          className="tabpanel"
        >
          <BacktestPanel />
        </div>
        <div
          role="tabpanel"
          id="tabpanel-replay"
          aria-labelledby="tab-replay"
          hidden={active !== 'replay'}
          className="tabpanel"
        >
          <ReplayPanel active={active === 'replay'} />
        </div>
        <LearnTabPanel hidden={active !== 'learn'} />
        <RulesTabPanel hidden={active !== 'rules'} />
        <TradingTabPanel hidden={active !== 'trade'} />
        <SettingsTabPanel hidden={active !== 'settings'} />
      </div>
    </ToastProvider>
  );
}
