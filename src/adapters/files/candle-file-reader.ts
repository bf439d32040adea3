import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { basename } from 'node:path';
import { CandleColumnsBuilder, type CandleColumns } from '../../engine/data/candle-columns.ts';
import { detectInterval } from '../../engine/data/detect-interval.ts';
import { ValidationError } from '../../shared/contract/errors.ts';
import type { Timeframe } from '../../shared/values/timeframe.ts';
import { cleanCell, detectCsvLayout, type CandleFileKind, type CsvLayout } from './candle-file-layout.ts';
import { JsonArrayScanner } from './json-array-scanner.ts';
import { parseNumber, parseTime } from './parse-cells.ts';
import { RowValidator } from './row-validator.ts';

/** Progress of a read, reported about once per megabyte. */
export interface ReadProgress {
  readonly bytes: number;
  /** Null when the size is unknown (a stream). */
  readonly totalBytes: number | null;
  readonly rows: number;
  readonly skipped: number;
}

/** Options for {@link CandleFileReader}. */
export interface CandleFileReaderOptions {
  /** The interval the bars must follow. Without it, it is detected from the first bars. */
  readonly interval?: Timeframe | undefined;
  /** Skip bad rows (each reported through `onSkip`) instead of refusing the whole file. */
  readonly skipBad?: boolean | undefined;
  /** Told of each skipped row: its line number (entry number in JSON files) and why. */
  readonly onSkip?: ((line: number, reason: string, unit: 'line' | 'entry') => void) | undefined;
  readonly onProgress?: ((progress: ReadProgress) => void) | undefined;
  /** Bars per emitted batch. */
  readonly batchSize?: number | undefined;
  /** Longest line accepted; longer means this is not a candle file (and protects memory). */
  readonly maxLineLength?: number | undefined;
  /** Name used in messages; defaults to the file's base name (never the full path). */
  readonly name?: string | undefined;
}

/** Where the bytes come from: a file path, or any stream of text or bytes (tests, stdin). */
export type CandleFileSource =
  | string
  | { readonly stream: AsyncIterable<Buffer | string> | Iterable<Buffer | string>; readonly totalBytes?: number };

const DETECT_ROWS = 1000;
const PROGRESS_EVERY = 1 << 20;

/**
 * Streams candles out of a CSV or JSON file in batches, in bounded memory whatever the file
 * size. The format is detected (see {@link CandleFileKind}); every row is validated with its
 * line number (entry number in JSON). By default the first bad row refuses the whole file;
 * with `skipBad`, bad rows are reported one by one and left out.
 *
 * After the batches are consumed, `format`, `interval`, `rows`, `skipped` and
 * `volumeMissing` describe what was read.
 */
export class CandleFileReader {
  format: CandleFileKind | null = null;
  interval: Timeframe | null;
  rows = 0;
  skipped = 0;
  /** True when the file had no volume column (volume was read as 0). */
  volumeMissing = false;

  private readonly source: CandleFileSource;
  private readonly options: CandleFileReaderOptions;
  private readonly name: string;
  private readonly validator: RowValidator;
  private readonly builder: CandleColumnsBuilder;
  private readonly batchSize: number;
  /** Rows held back until the interval is known, with their line numbers. */
  private pendingDetection: { line: number; row: number[] }[] | null;

  constructor(source: CandleFileSource, options: CandleFileReaderOptions = {}) {
    this.source = source;
    this.options = options;
    this.name = options.name ?? (typeof source === 'string' ? basename(source) : 'input');
    this.interval = options.interval ?? null;
    this.validator = new RowValidator(this.interval);
    this.batchSize = options.batchSize ?? 8192;
    this.builder = new CandleColumnsBuilder(this.batchSize);
    this.pendingDetection = options.interval ? null : [];
  }

  /** The bars, batch by batch, in ascending time. */
  async *batches(): AsyncGenerator<CandleColumns> {
    const { stream, totalBytes } = await this.open();
    const decoder = new TextDecoder('utf-8');
    const maxLine = this.options.maxLineLength ?? 65_536;
    let bytes = 0;
    let nextProgress = PROGRESS_EVERY;
    let carry = '';
    let line = 0;
    let mode: 'unknown' | 'csv' | 'json' = 'unknown';
    let layout: CsvLayout | null = null;
    const json = new JsonArrayScanner(maxLine);

    const handleLine = (text: string): void => {
      line++;
      if (text.length > maxLine) {
        throw new ValidationError(
          `${this.name}: line ${line} is longer than ${maxLine} characters: this is not a candle file`,
        );
      }
      const trimmed = text.trim();
      if (trimmed === '') return;
      if (!layout) {
        layout = detectCsvLayout(trimmed, this.name);
        this.format = layout.kind;
        this.volumeMissing = layout.volume === null;
        if (layout.hasHeader) return;
      }
      this.csvRow(trimmed, layout, line);
    };

    for await (const chunk of stream) {
      const text = typeof chunk === 'string' ? chunk : decoder.decode(chunk, { stream: true });
      bytes += typeof chunk === 'string' ? Buffer.byteLength(chunk) : chunk.length;
      let data = text;
      if (mode === 'unknown') {
        data = (carry + data).replace(/^\uFEFF/, '');
        carry = '';
        const first = data.trimStart()[0];
        if (first === undefined) {
          carry = data;
          continue;
        }
        mode = first === '[' ? 'json' : 'csv';
        if (mode === 'json') this.format = 'freqtrade';
      }
      if (mode === 'json') {
        try {
          json.push(data, (element, index) => this.jsonRow(element, index));
        } catch (error) {
          throw this.named(error);
        }
      } else {
        data = carry + data;
        let start = 0;
        for (let nl = data.indexOf('\n', start); nl >= 0; nl = data.indexOf('\n', start)) {
          handleLine(data.slice(start, nl));
          start = nl + 1;
          if (this.builder.length >= this.batchSize) yield this.takeBatch();
        }
        carry = data.slice(start);
        if (carry.length > maxLine) {
          throw new ValidationError(
            `${this.name}: line ${line + 1} is longer than ${maxLine} characters: this is not a candle file`,
          );
        }
      }
      if (this.builder.length >= this.batchSize) yield this.takeBatch();
      if (bytes >= nextProgress) {
        nextProgress = bytes + PROGRESS_EVERY;
        this.options.onProgress?.({ bytes, totalBytes, rows: this.rows, skipped: this.skipped });
      }
    }
    if (mode === 'csv') {
      const rest = carry + decoder.decode();
      if (rest.trim() !== '') handleLine(rest);
    } else if (mode === 'json') {
      try {
        json.end();
      } catch (error) {
        throw this.named(error);
      }
    }
    this.flushDetection();
    if (this.builder.length > 0) yield this.takeBatch();
    this.options.onProgress?.({ bytes, totalBytes, rows: this.rows, skipped: this.skipped });
    if (mode === 'unknown') throw new ValidationError(`${this.name}: the file is empty`);
    if (this.rows === 0) {
      throw new ValidationError(
        this.skipped > 0
          ? `${this.name}: every row was bad; nothing to import`
          : `${this.name}: the file has no candles`,
      );
    }
  }

  /** Reads everything into one set of columns (for files that fit in memory). */
  async readAll(): Promise<CandleColumns> {
    const all = new CandleColumnsBuilder(this.batchSize);
    for await (const batch of this.batches()) all.append(batch);
    return all.view();
  }

  private async open(): Promise<{
    stream: AsyncIterable<Buffer | string> | Iterable<Buffer | string>;
    totalBytes: number | null;
  }> {
    if (typeof this.source !== 'string')
      return { stream: this.source.stream, totalBytes: this.source.totalBytes ?? null };
    const info = await stat(this.source).catch(() => null);
    if (!info) throw new ValidationError(`${this.name}: the file does not exist`);
    if (!info.isFile()) throw new ValidationError(`${this.name}: not a regular file`);
    return { stream: createReadStream(this.source, { highWaterMark: PROGRESS_EVERY }), totalBytes: info.size };
  }

  private csvRow(text: string, layout: CsvLayout, line: number): void {
    const cells = text.split(layout.delimiter);
    if (cells.length !== layout.width) {
      this.reject(line, `expected ${layout.width} columns, found ${cells.length}`);
      return;
    }
    const cell = (i: number) => cleanCell(cells[i] as string);
    const volume = layout.volume === null ? 0 : parseNumber(cell(layout.volume), layout.decimalComma);
    this.row(line, [
      parseTime(cell(layout.time)),
      parseNumber(cell(layout.open), layout.decimalComma),
      parseNumber(cell(layout.high), layout.decimalComma),
      parseNumber(cell(layout.low), layout.decimalComma),
      parseNumber(cell(layout.close), layout.decimalComma),
      volume,
    ]);
  }

  private jsonRow(element: unknown, index: number): void {
    let row: number[] | null = null;
    if (Array.isArray(element) && element.length >= 6) {
      row = [parseJsonTime(element[0]), ...element.slice(1, 6).map(parseJsonNumber)];
    } else if (element !== null && typeof element === 'object' && !Array.isArray(element)) {
      const o = element as Record<string, unknown>;
      this.format = 'hyperliquid';
      row = [parseJsonTime(o.t), ...[o.o, o.h, o.l, o.c, o.v].map(parseJsonNumber)];
    }
    if (!row) {
      this.reject(index, 'expected [time, open, high, low, close, volume] or {t, o, h, l, c, v}');
      return;
    }
    this.row(index, row);
  }

  private row(line: number, row: number[]): void {
    if (this.pendingDetection) {
      this.pendingDetection.push({ line, row });
      if (this.pendingDetection.length >= DETECT_ROWS) this.flushDetection();
      return;
    }
    this.accept(line, row);
  }

  private flushDetection(): void {
    const pending = this.pendingDetection;
    if (!pending) return;
    this.pendingDetection = null;
    this.interval = detectInterval(pending.map((p) => p.row[0] as number).filter((t) => Number.isFinite(t)));
    this.validator.setInterval(this.interval);
    for (const { line, row } of pending) this.accept(line, row);
  }

  private accept(line: number, row: number[]): void {
    const [t, o, h, l, c, v] = row as [number, number, number, number, number, number];
    const reason = this.validator.check(t, o, h, l, c, v);
    if (reason) {
      this.reject(line, reason);
      return;
    }
    this.builder.push(t, o, h, l, c, v);
    this.rows++;
  }

  private reject(line: number, reason: string): void {
    const unit = this.format === 'freqtrade' || this.format === 'hyperliquid' ? 'entry' : 'line';
    if (!this.options.skipBad) throw new ValidationError(`${this.name}: ${unit} ${line}: ${reason}`);
    this.skipped++;
    this.options.onSkip?.(line, reason, unit);
  }

  /** A scanner error, prefixed with the file name (row errors already carry it). */
  private named(error: unknown): unknown {
    if (error instanceof ValidationError && !error.message.startsWith(`${this.name}:`)) {
      return new ValidationError(`${this.name}: ${error.message}`);
    }
    return error;
  }

  private takeBatch(): CandleColumns {
    const view = this.builder.view();
    const copy = new CandleColumnsBuilder(view.length);
    copy.append(view);
    this.builder.clear();
    return copy.view();
  }
}

function parseJsonNumber(value: unknown): number {
  if (typeof value === 'number') return Number.isFinite(value) ? value : Number.NaN;
  return typeof value === 'string' ? parseNumber(value) : Number.NaN;
}

function parseJsonTime(value: unknown): number {
  if (typeof value === 'number') return parseTime(String(value));
  return typeof value === 'string' ? parseTime(value) : Number.NaN;
}
