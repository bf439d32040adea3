import { Decimal } from 'decimal.js';

/**
 * The strategy form shared by the backtest and replay panels, as plain data: what the user
 * typed (strings), the checks run before anything is sent, and the request fragments built
 * from a valid form. Pure, so it is unit-tested without a DOM.
 */

/** Strategies the panels offer. */
export const STRATEGY_IDS = ['sma-cross', 'ema-cross', 'confluence'] as const;
/** One of {@link STRATEGY_IDS}. */
export type StrategyId = (typeof STRATEGY_IDS)[number];

/** A numeric parameter of a strategy and its range (the engine checks it again). */
export interface ParamSpec {
  readonly key: string;
  readonly label: string;
  readonly min: number;
  readonly max: number;
  readonly integer: boolean;
  readonly step: number;
  readonly defaultValue: number;
  readonly hint?: string;
}

const MA_PARAMS: readonly ParamSpec[] = [
  { key: 'fast', label: 'Fast period', min: 1, max: 100_000, integer: true, step: 1, defaultValue: 10 },
  { key: 'slow', label: 'Slow period', min: 1, max: 100_000, integer: true, step: 1, defaultValue: 20 },
];

/** The main numeric parameters of each strategy. */
export const STRATEGY_PARAMS: Readonly<Record<StrategyId, readonly ParamSpec[]>> = {
  'sma-cross': MA_PARAMS,
  'ema-cross': MA_PARAMS,
  confluence: [
    { key: 'minScore', label: 'Min score', min: 0, max: 1, integer: false, step: 0.05, defaultValue: 0.65 },
    { key: 'rewardRisk', label: 'Reward : risk', min: 0.2, max: 50, integer: false, step: 0.1, defaultValue: 2 },
    {
      key: 'stopBufferAtr',
      label: 'Stop buffer (ATR)',
      min: 0,
      max: 10,
      integer: false,
      step: 0.05,
      defaultValue: 0.1,
    },
  ],
};

/** Human names of the strategies. */
export const STRATEGY_LABELS: Readonly<Record<StrategyId, string>> = {
  'sma-cross': 'SMA cross',
  'ema-cross': 'EMA cross',
  confluence: 'Confluence setups',
};

/** What the user typed. Numbers stay strings until validated, so a half-typed value is kept. */
export interface StrategyFormValues {
  readonly strategy: StrategyId;
  /** Parameter values by key, for the selected strategy. */
  readonly params: Readonly<Record<string, string>>;
  /** Moving-average strategies only: `flip` (long and short) or `long-only`. */
  readonly mode: 'flip' | 'long-only';
  readonly sizing: 'all-in' | 'risk';
  /** Percent of equity risked per trade, when sizing is `risk`. */
  readonly riskPercent: string;
  /** Starting capital in quote currency. */
  readonly capital: string;
  /** Taker fee in basis points. */
  readonly takerFeeBps: string;
  /** Maker fee in basis points. */
  readonly makerFeeBps: string;
}

/** Default values of a strategy's parameters, as strings for the inputs. */
export function defaultParams(strategy: StrategyId): Record<string, string> {
  return Object.fromEntries(STRATEGY_PARAMS[strategy].map((p) => [p.key, String(p.defaultValue)]));
}

/** A fresh form: sma-cross 10/20, all-in, 10 000 capital, Hyperliquid's base fees. */
export function initialFormValues(strategy: StrategyId = 'sma-cross'): StrategyFormValues {
  return {
    strategy,
    params: defaultParams(strategy),
    mode: 'flip',
    sizing: 'all-in',
    riskPercent: '1',
    capital: '10000',
    takerFeeBps: '4.5',
    makerFeeBps: '1.5',
  };
}

/** Switches strategy, resetting the parameters to the new one's defaults. */
export function withStrategy(values: StrategyFormValues, strategy: StrategyId): StrategyFormValues {
  return { ...values, strategy, params: defaultParams(strategy) };
}

/** The strategy choice of the contract (`StartReplay.strategy`, `RunBacktest.strategy`). */
export interface StrategyChoice {
  readonly id: string;
  readonly params: Record<string, unknown>;
  readonly sizing: string;
}

/** The venue fields the form sets (decimal strings, as the contract wants). */
export interface VenueChoice {
  readonly capital: string;
  readonly takerFee: string;
  readonly makerFee: string;
}

/** Field name → message, for the fields that are wrong. */
export type FormErrors = Readonly<Record<string, string>>;

/** The outcome of {@link validateForm}. */
export type FormResult =
  | { readonly ok: true; readonly strategy: StrategyChoice; readonly venue: VenueChoice }
  | { readonly ok: false; readonly errors: FormErrors };

/** Field id of a parameter in {@link FormErrors}. */
export function paramField(key: string): string {
  return `param.${key}`;
}

const NUMBER = /^\s*[-+]?(\d+(\.\d*)?|\.\d+)\s*$/;

function readNumber(text: string): number | null {
  return NUMBER.test(text) ? Number(text) : null;
}

function checkRange(
  text: string,
  label: string,
  min: number,
  max: number,
  integer: boolean,
  exclusiveMin = false,
): { value: number } | { error: string } {
  if (text.trim() === '') return { error: `${label} is required` };
  const value = readNumber(text);
  if (value === null || !Number.isFinite(value)) return { error: `${label} must be a number` };
  if (integer && !Number.isInteger(value)) return { error: `${label} must be a whole number` };
  if (exclusiveMin ? value <= min : value < min) {
    return { error: `${label} must be ${exclusiveMin ? 'above' : 'at least'} ${min}` };
  }
  if (value > max) return { error: `${label} must be at most ${max.toLocaleString('en-US')}` };
  return { value };
}

/** Basis points → the fraction the venue config takes, as an exact decimal string. */
export function bpsToRate(bps: number): string {
  return new Decimal(bps).div(10_000).toFixed();
}

/**
 * Checks every field and builds the request fragments. Nothing is sent unless this says ok;
 * the engine validates again (and its message is shown if it disagrees).
 */
export function validateForm(values: StrategyFormValues): FormResult {
  const errors: Record<string, string> = {};
  const params: Record<string, unknown> = {};
  for (const spec of STRATEGY_PARAMS[values.strategy]) {
    const result = checkRange(values.params[spec.key] ?? '', spec.label, spec.min, spec.max, spec.integer);
    if ('error' in result) errors[paramField(spec.key)] = result.error;
    else params[spec.key] = result.value;
  }
  if (values.strategy === 'sma-cross' || values.strategy === 'ema-cross') {
    const { fast, slow } = params;
    if (typeof fast === 'number' && typeof slow === 'number' && fast >= slow) {
      errors[paramField('fast')] = 'Fast period must be shorter than the slow period';
    }
    params.mode = values.mode;
  }
  let sizing = 'all-in';
  if (values.sizing === 'risk') {
    const risk = checkRange(values.riskPercent, 'Risk per trade', 0, 100, false, true);
    if ('error' in risk) errors.riskPercent = risk.error;
    else sizing = `risk:${risk.value}`;
  }
  const capital = checkRange(values.capital, 'Capital', 0.01, 1e15, false);
  if ('error' in capital) errors.capital = capital.error;
  const taker = checkRange(values.takerFeeBps, 'Taker fee', -10, 100, false);
  if ('error' in taker) errors.takerFeeBps = taker.error;
  const maker = checkRange(values.makerFeeBps, 'Maker fee', -10, 100, false);
  if ('error' in maker) errors.makerFeeBps = maker.error;
  if (Object.keys(errors).length > 0 || 'error' in capital || 'error' in taker || 'error' in maker) {
    return { ok: false, errors };
  }
  return {
    ok: true,
    strategy: { id: values.strategy, params, sizing },
    venue: {
      capital: new Decimal(capital.value).toFixed(),
      takerFee: bpsToRate(taker.value),
      makerFee: bpsToRate(maker.value),
    },
  };
}
