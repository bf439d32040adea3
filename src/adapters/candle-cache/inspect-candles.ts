import { GapTracker, type GapReport } from '../../engine/data/gaps.ts';
import type { Timeframe } from '../../shared/values/timeframe.ts';
import { CandleFileReader, type CandleFileSource } from '../files/candle-file-reader.ts';
import type { CandleFileKind } from '../files/candle-file-layout.ts';
import { ValidationError } from '../../shared/contract/errors.ts';

/** What `hyperdesk data inspect` reports about a file. */
export interface InspectReport extends GapReport {
  readonly format: CandleFileKind | null;
  readonly volumeMissing: boolean;
}

/**
 * Reads a candle file once, streaming, and reports its size, span, interval (detected unless
 * given) and every gap. The file must be valid: a bad row is reported with its line number.
 */
export async function inspectCandles(
  file: CandleFileSource,
  interval?: Timeframe,
  name?: string,
): Promise<InspectReport> {
  const reader = new CandleFileReader(file, { interval, name });
  let tracker: GapTracker | null = null;
  for await (const batch of reader.batches()) {
    if (!reader.interval) {
      throw new ValidationError(
        `${name ?? 'the file'}: cannot tell its interval from the spacing of its bars; pass --interval`,
      );
    }
    tracker ??= new GapTracker(reader.interval);
    for (let i = 0; i < batch.length; i++) tracker.push(batch.time[i] as number);
  }
  if (!tracker) throw new ValidationError('the file has no candles');
  return { ...tracker.report(), format: reader.format, volumeMissing: reader.volumeMissing };
}
