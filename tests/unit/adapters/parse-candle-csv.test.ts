import { describe, expect, it } from 'vitest';
import { parseCandleCsv } from '../../../src/adapters/files/parse-candle-csv.ts';

const HEADER = 'time,open,high,low,close,volume';
const csv = (...rows: string[]) => [HEADER, ...rows].join('\n');

describe('parseCandleCsv', () => {
  it('reads our format, seconds or milliseconds, with a BOM and CRLF', () => {
    const text = `\uFEFF${HEADER}\r\n1700000000,10,12,9,11,5\r\n1700000060000,11,11.5,10.5,11,0\r\n`;
    expect(parseCandleCsv(text, 'f.csv')).toEqual([
      { time: 1_700_000_000_000, open: 10, high: 12, low: 9, close: 11, volume: 5 },
      { time: 1_700_000_060_000, open: 11, high: 11.5, low: 10.5, close: 11, volume: 0 },
    ]);
  });

  it.each([
    ['wrong header', 'date,o,h,l,c,v\n1,1,1,1,1,1', /f.csv: line 1: expected the header/],
    ['truncated row', csv('1700000000,10,12,9'), /line 2: expected 6 columns, found 4/],
    ['NaN', csv('1700000000,10,NaN,9,11,5'), /line 2: high "NaN" is not a finite number/],
    ['overflow to Infinity', csv('1700000000,10,1e400,9,11,5'), /line 2: high "1e400" is not a finite number/],
    ['negative price', csv('1700000000,-10,12,-11,11,5'), /line 2: prices must be greater than 0/],
    ['high below low', csv('1700000000,10,9,12,11,5'), /line 2: high\/low do not contain open and close/],
    ['negative volume', csv('1700000000,10,12,9,11,-5'), /line 2: volume must not be negative/],
    [
      'duplicate time',
      csv('1700000000,10,12,9,11,5', '1700000000,10,12,9,11,5'),
      /line 3: time 1700000000 is a duplicate/,
    ],
    ['unsorted', csv('1700000060,10,12,9,11,5', '1700000000,10,12,9,11,5'), /line 3: .* earlier than the line before/],
    ['blank line inside', csv('1700000000,10,12,9,11,5', '', '1700000060,10,12,9,11,5'), /line 3: empty line/],
    ['no rows', `${HEADER}\n`, /f.csv: the file has no candles/],
    ['empty file', '', /line 1: expected the header/],
    [
      'sub-millisecond time',
      csv('1700000000.0005,10,12,9,11,5'),
      /line 2: time "1700000000.0005" is not a valid timestamp/,
    ],
  ])('refuses %s with the line number', (_name, text, message) => {
    expect(() => parseCandleCsv(text, 'f.csv')).toThrow(message);
  });
});
