import { NotFoundError, ValidationError } from '../../shared/contract/errors.ts';
import type { CommandResponse, ParsedCommandRequest } from '../../shared/contract/commands.ts';
import type { ReplayState } from '../../shared/contract/replay.ts';
import type { ComponentContext, EngineComponent } from '../kernel/kernel.ts';
import type { Scheduler, SeriesRepository } from '../ports.ts';
import { resolveRequestedStrategy } from '../strategy/strategy-registry.ts';
import { ReplaySession } from './replay-session.ts';

/** Replays running at once, at most: each holds its bars and a session. */
const MAX_REPLAYS = 8;

/**
 * Serves the replay commands: starts replays of stored series and drives them. Their events
 * go on the kernel bus like any session's, so every client sees them.
 */
export class ReplayService implements EngineComponent {
  readonly name = 'replay';
  private readonly repository: SeriesRepository;
  private readonly scheduler: Scheduler;
  private readonly sessions = new Map<string, ReplaySession>();
  private context: ComponentContext | null = null;
  private counter = 0;

  constructor(repository: SeriesRepository, scheduler: Scheduler) {
    this.repository = repository;
    this.scheduler = scheduler;
  }

  start(context: ComponentContext): void {
    this.context = context;
    context.handle('StartReplay', (request) => this.startReplay(request));
    context.handle('ControlReplay', (request) => this.control(request));
    context.handle('GetReplayState', (request) => this.find(request.sessionId).state);
    context.handle('StopReplay', (request) => {
      this.find(request.sessionId).stop();
      this.sessions.delete(request.sessionId);
      return { sessionId: request.sessionId, stopped: true as const };
    });
  }

  stop(): void {
    for (const session of this.sessions.values()) session.stop();
    this.sessions.clear();
    this.context = null;
  }

  private startReplay(request: ParsedCommandRequest<'StartReplay'>): CommandResponse<'StartReplay'> {
    const context = this.requireContext();
    if (this.sessions.size >= MAX_REPLAYS) {
      throw new ValidationError(`${MAX_REPLAYS} replays are running; stop one first`);
    }
    const info = this.repository.getSeries(request.seriesId);
    if (!info) throw new NotFoundError(`series "${request.seriesId}" is not in the store; load it first`);
    const strategy = resolveRequestedStrategy(request.strategy);
    const bars = this.repository.readCandles(request.seriesId, { from: request.from, to: request.to });
    if (bars.length === 0) throw new ValidationError(`series "${request.seriesId}" has no bars in that range`);
    const sessionId = `replay-${++this.counter}`;
    const session = new ReplaySession({
      sessionId,
      seriesId: request.seriesId,
      bars,
      interval: info.interval,
      strategy,
      venue: request.venue,
      speed: request.speed,
      scheduler: this.scheduler,
      emit: (event) => context.bus.publish(event),
      onState: (state) => this.announce(state),
    });
    this.sessions.set(sessionId, session);
    return session.state;
  }

  private control(request: ParsedCommandRequest<'ControlReplay'>): ReplayState {
    const session = this.find(request.sessionId);
    switch (request.action) {
      case 'play':
        return session.play();
      case 'pause':
        return session.pause();
      case 'step':
        return session.step(request.count);
      case 'seek':
        return session.seek(request.time);
      case 'speed':
        return session.setSpeed(request.speed);
    }
  }

  private announce(state: ReplayState): void {
    const context = this.context;
    if (!context) return;
    context.bus.publish({ event: 'ReplayStateChanged', payload: { ...state, at: Math.trunc(context.clock.now()) } });
  }

  private find(sessionId: string): ReplaySession {
    const session = this.sessions.get(sessionId);
    if (!session) throw new NotFoundError(`no replay "${sessionId}"`);
    return session;
  }

  private requireContext(): ComponentContext {
    if (!this.context) throw new Error('replay: used before start');
    return this.context;
  }
}
