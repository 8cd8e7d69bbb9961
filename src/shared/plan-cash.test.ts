import { describe, expect, it } from 'vitest';
import { planCashLine, planCashUsd, type Plan } from './dto';

const plan = (fields: Record<string, unknown>): Plan =>
  ({ accountId: 'DU1', rows: [], warnings: [], createdAt: '', ...fields }) as unknown as Plan;

describe("a plan's cash (§24)", () => {
  it('reads the cash line from `cash` and the USD from `accountCash`', () => {
    const p = plan({ accountCash: 1_234.5, cash: { current: 10, target: 25, diff: -15 } });
    expect(planCashLine(p)).toEqual({ current: 10, target: 25, diff: -15 });
    expect(planCashUsd(p)).toBe(1_234.5);
  });

  it('reads a plan stored before §24, whose `cash` was the USD, as USD with no cash line', () => {
    const p = plan({ cash: 9_876 });
    expect(planCashLine(p)).toBeNull();
    expect(planCashUsd(p)).toBe(9_876);
  });
});
