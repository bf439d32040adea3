import type { Command } from 'commander';
import { Decimal } from 'decimal.js';
import { existsSync } from 'node:fs';
import { basename } from 'node:path';
import { CandleFileReader } from '../../adapters/files/candle-file-reader.ts';
import { readFundingFile } from '../../adapters/files/funding-file.ts';
import { readStrategyFile } from '../../adapters/files/strategy-file.ts';
import { sliceColumns, type CandleColumns } from '../../engine/data/candle-columns.ts';
import { resolveStrategy, type StrategySpec } from '../../engine/strategy/strategy-registry.ts';
import { parseSizing, type Sizing } from '../../engine/trading/sizing.ts';
import type { VenueConfigInput } from '../../shared/contract/venue-config.ts';
import { ValidationError } from '../../shared/contract/errors.ts';
import type { Timeframe } from '../../shared/values/timeframe.ts';
import { parseInterval, parseTimeOption, collect } from './cli-options.ts';

/** The options of every command that runs a strategy over a candle file. */
export interface BacktestCliOptions {
  data: string;
  interval?: string;
  strategy: string;
  param: string[];
  sizing?: string;
  from?: string;
  to?: string;
  fill?: string;
  intrabar?: string;
  feeBps?: string;
  makerBps?: string;
  takerBps?: string;
  slippageBps?: string;
  capital?: string;
  leverage?: string;
  margin?: string;
  maintenanceMargin?: string;
  lotSize?: string;
  fundingRate?: string;
  funding?: string;
}

/** Adds the data, strategy and simulated-venue options. */
export function withBacktestOptions(command: Command): Command {
  return command
    .requiredOption('--data <file>', 'candle file (any format `data import` reads)')
    .option('--interval <interval>', 'interval of the file (detected when not given)')
    .requiredOption(
      '--strategy <id|file.json>',
      'built-in strategy (sma-cross, ema-cross, confluence) or a strategy file',
    )
    .option('--param <key=value>', 'strategy parameter, repeatable (overrides the strategy file)', collect, [])
    .option('--sizing <rule>', 'all-in or risk:<percent of equity>, e.g. risk:2 (default: the strategy’s)')
    .option('--from <time>', 'first bar to use (ISO 8601 or unix time)')
    .option('--to <time>', 'last bar to use (ISO 8601 or unix time)')
    .option('--fill <mode>', 'when market orders decided at a close fill: next-open (default) or close')
    .option('--intrabar <mode>', 'stop vs take-profit inside a bar: pessimistic (default) or open-proximity')
    .option('--fee-bps <bps>', 'maker and taker fee, in basis points')
    .option('--maker-bps <bps>', 'maker fee in basis points (default 1.5)')
    .option('--taker-bps <bps>', 'taker fee in basis points (default 4.5)')
    .option('--slippage-bps <bps>', 'slippage of taker fills, in basis points (default 0)')
    .option('--capital <amount>', 'starting balance (default 10000)')
    .option('--leverage <x>', 'leverage, a whole number 1..100 (default 1)')
    .option('--margin <mode>', 'cross (default) or isolated')
    .option('--maintenance-margin <rate>', 'maintenance margin rate, a fraction (default 0.0125)')
    .option('--lot-size <size>', 'size step of orders (default 0.00000001)')
    .option('--funding-rate <rate>', 'constant hourly funding rate, a fraction (positive: longs pay)')
    .option('--funding <file>', 'hourly funding rates: Hyperliquid fundingHistory JSON or CSV time,rate');
}

/** A number option: finite, in range, or a clear error naming the option. */
function numberOption(value: string, option: string, min: number, max: number): number {
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n) || n < min || n > max) {
    throw new ValidationError(`${option}: "${value}" is not a number between ${min} and ${max}`);
  }
  return n;
}

/** A decimal option written as plain decimal text. */
function decimalOption(value: string, option: string): string {
  if (!/^-?\d+(\.\d+)?$/.test(value.trim())) throw new ValidationError(`${option}: "${value}" is not a decimal number`);
  return value.trim();
}

function bpsToRate(value: string, option: string): string {
  numberOption(value, option, -10, 100);
  return new Decimal(decimalOption(value, option)).div(10_000).toFixed();
}

/**
 * A `--param` value: JSON when it reads as JSON (numbers, true/false, arrays, objects), a
 * comma-separated list becomes an array, anything else is a string.
 */
export function parseParamValue(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    if (text.includes(',')) return text.split(',').map((part) => parseParamValue(part.trim()));
    return text;
  }
}

/** `--param key=value` options as an object. */
export function parseParams(pairs: readonly string[]): Record<string, unknown> {
  const params: Record<string, unknown> = {};
  for (const pair of pairs) {
    const at = pair.indexOf('=');
    if (at <= 0) throw new ValidationError(`--param: "${pair}" is not key=value`);
    params[pair.slice(0, at).trim()] = parseParamValue(pair.slice(at + 1).trim());
  }
  return params;
}

/** The strategy the options name: a built-in id or a strategy file, with `--param` and `--sizing` on top. */
export async function resolveStrategyOption(options: BacktestCliOptions): Promise<StrategySpec> {
  const sizing: Sizing | undefined = options.sizing === undefined ? undefined : sizingOption(options.sizing);
  const params = parseParams(options.param);
  const fromFile = options.strategy.endsWith('.json') || existsSync(options.strategy);
  if (!fromFile) return resolveStrategy(options.strategy, params, sizing);
  const file = await readStrategyFile(options.strategy);
  return resolveStrategy(file.strategy, { ...file.params, ...params }, sizing ?? file.sizing);
}

function sizingOption(text: string): Sizing {
  try {
    return parseSizing(text);
  } catch (error) {
    throw new ValidationError(`--sizing: ${(error as Error).message}`);
  }
}

/** The simulated venue the options describe; the engine validates the result again. */
export async function venueOption(options: BacktestCliOptions): Promise<VenueConfigInput> {
  if (options.feeBps !== undefined && (options.makerBps !== undefined || options.takerBps !== undefined)) {
    throw new ValidationError('--fee-bps sets both fees; leave out --maker-bps and --taker-bps, or use only those');
  }
  if (options.fundingRate !== undefined && options.funding !== undefined) {
    throw new ValidationError('--funding-rate and --funding both set the funding; use one');
  }
  const venue: Record<string, unknown> = {};
  if (options.capital !== undefined) venue.capital = decimalOption(options.capital, '--capital');
  if (options.feeBps !== undefined) venue.makerFee = venue.takerFee = bpsToRate(options.feeBps, '--fee-bps');
  if (options.makerBps !== undefined) venue.makerFee = bpsToRate(options.makerBps, '--maker-bps');
  if (options.takerBps !== undefined) venue.takerFee = bpsToRate(options.takerBps, '--taker-bps');
  if (options.slippageBps !== undefined)
    venue.slippageBps = numberOption(options.slippageBps, '--slippage-bps', 0, 1000);
  if (options.fill !== undefined) venue.fill = options.fill;
  if (options.intrabar !== undefined) venue.intrabar = options.intrabar;
  if (options.leverage !== undefined) venue.leverage = numberOption(options.leverage, '--leverage', 1, 100);
  if (options.margin !== undefined) venue.marginMode = options.margin;
  if (options.maintenanceMargin !== undefined) {
    venue.maintenanceMarginRate = decimalOption(options.maintenanceMargin, '--maintenance-margin');
  }
  if (options.lotSize !== undefined) venue.lotSize = decimalOption(options.lotSize, '--lot-size');
  if (options.fundingRate !== undefined) {
    venue.funding = { kind: 'constant', ratePerHour: decimalOption(options.fundingRate, '--funding-rate') };
  }
  if (options.funding !== undefined) venue.funding = { kind: 'series', points: await readFundingFile(options.funding) };
  return venue as VenueConfigInput;
}

/** Bars of the `--data` file, cut to `--from`/`--to`. */
export interface LoadedBars {
  readonly bars: CandleColumns;
  readonly interval: Timeframe;
  readonly label: string;
}

/** Reads `--data` (validated row by row) and applies `--from`/`--to`. */
export async function loadBars(options: BacktestCliOptions): Promise<LoadedBars> {
  const reader = new CandleFileReader(options.data, {
    interval: options.interval === undefined ? undefined : parseInterval(options.interval),
  });
  const all = await reader.readAll();
  const label = basename(options.data);
  if (all.length === 0) throw new ValidationError(`${label} has no bars`);
  if (!reader.interval) throw new ValidationError(`${label}: cannot tell its interval; pass --interval`);
  const from = options.from === undefined ? Number.NEGATIVE_INFINITY : parseTimeOption(options.from, '--from');
  const to = options.to === undefined ? Number.POSITIVE_INFINITY : parseTimeOption(options.to, '--to');
  if (from > to) throw new ValidationError('--from is after --to');
  let start = 0;
  while (start < all.length && (all.time[start] as number) < from) start++;
  let end = all.length;
  while (end > start && (all.time[end - 1] as number) > to) end--;
  const bars = sliceColumns(all, start, end);
  if (bars.length === 0) throw new ValidationError(`${label} has no bars between --from and --to`);
  return { bars, interval: reader.interval, label };
}
