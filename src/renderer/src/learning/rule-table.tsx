import type { RuleSummary } from '../../../shared/contract/knowledge-commands.ts';
import { formatCitation } from './citation.ts';

/** Picking rules (for a strategy): which are picked, and what a click does. */
export interface RuleSelection {
  readonly selected: ReadonlySet<string>;
  readonly onSelect: (rule: RuleSummary, selected: boolean) => void;
}

/**
 * Rules in a table: name, kind, confidence and the citation (a button opening the study
 * view); with `onToggle`, a switch per rule; with `selection`, a box to pick it.
 */
export function RuleTable({
  rules,
  onOpen,
  onToggle,
  busy,
  label,
  selection,
  highlight,
}: {
  readonly rules: readonly RuleSummary[];
  readonly onOpen: (rule: RuleSummary) => void;
  readonly onToggle?: (rule: RuleSummary, enabled: boolean) => void;
  /** Rules whose switch is being sent. */
  readonly busy?: ReadonlySet<string>;
  readonly label: string;
  readonly selection?: RuleSelection;
  /** A rule to mark (the one just changed). */
  readonly highlight?: string | null;
}) {
  if (rules.length === 0) return <p className="note">No rules.</p>;
  return (
    <table className="rule-table" aria-label={label}>
      <thead>
        <tr>
          {selection && <th scope="col">Use</th>}
          {onToggle && <th scope="col">On</th>}
          <th scope="col">Rule</th>
          <th scope="col">Kind</th>
          <th scope="col" className="num">
            Conf.
          </th>
          <th scope="col">Cites</th>
        </tr>
      </thead>
      <tbody>
        {rules.map((rule) => (
          <tr
            key={rule.id}
            data-testid="rule-row"
            data-rule-id={rule.id}
            data-enabled={String(rule.enabled)}
            data-confidence={rule.confidence}
            data-version={rule.version}
            className={
              [rule.enabled ? '' : 'rule-disabled', highlight === rule.id ? 'rule-highlight' : '']
                .filter(Boolean)
                .join(' ') || undefined
            }
          >
            {selection && (
              <td>
                <input
                  type="checkbox"
                  checked={selection.selected.has(rule.id)}
                  aria-label={`Use ${rule.name}`}
                  data-testid="rule-select"
                  onChange={(e) => selection.onSelect(rule, e.target.checked)}
                />
              </td>
            )}
            {onToggle && (
              <td>
                <input
                  type="checkbox"
                  checked={rule.enabled}
                  disabled={busy?.has(rule.id) === true}
                  aria-label={`${rule.enabled ? 'Disable' : 'Enable'} ${rule.name}`}
                  data-testid="rule-toggle"
                  onChange={(e) => onToggle(rule, e.target.checked)}
                />
              </td>
            )}
            <td className="rule-name">
              {rule.name}
              {!rule.enabled && <span className="badge">disabled</span>}
            </td>
            <td>{rule.kind}</td>
            <td className="num" data-testid="rule-confidence" title={`version ${rule.version}`}>
              {Math.round(rule.confidence * 100)} %
            </td>
            <td>
              <button
                type="button"
                className="link-button"
                data-testid="rule-citation"
                title={rule.citation.quote}
                aria-label={`Open ${formatCitation(rule.citation)} for ${rule.name}`}
                onClick={() => onOpen(rule)}
              >
                {formatCitation(rule.citation)}
              </button>
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
