import { ValidationError } from '../../shared/contract/errors.ts';
import type { ReplayState } from '../../shared/contract/replay.ts';
import type { SessionEvent } from '../../shared/contract/session-events.ts';
import type { VenueConfigInput } from '../../shared/contract/venue-config.ts';
import type { Timeframe } from '../../shared/values/timeframe.ts';
import { TIMEFRAME_MS } from '../../shared/values/timeframe.ts';
import type { CandleColumns } from '../data/candle-columns.ts';
import type { Scheduler } from '../ports.ts';
import type { StrategySpec } from '../strategy/strategy-registry.ts';
import { BacktestSession } from './backtest-session.ts';

/** Fastest pace of replay ticks: a screen refresh. */
const TICK_MS = 16;
/** Most bars one tick processes, so a very fast replay still lets the host breathe. */
const MAX_BARS_PER_TICK = 5_000;

/** What a replay is made of. */
export interface ReplaySessionOptions {
  readonly sessionId: string;
  readonly seriesId: string;
  readonly bars: CandleColumns;
  readonly interval: Timeframe;
  readonly strategy: StrategySpec;
  readonly venue?: VenueConfigInput;
  readonly speed: number;
  readonly scheduler: Scheduler;
  /** Receives the session's events (the same a live session emits). */
  readonly emit: (event: SessionEvent) => void;
  /** Told whenever the replay's state changes. */
  readonly onState: (state: ReplayState) => void;
}

/**
 * A backtest session paced for people: play (at a speed relative to real time), pause,
 * step n bars, seek to a time, change speed. Every bar goes through the same
 * {@link BacktestSession} a batch backtest uses, so the events are the batch run's, in the
 * same order. Seeking backwards replays from the start without sending events.
 */
export class ReplaySession {
  private readonly options: ReplaySessionOptions;
  private session: BacktestSession;
  private status: ReplayState['status'] = 'paused';
  private speed: number;
  private cancelTick: (() => void) | null = null;
  private silent = false;
  private error: string | null = null;

  constructor(options: ReplaySessionOptions) {
    this.options = options;
    this.speed = options.speed;
    this.session = this.create();
  }

  /** Where the replay is. */
  get state(): ReplayState {
    const cursor = this.session.cursor;
    return {
      sessionId: this.options.sessionId,
      seriesId: this.options.seriesId,
      strategy: this.options.strategy.id,
      status: this.status,
      cursor,
      bars: this.session.length,
      time: cursor > 0 ? this.session.timeAt(cursor - 1) : null,
      speed: this.speed,
      error: this.error,
    };
  }

  play(): ReplayState {
    this.refuseIfFailed();
    if (this.status === 'paused') {
      this.status = 'playing';
      this.schedule();
    }
    return this.changed();
  }

  pause(): ReplayState {
    if (this.status === 'playing') {
      this.stopTicking();
      this.status = 'paused';
    }
    return this.changed();
  }

  /** Processes the next `count` bars at once (pausing a playing replay first). */
  step(count: number): ReplayState {
    this.refuseIfFailed();
    if (this.status === 'playing') this.pause();
    this.guarded(() => this.advance(count));
    return this.changed();
  }

  /** Moves to the last bar opening at or before `time`, without sending the skipped bars' events. */
  seek(time: number): ReplayState {
    this.refuseIfFailed();
    const wasPlaying = this.status === 'playing';
    this.stopTicking();
    let target = 0;
    while (target < this.session.length && this.session.timeAt(target) <= time) target++;
    if (target < this.session.cursor || this.status === 'finished') {
      this.session = this.create();
      this.status = 'paused';
    }
    this.silent = true;
    try {
      this.guarded(() => {
        while (this.session.cursor < target) this.session.step();
      });
    } finally {
      this.silent = false;
    }
    if (this.status !== 'failed') {
      this.status = this.session.atEnd ? this.finish() : wasPlaying ? 'playing' : 'paused';
      if (this.status === 'playing') this.schedule();
    }
    return this.changed();
  }

  setSpeed(speed: number): ReplayState {
    this.speed = speed;
    if (this.status === 'playing') {
      this.stopTicking();
      this.schedule();
    }
    return this.changed();
  }

  /** Stops pacing; the session is dropped by its owner. */
  stop(): void {
    this.stopTicking();
  }

  private create(): BacktestSession {
    const { bars, interval, strategy, venue, sessionId } = this.options;
    return new BacktestSession(bars, {
      interval,
      strategy,
      venue,
      sessionId,
      emit: (event) => {
        if (!this.silent) this.options.emit(event);
      },
    });
  }

  /** Milliseconds of real time one bar takes at the current speed. */
  private barMs(): number {
    const ms = this.options.interval === '1M' ? 30 * 86_400_000 : TIMEFRAME_MS[this.options.interval];
    return ms / this.speed;
  }

  private schedule(): void {
    const perBar = this.barMs();
    const delay = Math.max(TICK_MS, perBar);
    const bars = perBar >= TICK_MS ? 1 : Math.min(MAX_BARS_PER_TICK, Math.round(TICK_MS / perBar));
    this.cancelTick = this.options.scheduler.schedule(delay, () => {
      this.cancelTick = null;
      if (this.status !== 'playing') return;
      this.guarded(() => this.advance(bars));
      if (this.status === 'playing') this.schedule();
      this.changed();
    });
  }

  private stopTicking(): void {
    this.cancelTick?.();
    this.cancelTick = null;
  }

  private advance(count: number): void {
    if (this.status === 'finished') return;
    for (let k = 0; k < count && this.session.step(); k++) {
      // one bar at a time: each step emits its own events
    }
    if (this.session.atEnd) this.status = this.finish();
  }

  /** The last bar was processed: close out as a batch run does (an open position at the last close). */
  private finish(): 'finished' {
    this.stopTicking();
    this.session.finish();
    return 'finished';
  }

  /**
   * Runs `work`; an error (a broken session) fails the replay instead of escaping a timer
   * and taking the host down. The error is in the state for the user to see.
   */
  private guarded(work: () => void): void {
    try {
      work();
    } catch (error) {
      this.stopTicking();
      this.status = 'failed';
      this.error = (error as Error).message;
    }
  }

  private refuseIfFailed(): void {
    if (this.status === 'failed') {
      throw new ValidationError(
        `replay ${this.options.sessionId} failed (${this.error ?? 'error'}); stop it and start again`,
      );
    }
  }

  private changed(): ReplayState {
    const state = this.state;
    this.options.onState(state);
    return state;
  }
}
