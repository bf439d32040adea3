import type { RuleSummary } from '../../../shared/contract/knowledge-commands.ts';
import { formatCitation } from './citation.ts';

/**
 * Rules in a table: name, kind, confidence and the citation (a button opening the study
 * view); with `onToggle`, a switch per rule.
 */
export function RuleTable({
  rules,
  onOpen,
  onToggle,
  busy,
  label,
}: {
  readonly rules: readonly RuleSummary[];
  readonly onOpen: (rule: RuleSummary) => void;
  readonly onToggle?: (rule: RuleSummary, enabled: boolean) => void;
  /** Rules whose switch is being sent. */
  readonly busy?: ReadonlySet<string>;
  readonly label: string;
}) {
  if (rules.length === 0) return <p className="note">No rules.</p>;
  return (
    <table className="rule-table" aria-label={label}>
      <thead>
        <tr>
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
            className={rule.enabled ? undefined : 'rule-disabled'}
          >
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
            <td>
              {rule.name}
              {!rule.enabled && <span className="badge">disabled</span>}
            </td>
            <td>{rule.kind}</td>
            <td className="num">{Math.round(rule.confidence * 100)} %</td>
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
