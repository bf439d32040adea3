import { ValidationError } from '../../shared/contract/errors.ts';

/** The file formats the importer recognises. */
export type CandleFileKind =
  | 'hyperdesk' // time,open,high,low,close,volume
  | 'tradingview' // TradingView chart export: time,open,high,low,close[,Volume][,indicator columns…]
  | 'csv' // any other CSV with recognisable column names
  | 'binance' // Binance kline CSV: no header, 12 columns, open time first
  | 'headerless' // no header, 6 columns in our order
  | 'freqtrade' // JSON [[ms, o, h, l, c, v], …]
  | 'hyperliquid'; // JSON [{t, o, h, l, c, v, …}, …] as candleSnapshot returns it

/** Where each field is in a CSV row, and how the file is written. */
export interface CsvLayout {
  readonly kind: CandleFileKind;
  readonly delimiter: ',' | ';';
  readonly hasHeader: boolean;
  /** `1,5` means 1.5 (only with `;` as the delimiter). */
  readonly decimalComma: boolean;
  readonly time: number;
  readonly open: number;
  readonly high: number;
  readonly low: number;
  readonly close: number;
  /** Null when the file has no volume column: volume is then 0, and the import says so. */
  readonly volume: number | null;
  /** Cells every data row must have: as many as the header (or 12 for Binance, 6 without a header). */
  readonly width: number;
}

const NAMES: Readonly<Record<'time' | 'open' | 'high' | 'low' | 'close' | 'volume', readonly string[]>> = {
  time: ['time', 'timestamp', 'date', 'datetime', 'date/time', 'open time', 'open_time', 'opentime', 'unix', 't'],
  open: ['open', 'o'],
  high: ['high', 'h'],
  low: ['low', 'l'],
  close: ['close', 'c'],
  volume: ['volume', 'vol', 'v'],
};

/** Removes surrounding quotes and blanks from a CSV cell. */
export function cleanCell(cell: string): string {
  const trimmed = cell.trim();
  return trimmed.length >= 2 && trimmed.startsWith('"') && trimmed.endsWith('"')
    ? trimmed.slice(1, -1).trim()
    : trimmed;
}

function looksNumeric(cell: string): boolean {
  return /^[+-]?(\d+([.,]\d*)?|[.,]\d+)([eE][+-]?\d+)?$/.test(cell);
}

function looksLikeTime(cell: string): boolean {
  return looksNumeric(cell) || /^\d{4}-\d{2}-\d{2}/.test(cell);
}

/**
 * Works out the layout of a CSV candle file from its first line (and the second, for files
 * without a header). Throws a ValidationError that says what was expected.
 */
export function detectCsvLayout(firstLine: string, name: string): CsvLayout {
  // On a tie, `;`: a semicolon file with decimal commas has as many commas as semicolons.
  const semicolons = firstLine.match(/;/g)?.length ?? 0;
  const delimiter = semicolons > 0 && semicolons >= (firstLine.match(/,/g)?.length ?? 0) ? ';' : ',';
  const cells = firstLine.split(delimiter).map(cleanCell);
  const decimalComma = delimiter === ';';
  const isHeader = !looksLikeTime(cells[0] ?? '') || cells.slice(1).some((c) => c !== '' && !looksNumeric(c));
  if (!isHeader) {
    // Without a header, the first six columns are time, open, high, low, close, volume:
    // our own order, and Binance's kline order (which adds six more).
    const kind = cells.length === 12 ? 'binance' : cells.length === 6 ? 'headerless' : null;
    if (kind) {
      const positions = { time: 0, open: 1, high: 2, low: 3, close: 4, volume: 5 };
      return { kind, delimiter, hasHeader: false, decimalComma, ...positions, width: cells.length };
    }
    throw new ValidationError(
      `${name}: line 1: a file without a header must have 6 columns (time,open,high,low,close,volume) or 12 (Binance klines); found ${cells.length}`,
    );
  }
  const lower = cells.map((c) => c.toLowerCase());
  const find = (field: keyof typeof NAMES) => {
    const exact = lower.findIndex((c) => NAMES[field].includes(c));
    // "Volume (BTC)" and similar: the first column whose name starts with "volume".
    return exact >= 0 || field !== 'volume' ? exact : lower.findIndex((c) => c.startsWith('volume'));
  };
  const index = { time: find('time'), open: find('open'), high: find('high'), low: find('low'), close: find('close') };
  const missing = Object.entries(index)
    .filter(([, i]) => i < 0)
    .map(([field]) => field);
  if (missing.length > 0) {
    throw new ValidationError(
      `${name}: line 1: the header has no ${missing.join(', ')} column (expected e.g. "time,open,high,low,close,volume")`,
    );
  }
  const volumeIndex = find('volume');
  const volume = volumeIndex >= 0 ? volumeIndex : null;
  const ours = lower.join(',') === 'time,open,high,low,close,volume';
  const tradingView =
    !ours && lower[0] === 'time' && index.open === 1 && index.high === 2 && index.low === 3 && index.close === 4;
  return {
    kind: ours ? 'hyperdesk' : tradingView ? 'tradingview' : 'csv',
    delimiter,
    hasHeader: true,
    decimalComma,
    ...index,
    volume,
    width: cells.length,
  };
}
