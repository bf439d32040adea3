import type { CommandResponse, ParsedCommandRequest } from '../../shared/contract/commands.ts';
import { NotFoundError, ValidationError } from '../../shared/contract/errors.ts';
import type { ComponentContext, EngineComponent } from '../kernel/kernel.ts';
import type { SeriesRepository } from '../ports.ts';
import { canResample } from '../data/resample.ts';
import { DetectionEngine } from './detection-engine.ts';
import type { DetectionEvent } from './detection-events.ts';

/**
 * Serves `QueryDetections`: runs the {@link DetectionEngine} over a stored series' bars, from
 * its first bar up to the end of the range asked for (so each detector is warmed up exactly as
 * in a backtest, and by prefix invariance the events are those of a run over the whole series),
 * and answers with the detections in the range, for chart overlays.
 */
export class DetectionService implements EngineComponent {
  readonly name = 'detection';
  private readonly repository: SeriesRepository;

  constructor(repository: SeriesRepository) {
    this.repository = repository;
  }

  start(context: ComponentContext): void {
    context.handle('QueryDetections', (request) => this.query(request));
  }

  private query(request: ParsedCommandRequest<'QueryDetections'>): CommandResponse<'QueryDetections'> {
    const info = this.repository.getSeries(request.seriesId);
    if (!info) throw new NotFoundError(`series "${request.seriesId}" is not in the store; load it first`);
    const base = info.interval;
    const timeframes = request.timeframes ?? [base];
    for (const tf of timeframes) {
      if (tf !== base && !canResample(base, tf)) {
        throw new ValidationError(
          `QueryDetections: timeframes: ${tf} cannot be built from the ${base} bars of series "${info.seriesId}"; ` +
            `use ${base} or intervals that are whole multiples of it`,
        );
      }
    }
    const from = request.from ?? Number.NEGATIVE_INFINITY;
    const events: DetectionEvent[] = [];
    const engine = new DetectionEngine({
      base,
      timeframes,
      onEvent: (event) => {
        if (event.time >= from) events.push(event);
      },
    });
    const bars = this.repository.readCandles(info.seriesId, { to: request.to });
    const { time, open, high, low, close, volume } = bars;
    for (let i = 0; i < bars.length; i++) {
      engine.push(
        time[i] as number,
        open[i] as number,
        high[i] as number,
        low[i] as number,
        close[i] as number,
        volume[i] as number,
      );
    }
    const truncated = events.length > request.limit;
    const kept = truncated ? events.slice(events.length - request.limit) : events;
    return { events: kept.map((event) => ({ ...event })), truncated };
  }
}
