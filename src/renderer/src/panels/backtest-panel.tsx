import { useCallback, useEffect, useMemo, useRef, useState, type FormEvent } from 'react';
import { COMMAND_NAMES, type CommandName } from '../../../shared/contract/commands.ts';
import type { HyperdeskError } from '../../../shared/contract/errors.ts';
import type { EventName } from '../../../shared/contract/events.ts';
import { useEngineClient } from '../client/engine-context.ts';
import {
  readBacktestFinished,
  readFailure,
  readProgress,
  statRows,
  tradeMarkers,
  tradesCsv,
  type BacktestResult,
} from './backtest-results.ts';
import { DownloadLink, fileSafe } from './download-link.tsx';
import { EquityChart } from './equity-chart.tsx';
import { ProgressBar } from './progress-bar.tsx';
import { reportHtml } from './report-html.ts';
import { ResearchSection, contractHasResearch, type ResearchMode } from './research-section.tsx';
import { StrategyFields } from './strategy-fields.tsx';
import {
  STRATEGY_LABELS,
  initialFormValues,
  validateForm,
  type FormErrors,
  type StrategyChoice,
  type VenueChoice,
} from './strategy-form-model.ts';
import { useToast } from './toast.tsx';
import { TradeList } from './trade-list.tsx';
import { useFollowedRun } from './use-followed-run.ts';
import { useFocusTime, useSelectedSeries, useWorkspaceLink } from './workspace-link.ts';

type RunState =
  | { readonly phase: 'idle' }
  | { readonly phase: 'starting' }
  | { readonly phase: 'running'; readonly runId: string; readonly done: number; readonly total: number }
  | { readonly phase: 'finished'; readonly runId: string }
  | { readonly phase: 'failed'; readonly error: string }
  | { readonly phase: 'canceled' };

type PanelMode = 'single' | ResearchMode;

const MODES: readonly { readonly id: PanelMode; readonly label: string }[] = [
  { id: 'single', label: 'Single run' },
  { id: 'sweep', label: 'Sweep' },
  { id: 'walk-forward', label: 'Walk-forward' },
];

const MARKER_KIND = 'backtest';

/** The events of a backtest run. */
const RUN_EVENTS: readonly EventName[] = ['BacktestProgress', 'BacktestFinished', 'BacktestFailed'];

/** True when this build's contract has the backtest commands (another build may not). */
export function contractHasBacktests(): boolean {
  return (['RunBacktest', 'CancelBacktest'] as const).every((name) =>
    (COMMAND_NAMES as readonly string[]).includes(name satisfies CommandName),
  );
}

/**
 * Runs a backtest of the selected series: form (checked before anything is sent), progress
 * and cancel, then statistics, equity curve, trades (click or Enter: jump the chart there),
 * entry and exit markers on the chart, CSV and HTML exports. In the Sweep and Walk-forward
 * modes the same strategy is run over a parameter grid (see {@link ResearchSection}); picking
 * a heatmap cell backtests that combination here. Results are cleared when another series is
 * selected. Engine errors come as toasts.
 */
export function BacktestPanel() {
  const client = useEngineClient();
  const toast = useToast();
  const link = useWorkspaceLink();
  const series = useSelectedSeries();
  const focusTime = useFocusTime();
  const [values, setValues] = useState(initialFormValues);
  const [errors, setErrors] = useState<FormErrors>({});
  const [run, setRun] = useState<RunState>({ phase: 'idle' });
  const [result, setResult] = useState<BacktestResult | null>(null);
  const [selected, setSelected] = useState<number | null>(null);
  const [mode, setMode] = useState<PanelMode>('single');
  /** The grid combination last picked on the heatmap (its backtest is the result shown). */
  const [picked, setPicked] = useState<Readonly<Record<string, unknown>> | null>(null);
  const [unsupported, setUnsupported] = useState<string | null>(
    contractHasBacktests() ? null : 'This engine has no batch backtests yet (RunBacktest is not in its contract).',
  );

  const handle = useCallback(
    (event: EventName, payload: unknown, ended: () => void) => {
      if (event === 'BacktestProgress') {
        const p = readProgress(payload);
        if (p) setRun({ phase: 'running', runId: p.runId, done: p.done, total: p.total });
      } else if (event === 'BacktestFinished') {
        const r = readBacktestFinished(payload);
        if (!r) return;
        ended();
        setResult(r);
        setSelected(null);
        setRun({ phase: 'finished', runId: r.runId });
        link.setMarkers(MARKER_KIND, tradeMarkers(r.trades, MARKER_KIND));
      } else if (event === 'BacktestFailed') {
        const f = readFailure(payload);
        if (!f) return;
        ended();
        if (f.error === 'canceled') {
          setRun({ phase: 'canceled' });
        } else {
          setRun({ phase: 'failed', error: f.error });
          toast({ title: 'Backtest failed', message: f.error });
        }
      }
    },
    [link, toast],
  );
  /** The run this panel follows; events of other runs (other windows) are ignored. */
  const followed = useFollowedRun(RUN_EVENTS, handle);

  // Another series on the chart: results of the previous one no longer apply.
  const seriesId = series?.id ?? null;
  const shownSeries = useRef(seriesId);
  useEffect(() => {
    if (shownSeries.current === seriesId) return;
    shownSeries.current = seriesId;
    const runId = followed.drop();
    if (runId) client.request('CancelBacktest', { runId }).catch(() => undefined);
    setResult(null);
    setSelected(null);
    setPicked(null);
    setRun({ phase: 'idle' });
    link.setMarkers(MARKER_KIND, []);
  }, [seriesId, client, link, followed]);

  const running = run.phase === 'starting' || run.phase === 'running';

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (running) return;
    const checked = validateForm(values);
    if (!checked.ok) {
      setErrors(checked.errors);
      // Focus the first wrong field so keyboard and screen-reader users land on it.
      const first = Object.keys(checked.errors)[0];
      if (first) document.getElementById(`bt-${first.replace('.', '-')}`)?.focus();
      return;
    }
    setErrors({});
    setPicked(null);
    await start(checked.strategy, checked.venue);
  };

  /** Backtests a heatmap cell: its parameters go into the form, then the run starts. */
  const pick = async (params: Readonly<Record<string, unknown>>) => {
    if (running) return;
    const form = {
      ...values,
      params: {
        ...values.params,
        ...Object.fromEntries(
          Object.entries(params)
            .filter(([k, v]) => k in values.params && (typeof v === 'number' || typeof v === 'string'))
            .map(([k, v]) => [k, String(v)]),
        ),
      },
    };
    setValues(form);
    setPicked(params);
    const checked = validateForm(form);
    if (!checked.ok) {
      setErrors(checked.errors);
      return;
    }
    setErrors({});
    await start({ ...checked.strategy, params: { ...checked.strategy.params, ...params } }, checked.venue);
  };

  const start = async (strategy: StrategyChoice, venue: VenueChoice) => {
    if (!series) {
      toast({ title: 'No series', message: 'The chart has no series loaded yet.' });
      return;
    }
    followed.begin();
    setRun({ phase: 'starting' });
    setResult(null);
    setSelected(null);
    link.setMarkers(MARKER_KIND, []);
    try {
      const { runId } = await client.request('RunBacktest', { seriesId: series.id, strategy, venue });
      followed.started(runId, () => setRun({ phase: 'running', runId, done: 0, total: 0 }));
    } catch (error) {
      const wanted = followed.failedToStart();
      const err = error as HyperdeskError;
      if (err.code === 'UNKNOWN_COMMAND') {
        setUnsupported('The engine behind this window does not run batch backtests yet (RunBacktest is unknown).');
        setRun({ phase: 'idle' });
        return;
      }
      if (!wanted) return;
      setRun({ phase: 'failed', error: err.message });
      toast({ title: 'Backtest refused', message: err.message });
    }
  };

  const cancel = () => {
    followed.cancel((error) => toast({ title: 'Cancel failed', message: error.message }));
    setRun({ phase: 'canceled' });
  };

  const selectTrade = (index: number) => {
    const trade = result?.trades[index];
    if (!trade) return;
    setSelected(index);
    link.focusOn(trade.entryTime);
  };

  const csvUrl = useMemo(
    () => (result ? URL.createObjectURL(new Blob([tradesCsv(result.trades)], { type: 'text/csv' })) : null),
    [result],
  );
  useEffect(() => () => (csvUrl ? URL.revokeObjectURL(csvUrl) : undefined), [csvUrl]);

  const rows = useMemo(() => (result ? statRows(result.stats) : null), [result]);
  const html = useMemo(
    () =>
      result && series
        ? reportHtml({
            title: `Backtest: ${STRATEGY_LABELS[result.strategy as keyof typeof STRATEGY_LABELS] ?? result.strategy}`,
            strategy: result.strategyRun ?? { id: result.strategy, params: {}, sizing: '' },
            seriesId: series.id,
            stats: result.stats,
            trades: result.trades,
            equity: result.equity.equity,
            notes: result.notes ?? [],
            generatedAt: result.finishedAt ?? 0,
          })
        : null,
    [result, series],
  );

  if (unsupported) {
    return (
      <div className="panel-body" data-testid="backtest-panel" data-state="unsupported">
        <p className="note" data-testid="backtest-unsupported">
          {unsupported}
        </p>
      </div>
    );
  }

  return (
    <div
      className="panel-body"
      data-testid="backtest-panel"
      data-state={run.phase}
      data-trade-count={result?.trades.length ?? 0}
      data-focus-time={focusTime ?? undefined}
    >
      {contractHasResearch() && (
        <div className="mode-switch" role="radiogroup" aria-label="What to run" data-testid="backtest-mode">
          {MODES.map((m) => (
            <label
              key={m.id}
              className={`mode-option${mode === m.id ? ' mode-active' : ''}`}
              data-testid={`mode-${m.id}`}
            >
              <input
                type="radio"
                name="backtest-mode"
                value={m.id}
                checked={mode === m.id}
                onChange={() => setMode(m.id)}
              />
              {m.label}
            </label>
          ))}
        </div>
      )}
      <form onSubmit={submit} noValidate aria-label="Backtest settings">
        <StrategyFields idPrefix="bt" values={values} errors={errors} disabled={running} onChange={setValues} />
        <div className="actions" hidden={mode !== 'single'}>
          <button type="submit" className="primary" disabled={running || !series} data-testid="backtest-run">
            Run backtest
          </button>
          {running && (
            <button type="button" onClick={cancel} data-testid="backtest-cancel">
              Cancel
            </button>
          )}
        </div>
      </form>

      {/* Both stay mounted while hidden, so a sweep's heatmap survives a look at the other modes. */}
      {contractHasResearch() &&
        (['sweep', 'walk-forward'] as const).map((m) => (
          <div key={`${m}-${seriesId ?? ''}`} hidden={mode !== m}>
            <ResearchSection
              mode={m}
              values={values}
              seriesId={seriesId}
              disabled={running}
              picked={picked}
              onPick={(params) => void pick(params)}
            />
          </div>
        ))}

      {running && (
        <ProgressBar done={run.phase === 'running' ? run.done : 0} total={run.phase === 'running' ? run.total : 0} />
      )}
      <p className="run-status" role="status" data-testid="backtest-status">
        {run.phase === 'starting' && 'Starting…'}
        {run.phase === 'running' && 'Running…'}
        {run.phase === 'canceled' && 'Backtest canceled.'}
        {run.phase === 'failed' && `Backtest failed: ${run.error}`}
        {run.phase === 'finished' &&
          result &&
          `${STRATEGY_LABELS[result.strategy as keyof typeof STRATEGY_LABELS] ?? result.strategy}: ${result.trades.length} trades.`}
      </p>

      {result && rows && (
        <section className="results" aria-label="Backtest results">
          <table className="stats" data-testid="backtest-stats">
            <caption className="visually-hidden">Statistics</caption>
            <tbody>
              {rows.main.map((r) => (
                <tr key={r.key} data-stat={r.key}>
                  <th scope="row">{r.label}</th>
                  <td className="num">{r.value}</td>
                </tr>
              ))}
            </tbody>
          </table>
          {rows.more.length > 0 && (
            <details className="more-stats">
              <summary>More statistics</summary>
              <table className="stats">
                <tbody>
                  {rows.more.map((r) => (
                    <tr key={r.key} data-stat={r.key}>
                      <th scope="row">{r.label}</th>
                      <td className="num">{r.value}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </details>
          )}
          <EquityChart equity={result.equity.equity} label="Equity curve" />
          <div className="results-head">
            <h3>Trades</h3>
            {csvUrl && (
              <a
                className="link-button"
                href={csvUrl}
                download={`backtest-${result.strategy || 'run'}-${result.runId}.csv`}
                data-testid="backtest-csv"
              >
                Export CSV
              </a>
            )}
            {html && (
              <DownloadLink
                text={html}
                type="text/html"
                filename={`backtest-${fileSafe(result.strategy || 'run')}-${fileSafe(result.runId)}.html`}
                label="HTML report"
                testId="backtest-html"
              />
            )}
          </div>
          <TradeList
            trades={result.trades}
            testId="backtest-trade"
            selected={selected}
            onSelect={selectTrade}
            caption="Backtest trades; press Enter on a trade to show it on the chart"
          />
        </section>
      )}
    </div>
  );
}
