import { describe, expect, it, vi } from 'vitest';
import { BacktestSession } from '../../../src/engine/backtest/backtest-session.ts';
import { ReplayService } from '../../../src/engine/backtest/replay-service.ts';
import { ReplaySession } from '../../../src/engine/backtest/replay-session.ts';
import { TimerScheduler } from '../../../src/adapters/timer-scheduler.ts';
import { sliceColumns, type CandleColumns } from '../../../src/engine/data/candle-columns.ts';
import { Kernel } from '../../../src/engine/kernel/kernel.ts';
import { VirtualClock } from '../../../src/engine/kernel/virtual-clock.ts';
import type { Scheduler, SeriesRepository, TimeRange } from '../../../src/engine/ports.ts';
import { resolveStrategy } from '../../../src/engine/strategy/strategy-registry.ts';
import { Commands, type CommandName, type CommandRequest } from '../../../src/shared/contract/commands.ts';
import { NotFoundError, ValidationError } from '../../../src/shared/contract/errors.ts';
import { Events, type EngineEvent } from '../../../src/shared/contract/events.ts';
import type { SeriesInfo } from '../../../src/shared/contract/series.ts';
import { SessionEvents, type SessionEvent } from '../../../src/shared/contract/session-events.ts';
import { barsFromCloses, sampleBars } from '../../helpers/backtest.ts';

/** A scheduler driven by hand: `advance(ms)` runs what falls due, in order. */
class ManualScheduler implements Scheduler {
  now = 0;
  private tasks: { at: number; seq: number; task: () => void }[] = [];
  private seq = 0;
  schedule(delayMs: number, task: () => void): () => void {
    const entry = { at: this.now + delayMs, seq: this.seq++, task };
    this.tasks.push(entry);
    return () => {
      this.tasks = this.tasks.filter((t) => t !== entry);
    };
  }
  get pending(): number {
    return this.tasks.length;
  }
  advance(ms: number): void {
    const until = this.now + ms;
    for (;;) {
      this.tasks.sort((a, b) => a.at - b.at || a.seq - b.seq);
      const next = this.tasks[0];
      if (!next || next.at > until) break;
      this.tasks.shift();
      this.now = next.at;
      next.task();
    }
    this.now = until;
  }
}

class OneSeries implements SeriesRepository {
  private readonly info: SeriesInfo;
  private readonly bars: CandleColumns;
  constructor(info: SeriesInfo, bars: CandleColumns) {
    this.info = info;
    this.bars = bars;
  }
  saveSeries(): void {}
  listSeries(): SeriesInfo[] {
    return [this.info];
  }
  getSeries(id: string): SeriesInfo | null {
    return id === this.info.seriesId ? this.info : null;
  }
  readCandles(_id: string, range: TimeRange = {}): CandleColumns {
    let start = 0;
    let end = this.bars.length;
    while (start < end && (this.bars.time[start] as number) < (range.from ?? -Infinity)) start++;
    while (end > start && (this.bars.time[end - 1] as number) > (range.to ?? Infinity)) end--;
    return sliceColumns(this.bars, start, end);
  }
}

const STRATEGY = { id: 'confluence', params: { timeframes: ['1h', '4h'], minScore: 0.5 } };
const VENUE = { capital: '50000', slippageBps: 2 };

async function setup() {
  const bars = await sampleBars();
  const info: SeriesInfo = {
    seriesId: 'sample:synth:BTC:1h',
    source: 'sample:synth',
    coin: 'BTC',
    interval: '1h',
    label: 'synthetic',
    synthetic: true,
    count: bars.length,
    first: bars.time[0] as number,
    last: bars.time[bars.length - 1] as number,
  };
  const scheduler = new ManualScheduler();
  const kernel = new Kernel({ clock: new VirtualClock(0), mode: 'replay' });
  kernel.register(new ReplayService(new OneSeries(info, bars), scheduler));
  const sessionEvents: SessionEvent[] = [];
  const all: EngineEvent[] = [];
  kernel.bus.subscribeAll((e) => {
    all.push(e);
    if (Object.hasOwn(SessionEvents, e.event)) sessionEvents.push(e as SessionEvent);
  });
  await kernel.start();
  const call = <K extends CommandName>(name: K, payload: CommandRequest<K>) =>
    kernel.execute(name, Commands[name].request.parse(payload) as never) as Promise<
      ReturnType<(typeof Commands)[K]['response']['parse']>
    >;
  return { bars, info, scheduler, kernel, sessionEvents, all, call };
}

/** The batch run's events for the same session. */
function batchEvents(bars: CandleColumns, sessionId: string, stopAfter = Infinity) {
  const events: SessionEvent[] = [];
  const session = new BacktestSession(bars, {
    interval: '1h',
    strategy: resolveStrategy(STRATEGY.id, STRATEGY.params),
    venue: VENUE,
    sessionId,
    emit: (e) => events.push(e),
  });
  let count = 0;
  while (count < stopAfter && session.step()) count++;
  if (count < stopAfter) session.finish();
  return events;
}

describe('replay', () => {
  it('stepping through a session emits exactly the batch backtest’s event sequence', async () => {
    const { bars, sessionEvents, call } = await setup();
    const state = await call('StartReplay', { seriesId: 'sample:synth:BTC:1h', strategy: STRATEGY, venue: VENUE });
    expect(state).toMatchObject({ status: 'paused', cursor: 0, bars: bars.length, time: null });
    let last = state;
    while (last.status !== 'finished')
      last = await call('ControlReplay', { sessionId: state.sessionId, action: 'step', count: 1 });
    expect(last.cursor).toBe(bars.length);
    const batch = batchEvents(bars, state.sessionId);
    expect(sessionEvents.length).toBe(batch.length);
    expect(JSON.stringify(sessionEvents)).toBe(JSON.stringify(batch));
    const kinds = new Set(batch.map((e) => e.event));
    for (const kind of [
      'CandleClosed',
      'DetectionRaised',
      'SignalRaised',
      'OrderAccepted',
      'OrderFilled',
      'EquityUpdated',
    ]) {
      expect(kinds, kind).toContain(kind);
    }
  });

  it('every event it emits is valid under the contract', async () => {
    const { all, call } = await setup();
    const { sessionId } = await call('StartReplay', {
      seriesId: 'sample:synth:BTC:1h',
      strategy: STRATEGY,
      venue: VENUE,
    });
    await call('ControlReplay', { sessionId, action: 'step', count: 600 });
    expect(all.length).toBeGreaterThan(1000);
    for (const e of all) {
      const parsed = Events[e.event].safeParse(JSON.parse(JSON.stringify(e.payload)));
      expect(parsed.success, `${e.event}: ${parsed.error?.message ?? ''}`).toBe(true);
    }
  });

  it('plays at a speed relative to real time, pauses and changes speed', async () => {
    const { scheduler, call, all } = await setup();
    const { sessionId } = await call('StartReplay', {
      seriesId: 'sample:synth:BTC:1h',
      strategy: STRATEGY,
      speed: 3600,
    });
    const played = await call('ControlReplay', { sessionId, action: 'play' });
    expect(played.status).toBe('playing');
    // 3600×: an hourly bar per second.
    scheduler.advance(3000);
    expect((await call('GetReplayState', { sessionId })).cursor).toBe(3);
    await call('ControlReplay', { sessionId, action: 'pause' });
    scheduler.advance(10_000);
    expect((await call('GetReplayState', { sessionId })).cursor).toBe(3);
    expect(scheduler.pending).toBe(0);
    // The fastest speed: far less than a frame per bar, so each 16 ms tick takes a batch of bars.
    await call('ControlReplay', { sessionId, action: 'speed', speed: 1_000_000 });
    await call('ControlReplay', { sessionId, action: 'play' });
    scheduler.advance(16);
    const fast = await call('GetReplayState', { sessionId });
    // 1 000 000×: a 1h bar takes 3.6 ms, so a 16 ms tick covers 4 bars.
    expect(fast.cursor).toBe(7);
    expect(all.filter((e) => e.event === 'ReplayStateChanged').at(-1)?.payload).toMatchObject({
      cursor: 7,
      status: 'playing',
    });
    await call('StopReplay', { sessionId });
    expect(scheduler.pending).toBe(0);
    await expect(call('GetReplayState', { sessionId })).rejects.toBeInstanceOf(NotFoundError);
  });

  it('seeks forward and back without sending the skipped bars’ events, then goes on as the batch run does', async () => {
    const { bars, sessionEvents, call } = await setup();
    const { sessionId } = await call('StartReplay', {
      seriesId: 'sample:synth:BTC:1h',
      strategy: STRATEGY,
      venue: VENUE,
    });
    await call('ControlReplay', { sessionId, action: 'step', count: 900 });
    const target = 500;
    const sought = await call('ControlReplay', { sessionId, action: 'seek', time: bars.time[target - 1] as number });
    expect(sought).toMatchObject({ cursor: target, status: 'paused', time: bars.time[target - 1] });
    sessionEvents.length = 0;
    let state = sought;
    while (state.status !== 'finished') state = await call('ControlReplay', { sessionId, action: 'step', count: 250 });
    const prefix = batchEvents(bars, sessionId, target).length;
    const batch = batchEvents(bars, sessionId);
    expect(JSON.stringify(sessionEvents)).toBe(JSON.stringify(batch.slice(prefix)));
  });

  it('refuses unknown series, strategies, parameters and sessions with clear errors', async () => {
    const { call } = await setup();
    await expect(call('StartReplay', { seriesId: 'nope', strategy: STRATEGY })).rejects.toThrow(NotFoundError);
    await expect(
      call('StartReplay', { seriesId: 'sample:synth:BTC:1h', strategy: { id: 'martingale' } }),
    ).rejects.toThrow(/unknown strategy "martingale"/);
    await expect(
      call('StartReplay', {
        seriesId: 'sample:synth:BTC:1h',
        strategy: { id: 'sma-cross', params: { fast: 50, slow: 10 } },
      }),
    ).rejects.toThrow(ValidationError);
    await expect(
      call('StartReplay', { seriesId: 'sample:synth:BTC:1h', strategy: { id: 'sma-cross', sizing: 'yolo' } }),
    ).rejects.toThrow(/strategy.sizing/);
    await expect(call('ControlReplay', { sessionId: 'replay-99', action: 'play' })).rejects.toThrow(
      /no replay "replay-99"/,
    );
    expect(() => Commands.ControlReplay.request.parse({ sessionId: 'x', action: 'speed', speed: 0 })).toThrow();
  });
});

describe('replay failures and pacing limits', () => {
  it('a session that breaks fails the replay (state and error) instead of escaping its timer', () => {
    const bars = barsFromCloses(Array.from({ length: 50 }, (_, i) => 100 + Math.sin(i)));
    // Bar 30 repeats bar 29's time: the detection engine refuses it.
    bars.time[30] = bars.time[29] as number;
    const scheduler = new ManualScheduler();
    const states: string[] = [];
    const replay = new ReplaySession({
      sessionId: 'r',
      seriesId: 's',
      bars,
      interval: '1h',
      strategy: resolveStrategy('confluence', {}),
      speed: 3600,
      scheduler,
      emit: () => undefined,
      onState: (state) => states.push(`${state.status}:${state.cursor}`),
    });
    replay.play();
    expect(() => scheduler.advance(60_000)).not.toThrow();
    expect(replay.state).toMatchObject({ status: 'failed', cursor: 30 });
    expect(replay.state.error).toMatch(/does not come after/);
    expect(scheduler.pending).toBe(0);
    expect(() => replay.step(1)).toThrow(/replay r failed/);
    expect(states.at(-1)).toBe('failed:30');
  });

  it('waits out delays longer than a Node timer can hold (a monthly bar at 1×)', () => {
    vi.useFakeTimers();
    try {
      const task = vi.fn();
      const month = 30 * 86_400_000;
      new TimerScheduler().schedule(month, task);
      vi.advanceTimersByTime(2 ** 31 - 1);
      expect(task).not.toHaveBeenCalled();
      vi.advanceTimersByTime(month - (2 ** 31 - 1) - 1);
      expect(task).not.toHaveBeenCalled();
      vi.advanceTimersByTime(1);
      expect(task).toHaveBeenCalledTimes(1);
    } finally {
      vi.useRealTimers();
    }
  });
});
