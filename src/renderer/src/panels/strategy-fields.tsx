import type { ReactNode } from 'react';
import {
  STRATEGY_IDS,
  STRATEGY_LABELS,
  STRATEGY_PARAMS,
  paramField,
  withStrategy,
  type FormErrors,
  type StrategyFormValues,
  type StrategyId,
} from './strategy-form-model.ts';

/** Props of {@link StrategyFields}. */
export interface StrategyFieldsProps {
  /** Prefix of the element ids: two forms can be on the page at once. */
  readonly idPrefix: string;
  readonly values: StrategyFormValues;
  readonly errors: FormErrors;
  readonly disabled?: boolean;
  readonly onChange: (values: StrategyFormValues) => void;
}

/** A labelled input with its inline error, tied by `aria-describedby`. */
function Field({
  id,
  label,
  error,
  children,
}: {
  readonly id: string;
  readonly label: string;
  readonly error: string | undefined;
  readonly children: (props: { id: string; 'aria-invalid': boolean; 'aria-describedby'?: string }) => ReactNode;
}) {
  const errorId = `${id}-error`;
  return (
    <div className={`field${error ? ' field-invalid' : ''}`}>
      <label htmlFor={id}>{label}</label>
      {children({ id, 'aria-invalid': Boolean(error), ...(error ? { 'aria-describedby': errorId } : {}) })}
      {error && (
        <span className="field-error" id={errorId} data-testid="field-error">
          {error}
        </span>
      )}
    </div>
  );
}

/**
 * Strategy, its main parameters, sizing, capital and fees: the form of the backtest and the
 * replay panels. Values stay strings; {@link validateForm} checks them before sending.
 */
export function StrategyFields({ idPrefix, values, errors, disabled = false, onChange }: StrategyFieldsProps) {
  const id = (name: string) => `${idPrefix}-${name.replace('.', '-')}`;
  const set = (patch: Partial<StrategyFormValues>) => onChange({ ...values, ...patch });
  const isMa = values.strategy === 'sma-cross' || values.strategy === 'ema-cross';
  return (
    <fieldset className="strategy-fields" disabled={disabled}>
      <legend className="visually-hidden">Strategy</legend>
      <Field id={id('strategy')} label="Strategy" error={errors.strategy}>
        {(props) => (
          <select
            {...props}
            name="strategy"
            value={values.strategy}
            onChange={(e) => onChange(withStrategy(values, e.target.value as StrategyId))}
          >
            {STRATEGY_IDS.map((s) => (
              <option key={s} value={s}>
                {STRATEGY_LABELS[s]}
              </option>
            ))}
          </select>
        )}
      </Field>
      <div className="field-row">
        {STRATEGY_PARAMS[values.strategy].map((spec) => (
          <Field key={spec.key} id={id(paramField(spec.key))} label={spec.label} error={errors[paramField(spec.key)]}>
            {(props) => (
              <input
                {...props}
                name={spec.key}
                type="text"
                inputMode={spec.integer ? 'numeric' : 'decimal'}
                autoComplete="off"
                value={values.params[spec.key] ?? ''}
                onChange={(e) => set({ params: { ...values.params, [spec.key]: e.target.value } })}
              />
            )}
          </Field>
        ))}
      </div>
      {isMa && (
        <Field id={id('mode')} label="Direction" error={errors.mode}>
          {(props) => (
            <select
              {...props}
              name="mode"
              value={values.mode}
              onChange={(e) => set({ mode: e.target.value === 'long-only' ? 'long-only' : 'flip' })}
            >
              <option value="flip">Long and short</option>
              <option value="long-only">Long only</option>
            </select>
          )}
        </Field>
      )}
      <div className="field-row">
        <Field id={id('sizing')} label="Sizing" error={errors.sizing}>
          {(props) => (
            <select
              {...props}
              name="sizing"
              value={values.sizing}
              onChange={(e) => set({ sizing: e.target.value === 'risk' ? 'risk' : 'all-in' })}
            >
              <option value="all-in">All-in</option>
              <option value="risk">Risk % per trade</option>
            </select>
          )}
        </Field>
        {values.sizing === 'risk' && (
          <Field id={id('riskPercent')} label="Risk %" error={errors.riskPercent}>
            {(props) => (
              <input
                {...props}
                name="riskPercent"
                type="text"
                inputMode="decimal"
                autoComplete="off"
                value={values.riskPercent}
                onChange={(e) => set({ riskPercent: e.target.value })}
              />
            )}
          </Field>
        )}
      </div>
      <div className="field-row">
        <Field id={id('capital')} label="Capital" error={errors.capital}>
          {(props) => (
            <input
              {...props}
              name="capital"
              type="text"
              inputMode="decimal"
              autoComplete="off"
              value={values.capital}
              onChange={(e) => set({ capital: e.target.value })}
            />
          )}
        </Field>
        <Field id={id('takerFeeBps')} label="Taker fee (bps)" error={errors.takerFeeBps}>
          {(props) => (
            <input
              {...props}
              name="takerFeeBps"
              type="text"
              inputMode="decimal"
              autoComplete="off"
              value={values.takerFeeBps}
              onChange={(e) => set({ takerFeeBps: e.target.value })}
            />
          )}
        </Field>
        <Field id={id('makerFeeBps')} label="Maker fee (bps)" error={errors.makerFeeBps}>
          {(props) => (
            <input
              {...props}
              name="makerFeeBps"
              type="text"
              inputMode="decimal"
              autoComplete="off"
              value={values.makerFeeBps}
              onChange={(e) => set({ makerFeeBps: e.target.value })}
            />
          )}
        </Field>
      </div>
    </fieldset>
  );
}
