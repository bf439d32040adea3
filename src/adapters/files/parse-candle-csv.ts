import { ValidationError } from '../../shared/contract/errors.ts';
import type { Candle } from '../../shared/values/candle.ts';

const HEADER = ['time', 'open', 'high', 'low', 'close', 'volume'] as const;
const NUMBER = /^-?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?$/;
// Unix seconds stay below this until the year 5138; anything larger is milliseconds.
const SECONDS_LIMIT = 1e11;

/**
 * Parses HyperDesk's candle CSV (`time,open,high,low,close,volume`, time in unix seconds or
 * milliseconds, ascending). Every rule broken is reported with its line number; nothing is
 * returned unless the whole file is valid.
 *
 * @param name shown in error messages (the file name, never a full path)
 */
export function parseCandleCsv(text: string, name: string): Candle[] {
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/);
  const header = (lines[0] ?? '').trim().toLowerCase().split(',');
  if (header.length !== HEADER.length || HEADER.some((h, i) => header[i] !== h)) {
    throw new ValidationError(`${name}: line 1: expected the header "${HEADER.join(',')}"`);
  }
  const candles: Candle[] = [];
  let previous = -Infinity;
  for (let i = 1; i < lines.length; i++) {
    const line = (lines[i] as string).trim();
    if (line === '') {
      if (i === lines.length - 1) continue;
      throw new ValidationError(`${name}: line ${i + 1}: empty line inside the data`);
    }
    const where = `${name}: line ${i + 1}`;
    const cells = line.split(',');
    if (cells.length !== HEADER.length) {
      throw new ValidationError(`${where}: expected ${HEADER.length} columns, found ${cells.length}`);
    }
    const values = cells.map((cell, column) => {
      const value = NUMBER.test(cell) ? Number(cell) : Number.NaN;
      if (!Number.isFinite(value)) {
        throw new ValidationError(`${where}: ${HEADER[column]} "${cell}" is not a finite number`);
      }
      return value;
    });
    const [rawTime, open, high, low, close, volume] = values as [number, number, number, number, number, number];
    const time = rawTime < SECONDS_LIMIT ? rawTime * 1000 : rawTime;
    if (!Number.isSafeInteger(time) || time < 0)
      throw new ValidationError(`${where}: time "${cells[0]}" is not a valid timestamp`);
    if (!(open > 0 && high > 0 && low > 0 && close > 0))
      throw new ValidationError(`${where}: prices must be greater than 0`);
    if (volume < 0) throw new ValidationError(`${where}: volume must not be negative`);
    if (low > Math.min(open, close) || high < Math.max(open, close)) {
      throw new ValidationError(`${where}: high/low do not contain open and close`);
    }
    if (time <= previous) {
      throw new ValidationError(
        `${where}: time ${cells[0]} is ${time === previous ? 'a duplicate' : 'earlier than the line before'}`,
      );
    }
    previous = time;
    candles.push({ time, open, high, low, close, volume });
  }
  if (candles.length === 0) throw new ValidationError(`${name}: the file has no candles`);
  return candles;
}
