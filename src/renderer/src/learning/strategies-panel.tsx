import { useCallback, useEffect, useRef, useState, type FormEvent } from 'react';
import type { EventPayload } from '../../../shared/contract/events.ts';
import type {
  CompileReportWire,
  ConfidenceSuggestionWire,
  RuleSummary,
  StrategyInfo,
} from '../../../shared/contract/knowledge-commands.ts';
import type { SeriesInfo } from '../../../shared/contract/series.ts';
import { useEngineClient } from '../client/engine-context.ts';
import { useToast } from '../panels/toast.tsx';
import { useSelectedSeries } from '../panels/workspace-link.ts';
import { RuleStudy } from './rule-study.tsx';
import { RuleTable } from './rule-table.tsx';
import {
  formatPercent,
  formatR,
  phaseRows,
  selectedInOrder,
  validateBuild,
  withRule,
  type BuildErrors,
} from './strategy-model.ts';

type Feedback =
  | { readonly phase: 'idle' }
  | { readonly phase: 'starting' }
  | { readonly phase: 'running'; readonly feedbackId: string; readonly done: number; readonly total: number }
  | { readonly phase: 'finished'; readonly result: EventPayload<'FeedbackFinished'> }
  | { readonly phase: 'failed'; readonly error: string }
  | { readonly phase: 'canceled' };

/** What the trader decided about a suggestion. */
type Decision =
  | { readonly kind: 'pending' }
  | { readonly kind: 'approved'; readonly from: number; readonly to: number; readonly version: number }
  | { readonly kind: 'rejected' };

const message = (error: unknown) => (error as Error).message;

function FeedbackProgressBar({ done, total }: { readonly done: number; readonly total: number }) {
  const pct = total > 0 ? Math.min(100, Math.max(0, Math.round((done / total) * 100))) : 0;
  return (
    <div
      className="progress"
      role="progressbar"
      aria-label="Feedback progress"
      aria-valuemin={0}
      aria-valuemax={100}
      aria-valuenow={pct}
      aria-valuetext={total > 0 ? `${done} of ${total} bars` : 'Starting'}
      data-testid="feedback-progress"
    >
      <svg className="progress-track" viewBox="0 0 100 6" preserveAspectRatio="none" aria-hidden="true">
        <rect className="progress-fill" x="0" y="0" height="6" width={pct} />
      </svg>
      <span className="progress-text">{pct} %</span>
    </div>
  );
}

function CompileReport({ report }: { readonly report: CompileReportWire }) {
  return (
    <div className="compile-report" data-testid="compile-report" aria-label={`Compile report of ${report.name}`}>
      <p className="run-status">
        On {report.interval} bars: {report.used.length} rule(s) run, {report.unsupported.length} cannot · sizing{' '}
        {report.sizing}
      </p>
      <ul className="compile-list">
        {report.used.map((u) => (
          <li key={u.id} data-testid="compile-runs" data-rule-id={u.id}>
            <span className="badge badge-ok">runs</span> {u.name} <span className="muted">({u.kind})</span>
          </li>
        ))}
        {report.unsupported.map((u) => (
          <li key={u.id} data-testid="compile-cannot" data-rule-id={u.id}>
            <span className="badge badge-warn">cannot run</span> {u.name}
            <div className="muted">{u.reason}</div>
          </li>
        ))}
      </ul>
      {report.notes.map((n) => (
        <p key={n} className="note">
          {n}
        </p>
      ))}
    </div>
  );
}

function RuleStats({
  result,
  seriesLabel,
}: {
  readonly result: EventPayload<'FeedbackFinished'>;
  readonly seriesLabel: string;
}) {
  const s = result.outcomes.strategy;
  return (
    <div className="rule-stats" data-testid="feedback-stats">
      <p className="run-status" role="status">
        {result.strategy} on {seriesLabel}: {s.trades} trades, {formatPercent(s.winRate)} won, expectancy{' '}
        {formatR(s.expectancyR)}
      </p>
      {result.outcomes.rules.length === 0 ? (
        <p className="note">No trades: no rule has figures yet.</p>
      ) : (
        <table aria-label="Statistics per rule">
          <thead>
            <tr>
              <th scope="col">Rule / phase</th>
              <th scope="col" className="num">
                Trades
              </th>
              <th scope="col" className="num">
                Won
              </th>
              <th scope="col" className="num">
                Exp.
              </th>
            </tr>
          </thead>
          {result.outcomes.rules.map((r) => (
            <tbody key={r.ruleId} data-testid="rule-stat" data-rule-id={r.ruleId} data-trades={r.trades}>
              <tr className="rule-stat-head">
                <th scope="row" className="rule-stat-name" title={r.name}>
                  {r.name}
                </th>
                <td className="num">{r.trades}</td>
                <td className="num">{formatPercent(r.winRate)}</td>
                <td className="num">{formatR(r.expectancyR)}</td>
              </tr>
              {phaseRows(r.byPhase).map(({ phase, figures }) => (
                <tr key={phase} className="rule-stat-phase" data-testid="rule-stat-phase" data-phase={phase}>
                  <td className="muted">· {phase}</td>
                  <td className="num muted">{figures.trades}</td>
                  <td className="num muted">{formatPercent(figures.winRate)}</td>
                  <td className="num muted">{formatR(figures.expectancyR)}</td>
                </tr>
              ))}
            </tbody>
          ))}
        </table>
      )}
      {result.notes.map((n) => (
        <p key={n} className="note">
          {n}
        </p>
      ))}
    </div>
  );
}

function Suggestion({
  suggestion,
  decision,
  busy,
  phases,
  onApprove,
  onReject,
}: {
  readonly suggestion: ConfidenceSuggestionWire;
  readonly decision: Decision;
  readonly busy: boolean;
  readonly phases: string;
  readonly onApprove: () => void;
  readonly onReject: () => void;
}) {
  return (
    <li
      className="suggestion"
      data-testid="suggestion"
      data-rule-id={suggestion.ruleId}
      data-decision={decision.kind}
      aria-label={`Suggestion for ${suggestion.name}`}
    >
      <div className="suggestion-head">
        <strong>{suggestion.name}</strong>
        <span>
          confidence {Math.round(suggestion.current * 100)} % →{' '}
          <strong>{Math.round(suggestion.suggested * 100)} %</strong>
        </span>
      </div>
      <dl className="evidence" aria-label="Evidence">
        <dt>Trades</dt>
        <dd>{suggestion.trades}</dd>
        <dt>Won</dt>
        <dd>{formatPercent(suggestion.winRate)}</dd>
        <dt>Expectancy</dt>
        <dd>{formatR(suggestion.expectancyR)}</dd>
        {phases !== '' && (
          <>
            <dt>By phase</dt>
            <dd>{phases}</dd>
          </>
        )}
      </dl>
      <p className="muted suggestion-reason">{suggestion.reason}</p>
      {decision.kind === 'pending' ? (
        <div className="suggestion-actions">
          <button
            type="button"
            className="primary"
            disabled={busy}
            onClick={onApprove}
            data-testid="suggestion-approve"
          >
            Approve
          </button>
          <button type="button" disabled={busy} onClick={onReject} data-testid="suggestion-reject">
            Reject
          </button>
        </div>
      ) : decision.kind === 'approved' ? (
        <p className="run-status" role="status" data-testid="suggestion-approved">
          Approved: confidence {Math.round(decision.from * 100)} % → {Math.round(decision.to * 100)} % (rule version{' '}
          {decision.version})
        </p>
      ) : (
        <p className="run-status" role="status">
          Rejected: the rule keeps its confidence.
        </p>
      )}
    </li>
  );
}

/**
 * The Strategies view: the knowledge base's strategies with their rules (citations open the
 * study view, switches, confidence); a strategy built from picked rules with the compiler's
 * report (which rules run, which cannot and why); the feedback loop on a stored series with
 * progress and cancel, statistics per rule and cycle phase, and the confidence suggestions it
 * makes, each approved (a new rule version, recorded with its evidence) or rejected (nothing
 * changes). Engine errors come as toasts.
 */
export function StrategiesPanel({ active }: { readonly active: boolean }) {
  const client = useEngineClient();
  const toast = useToast();
  const workspaceSeries = useSelectedSeries();
  const [rules, setRules] = useState<readonly RuleSummary[] | null>(null);
  const [strategies, setStrategies] = useState<readonly StrategyInfo[] | null>(null);
  const [series, setSeries] = useState<readonly SeriesInfo[]>([]);
  const [chosenSeries, setSeriesId] = useState('');
  const [current, setCurrent] = useState<string | null>(null);
  const [name, setName] = useState('');
  const [picked, setPicked] = useState<ReadonlySet<string>>(new Set());
  const [errors, setErrors] = useState<BuildErrors>({});
  const [building, setBuilding] = useState(false);
  const [compiled, setCompiled] = useState<CompileReportWire | null>(null);
  const [minTrades, setMinTrades] = useState('20');
  const [feedback, setFeedback] = useState<Feedback>({ phase: 'idle' });
  const [decisions, setDecisions] = useState<ReadonlyMap<string, Decision>>(new Map());
  const [deciding, setDeciding] = useState<string | null>(null);
  const [changed, setChanged] = useState<string | null>(null);
  const [study, setStudy] = useState<RuleSummary | null>(null);
  const currentRun = useRef<string | null>(null);
  const early = useRef<{ event: string; payload: unknown }[] | null>(null);

  const load = useCallback(() => {
    client
      .request('ListRules', {})
      .then((answer) => setRules(answer.rules))
      .catch((error: unknown) => toast({ title: 'Rules not loaded', message: message(error) }));
    client
      .request('ListStrategies', {})
      .then((answer) => setStrategies(answer.strategies))
      .catch((error: unknown) => toast({ title: 'Strategies not loaded', message: message(error) }));
    client
      .request('ListSeries', {})
      .then((answer) => setSeries(answer.series))
      .catch((error: unknown) => toast({ title: 'Series not listed', message: message(error) }));
  }, [client, toast]);

  useEffect(() => {
    if (active) load();
  }, [active, load]);

  useEffect(() => client.on('LearnFinished', () => load()), [client, load]);

  // The series picked, else the chart's, else the first stored one.
  const seriesId =
    (series.some((s) => s.seriesId === chosenSeries)
      ? chosenSeries
      : (series.find((s) => s.seriesId === workspaceSeries?.id) ?? series[0])?.seriesId) ?? '';

  const interval = series.find((s) => s.seriesId === seriesId)?.interval ?? '1h';

  const compile = useCallback(
    (strategy: string) => {
      setCompiled(null);
      client
        .request('CompileStrategy', { name: strategy, interval })
        .then(setCompiled)
        .catch((error: unknown) => toast({ title: `“${strategy}” does not compile`, message: message(error) }));
    },
    [client, toast, interval],
  );

  const handle = useCallback(
    (event: string, payload: unknown) => {
      if (early.current) {
        if (early.current.length < 500) early.current.push({ event, payload });
        return;
      }
      const id = (payload as { feedbackId?: unknown }).feedbackId;
      if (id === undefined || id !== currentRun.current) return;
      if (event === 'FeedbackProgress') {
        const p = payload as EventPayload<'FeedbackProgress'>;
        setFeedback({ phase: 'running', feedbackId: p.feedbackId, done: p.done, total: p.total });
      } else if (event === 'FeedbackFinished') {
        currentRun.current = null;
        const result = payload as EventPayload<'FeedbackFinished'>;
        setFeedback({ phase: 'finished', result });
        setDecisions(new Map(result.suggestions.map((s) => [s.ruleId, { kind: 'pending' }] as const)));
      } else if (event === 'FeedbackFailed') {
        currentRun.current = null;
        const { error } = payload as EventPayload<'FeedbackFailed'>;
        if (error === 'canceled') {
          setFeedback({ phase: 'canceled' });
          return;
        }
        setFeedback({ phase: 'failed', error });
        toast({ title: 'Feedback failed', message: error });
      }
    },
    [toast],
  );

  useEffect(() => {
    const detach = [
      client.on('FeedbackProgress', (p) => handle('FeedbackProgress', p)),
      client.on('FeedbackFinished', (p) => handle('FeedbackFinished', p)),
      client.on('FeedbackFailed', (p) => handle('FeedbackFailed', p)),
    ];
    return () => {
      for (const d of detach) d();
    };
  }, [client, handle]);

  const select = (strategy: string) => {
    setCurrent(strategy);
    setFeedback({ phase: 'idle' });
    setDecisions(new Map());
    setChanged(null);
    compile(strategy);
  };

  const build = (e: FormEvent) => {
    e.preventDefault();
    const ruleIds = selectedInOrder(rules ?? [], picked);
    const found = validateBuild(name, ruleIds, strategies ?? []);
    setErrors(found);
    if (Object.keys(found).length > 0) return;
    setBuilding(true);
    client
      .request('CreateStrategy', { name: name.trim(), ruleIds })
      .then((made) => {
        setStrategies((list) => [...(list ?? []), made].sort((a, b) => (a.name < b.name ? -1 : 1)));
        setName('');
        setPicked(new Set());
        select(made.name);
      })
      .catch((error: unknown) => toast({ title: 'Strategy not built', message: message(error) }))
      .finally(() => setBuilding(false));
  };

  const running = feedback.phase === 'starting' || feedback.phase === 'running';

  const run = async () => {
    if (current === null || running) return;
    const min = Number(minTrades);
    if (!Number.isInteger(min) || min < 1 || min > 100_000) {
      toast({ title: 'Feedback not started', message: 'Fewest trades: a whole number from 1 to 100000.' });
      return;
    }
    if (seriesId === '') {
      toast({ title: 'Feedback not started', message: 'Load a candle series first (the chart’s sample will do).' });
      return;
    }
    currentRun.current = null;
    early.current = [];
    setFeedback({ phase: 'starting' });
    setDecisions(new Map());
    try {
      const { feedbackId } = await client.request('RunFeedback', { strategy: current, seriesId, minTrades: min });
      const waiting = early.current ?? [];
      early.current = null;
      currentRun.current = feedbackId;
      setFeedback({ phase: 'running', feedbackId, done: 0, total: 0 });
      for (const { event, payload } of waiting) handle(event, payload);
    } catch (error) {
      early.current = null;
      setFeedback({ phase: 'failed', error: message(error) });
      toast({ title: 'Feedback refused', message: message(error) });
    }
  };

  const cancel = () => {
    if (feedback.phase !== 'running') return;
    client
      .request('CancelFeedback', { feedbackId: feedback.feedbackId })
      .catch((error: unknown) => toast({ title: 'Not canceled', message: message(error) }));
  };

  const putRule = (rule: RuleSummary) => {
    setRules((list) => list?.map((r) => (r.id === rule.id ? rule : r)) ?? null);
    setStrategies((list) => (list ? withRule(list, rule) : list));
  };

  const approve = (feedbackId: string, suggestion: ConfidenceSuggestionWire) => {
    setDeciding(suggestion.ruleId);
    client
      .request('ApproveSuggestion', { feedbackId, ruleId: suggestion.ruleId })
      .then((answer) => {
        putRule(answer.rule);
        setChanged(answer.rule.id);
        setDecisions((m) =>
          new Map(m).set(suggestion.ruleId, {
            kind: 'approved',
            from: answer.from,
            to: answer.to,
            version: answer.rule.version,
          }),
        );
      })
      .catch((error: unknown) => toast({ title: 'Not approved', message: message(error) }))
      .finally(() => setDeciding(null));
  };

  const toggle = (rule: RuleSummary, enabled: boolean) => {
    client
      .request('SetRuleEnabled', { id: rule.id, enabled })
      .then(putRule)
      .catch((error: unknown) => toast({ title: 'Rule not changed', message: message(error) }));
  };

  const strategy = strategies?.find((s) => s.name === current) ?? null;
  const result = feedback.phase === 'finished' ? feedback.result : null;

  return (
    <section
      className="panel-body strategies-panel"
      aria-label="Strategies"
      data-testid="strategies-panel"
      data-strategy-count={strategies?.length ?? ''}
      data-feedback={feedback.phase}
    >
      <h3>Strategies</h3>
      {strategies === null ? (
        <p className="note">Loading strategies…</p>
      ) : strategies.length === 0 ? (
        <p className="note">No strategies yet: pick rules below and build one.</p>
      ) : (
        <ul className="strategy-list" aria-label="Strategies in the knowledge base">
          {strategies.map((s) => (
            <li key={s.name} data-testid="strategy-item" data-name={s.name}>
              <button
                type="button"
                className={s.name === current ? 'strategy-button strategy-current' : 'strategy-button'}
                aria-pressed={s.name === current}
                onClick={() => select(s.name)}
                data-testid="strategy-open"
              >
                {s.name}
              </button>
              <span className="muted">{s.rules.length} rule(s)</span>
            </li>
          ))}
        </ul>
      )}

      {strategy && (
        <div className="strategy-detail" data-testid="strategy-detail" data-name={strategy.name}>
          <h3>{strategy.name}</h3>
          {strategy.note && <p className="muted">{strategy.note}</p>}
          <RuleTable
            rules={strategy.rules}
            onOpen={setStudy}
            onToggle={toggle}
            highlight={changed}
            label={`Rules of ${strategy.name}`}
          />
          {compiled && compiled.name === strategy.name && <CompileReport report={compiled} />}
          <div className="feedback-form">
            <label>
              Series{' '}
              <select
                value={seriesId}
                onChange={(e) => setSeriesId(e.target.value)}
                data-testid="feedback-series"
                disabled={running}
              >
                {series.length === 0 && <option value="">no stored series</option>}
                {series.map((s) => (
                  <option key={s.seriesId} value={s.seriesId}>
                    {s.label || s.coin} · {s.interval} · {s.count} bars{s.synthetic ? ' (synthetic)' : ''}
                  </option>
                ))}
              </select>
            </label>
            <label>
              Fewest trades{' '}
              <input
                type="number"
                min={1}
                max={100000}
                value={minTrades}
                onChange={(e) => setMinTrades(e.target.value)}
                className="min-trades"
                data-testid="feedback-min-trades"
                disabled={running}
              />
            </label>
            <button type="button" onClick={() => compile(strategy.name)} disabled={running} data-testid="compile">
              Compile
            </button>
            <button
              type="button"
              className="primary"
              onClick={() => void run()}
              disabled={running}
              data-testid="feedback-run"
            >
              Run feedback
            </button>
          </div>
          {feedback.phase === 'starting' && <p className="run-status">Starting…</p>}
          {feedback.phase === 'running' && (
            <div className="learn-running">
              <FeedbackProgressBar done={feedback.done} total={feedback.total} />
              <button type="button" onClick={cancel} data-testid="feedback-cancel">
                Cancel
              </button>
            </div>
          )}
          {feedback.phase === 'canceled' && (
            <p className="run-status" role="status">
              Canceled.
            </p>
          )}
          {feedback.phase === 'failed' && (
            <p className="field-error" role="alert">
              {feedback.error}
            </p>
          )}
          {result && (
            <>
              <RuleStats
                result={result}
                seriesLabel={(() => {
                  const info = series.find((x) => x.seriesId === result.seriesId);
                  return info ? `${info.coin} ${info.interval}` : result.seriesId;
                })()}
              />
              <h3>Suggestions</h3>
              {result.suggestions.length === 0 ? (
                <p className="note" data-testid="no-suggestions">
                  No confidence change suggested (each needs {result.minTrades} trades behind it and a change of at
                  least 0.05).
                </p>
              ) : (
                <ul className="suggestions" aria-label="Confidence suggestions">
                  {result.suggestions.map((s) => {
                    const outcome = result.outcomes.rules.find((r) => r.ruleId === s.ruleId);
                    const phases = outcome
                      ? phaseRows(outcome.byPhase)
                          .map(({ phase, figures }) => `${phase} ${figures.trades} (${formatPercent(figures.winRate)})`)
                          .join(', ')
                      : '';
                    return (
                      <Suggestion
                        key={s.ruleId}
                        suggestion={s}
                        decision={decisions.get(s.ruleId) ?? { kind: 'pending' }}
                        busy={deciding === s.ruleId}
                        phases={phases}
                        onApprove={() => approve(result.feedbackId, s)}
                        onReject={() => setDecisions((m) => new Map(m).set(s.ruleId, { kind: 'rejected' }))}
                      />
                    );
                  })}
                </ul>
              )}
            </>
          )}
        </div>
      )}

      <form className="strategy-build" onSubmit={build} noValidate aria-label="Build a strategy">
        <h3>Build a strategy</h3>
        <label>
          Name{' '}
          <input
            type="text"
            value={name}
            onChange={(e) => setName(e.target.value)}
            maxLength={200}
            aria-invalid={errors.name !== undefined}
            aria-describedby={errors.name ? 'strategy-name-error' : undefined}
            data-testid="strategy-name"
          />
        </label>
        {errors.name && (
          <p className="field-error" id="strategy-name-error" role="alert">
            {errors.name}
          </p>
        )}
        {rules === null ? (
          <p className="note">Loading rules…</p>
        ) : (
          <RuleTable
            rules={rules}
            onOpen={setStudy}
            label="Rules to build from"
            selection={{
              selected: picked,
              onSelect: (rule, on) =>
                setPicked((set) => {
                  const next = new Set(set);
                  if (on) next.add(rule.id);
                  else next.delete(rule.id);
                  return next;
                }),
            }}
          />
        )}
        {errors.rules && (
          <p className="field-error" role="alert">
            {errors.rules}
          </p>
        )}
        <button type="submit" className="primary" disabled={building} data-testid="strategy-build">
          Build ({picked.size} rule{picked.size === 1 ? '' : 's'})
        </button>
      </form>
      {study && <RuleStudy key={study.id} rule={study} onClose={() => setStudy(null)} />}
    </section>
  );
}
