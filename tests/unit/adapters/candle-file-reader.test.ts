import { describe, expect, it } from 'vitest';
import { CandleFileReader } from '../../../src/adapters/files/candle-file-reader.ts';
import { readText, times } from '../../helpers/candle-text.ts';

const HEADER = 'time,open,high,low,close,volume';
const T0 = 1_700_000_040; // a whole minute, in seconds
const csv = (...rows: string[]) => [HEADER, ...rows].join('\n');
const row = (t: number, o = 10, h = 12, l = 9, c = 11, v = 5) => `${t},${o},${h},${l},${c},${v}`;

describe('CandleFileReader: formats', () => {
  it('reads our format with a BOM and CRLF, seconds or milliseconds', async () => {
    const text = `\uFEFF${HEADER}\r\n${row(T0)}\r\n${(T0 + 60) * 1000},11,11.5,10.5,11,0\r\n`;
    const { columns, reader } = await readText(text);
    expect(times(columns)).toEqual([T0 * 1000, (T0 + 60) * 1000]);
    expect(Array.from(columns.high)).toEqual([12, 11.5]);
    expect(reader).toMatchObject({ format: 'hyperdesk', interval: '1m', rows: 2, skipped: 0 });
  });

  it('reads Binance kline CSV (no header, 12 columns, ms or µs times)', async () => {
    const ms = T0 * 1000;
    const text = [
      `${ms},10,12,9,11,5,${ms + 59_999},55,3,2,22,0`,
      `${(ms + 60_000) * 1000},11,13,10,12,6,${ms + 119_999},66,4,3,33,0`,
    ].join('\n');
    const { columns, reader } = await readText(text);
    expect(reader.format).toBe('binance');
    expect(times(columns)).toEqual([ms, ms + 60_000]);
    expect(Array.from(columns.volume)).toEqual([5, 6]);
  });

  it('reads a TradingView export with ISO times, offsets, extra columns and a capitalised Volume', async () => {
    const text = [
      'time,open,high,low,close,Volume,Volume MA',
      '2024-01-01T00:00:00Z,10,12,9,11,5,4.5',
      '2024-01-01T02:00:00+01:00,11,13,10,12,6,5',
      '2024-01-01 02:00,12,13,11,12.5,7,6',
    ].join('\n');
    const { columns, reader } = await readText(text);
    expect(reader.format).toBe('tradingview');
    const start = Date.UTC(2024, 0, 1);
    expect(times(columns)).toEqual([start, start + 3_600_000, start + 7_200_000]);
    expect(Array.from(columns.volume)).toEqual([5, 6, 7]);
  });

  it('reads semicolon files with decimal commas and quoted cells', async () => {
    const text = ['"Date";"Open";"High";"Low";"Close";"Volume"', `${T0};"10,5";12;9;11;"5,25"`].join('\n');
    const { columns, reader } = await readText(text);
    expect(reader.format).toBe('csv');
    expect(columns.open[0]).toBe(10.5);
    expect(columns.volume[0]).toBe(5.25);
  });

  it('reads freqtrade JSON and Hyperliquid candleSnapshot JSON, in any chunking', async () => {
    const ms = T0 * 1000;
    for (const chunk of [1, 3, 1000]) {
      const freqtrade = await readText(`[[${ms},10,12,9,11,5],[${ms + 60_000},11,13,10,12,6]]`, {}, chunk);
      expect(freqtrade.reader.format).toBe('freqtrade');
      expect(times(freqtrade.columns)).toEqual([ms, ms + 60_000]);
    }
    const hl = await readText(
      JSON.stringify([{ t: ms, T: ms + 59_999, s: 'BTC', i: '1m', o: '10', c: '11', h: '12', l: '9', v: '5.5', n: 3 }]),
    );
    expect(hl.reader.format).toBe('hyperliquid');
    expect(hl.columns.volume[0]).toBe(5.5);
  });

  it('reads a file without volume as volume 0 and says so', async () => {
    const { columns, reader } = await readText(['time,open,high,low,close', `${T0},10,12,9,11`].join('\n'));
    expect(columns.volume[0]).toBe(0);
    expect(reader.volumeMissing).toBe(true);
  });

  it('detects the interval and reports it; a given interval is enforced instead', async () => {
    const h = T0 - (T0 % 14_400); // on the 4h grid
    const hourly = csv(row(h), row(h + 7200), row(h + 10_800));
    expect((await readText(hourly)).reader.interval).toBe('1h');
    await expect(readText(hourly, { interval: '4h' })).rejects.toThrow(
      /line 3: .* not on the 4h grid \(wrong interval spacing\)/,
    );
  });
});

describe('CandleFileReader: bad input is refused with the line number', () => {
  it.each([
    ['wrong header', 'date,o,h,x,c,v\n1,1,1,1,1,1', /f.csv: line 1: the header has no low column/],
    ['wrong column count', csv(row(T0), '1700000100,10,12,9'), /line 3: expected 6 columns, found 4/],
    ['truncated last row', csv(row(T0), '1700000100,10,1'), /line 3: expected 6 columns, found 3/],
    ['NaN', csv(`${T0},10,NaN,9,11,5`), /line 2: a price is not a finite number/],
    ['overflow to Infinity', csv(`${T0},10,1e400,9,11,5`), /line 2: a price is not a finite number/],
    ['negative price', csv(row(T0, -10, 12, -11, 11)), /line 2: prices must be greater than 0/],
    ['high below low', csv(row(T0, 10, 9, 12, 11)), /line 2: (low is above|high is below)/],
    ['negative volume', csv(row(T0, 10, 12, 9, 11, -5)), /line 2: volume must not be negative/],
    ['duplicate time', csv(row(T0), row(T0)), /line 3: time .* is a duplicate/],
    ['unsorted file', csv(row(T0 + 60), row(T0)), /line 3: .* earlier than the bar before .* not sorted/],
    ['bad time', csv('yesterday,10,12,9,11,5'), /line 2: time is not a valid timestamp/],
    ['sub-millisecond time', csv('1700000040.0005,10,12,9,11,5'), /line 2: time is not a valid timestamp/],
    ['header only', `${HEADER}\n`, /f.csv: the file has no candles/],
    ['empty file', '', /f.csv: the file is empty/],
    ['blank file', '\n \n', /f.csv: the file is empty/],
    ['binary junk', '\u0000\u0001\u0002PK', /line 1: the header has no time, open, high, low, close column/],
    ['truncated JSON', '[[1700000040000,10,12,9,11,5],[1700000100000,1', /JSON array is not closed/],
    ['bad JSON entry', '[[1700000040000,10,12,9,11,5],"x"]', /entry 2: expected \[time, open/],
  ])('%s', async (_name, text, message) => {
    await expect(readText(text)).rejects.toThrow(message);
  });

  it('refuses an endless line instead of buffering it', async () => {
    await expect(readText(`${HEADER}\n${'9'.repeat(200_000)}`, { maxLineLength: 65_536 }, 4096)).rejects.toThrow(
      /line 2 is longer than 65536 characters/,
    );
  });
});

describe('CandleFileReader: --skip-bad', () => {
  it('skips and reports every bad row, importing the rest', async () => {
    const skipped: [number, string][] = [];
    const text = csv(row(T0), 'junk', row(T0 + 60, 10, 9, 12, 11), row(T0 + 60), row(T0 + 60), row(T0));
    const { columns, reader } = await readText(text, {
      skipBad: true,
      onSkip: (line, reason) => skipped.push([line, reason]),
    });
    expect(times(columns)).toEqual([T0 * 1000, (T0 + 60) * 1000]);
    expect(skipped.map(([line]) => line)).toEqual([3, 4, 6, 7]);
    expect(skipped[2]?.[1]).toMatch(/duplicate/);
    expect(skipped[3]?.[1]).toMatch(/earlier/);
    expect(reader).toMatchObject({ rows: 2, skipped: 4 });
  });

  it('still refuses a file where nothing is good', async () => {
    await expect(readText(csv('junk', 'more junk'), { skipBad: true })).rejects.toThrow(/every row was bad/);
  });
});

describe('CandleFileReader: edge cases', () => {
  it('refuses impossible dates instead of rolling them over, and sub-millisecond ISO fractions', async () => {
    const iso = (t: string) => ['time,open,high,low,close,volume', `${t},10,12,9,11,5`].join('\n');
    await expect(readText(iso('2024-02-30'))).rejects.toThrow(/line 2: time is not a valid timestamp/);
    await expect(readText(iso('2024-01-31T24:00Z'))).rejects.toThrow(/line 2: time is not a valid timestamp/);
    await expect(readText(iso('2024-01-31T12:00:00.0001Z'))).rejects.toThrow(/time is not a valid timestamp/);
    expect((await readText(iso('2024-02-29'))).columns.time[0]).toBe(Date.UTC(2024, 1, 29));
  });

  it('refuses a long line even when it sits inside one chunk', async () => {
    const text = `${HEADER}\n${row(T0)}\n${'1'.repeat(70_000)}\n${row(T0 + 60)}\n`;
    await expect(readText(text, { maxLineLength: 65_536 }, 1 << 20)).rejects.toThrow(/line 3 is longer than 65536/);
  });

  it('decodes bytes split anywhere: a BOM or a multibyte character across chunks', async () => {
    const text = `\uFEFF"Zeit (€)";"Öffnung";"high";"low";"close";"volume"\n${T0};10;12;9;11;5\n`;
    const bytes = Buffer.from(text, 'utf8');
    for (const size of [1, 2, 3, 5]) {
      const chunks: Buffer[] = [];
      for (let i = 0; i < bytes.length; i += size) chunks.push(bytes.subarray(i, i + size));
      // The header names nothing this reader knows as open: it must say so clearly.
      await expect(new CandleFileReader({ stream: chunks }, { name: 'f.csv' }).readAll()).rejects.toThrow(
        /line 1: the header has no time, open column/,
      );
    }
    const good = Buffer.from(`\uFEFFtime;open;high;low;close;volume\n${T0};10,5;12;9;11;5\n`, 'utf8');
    const chunks = Array.from({ length: good.length }, (_, i) => good.subarray(i, i + 1));
    const columns = await new CandleFileReader({ stream: chunks }, { name: 'f.csv' }).readAll();
    expect(columns.open[0]).toBe(10.5);
  });

  it('reads semicolon files without a header whose numbers use decimal commas', async () => {
    const { columns, reader } = await readText(`${T0};10,5;12,25;9,5;11,75;5,5\n${T0 + 60};11;12;10;11;6\n`);
    expect(reader.format).toBe('headerless');
    expect(Array.from(columns.high)).toEqual([12.25, 12]);
  });

  it('reports skipped JSON rows by entry number', async () => {
    const skipped: string[] = [];
    const ms = T0 * 1000;
    await readText(`[[${ms},10,12,9,11,5],[${ms + 60_000},10,9,12,11,5]]`, {
      skipBad: true,
      onSkip: (n, _reason, unit) => skipped.push(`${unit} ${n}`),
    });
    expect(skipped).toEqual(['entry 2']);
  });

  it('keeps monthly bars to one labelling: month starts, or month ends', async () => {
    const monthly = (...days: string[]) => [HEADER, ...days.map((d) => `${d},10,12,9,11,5`)].join('\n');
    expect((await readText(monthly('2024-01-01', '2024-02-01', '2024-04-01'), { interval: '1M' })).columns.length).toBe(
      3,
    );
    expect((await readText(monthly('2024-01-31', '2024-02-29', '2024-03-31'), { interval: '1M' })).columns.length).toBe(
      3,
    );
    await expect(readText(monthly('2024-01-01', '2024-02-15'), { interval: '1M' })).rejects.toThrow(
      /line 3: .* not on the 1M grid/,
    );
    await expect(readText(monthly('2024-01-31', '2024-03-01'), { interval: '1M' })).rejects.toThrow(
      /line 3: .* not on the 1M grid/,
    );
  });

  it('accepts weekly bars on any weekday, spaced by whole weeks', async () => {
    const weekly = (...days: string[]) => [HEADER, ...days.map((d) => `${d},10,12,9,11,5`)].join('\n');
    // Thursdays (epoch-aligned) and Mondays both read; a 6-day step does not.
    expect((await readText(weekly('2025-10-23', '2025-10-30'), { interval: '1w' })).columns.length).toBe(2);
    expect((await readText(weekly('2025-10-20', '2025-10-27'), { interval: '1w' })).columns.length).toBe(2);
    await expect(readText(weekly('2025-10-20', '2025-10-26'), { interval: '1w' })).rejects.toThrow(
      /not on the 1w grid/,
    );
  });
});
