import { useRef, useState, type KeyboardEvent } from 'react';
import { LearnPanel } from './learn-panel.tsx';
import { RulesPanel } from './rules-panel.tsx';
import { StrategiesPanel } from './strategies-panel.tsx';
import './learning.css';

/** The Learn tab's panel (kept mounted, hidden when another tab is open, so a job carries on). */
export function LearnTabPanel({ hidden }: { readonly hidden: boolean }) {
  return (
    <div role="tabpanel" id="tabpanel-learn" aria-labelledby="tab-learn" hidden={hidden} className="tabpanel">
      <LearnPanel />
    </div>
  );
}

const SUB_TABS = [
  { id: 'rules', label: 'Rules' },
  { id: 'strategies', label: 'Strategies' },
] as const;

type SubTab = (typeof SUB_TABS)[number]['id'];

/**
 * The Rules tab's panel: two sub-tabs, the rules themselves and the strategies built from them
 * (arrow keys move between them). Both stay mounted, so a feedback run carries on; each
 * reloads its lists when shown.
 */
export function RulesTabPanel({ hidden }: { readonly hidden: boolean }) {
  const [active, setActive] = useState<SubTab>('rules');
  const refs = useRef<Partial<Record<SubTab, HTMLButtonElement | null>>>({});

  const onKeyDown = (e: KeyboardEvent<HTMLDivElement>) => {
    const index = SUB_TABS.findIndex((t) => t.id === active);
    let next: number;
    if (e.key === 'ArrowRight') next = (index + 1) % SUB_TABS.length;
    else if (e.key === 'ArrowLeft') next = (index - 1 + SUB_TABS.length) % SUB_TABS.length;
    else if (e.key === 'Home') next = 0;
    else if (e.key === 'End') next = SUB_TABS.length - 1;
    else return;
    e.preventDefault();
    const tab = SUB_TABS[next];
    if (!tab) return;
    setActive(tab.id);
    refs.current[tab.id]?.focus();
  };

  return (
    <div role="tabpanel" id="tabpanel-rules" aria-labelledby="tab-rules" hidden={hidden} className="tabpanel">
      <div className="tabs sub-tabs" role="tablist" aria-label="Rules and strategies" onKeyDown={onKeyDown}>
        {SUB_TABS.map((tab) => (
          <button
            key={tab.id}
            ref={(el) => {
              refs.current[tab.id] = el;
            }}
            type="button"
            role="tab"
            id={`subtab-${tab.id}`}
            aria-selected={active === tab.id}
            aria-controls={`subpanel-${tab.id}`}
            tabIndex={active === tab.id ? 0 : -1}
            className="tab"
            data-testid={`subtab-${tab.id}`}
            onClick={() => setActive(tab.id)}
          >
            {tab.label}
          </button>
        ))}
      </div>
      <div role="tabpanel" id="subpanel-rules" aria-labelledby="subtab-rules" hidden={active !== 'rules'}>
        <RulesPanel active={!hidden && active === 'rules'} />
      </div>
      <div
        role="tabpanel"
        id="subpanel-strategies"
        aria-labelledby="subtab-strategies"
        hidden={active !== 'strategies'}
      >
        <StrategiesPanel active={!hidden && active === 'strategies'} />
      </div>
    </div>
  );
}
