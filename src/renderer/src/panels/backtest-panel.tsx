import { useCallback, useEffect, useMemo, useRef, useState, type FormEvent } from 'react';
import { COMMAND_NAMES, type CommandName } from '../../../shared/contract/commands.ts';
import type { HyperdeskError } from '../../../shared/contract/errors.ts';
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
import { EquityChart } from './equity-chart.tsx';
import { StrategyFields } from './strategy-fields.tsx';
import { STRATEGY_LABELS, initialFormValues, validateForm, type FormErrors } from './strategy-form-model.ts';
import { useToast } from './toast.tsx';
import { TradeList } from './trade-list.tsx';
import { useFocusTime, useSelectedSeries, useWorkspaceLink } from './workspace-link.ts';

type RunState =
  | { readonly phase: 'idle' }
  | { readonly phase: 'starting' }
  | { readonly phase: 'running'; readonly runId: string; readonly done: number; readonly total: number }
  | { readonly phase: 'finished'; readonly runId: string }
  | { readonly phase: 'failed'; readonly error: string }
  | { readonly phase: 'canceled' };

const MARKER_KIND = 'backtest';

/** True when this build's contract has the backtest commands (another build may not). */
export function contractHasBacktests(): boolean {
  return (['RunBacktest', 'CancelBacktest'] as const).every((name) =>
    (COMMAND_NAMES as readonly string[]).includes(name satisfies CommandName),
  );
}

function ProgressBar({ done, total }: { readonly done: number; readonly total: number }) {
  const pct = total > 0 ? Math.min(100, Math.max(0, Math.round((done / total) * 100))) : 0;
  return (
    <div
      className="progress"
      role="progressbar"
      aria-label="Backtest progress"
      aria-valuemin={0}
      aria-valuemax={100}
      aria-valuenow={pct}
      aria-valuetext={
        total > 0 ? `${done.toLocaleString('en-US')} of ${total.toLocaleString('en-US')} bars` : 'Starting'
      }
      data-testid="backtest-progress"
    >
      {/* SVG geometry, not a style attribute: the CSP allows no inline styles. */}
      <svg className="progress-track" viewBox="0 0 100 6" preserveAspectRatio="none" aria-hidden="true">
        <rect className="progress-fill" x="0" y="0" height="6" width={pct} />
      </svg>
      <span className="progress-text">{pct} %</span>
    </div>
  );
}

/**
 * Runs a backtest of the selected series: form (checked before anything is sent), progress
 * and cancel, then statistics, equity curve, trades (click or Enter: jump the chart there),
 * entry and exit markers on the chart and a CSV export. Engine errors come as toasts.
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
  const [unsupported, setUnsupported] = useState<string | null>(
    contractHasBacktests() ? null : 'This engine has no batch backtests yet (RunBacktest is not in its contract).',
  );

  /** The run this panel follows; events of other runs (other windows) are ignored. */
  const currentRun = useRef<string | null>(null);
  /** Set while RunBacktest is in flight: events that beat its answer wait here. */
  const early = useRef<{ event: string; payload: unknown }[] | null>(null);
  const canceled = useRef(false);

  const handle = useCallback(
    (event: string, payload: unknown) => {
      if (early.current) {
        if (early.current.length < 500) early.current.push({ event, payload });
        return;
      }
      const runId = (payload as { runId?: unknown }).runId;
      if (runId === undefined || runId !== currentRun.current || canceled.current) return;
      if (event === 'BacktestProgress') {
        const p = readProgress(payload);
        if (p) setRun({ phase: 'running', runId: p.runId, done: p.done, total: p.total });
      } else if (event === 'BacktestFinished') {
        const r = readBacktestFinished(payload);
        if (!r) return;
        currentRun.current = null;
        setResult(r);
        setSelected(null);
        setRun({ phase: 'finished', runId: r.runId });
        link.setMarkers(MARKER_KIND, tradeMarkers(r.trades, MARKER_KIND));
      } else if (event === 'BacktestFailed') {
        const f = readFailure(payload);
        if (!f) return;
        currentRun.current = null;
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

  useEffect(() => {
    const detach = [
      client.on('BacktestProgress', (p) => handle('BacktestProgress', p)),
      client.on('BacktestFinished', (p) => handle('BacktestFinished', p)),
      client.on('BacktestFailed', (p) => handle('BacktestFailed', p)),
    ];
    return () => {
      for (const d of detach) d();
    };
  }, [client, handle]);

  // A run still going when the panel goes away is canceled: nobody would see its result.
  useEffect(
    () => () => {
      const runId = currentRun.current;
      if (runId) client.request('CancelBacktest', { runId }).catch(() => undefined);
    },
    [client],
  );

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
    if (!series) {
      toast({ title: 'No series', message: 'The chart has no series loaded yet.' });
      return;
    }
    canceled.current = false;
    currentRun.current = null;
    early.current = [];
    setRun({ phase: 'starting' });
    setResult(null);
    setSelected(null);
    link.setMarkers(MARKER_KIND, []);
    try {
      const { runId } = await client.request('RunBacktest', {
        seriesId: series.id,
        strategy: checked.strategy,
        venue: checked.venue,
      });
      const waiting = early.current ?? [];
      early.current = null;
      currentRun.current = runId;
      if (canceled.current) {
        currentRun.current = null;
        client.request('CancelBacktest', { runId }).catch(() => undefined);
        return;
      }
      setRun({ phase: 'running', runId, done: 0, total: 0 });
      for (const { event, payload } of waiting) handle(event, payload);
    } catch (error) {
      early.current = null;
      const err = error as HyperdeskError;
      if (err.code === 'UNKNOWN_COMMAND') {
        setUnsupported('The engine behind this window does not run batch backtests yet (RunBacktest is unknown).');
        setRun({ phase: 'idle' });
        return;
      }
      if (canceled.current) return;
      setRun({ phase: 'failed', error: err.message });
      toast({ title: 'Backtest refused', message: err.message });
    }
  };

  const cancel = () => {
    canceled.current = true;
    const runId = currentRun.current;
    currentRun.current = null;
    setRun({ phase: 'canceled' });
    if (runId) {
      client.request('CancelBacktest', { runId }).catch((error: Error) => {
        toast({ title: 'Cancel failed', message: error.message });
      });
    }
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
      <form onSubmit={submit} noValidate aria-label="Backtest settings">
        <StrategyFields idPrefix="bt" values={values} errors={errors} disabled={running} onChange={setValues} />
        <div className="actions">
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
