const NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;
const ISO_DATE = /^(\d{4}-\d{2}-\d{2})(?:[T ](\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?))?\s*(Z|[+-]\d{2}:?\d{2})?$/i;

/** A finite number from a decimal cell, or NaN. Hex, blanks, NaN and Infinity are refused. */
export function parseNumber(cell: string, decimalComma = false): number {
  const text = decimalComma ? cell.replace(',', '.') : cell;
  if (!NUMBER.test(text)) return Number.NaN;
  const value = Number(text);
  return Number.isFinite(value) ? value : Number.NaN;
}

/**
 * Unix milliseconds from a time cell, or NaN. Numbers are read by size: seconds (< 10^11,
 * before the year 5138), milliseconds (< 10^14), microseconds (< 10^17, Binance spot since
 * 2025) or nanoseconds. ISO 8601 dates and date-times are read as UTC unless they carry an
 * offset. A time that does not fall on a whole millisecond is refused.
 */
export function parseTime(cell: string): number {
  if (NUMBER.test(cell)) {
    const value = Number(cell);
    if (!Number.isFinite(value) || value < 0) return Number.NaN;
    const ms = value < 1e11 ? value * 1000 : value < 1e14 ? value : value < 1e17 ? value / 1000 : value / 1e6;
    const rounded = Math.round(ms);
    // Seconds written with a fraction (1700000000.5) are fine; sub-millisecond residue is not.
    return Math.abs(ms - rounded) < 1e-6 && Number.isSafeInteger(rounded) ? rounded : Number.NaN;
  }
  const match = ISO_DATE.exec(cell);
  if (!match) return Number.NaN;
  const [, date, time, zone] = match;
  const iso = `${date}T${time ?? '00:00'}${zone ? normaliseZone(zone) : 'Z'}`;
  const ms = Date.parse(iso);
  return Number.isFinite(ms) ? ms : Number.NaN;
}

function normaliseZone(zone: string): string {
  if (zone.toUpperCase() === 'Z') return 'Z';
  return zone.includes(':') ? zone : `${zone.slice(0, 3)}:${zone.slice(3)}`;
}
