import { LearnPanel } from './learn-panel.tsx';
import { RulesPanel } from './rules-panel.tsx';
import './learning.css';

/** The Learn tab's panel (kept mounted, hidden when another tab is open, so a job carries on). */
export function LearnTabPanel({ hidden }: { readonly hidden: boolean }) {
  return (
    <div role="tabpanel" id="tabpanel-learn" aria-labelledby="tab-learn" hidden={hidden} className="tabpanel">
      <LearnPanel />
    </div>
  );
}

/** The Rules tab's panel; its rules are reloaded each time it is shown. */
export function RulesTabPanel({ hidden }: { readonly hidden: boolean }) {
  return (
    <div role="tabpanel" id="tabpanel-rules" aria-labelledby="tab-rules" hidden={hidden} className="tabpanel">
      <RulesPanel active={!hidden} />
    </div>
  );
}
