import { useCallback, useEffect, useState } from 'react';
import type { RuleSummary } from '../../../shared/contract/knowledge-commands.ts';
import { useEngineClient } from '../client/engine-context.ts';
import { useToast } from '../panels/toast.tsx';
import { RuleTable } from './rule-table.tsx';
import { RuleStudy } from './rule-study.tsx';

/**
 * The Rules tab: every rule in the knowledge base (current versions) with its switch, kind,
 * confidence and citation (opens the study view). Reloaded when the tab is shown and when a
 * file has been learned.
 */
export function RulesPanel({ active }: { readonly active: boolean }) {
  const client = useEngineClient();
  const toast = useToast();
  const [rules, setRules] = useState<readonly RuleSummary[] | null>(null);
  const [busy, setBusy] = useState<ReadonlySet<string>>(new Set());
  const [study, setStudy] = useState<RuleSummary | null>(null);

  const load = useCallback(() => {
    client
      .request('ListRules', {})
      .then((answer) => setRules(answer.rules))
      .catch((error: unknown) => toast({ title: 'Rules not loaded', message: (error as Error).message }));
  }, [client, toast]);

  useEffect(() => {
    if (active) load();
  }, [active, load]);

  useEffect(() => client.on('LearnFinished', () => load()), [client, load]);

  /** Shown switched at once; put back if the engine refuses. */
  const toggle = (rule: RuleSummary, enabled: boolean) => {
    const put = (next: RuleSummary) => setRules((list) => list?.map((r) => (r.id === next.id ? next : r)) ?? null);
    put({ ...rule, enabled });
    setBusy((b) => new Set(b).add(rule.id));
    client
      .request('SetRuleEnabled', { id: rule.id, enabled })
      .then(put)
      .catch((error: unknown) => {
        put(rule);
        toast({ title: 'Rule not changed', message: (error as Error).message });
      })
      .finally(() =>
        setBusy((b) => {
          const next = new Set(b);
          next.delete(rule.id);
          return next;
        }),
      );
  };

  const enabled = rules?.filter((r) => r.enabled).length ?? 0;
  return (
    <section
      className="panel-body rules-panel"
      aria-label="Rules"
      data-testid="rules-panel"
      data-rule-count={rules?.length ?? ''}
    >
      {rules === null ? (
        <p className="note">Loading rules…</p>
      ) : (
        <>
          <p className="run-status">
            {rules.length} rule(s), {enabled} enabled
          </p>
          <RuleTable rules={rules} onOpen={setStudy} onToggle={toggle} busy={busy} label="All rules" />
        </>
      )}
      {study && <RuleStudy key={study.id} rule={study} onClose={() => setStudy(null)} />}
    </section>
  );
}
