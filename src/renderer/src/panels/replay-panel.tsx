import { useCallback, useEffect, useRef, useState, type FormEvent } from 'react';
import type { ReplayState } from '../../../shared/contract/replay.ts';
import { useEngineClient } from '../client/engine-context.ts';
import { formatPnl, tradeMarkers } from './backtest-results.ts';
import {
  ALL_SPEEDS,
  applyCandle,
  applyEquity,
  applyFill,
  applySeek,
  createReplayModel,
  nextSpeed,
  type ReplayModel,
  type ReplayTrade,
} from './replay-model.ts';
import { StrategyFields } from './strategy-fields.tsx';
import { initialFormValues, validateForm, type FormErrors } from './strategy-form-model.ts';
import { useToast } from './toast.tsx';
import { TradeList, formatTime } from './trade-list.tsx';
import { useDebounced, useFrameBatch } from './use-frame-batch.ts';
import { useSelectedSeries, useWorkspaceLink } from './workspace-link.ts';

const MARKER_KIND = 'replay';
const SEEK_DEBOUNCE_MS = 250;
/** Starting speed: a 1m bar every 60 ms, a 1h bar every 3.6 s. */
const DEFAULT_SPEED = 1000;

/** What React shows of the replay model, copied once per frame. */
interface Snapshot {
  readonly trades: readonly ReplayTrade[];
  /** The model's `tradesVersion` the trades were copied at. */
  readonly tradesVersion: number;
  readonly closed: number;
  readonly equity: number | null;
  readonly unrealizedPnl: number | null;
  readonly realizedPnl: number;
  readonly fees: number;
  readonly position: number;
}

/**
 * The snapshot of `model`; `previous` trades are kept (same array, same objects) when no fill
 * came since, so the trade list and the chart markers are not rebuilt for every bar.
 */
function snapshotOf(model: ReplayModel, previous?: Snapshot): Snapshot {
  const trades =
    previous && previous.tradesVersion === model.tradesVersion
      ? previous.trades
      : // Net of fees, as the backtest reports its trades.
        model.trades.map((t) => ({ ...t, pnl: t.pnl === null ? null : t.pnl - t.fees }));
  return {
    trades,
    tradesVersion: model.tradesVersion,
    closed: previous && previous.trades === trades ? previous.closed : trades.filter((t) => t.exitTime !== null).length,
    equity: model.equity,
    unrealizedPnl: model.unrealizedPnl,
    realizedPnl: model.realizedPnl,
    fees: model.fees,
    position: model.position,
  };
}

const EMPTY: Snapshot = snapshotOf(createReplayModel());

function speedLabel(speed: number): string {
  return `${speed.toLocaleString('en-US')}×`;
}

/** True when a key press belongs to a text field or a control that handles it itself. */
function isTyping(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false;
  return (
    target.isContentEditable ||
    target instanceof HTMLInputElement ||
    target instanceof HTMLTextAreaElement ||
    target instanceof HTMLSelectElement
  );
}

/**
 * Replays the selected series through a strategy: start, play/pause, step, speed, a timeline
 * that seeks, and keyboard shortcuts (Space, →, +, −). Fills become chart markers and a
 * running P&L; updates are batched per animation frame so high speeds do not flood React.
 * The session is stopped when the panel goes away.
 */
export function ReplayPanel({ active }: { readonly active: boolean }) {
  const client = useEngineClient();
  const toast = useToast();
  const link = useWorkspaceLink();
  const series = useSelectedSeries();
  const [values, setValues] = useState(initialFormValues);
  const [errors, setErrors] = useState<FormErrors>({});
  const [state, setState] = useState<ReplayState | null>(null);
  const [snapshot, setSnapshot] = useState<Snapshot>(EMPTY);
  const [busy, setBusy] = useState(false);
  const [scrub, setScrub] = useState<number | null>(null);
  const [selected, setSelected] = useState<number | null>(null);
  const panelRef = useRef<HTMLDivElement>(null);

  const session = useRef<string | null>(null);
  const model = useRef<ReplayModel>(createReplayModel());
  const latestState = useRef<ReplayState | null>(null);
  const shownVersion = useRef(-1);
  const shownSnapshot = useRef<Snapshot | null>(null);
  const failedShown = useRef<string | null>(null);

  const flush = useFrameBatch(() => {
    setState(latestState.current);
    const m = model.current;
    if (m.version !== shownVersion.current) {
      shownVersion.current = m.version;
      const previous = shownSnapshot.current;
      const next = snapshotOf(m, previous ?? undefined);
      shownSnapshot.current = next;
      setSnapshot(next);
      // Markers only when the trades changed: re-setting them makes the chart lay out and
      // redraw every marker, which at 100 bars a second cost a frame in three.
      if (next.trades !== previous?.trades) link.setMarkers(MARKER_KIND, tradeMarkers(m.trades, MARKER_KIND));
    }
  });

  const acceptState = useCallback(
    (next: ReplayState) => {
      if (next.sessionId !== session.current) return;
      latestState.current = next;
      if (next.status === 'failed' && next.error && failedShown.current !== next.sessionId) {
        failedShown.current = next.sessionId;
        toast({ title: 'Replay failed', message: next.error });
      }
      flush();
    },
    [flush, toast],
  );

  useEffect(() => {
    const mine = (p: { sessionId: string }) => p.sessionId === session.current;
    const detach = [
      client.on('ReplayStateChanged', (p) => acceptState(p)),
      client.on('OrderFilled', (p) => {
        if (!mine(p)) return;
        applyFill(model.current, p);
        flush();
      }),
      client.on('EquityUpdated', (p) => {
        if (!mine(p)) return;
        applyEquity(model.current, p.equity, p.unrealizedPnl);
        flush();
      }),
      client.on('CandleClosed', (p) => {
        if (!mine(p)) return;
        applyCandle(model.current, p.candle.time);
        flush();
      }),
    ];
    return () => {
      for (const d of detach) d();
    };
  }, [client, acceptState, flush]);

  // Stop the session when the panel goes away: nobody would watch it.
  useEffect(
    () => () => {
      const id = session.current;
      session.current = null;
      if (id) client.request('StopReplay', { sessionId: id }).catch(() => undefined);
      link.setMarkers(MARKER_KIND, []);
    },
    [client, link],
  );

  const control = useCallback(
    async (
      request:
        | { action: 'play' }
        | { action: 'pause' }
        | { action: 'step'; count: number }
        | { action: 'seek'; time: number }
        | { action: 'speed'; speed: number },
    ) => {
      const sessionId = session.current;
      if (!sessionId) return;
      try {
        const next = await client.request('ControlReplay', { sessionId, ...request });
        if (request.action === 'seek') {
          applySeek(model.current, next.time ?? request.time);
          setScrub(null);
        }
        acceptState(next);
      } catch (error) {
        if (request.action === 'seek') setScrub(null);
        toast({ title: 'Replay', message: (error as Error).message });
      }
    },
    [client, acceptState, toast],
  );

  const start = async (e: FormEvent) => {
    e.preventDefault();
    const checked = validateForm(values);
    if (!checked.ok) {
      setErrors(checked.errors);
      const first = Object.keys(checked.errors)[0];
      if (first) document.getElementById(`rp-${first.replace('.', '-')}`)?.focus();
      return;
    }
    setErrors({});
    if (!series) return;
    setBusy(true);
    try {
      const started = await client.request('StartReplay', {
        seriesId: series.id,
        strategy: checked.strategy,
        venue: checked.venue,
        speed: DEFAULT_SPEED,
      });
      model.current = createReplayModel();
      shownVersion.current = -1;
      shownSnapshot.current = null;
      setSelected(null);
      session.current = started.sessionId;
      acceptState(started);
      panelRef.current?.focus();
    } catch (error) {
      toast({ title: 'Replay refused', message: (error as Error).message });
    } finally {
      setBusy(false);
    }
  };

  const stop = async () => {
    const id = session.current;
    if (!id) return;
    session.current = null;
    latestState.current = null;
    setState(null);
    try {
      await client.request('StopReplay', { sessionId: id });
    } catch (error) {
      toast({ title: 'Replay', message: (error as Error).message });
    }
  };

  // Another series on the chart: the replay of the previous one is stopped and cleared.
  const seriesId = series?.id ?? null;
  const shownSeries = useRef(seriesId);
  useEffect(() => {
    if (shownSeries.current === seriesId) return;
    shownSeries.current = seriesId;
    const id = session.current;
    session.current = null;
    latestState.current = null;
    model.current = createReplayModel();
    shownVersion.current = -1;
    shownSnapshot.current = null;
    setState(null);
    setSnapshot(EMPTY);
    setSelected(null);
    link.setMarkers(MARKER_KIND, []);
    if (id) client.request('StopReplay', { sessionId: id }).catch(() => undefined);
  }, [seriesId, client, link]);

  const playing = state?.status === 'playing';
  const canMove = state !== null && (state.status === 'paused' || state.status === 'playing');
  const togglePlay = useCallback(() => {
    const s = latestState.current;
    if (!s || (s.status !== 'paused' && s.status !== 'playing')) return;
    void control({ action: s.status === 'playing' ? 'pause' : 'play' });
  }, [control]);
  const step = useCallback(() => {
    const s = latestState.current;
    if (!s || (s.status !== 'paused' && s.status !== 'playing')) return;
    void control({ action: 'step', count: 1 });
  }, [control]);
  // Stable while no fill comes, so the (memoised) trade list skips the frames of plain bars.
  const replayTrades = snapshot.trades;
  const selectTrade = useCallback(
    (i: number) => {
      const t = replayTrades[i];
      if (!t) return;
      setSelected(i);
      link.focusOn(t.entryTime);
    },
    [replayTrades, link],
  );
  const changeSpeed = useCallback(
    (direction: 1 | -1) => {
      const s = latestState.current;
      if (s) void control({ action: 'speed', speed: nextSpeed(s.speed, direction) });
    },
    [control],
  );

  // Shortcuts: inside the panel, or anywhere when no field has the focus; only while visible.
  useEffect(() => {
    if (!active) return;
    const onKey = (e: KeyboardEvent) => {
      if (e.defaultPrevented || e.altKey || e.ctrlKey || e.metaKey || !session.current) return;
      const target = e.target;
      const inPanel = target instanceof Node && panelRef.current?.contains(target) === true;
      const onPage = target === document.body || target === document.documentElement || target === null;
      if (!inPanel && !onPage) return;
      if (isTyping(target)) return;
      const onButton = target instanceof HTMLButtonElement || target instanceof HTMLAnchorElement;
      if (e.key === ' ' && !onButton) {
        e.preventDefault();
        togglePlay();
      } else if (e.key === 'ArrowRight' && !(target instanceof HTMLTableRowElement)) {
        e.preventDefault();
        step();
      } else if (e.key === '+' || e.key === '=') {
        e.preventDefault();
        changeSpeed(1);
      } else if (e.key === '-' || e.key === '−') {
        e.preventDefault();
        changeSpeed(-1);
      }
    };
    document.addEventListener('keydown', onKey);
    return () => document.removeEventListener('keydown', onKey);
  }, [active, togglePlay, step, changeSpeed]);

  const seekLater = useDebounced((time: number) => void control({ action: 'seek', time }), SEEK_DEBOUNCE_MS);

  const first = series?.first ?? null;
  const last = series?.last ?? null;
  const sliderValue = scrub ?? state?.time ?? first ?? 0;
  const closed = snapshot.closed;

  return (
    <div
      className="panel-body"
      ref={panelRef}
      tabIndex={-1}
      data-testid="replay-panel"
      data-status={state?.status ?? 'none'}
      data-cursor={state?.cursor ?? 0}
      data-speed={state?.speed ?? 0}
      data-trade-count={closed}
      aria-keyshortcuts="Space ArrowRight + -"
    >
      <form onSubmit={start} noValidate aria-label="Replay settings">
        <StrategyFields idPrefix="rp" values={values} errors={errors} disabled={state !== null} onChange={setValues} />
        <div className="actions">
          {state === null ? (
            // Distinct keys: the click that stops must not land on a reused <button> turned submit.
            <button key="start" type="submit" className="primary" disabled={busy || !series} data-testid="replay-start">
              Start replay
            </button>
          ) : (
            <button key="stop" type="button" onClick={() => void stop()} data-testid="replay-stop">
              Stop replay
            </button>
          )}
        </div>
      </form>

      {state && (
        <section className="replay-controls" aria-label="Replay controls">
          <div className="transport" role="toolbar" aria-label="Playback">
            <button
              type="button"
              className="primary"
              onClick={togglePlay}
              disabled={!canMove}
              aria-pressed={playing}
              aria-keyshortcuts="Space"
              data-testid="replay-play"
            >
              {playing ? 'Pause' : 'Play'}
            </button>
            <button
              type="button"
              onClick={step}
              disabled={!canMove}
              aria-keyshortcuts="ArrowRight"
              data-testid="replay-step"
            >
              Step ›
            </button>
            <label className="speed">
              <span>Speed</span>
              <select
                value={String(state.speed)}
                disabled={!canMove}
                aria-keyshortcuts="+ -"
                data-testid="replay-speed"
                onChange={(e) => void control({ action: 'speed', speed: Number(e.target.value) })}
              >
                {(ALL_SPEEDS.includes(state.speed)
                  ? ALL_SPEEDS
                  : [...ALL_SPEEDS, state.speed].sort((a, b) => a - b)
                ).map((s) => (
                  <option key={s} value={String(s)}>
                    {speedLabel(s)}
                  </option>
                ))}
              </select>
            </label>
          </div>
          {first !== null && last !== null && last > first && (
            <div className="timeline">
              <label htmlFor="rp-timeline" className="visually-hidden">
                Replay position
              </label>
              <input
                id="rp-timeline"
                type="range"
                min={first}
                max={last}
                step="any"
                value={sliderValue}
                disabled={!canMove && state.status !== 'finished'}
                aria-valuetext={formatTime(sliderValue)}
                data-testid="replay-timeline"
                onChange={(e) => {
                  const time = Number(e.target.value);
                  setScrub(time);
                  seekLater(Math.round(time));
                }}
              />
            </div>
          )}
          <dl className="replay-readout" aria-live="off">
            <div>
              <dt>Bar</dt>
              <dd data-testid="replay-cursor">
                {state.cursor.toLocaleString('en-US')} / {state.bars.toLocaleString('en-US')}
              </dd>
            </div>
            <div>
              <dt>Time</dt>
              <dd>{state.time === null ? '—' : `${formatTime(state.time)} UTC`}</dd>
            </div>
            <div>
              <dt>Equity</dt>
              <dd data-testid="replay-equity">
                {snapshot.equity === null
                  ? '—'
                  : snapshot.equity.toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 })}
              </dd>
            </div>
            <div>
              <dt>P&amp;L</dt>
              <dd data-testid="replay-pnl" className={snapshot.realizedPnl < 0 ? 'pnl-loss' : 'pnl-win'}>
                {formatPnl(snapshot.realizedPnl - snapshot.fees)}
                {snapshot.unrealizedPnl !== null && snapshot.unrealizedPnl !== 0 && (
                  <span className="muted"> (open {formatPnl(snapshot.unrealizedPnl)})</span>
                )}
              </dd>
            </div>
            <div>
              <dt>Trades</dt>
              <dd data-testid="replay-trades">{closed}</dd>
            </div>
          </dl>
          <p className="run-status" role="status" data-testid="replay-status">
            {state.status === 'finished' && 'Replay finished.'}
            {state.status === 'failed' && `Replay failed: ${state.error ?? 'unknown error'}`}
          </p>
          <TradeList
            trades={snapshot.trades}
            testId="replay-trade"
            selected={selected}
            onSelect={selectTrade}
            caption="Replay trades"
          />
        </section>
      )}
    </div>
  );
}
