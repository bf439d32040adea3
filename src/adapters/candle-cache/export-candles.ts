import { createWriteStream } from 'node:fs';
import { rename, rm } from 'node:fs/promises';
import { once } from 'node:events';
import type { Writable } from 'node:stream';
import type { CandleColumns } from '../../engine/data/candle-columns.ts';
import { formatNumber } from './format-number.ts';

/** Header of HyperDesk's own candle CSV. */
export const CSV_HEADER = 'time,open,high,low,close,volume';

/** Bars as lines of HyperDesk's CSV (time in unix seconds), each ending in a newline. */
export function formatCsvRows(bars: CandleColumns): string {
  let out = '';
  for (let i = 0; i < bars.length; i++) {
    const t = bars.time[i] as number;
    const time = t % 1000 === 0 ? String(t / 1000) : formatNumber(t / 1000);
    out += `${time},${formatNumber(bars.open[i] as number)},${formatNumber(bars.high[i] as number)},${formatNumber(
      bars.low[i] as number,
    )},${formatNumber(bars.close[i] as number)},${formatNumber(bars.volume[i] as number)}\n`;
  }
  return out;
}

/**
 * Writes batches of bars as HyperDesk CSV to a stream, honouring back-pressure so memory
 * stays bounded however large the series.
 *
 * @returns the number of bars written
 */
export async function writeCsv(
  batches: Iterable<CandleColumns> | AsyncIterable<CandleColumns>,
  out: Writable,
): Promise<number> {
  let count = 0;
  if (!out.write(`${CSV_HEADER}\n`)) await once(out, 'drain');
  for await (const batch of batches) {
    count += batch.length;
    if (!out.write(formatCsvRows(batch))) await once(out, 'drain');
  }
  return count;
}

/**
 * Writes a CSV file atomically: to a temporary file beside it, renamed into place when
 * complete, so a crash or an error never leaves a half-written file under the real name.
 */
export async function writeCsvFile(
  path: string,
  batches: Iterable<CandleColumns> | AsyncIterable<CandleColumns>,
): Promise<number> {
  const temp = `${path}.${process.pid}.partial`;
  const out = createWriteStream(temp);
  try {
    const count = await writeCsv(batches, out);
    out.end();
    await once(out, 'finish');
    await rename(temp, path);
    return count;
  } catch (error) {
    out.destroy();
    await rm(temp, { force: true });
    throw error;
  }
}
