import type { CommandResponse, ParsedCommandRequest } from '../../shared/contract/commands.ts';
import { NotFoundError, ValidationError } from '../../shared/contract/errors.ts';
import type { SeriesInfo } from '../../shared/contract/series.ts';
import type { ComponentContext, EngineComponent } from '../kernel/kernel.ts';
import type { CandleSource, Clock, SeriesRepository } from '../ports.ts';
import { CandleSeries } from './candle-series.ts';

interface Loaded {
  readonly info: SeriesInfo;
  readonly series: CandleSeries;
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

  /** Number of series held in memory. */
  get size(): number {
    return this.loaded.size;
  }

  private async load(request: ParsedCommandRequest<'LoadCandles'>): Promise<CommandResponse<'LoadCandles'>> {
    const context = this.requireContext();
    const data = await this.source.load(request.source);
    let series: CandleSeries;
    try {
      series = new CandleSeries(data.candles);
    } catch (error) {
      throw new ValidationError(`${data.label}: ${(error as Error).message}`);
    }
    const info: SeriesInfo = {
      seriesId: `${data.sourceKey}:${request.coin}:${request.interval}`,
      coin: request.coin,
      interval: request.interval,
      label: data.label,
      synthetic: data.synthetic,
      count: series.length,
      first: series.length > 0 ? (series.time[0] as number) : null,
      last: series.length > 0 ? (series.time[series.length - 1] as number) : null,
    };
    this.repository.saveSeries(info, data.candles);
    this.loaded.set(info.seriesId, { info, series });
    context.bus.publish({ event: 'CandlesLoaded', payload: { ...info, at: now(context.clock) } });
    return info;
  }

  private query(request: ParsedCommandRequest<'QueryCandles'>): CommandResponse<'QueryCandles'> {
    const entry = this.loaded.get(request.seriesId) ?? this.restore(request.seriesId);
    return {
      seriesId: request.seriesId,
      candles: entry.series.slice(request.from, request.to, request.limit),
    };
  }

  private restore(seriesId: string): Loaded {
    const info = this.repository.getSeries(seriesId);
    if (!info) throw new NotFoundError(`series "${seriesId}" is not loaded; load it first`);
    const entry = { info, series: new CandleSeries(this.repository.readCandles(seriesId)) };
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
