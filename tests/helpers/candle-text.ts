import { CandleFileReader, type CandleFileReaderOptions } from '../../src/adapters/files/candle-file-reader.ts';
import type { CandleColumns } from '../../src/engine/data/candle-columns.ts';

/** Reads candle file text (split into chunks of `chunk` characters, to exercise streaming). */
export async function readText(
  text: string,
  options: CandleFileReaderOptions = {},
  chunk = 7,
): Promise<{ columns: CandleColumns; reader: CandleFileReader }> {
  const pieces: string[] = [];
  for (let i = 0; i < text.length; i += chunk) pieces.push(text.slice(i, i + chunk));
  const reader = new CandleFileReader({ stream: pieces }, { name: 'f.csv', ...options });
  return { columns: await reader.readAll(), reader };
}

/** Times of columns as an array. */
export function times(columns: CandleColumns): number[] {
  return Array.from(columns.time);
}

/** Data lines of a CSV with every cell read as a number: equal means equal "modulo formatting". */
export function numericLines(text: string): number[][] {
  return text
    .trim()
    .split('\n')
    .slice(1)
    .map((line) => line.split(',').map(Number));
}
