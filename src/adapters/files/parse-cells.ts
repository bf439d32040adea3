const NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;
const ISO_DATE =
  /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?)?\s*(Z|[+-]\d{2}:?\d{2})?$/i;

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
 * offset; impossible dates (February 30th, 24:00) are refused rather than rolled over. A
 * time that does not fall on a whole millisecond is refused.
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
  const m = ISO_DATE.exec(cell);
  if (!m) return Number.NaN;
  const [year, month, day, hour = 0, minute = 0, second = 0] = [m[1], m[2], m[3], m[4], m[5], m[6]].map((p) =>
    p === undefined ? undefined : Number(p),
  ) as [number, number, number, number?, number?, number?];
  const fraction = m[7] ?? '';
  if (/[1-9]/.test(fraction.slice(3))) return Number.NaN;
  const millis = Number(fraction.slice(0, 3).padEnd(3, '0'));
  if (month < 1 || month > 12 || day < 1 || day > new Date(Date.UTC(year, month, 0)).getUTCDate()) return Number.NaN;
  if (hour > 23 || minute > 59 || second > 59) return Number.NaN;
  return Date.UTC(year, month - 1, day, hour, minute, second, millis) - zoneOffsetMs(m[8]);
}

function zoneOffsetMs(zone: string | undefined): number {
  if (zone === undefined || zone.toUpperCase() === 'Z') return 0;
  const sign = zone.startsWith('-') ? -1 : 1;
  const digits = zone.slice(1).replace(':', '');
  return sign * (Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2, 4))) * 60_000;
}
