import { describe, expect, it } from 'vitest';
import { formatNumber } from '../../../src/adapters/candle-cache/format-number.ts';
import { decodeBlocks, encodeBlock, mergeColumns } from '../../../src/adapters/sqlite/candle-blocks.ts';
import { JsonArrayScanner } from '../../../src/adapters/files/json-array-scanner.ts';
import { columnsFromCandles, columnsToCandles } from '../../../src/engine/data/candle-columns.ts';

const bar = (time: number, open = 1) => ({
  time,
  open,
  high: open + 1,
  low: open - 0.5,
  close: open,
  volume: time / 10,
});

describe('formatNumber', () => {
  it('never writes an exponent, and round-trips', () => {
    for (const n of [0, 1, -1, 0.1, 46384.5, 1e-7, 1.234e-10, 123456789.123, 1e21, -2.5e-8, 5e-324]) {
      const text = formatNumber(n);
      expect(text, String(n)).not.toMatch(/e/i);
      expect(Number(text)).toBe(n);
    }
    expect(formatNumber(1e-7)).toBe('0.0000001');
    expect(formatNumber(1.5e21)).toBe('1500000000000000000000');
  });
});

describe('candle blocks', () => {
  it('encode and decode columns exactly, from any byte offset', () => {
    const columns = columnsFromCandles([bar(1000, 0.1), bar(2000, 1e-9), bar(3000, 123456.789)]);
    const block = encodeBlock(columns);
    expect(block.byteLength).toBe(3 * 48);
    const shifted = Buffer.concat([Buffer.from([7]), block]).subarray(1);
    expect(columnsToCandles(decodeBlocks([{ data: shifted, count: 3 }]))).toEqual(columnsToCandles(columns));
    expect(() => decodeBlocks([{ data: block, count: 4 }])).toThrow(/has 144 bytes, expected 192/);
  });

  it('merge two sorted series, the incoming bar winning at equal times', () => {
    const merged = mergeColumns(
      columnsFromCandles([bar(1), bar(3), bar(5)]),
      columnsFromCandles([bar(2, 9), bar(3, 9), bar(6, 9)]),
    );
    expect(columnsToCandles(merged).map((c) => [c.time, c.open])).toEqual([
      [1, 1],
      [2, 9],
      [3, 9],
      [5, 1],
      [6, 9],
    ]);
  });
});

describe('JsonArrayScanner', () => {
  it('yields each element whatever the chunking, strings with brackets included', () => {
    const text = ' [ [1,"a]",3], {"t":1,"s":"x\\"}"} , 5, "s,t" ,[[]] ]  ';
    for (const size of [1, 2, 5, 100]) {
      const out: unknown[] = [];
      const scanner = new JsonArrayScanner(1000);
      for (let i = 0; i < text.length; i += size) scanner.push(text.slice(i, i + size), (e) => out.push(e));
      scanner.end();
      expect(out).toEqual([[1, 'a]', 3], { t: 1, s: 'x"}' }, 5, 's,t', [[]]]);
    }
  });

  it('refuses what is not one closed array', () => {
    expect(() => new JsonArrayScanner(100).push('{"a":1}', () => undefined)).toThrow('expected a JSON array');
    expect(() => new JsonArrayScanner(100).push('[1] [2]', () => undefined)).toThrow(/after the end/);
    expect(() => new JsonArrayScanner(100).push('[[1][2]]', () => undefined)).toThrow(
      'a comma is missing after entry 1',
    );
    expect(() => new JsonArrayScanner(100).push('[[1],,[2]]', () => undefined)).toThrow('entry 2 is empty');
    expect(() => new JsonArrayScanner(100).push('[[1],]', () => undefined)).toThrow('entry 2 is empty');
    expect(() => new JsonArrayScanner(100).push('[,[1]]', () => undefined)).toThrow('entry 1 is empty');
    const empty = new JsonArrayScanner(100);
    empty.push(' [ ] ', () => undefined);
    empty.end();
    const open = new JsonArrayScanner(100);
    open.push('[[1,2]', () => undefined);
    expect(() => open.end()).toThrow('the JSON array is not closed (truncated file?)');
    expect(() => new JsonArrayScanner(10).push(`[[${'1,'.repeat(20)}`, () => undefined)).toThrow(/longer than 10/);
  });
});
