import { basename } from 'node:path';
import { z } from 'zod';
import { ValidationError } from '../../shared/contract/errors.ts';
import { parseOrThrow } from '../../shared/contract/validation.ts';
import { DecimalStringSchema } from '../../shared/values/decimal-values.ts';
import { parseTime } from './parse-cells.ts';
import { parseJsonFile, readSmallFile } from './read-small-file.ts';

/** Largest funding file read (several years of hourly rates fit in a few MB). */
const MAX_BYTES = 64 << 20;

/** One hourly funding rate: time (unix ms) and rate per hour as a decimal string. */
export interface FundingPoint {
  readonly time: number;
  readonly rate: string;
}

const JsonPointSchema = z.union([
  z.object({ time: z.union([z.number(), z.string()]), fundingRate: DecimalStringSchema }).loose(),
  z.object({ time: z.union([z.number(), z.string()]), rate: DecimalStringSchema }).loose(),
]);

function point(time: string, rate: string, where: string): FundingPoint {
  const ms = parseTime(time.trim());
  if (Number.isNaN(ms)) throw new ValidationError(`${where}: "${time}" is not a time`);
  const r = rate.trim();
  if (!DecimalStringSchema.safeParse(r).success) throw new ValidationError(`${where}: "${rate}" is not a decimal rate`);
  return { time: ms, rate: r };
}

/**
 * Reads a funding series: either Hyperliquid's `fundingHistory` JSON (`[{time, fundingRate}]`)
 * or a CSV with a header naming a time column and a `rate` (or `fundingRate`) column. Rows
 * are sorted by time; duplicate times are errors.
 */
export async function readFundingFile(path: string): Promise<FundingPoint[]> {
  const name = basename(path);
  const text = await readSmallFile(path, 'funding file', MAX_BYTES);
  const points: FundingPoint[] = [];
  if (text.trimStart().startsWith('[')) {
    const json = parseJsonFile(text, path, 'funding file');
    const rows = parseOrThrow(z.array(JsonPointSchema), json, `funding file ${name}`);
    rows.forEach((row, i) => {
      const rate = 'fundingRate' in row ? String(row.fundingRate) : String(row.rate);
      points.push(point(String(row.time), rate, `funding file ${name}, entry ${i + 1}`));
    });
  } else {
    const lines = text.split(/\r?\n/).filter((l) => l.trim() !== '');
    const header = (lines[0] ?? '').split(',').map((h) => h.trim().toLowerCase());
    const timeAt = header.findIndex((h) => h === 'time' || h === 'timestamp' || h === 'date');
    const rateAt = header.findIndex((h) => h === 'rate' || h === 'fundingrate' || h === 'funding_rate');
    if (timeAt < 0 || rateAt < 0) {
      throw new ValidationError(`funding file ${name}: the header must name a time column and a rate column`);
    }
    for (let i = 1; i < lines.length; i++) {
      const cells = (lines[i] as string).split(',');
      points.push(point(cells[timeAt] ?? '', cells[rateAt] ?? '', `funding file ${name}, line ${i + 1}`));
    }
  }
  if (points.length === 0) throw new ValidationError(`funding file ${name} has no rates`);
  points.sort((a, b) => a.time - b.time);
  for (let i = 1; i < points.length; i++) {
    if ((points[i] as FundingPoint).time === (points[i - 1] as FundingPoint).time) {
      throw new ValidationError(
        `funding file ${name}: two rates at ${new Date((points[i] as FundingPoint).time).toISOString()}`,
      );
    }
  }
  return points;
}
