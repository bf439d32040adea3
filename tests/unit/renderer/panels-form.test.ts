import { describe, expect, it } from 'vitest';
import { Commands } from '../../../src/shared/contract/commands.ts';
import {
  bpsToRate,
  initialFormValues,
  paramField,
  validateForm,
  withStrategy,
  type StrategyFormValues,
} from '../../../src/renderer/src/panels/strategy-form-model.ts';

const form = (patch: Partial<StrategyFormValues> = {}): StrategyFormValues => ({ ...initialFormValues(), ...patch });

describe('panels: strategy form', () => {
  it('builds a request the contract accepts from the defaults', () => {
    const result = validateForm(form());
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.strategy).toEqual({
      id: 'sma-cross',
      params: { fast: 10, slow: 20, mode: 'flip' },
      sizing: 'all-in',
    });
    expect(result.venue).toEqual({ capital: '10000', takerFee: '0.00045', makerFee: '0.00015' });
    const request = { seriesId: 's', strategy: result.strategy, venue: result.venue, speed: 10 };
    expect(Commands.StartReplay.request.safeParse(request).success).toBe(true);
  });

  it('names each bad field with a message and sends nothing', () => {
    const result = validateForm(
      form({ params: { fast: 'ten', slow: '20' }, capital: '0', takerFeeBps: '500', makerFeeBps: '' }),
    );
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.errors[paramField('fast')]).toBe('Fast period must be a number');
    expect(result.errors.capital).toBe('Capital must be at least 0.01');
    expect(result.errors.takerFeeBps).toBe('Taker fee must be at most 100');
    expect(result.errors.makerFeeBps).toBe('Maker fee is required');
  });

  it('checks fast < slow, whole periods and the risk percent', () => {
    const crossed = validateForm(form({ params: { fast: '30', slow: '20' } }));
    expect(!crossed.ok && crossed.errors[paramField('fast')]).toBe('Fast period must be shorter than the slow period');
    const fractional = validateForm(form({ params: { fast: '2.5', slow: '20' } }));
    expect(!fractional.ok && fractional.errors[paramField('fast')]).toBe('Fast period must be a whole number');
    const risk0 = validateForm(form({ sizing: 'risk', riskPercent: '0' }));
    expect(!risk0.ok && risk0.errors.riskPercent).toBe('Risk per trade must be above 0');
    const risk = validateForm(form({ sizing: 'risk', riskPercent: '1.5' }));
    expect(risk.ok && risk.strategy.sizing).toBe('risk:1.5');
  });

  it('switches strategy with that strategy’s defaults', () => {
    const values = withStrategy(form(), 'confluence');
    expect(values.params).toEqual({ minScore: '0.65', rewardRisk: '2', stopBufferAtr: '0.1' });
    const result = validateForm(values);
    expect(result.ok && result.strategy.params).toEqual({ minScore: 0.65, rewardRisk: 2, stopBufferAtr: 0.1 });
    const bad = validateForm({ ...values, params: { ...values.params, minScore: '1.5' } });
    expect(!bad.ok && bad.errors[paramField('minScore')]).toBe('Min score must be at most 1');
  });

  it('converts basis points to exact decimal strings', () => {
    expect(bpsToRate(4.5)).toBe('0.00045');
    expect(bpsToRate(0.001)).toBe('0.0000001');
    expect(bpsToRate(-1)).toBe('-0.0001');
  });
});
