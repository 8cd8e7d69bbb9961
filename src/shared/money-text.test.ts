import { describe, expect, it } from 'vitest';
import { moneyText } from './money-text';

describe('money in the core’s words', () => {
  it('writes the currency code before the amount, as the window does, with cents and thousands', () => {
    expect(moneyText(1234.5)).toBe('USD 1,234.50');
    expect(moneyText(0)).toBe('USD 0.00');
    expect(moneyText(-5)).toBe('-USD 5.00');
    expect(moneyText(1_000_000.004, 'EUR')).toBe('EUR 1,000,000.00');
  });
});
