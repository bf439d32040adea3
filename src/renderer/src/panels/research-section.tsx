import { useCallback, useMemo, useState, type FormEvent, type ReactNode } from 'react';
import { COMMAND_NAMES } from '../../../shared/contract/commands.ts';
import type { HyperdeskError } from '../../../shared/contract/errors.ts';
import type { EventName } from '../../../shared/contract/events.ts';
import { useEngineClient } from '../client/engine-context.ts';
import { readFailure, readProgress } from './backtest-results.ts';
import { DownloadLink, fileSafe } from './download-link.tsx';
import { ProgressBar } from './progress-bar.tsx';
import {
  METRICS,
  metricOf,
  parseGridValues,
  readSweepFinished,
  readWalkForwardFinished,
  sweepCsv,
  type SweepView,
  type WalkForwardView,
} from './research-model.ts';
import { STRATEGY_PARAMS, paramField, validateForm, type StrategyFormValues } from './strategy-form-model.ts';
import { SweepHeatmap } from './sweep-heatmap.tsx';
import { useToast } from './toast.tsx';
import { useFollowedRun } from './use-followed-run.ts';
import { WalkForwardSummary } from './walk-forward-view.tsx';

/** The events of a sweep or a walk-forward run. */
const RUN_EVENTS: readonly EventName[] = ['BacktestProgress', 'SweepFinished', 'WalkForwardFinished', 'BacktestFailed'];

/** What the research section runs. */
export type ResearchMode = 'sweep' | 'walk-forward';

type Phase =
  | { readonly phase: 'idle' }
  | { readonly phase: 'starting' }
  | { readonly phase: 'running'; readonly done: number; readonly total: number }
  | { readonly phase: 'finished' }
  | { readonly phase: 'failed'; readonly error: string }
  | { readonly phase: 'canceled' };

/** True when this build's contract has sweeps and walk-forward analyses. */
export function contractHasResearch(): boolean {
  return ['RunSweep', 'RunWalkForward'].every((name) => (COMMAND_NAMES as readonly string[]).includes(name));
}

/** Values offered first for a parameter: a few steps around its default. */
function defaultGrid(strategy: StrategyFormValues['strategy'], key: string): string {
  if (key === 'fast') return '5,10,15,20';
  if (key === 'slow') return '30,40,50,60';
  const spec = STRATEGY_PARAMS[strategy].find((p) => p.key === key);
  if (!spec) return '';
  const values = [-2, -1, 0, 1, 2]
    .map((k) => Number((spec.defaultValue + k * spec.step).toPrecision(10)))
    .filter((v) => v >= spec.min && v <= spec.max);
  return values.join(',');
}

interface GridFields {
  readonly p1: string;
  readonly v1: string;
  /** Empty: one parameter. */
  readonly p2: string;
  readonly v2: string;
  readonly metric: string;
  readonly inSample: string;
  readonly outOfSample: string;
  readonly anchored: boolean;
}

function initialGrid(strategy: StrategyFormValues['strategy']): GridFields {
  const [a, b] = STRATEGY_PARAMS[strategy];
  return {
    p1: a?.key ?? '',
    v1: a ? defaultGrid(strategy, a.key) : '',
    p2: b?.key ?? '',
    v2: b ? defaultGrid(strategy, b.key) : '',
    metric: 'sharpe',
    inSample: '600',
    outOfSample: '300',
    anchored: false,
  };
}

/**
 * Parameter sweeps and walk-forward analyses of the selected series, inside the backtest
 * panel: the grid (1 or 2 parameters of the strategy above, values as `5,10,15` or
 * `5:30:5`), the metric, progress and cancel; then the heatmap (a cell click backtests that
 * combination through `onPick`) or the walk-forward summary, with CSV and HTML exports.
 */
export function ResearchSection({
  mode,
  values,
  seriesId,
  disabled,
  picked,
  onPick,
}: {
  readonly mode: ResearchMode;
  readonly values: StrategyFormValues;
  readonly seriesId: string | null;
  readonly disabled: boolean;
  readonly picked: Readonly<Record<string, unknown>> | null;
  readonly onPick: (params: Readonly<Record<string, unknown>>) => void;
}) {
  const client = useEngineClient();
  const toast = useToast();
  // One grid per strategy: another strategy has other parameters.
  const [grids, setGrids] = useState<Partial<Record<StrategyFormValues['strategy'], GridFields>>>({});
  const grid = grids[values.strategy] ?? initialGrid(values.strategy);
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [run, setRun] = useState<Phase>({ phase: 'idle' });
  const [sweep, setSweep] = useState<SweepView | null>(null);
  const [walk, setWalk] = useState<WalkForwardView | null>(null);
  const specs = STRATEGY_PARAMS[values.strategy];

  const handle = useCallback(
    (event: EventName, payload: unknown, ended: () => void) => {
      if (event === 'BacktestProgress') {
        const p = readProgress(payload);
        if (p) setRun({ phase: 'running', done: p.done, total: p.total });
      } else if (event === 'SweepFinished') {
        const s = readSweepFinished(payload);
        if (!s) return;
        ended();
        setSweep(s);
        setRun({ phase: 'finished' });
      } else if (event === 'WalkForwardFinished') {
        const w = readWalkForwardFinished(payload);
        if (!w) return;
        ended();
        setWalk(w);
        setRun({ phase: 'finished' });
      } else if (event === 'BacktestFailed') {
        const f = readFailure(payload);
        if (!f) return;
        ended();
        if (f.error === 'canceled') setRun({ phase: 'canceled' });
        else {
          setRun({ phase: 'failed', error: f.error });
          toast({ title: mode === 'sweep' ? 'Sweep failed' : 'Walk-forward failed', message: f.error });
        }
      }
    },
    [toast, mode],
  );
  // A run still going when the section goes away (series changed, panel closed) is canceled.
  const followed = useFollowedRun(RUN_EVENTS, handle);

  const running = run.phase === 'starting' || run.phase === 'running';

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (running || disabled) return;
    const found: Record<string, string> = {};
    const gridValues: Record<string, number[]> = {};
    const chosen = [grid.p1, grid.p2].filter((p) => p !== '');
    if (grid.p1 === '') found.p1 = 'Choose a parameter';
    if (grid.p2 !== '' && grid.p2 === grid.p1) found.p2 = 'Choose another parameter than the first';
    for (const [field, key, text] of [
      ['v1', grid.p1, grid.v1],
      ['v2', grid.p2, grid.v2],
    ] as const) {
      const spec = specs.find((s) => s.key === key);
      if (!spec) continue;
      const parsed = parseGridValues(text, spec);
      if ('error' in parsed) found[field] = parsed.error;
      else gridValues[key] = parsed.values;
    }
    const form = validateForm(values);
    if (!form.ok) {
      // Errors on parameters the grid replaces do not matter (fast ≥ slow in the base form).
      const left = Object.entries(form.errors).filter(
        ([k]) => !chosen.some((p) => k === paramField(p) || (k === paramField('fast') && p === 'slow')),
      );
      if (left.length > 0) found.form = `Fix the strategy fields first: ${left.map(([, m]) => m).join('; ')}`;
    }
    let inSample = 0;
    let outOfSample = 0;
    if (mode === 'walk-forward') {
      inSample = Number(grid.inSample);
      outOfSample = Number(grid.outOfSample);
      if (!Number.isInteger(inSample) || inSample < 2) found.inSample = 'In-sample bars must be a whole number ≥ 2';
      if (!Number.isInteger(outOfSample) || outOfSample < 1) {
        found.outOfSample = 'Out-of-sample bars must be a whole number ≥ 1';
      }
    }
    const count = Object.values(gridValues).reduce((n, v) => n * v.length, 1);
    if (count > 400) found.v1 = `${count} combinations; at most 400`;
    setErrors(found);
    const first = Object.keys(found)[0];
    if (first) {
      document.getElementById(`rs-${first}`)?.focus();
      return;
    }
    if (!seriesId) {
      toast({ title: 'No series', message: 'The chart has no series loaded yet.' });
      return;
    }
    // The base parameters: the form's, then the grid's first values where the form's are invalid.
    const base = form.ok
      ? form.strategy
      : {
          id: values.strategy,
          params: Object.fromEntries(
            specs.map((s) => [s.key, gridValues[s.key]?.[0] ?? Number(values.params[s.key] ?? s.defaultValue)]),
          ),
          sizing: values.sizing === 'risk' ? `risk:${values.riskPercent}` : 'all-in',
        };
    const params: Record<string, unknown> = { ...base.params };
    if (values.strategy === 'sma-cross' || values.strategy === 'ema-cross') params.mode = values.mode;
    const venue = form.ok ? form.venue : undefined;
    followed.begin();
    setRun({ phase: 'starting' });
    setSweep(null);
    setWalk(null);
    const objective = { key: metricOf(grid.metric).key, minimize: false };
    try {
      const common = {
        seriesId,
        strategy: { id: base.id, params, sizing: base.sizing },
        grid: gridValues,
        objective,
        ...(venue ? { venue } : {}),
      };
      const { runId } =
        mode === 'sweep'
          ? await client.request('RunSweep', common)
          : await client.request('RunWalkForward', {
              ...common,
              inSample,
              outOfSample,
              anchored: grid.anchored,
            });
      followed.started(runId, () => setRun({ phase: 'running', done: 0, total: 0 }));
    } catch (error) {
      if (!followed.failedToStart()) return;
      const err = error as HyperdeskError;
      setRun({ phase: 'failed', error: err.message });
      toast({ title: mode === 'sweep' ? 'Sweep refused' : 'Walk-forward refused', message: err.message });
    }
  };

  const cancel = () => {
    followed.cancel((error) => toast({ title: 'Cancel failed', message: error.message }));
    setRun({ phase: 'canceled' });
  };

  const metric = metricOf(grid.metric);
  const csv = useMemo(() => (sweep ? sweepCsv(sweep) : null), [sweep]);
  const set = (patch: Partial<GridFields>) =>
    setGrids((all) => ({
      ...all,
      [values.strategy]: { ...(all[values.strategy] ?? initialGrid(values.strategy)), ...patch },
    }));
  const field = (name: string, label: string, input: ReactNode) => (
    <div className={`field${errors[name] ? ' field-invalid' : ''}`}>
      <label htmlFor={`rs-${name}`}>{label}</label>
      {input}
      {errors[name] && (
        <span className="field-error" id={`rs-${name}-error`} data-testid="field-error">
          {errors[name]}
        </span>
      )}
    </div>
  );
  const described = (name: string) =>
    errors[name] ? { 'aria-invalid': true, 'aria-describedby': `rs-${name}-error` } : { 'aria-invalid': false };
  const label = mode === 'sweep' ? 'Run sweep' : 'Run walk-forward';

  return (
    <div className="research" data-testid="research" data-mode={mode} data-state={run.phase}>
      <form onSubmit={submit} noValidate aria-label={mode === 'sweep' ? 'Sweep settings' : 'Walk-forward settings'}>
        <fieldset className="strategy-fields" disabled={running || disabled}>
          <legend className="visually-hidden">Parameter grid</legend>
          {errors.form && (
            <p className="field-error" role="alert">
              {errors.form}
            </p>
          )}
          <div className="field-row">
            {field(
              'p1',
              'Parameter 1',
              <select
                id="rs-p1"
                value={grid.p1}
                onChange={(e) => set({ p1: e.target.value, v1: defaultGrid(values.strategy, e.target.value) })}
                {...described('p1')}
              >
                {specs.map((s) => (
                  <option key={s.key} value={s.key}>
                    {s.label}
                  </option>
                ))}
              </select>,
            )}
            {field(
              'v1',
              'Values',
              <input
                id="rs-v1"
                type="text"
                value={grid.v1}
                onChange={(e) => set({ v1: e.target.value })}
                {...described('v1')}
              />,
            )}
          </div>
          <div className="field-row">
            {field(
              'p2',
              'Parameter 2',
              <select
                id="rs-p2"
                value={grid.p2}
                onChange={(e) => set({ p2: e.target.value, v2: defaultGrid(values.strategy, e.target.value) })}
                {...described('p2')}
              >
                <option value="">None</option>
                {specs.map((s) => (
                  <option key={s.key} value={s.key}>
                    {s.label}
                  </option>
                ))}
              </select>,
            )}
            {field(
              'v2',
              'Values',
              <input
                id="rs-v2"
                type="text"
                value={grid.v2}
                disabled={grid.p2 === ''}
                onChange={(e) => set({ v2: e.target.value })}
                {...described('v2')}
              />,
            )}
          </div>
          <div className="field-row">
            {field(
              'metric',
              mode === 'sweep' ? 'Colour by' : 'Choose by',
              <select id="rs-metric" value={grid.metric} onChange={(e) => set({ metric: e.target.value })}>
                {METRICS.map((m) => (
                  <option key={m.key} value={m.key}>
                    {m.label}
                  </option>
                ))}
              </select>,
            )}
            {mode === 'walk-forward' &&
              field(
                'inSample',
                'In-sample bars',
                <input
                  id="rs-inSample"
                  type="text"
                  inputMode="numeric"
                  value={grid.inSample}
                  onChange={(e) => set({ inSample: e.target.value })}
                  {...described('inSample')}
                />,
              )}
            {mode === 'walk-forward' &&
              field(
                'outOfSample',
                'Out-of-sample bars',
                <input
                  id="rs-outOfSample"
                  type="text"
                  inputMode="numeric"
                  value={grid.outOfSample}
                  onChange={(e) => set({ outOfSample: e.target.value })}
                  {...described('outOfSample')}
                />,
              )}
          </div>
          {mode === 'walk-forward' && (
            <label className="check">
              <input type="checkbox" checked={grid.anchored} onChange={(e) => set({ anchored: e.target.checked })} />{' '}
              Anchored (every in-sample period starts at the first bar)
            </label>
          )}
        </fieldset>
        <div className="actions">
          <button
            type="submit"
            className="primary"
            disabled={running || disabled || !seriesId}
            data-testid="research-run"
          >
            {label}
          </button>
          {running && (
            <button type="button" onClick={cancel} data-testid="research-cancel">
              Cancel
            </button>
          )}
        </div>
      </form>
      {running && (
        <ProgressBar
          label={mode === 'sweep' ? 'Sweep progress' : 'Walk-forward progress'}
          unit="backtests"
          testId="research-progress"
          done={run.phase === 'running' ? run.done : 0}
          total={run.phase === 'running' ? run.total : 0}
        />
      )}
      <p className="run-status" role="status" data-testid="research-status">
        {run.phase === 'starting' && 'Starting…'}
        {run.phase === 'running' && 'Running…'}
        {run.phase === 'canceled' && `${mode === 'sweep' ? 'Sweep' : 'Walk-forward'} canceled.`}
        {run.phase === 'failed' && `${mode === 'sweep' ? 'Sweep' : 'Walk-forward'} failed: ${run.error}`}
        {run.phase === 'finished' &&
          sweep &&
          `${sweep.rows.length} combinations${sweep.skipped > 0 ? ` (${sweep.skipped} skipped)` : ''}.`}
        {run.phase === 'finished' &&
          walk &&
          `${walk.windows.length} windows, ${walk.trades.length} out-of-sample trades.`}
      </p>
      {mode === 'sweep' && sweep && (
        <section className="results" aria-label="Sweep results">
          <div className="results-head">
            <h3>Sweep</h3>
            {csv && (
              <DownloadLink
                text={csv}
                type="text/csv"
                filename={`sweep-${fileSafe(sweep.strategy.id)}-${fileSafe(sweep.runId)}.csv`}
                label="Grid CSV"
                testId="sweep-csv"
              />
            )}
          </div>
          <SweepHeatmap sweep={sweep} metric={metric} picked={picked} onPick={onPick} />
        </section>
      )}
      {mode === 'walk-forward' && walk && seriesId && <WalkForwardSummary view={walk} seriesId={seriesId} />}
    </div>
  );
}
