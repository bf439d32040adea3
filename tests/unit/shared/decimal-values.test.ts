import { Decimal } from 'decimal.js';
import { describe, expect, it } from 'vitest';
import {
  MoneySchema,
  PriceSchema,
  QuantitySchema,
  money,
  price,
  quantity,
  toWire,
} from '../../../src/shared/values/decimal-values.ts';

describe('branded decimal values', () => {
  it('are exact where floats are not', () => {
    const sum = money('0.1').plus(money('0.2'));
    expect(toWire(sum)).toBe('0.3');
    expect(0.1 + 0.2).not.toBe(0.3);
  });

  it('reject NaN, Infinity and malformed strings with the unit in the message', () => {
    expect(() => price(Number.NaN)).toThrow(/Price must be a finite number/);
    expect(() => quantity(Number.POSITIVE_INFINITY)).toThrow(/Quantity must be a finite number/);
    expect(() => money('1e3')).toThrow(/Money must be a decimal string/);
    expect(() => price('0x10')).toThrow(/decimal string/);
    expect(() => price(new Decimal(Number.NaN))).toThrow(/Price must be finite/);
  });

  it('enforce their ranges', () => {
    expect(() => price('0')).toThrow(/greater than 0/);
    expect(() => quantity('-1')).toThrow(/must not be negative/);
    expect(toWire(quantity('0'))).toBe('0');
    expect(toWire(money('-12.5'))).toBe('-12.5');
  });

  it('parse wire strings and report bad ones as issues', () => {
    expect(toWire(PriceSchema.parse('43250.5'))).toBe('43250.5');
    expect(QuantitySchema.safeParse('-0.1').success).toBe(false);
    expect(PriceSchema.safeParse(43250.5).success).toBe(false);
    expect(MoneySchema.safeParse('1,000').success).toBe(false);
  });

  it('write plain notation, never an exponent', () => {
    expect(toWire(money('0.00000001'))).toBe('0.00000001');
    expect(toWire(price('123456789012345678901234567890'))).toBe('123456789012345678901234567890');
  });
});
