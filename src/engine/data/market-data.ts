import type { CommandResponse, ParsedCommandRequest } from '../../shared/contract/commands.ts';
import { NotFoundError, ValidationError } from '../../shared/contract/errors.ts';
import { seriesIdOf, type SeriesInfo } from '../../shared/contract/series.ts';
import type { ComponentContext, EngineComponent } from '../kernel/kernel.ts';
import type { CandleSource, Clock, SeriesRepository } from '../ports.ts';
import type { Timeframe } from '../../shared/values/timeframe.ts';
import { CandleSeries } from './candle-series.ts';
import { canResample, resample } from './resample.ts';

interface Loaded {
  readonly info: SeriesInfo;
  readonly series: CandleSeries;
  /** The series resampled to other intervals, built on first query. */
  readonly resampled: Map<Timeframe, CandleSeries>;
}

/**
 * Owns candle series: loads them from a {@link CandleSource}, keeps them in columnar form,
 * persists them through the {@link SeriesRepository} and answers chart queries. After an
 * engine restart, a series is brought back from the repository on first use.
 */
export class MarketData implements EngineComponent {
  readonly name = 'market-data';
  private readonly loaded = new Map<string, Loaded>();
  private context: ComponentContext | null = null;

  private readonly source: CandleSource;
  private readonly repository: SeriesRepository;

  constructor(source: CandleSource, repository: SeriesRepository) {
    this.source = source;
    this.repository = repository;
  }

  start(context: ComponentContext): void {
    this.context = context;
    context.handle('LoadCandles', (payload) => this.load(payload));
    context.handle('QueryCandles', (payload) => this.query(payload));
    context.handle('ListSeries', () => ({ series: this.repository.listSeries() }));
    context.handle('ListSamples', () => ({ samples: [...this.source.listSamples()] }));
  }

  stop(): void {
    this.loaded.clear();
    this.context = null;
  }

  private async load(request: ParsedCommandRequest<'LoadCandles'>): Promise<CommandResponse<'LoadCandles'>> {
    const context = this.requireContext();
    const { source, coin, interval } = request;
    let info: SeriesInfo;
    let series: CandleSeries;
    if (source.kind === 'cache') {
      const seriesId = seriesIdOf({ source: source.source, coin, interval });
      const stored = this.repository.getSeries(seriesId);
      if (!stored) throw new NotFoundError(`the cache has no ${coin} ${interval} series from "${source.source}"`);
      info = stored;
      series = new CandleSeries(this.repository.readCandles(seriesId));
    } else {
      const data = await this.source.load(source, interval);
      try {
        series = new CandleSeries(data.bars);
      } catch (error) {
        throw new ValidationError(`${data.label}: ${(error as Error).message}`);
      }
      info = {
        seriesId: seriesIdOf({ source: data.sourceKey, coin, interval }),
        source: data.sourceKey,
        coin,
        interval,
        label: data.label,
        synthetic: data.synthetic,
        count: series.length,
        first: series.length > 0 ? (series.columns.time[0] as number) : null,
        last: series.length > 0 ? (series.columns.time[series.length - 1] as number) : null,
      };
      this.repository.saveSeries(info, data.bars);
    }
    this.loaded.set(info.seriesId, { info, series, resampled: new Map() });
    context.bus.publish({ event: 'CandlesLoaded', payload: { ...info, at: now(context.clock) } });
    return info;
  }

  private query(request: ParsedCommandRequest<'QueryCandles'>): CommandResponse<'QueryCandles'> {
    const entry = this.loaded.get(request.seriesId) ?? this.restore(request.seriesId);
    const series = request.interval === undefined ? entry.series : this.resampled(entry, request.interval);
    return {
      seriesId: request.seriesId,
      candles: series.slice(request.from, request.to, request.limit),
    };
  }

  /** The series at `interval`: its own bars, or them resampled exactly (kept for later queries). */
  private resampled(entry: Loaded, interval: Timeframe): CandleSeries {
    const base = entry.info.interval;
    if (interval === base) return entry.series;
    const cached = entry.resampled.get(interval);
    if (cached) return cached;
    if (!canResample(base, interval)) {
      throw new ValidationError(
        `QueryCandles: interval: ${interval} bars cannot be built from the ${base} bars of series "${entry.info.seriesId}"; ` +
          `use ${base} or an interval that is a whole multiple of it`,
      );
    }
    const series = new CandleSeries(resample(entry.series.columns, base, interval));
    entry.resampled.set(interval, series);
    return series;
  }

  private restore(seriesId: string): Loaded {
    const info = this.repository.getSeries(seriesId);
    if (!info) throw new NotFoundError(`series "${seriesId}" is not loaded; load it first`);
    const entry: Loaded = {
      info,
      series: new CandleSeries(this.repository.readCandles(seriesId)),
      resampled: new Map(),
    };
    this.loaded.set(seriesId, entry);
    return entry;
  }

  private requireContext(): ComponentContext {
    if (!this.context) throw new Error('market-data: used before start');
    return this.context;
  }
}

function now(clock: Clock): number {
  return Math.trunc(clock.now());
}
