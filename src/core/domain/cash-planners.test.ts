import { describe, expect, it } from 'vitest';
import type { Allocation, Plan } from '../../shared/dto';
import { planBuyOnly } from './buy-only-planner';
import { payloadProblem, planRequestOf } from './cash-commands';
import { DeskError } from './errors';
import { ordersOf, type PlanInput, type PriceSnapshot } from './planner';
import { planRaiseCash, raiseAmountProblem, type RaiseCashInput } from './raise-cash-planner';

const quote = (price: number, spread = 0): PriceSnapshot => ({
  bid: price - spread,
  ask: price + spread,
  last: price,
  close: price,
});
const weights = (entries: Record<string, number>): Allocation[] =>
  Object.entries(entries).map(([symbol, weight]) => ({ symbol, weight }));

function input(overrides: Partial<PlanInput>): PlanInput {
  return {
    accountId: 'DU123456',
    strategy: 'etf-blend-200-35',
    asOf: '2026-12-01',
    allocations: weights({ A: 0.5, B: 0.5 }),
    netLiquidation: 100_000,
    cash: 0,
    positions: {},
    prices: { A: quote(100), B: quote(100), C: quote(100) },
    openOrdersOfOtherClients: [],
    cashReservePercent: 0,
    minTradeValue: 0,
    phase: 'all',
    now: '2026-12-04T15:00:00.000Z',
    ...overrides,
  };
}
const raise = (amount: number, overrides: Partial<PlanInput>): RaiseCashInput => ({ ...input(overrides), amount });
const orderLines = (plan: Plan) => ordersOf(plan).map((o) => `${o.side} ${o.quantity} ${o.symbol}`);
const row = (plan: Plan, symbol: string) => plan.rows.find((r) => r.symbol === symbol);

describe('planBuyOnly', () => {
  it('invests a deposit in the underweight symbol and sells nothing of the overweight one', () => {
    // NAV 110 000: targets 55 000 each. A holds 60 000 (over), B 40 000 (15 000 under); 10 000 cash buys 100 B.
    const plan = planBuyOnly(input({ netLiquidation: 110_000, cash: 10_000, positions: { A: 600, B: 400 } }));
    expect(orderLines(plan)).toEqual(['BUY 100 B']);
    expect(plan.mode).toBe('buy-only');
    expect(row(plan, 'A')?.order).toBeNull();
    expect(row(plan, 'A')?.note).toContain('above target, not sold');
  });

  it('brings the most underweight level with the next first, then buys both in turn', () => {
    const plan = planBuyOnly(
      input({
        allocations: weights({ A: 0.4, B: 0.4, C: 0.2 }),
        cash: 12_000,
        netLiquidation: 97_000,
        positions: { A: 300, B: 350, C: 200 },
      }),
    );
    // NAV 97 000 → targets A 38 800 (388), B 38 800 (388), C 19 400 (194); A 8 800 under, B 3 800, C 600 over.
    // 50 A (5 000) levels A with B; 7 000 more goes 35 A + 35 B — A reaches 385, B 385, both under 388.
    expect(orderLines(plan)).toEqual(['BUY 85 A', 'BUY 35 B']);
    expect(ordersOf(plan).reduce((s, o) => s + o.quantity * 100, 0)).toBe(12_000);
  });

  it('never buys above the effective target (allocation × (1 − reserve)) and keeps the reserve', () => {
    // Reserve 10 %: B's effective target is 0.3 × 0.9 = 27 % of 100 000 = 270 shares, though 40 000 is spare.
    const plan = planBuyOnly(
      input({
        allocations: weights({ A: 0.5, B: 0.3 }),
        cashReservePercent: 10,
        cash: 50_000,
        positions: { A: 500 },
      }),
    );
    expect(orderLines(plan)).toEqual(['BUY 270 B']);
    expect(row(plan, 'B')?.targetWeight).toBeCloseTo(0.27, 10);
    expect(row(plan, 'B')?.targetShares).toBe(270);
  });

  it('buys whole shares at the ask and never more than the cash above the reserve', () => {
    const plan = planBuyOnly(
      input({
        allocations: weights({ A: 1 }),
        cash: 6_000,
        cashReservePercent: 5,
        positions: { A: 940 },
        prices: { A: quote(100, 1) },
      }),
    );
    // Budget 6 000 − 5 000 = 1 000 at the ask 101: 9 shares (950 would be the target).
    expect(orderLines(plan)).toEqual(['BUY 9 A']);
  });

  it('skips a buy below orders.minTradeValue and gives the cash to the next symbol', () => {
    // A is 3 shares (300) under, below the 500 minimum; B takes the 1 000.
    const plan = planBuyOnly(
      input({ cash: 1_000, netLiquidation: 100_000, positions: { A: 497, B: 493 }, minTradeValue: 500 }),
    );
    expect(orderLines(plan)).toEqual(['BUY 7 B']);
    expect(row(plan, 'A')?.note).toMatch(/below the minimum trade value/);
  });

  it('buys nothing with no cash above the reserve, and says so', () => {
    const plan = planBuyOnly(input({ cash: 1_000, cashReservePercent: 1, positions: { A: 400, B: 590 } }));
    expect(orderLines(plan)).toEqual([]);
    expect(plan.warnings.join(' ')).toMatch(/no cash above the reserve/);
  });

  it("counts another client's open buy as filled and its cost as spent", () => {
    const plan = planBuyOnly(
      input({
        cash: 10_000,
        positions: { A: 450, B: 450 },
        openOrdersOfOtherClients: [{ symbol: 'A', side: 'BUY', remaining: 20 }],
      }),
    );
    // Budget 10 000 − 2 000; A is 3 000 under after its 20, B 5 000: 20 B level them, then 30 + 30.
    expect(orderLines(plan)).toEqual(['BUY 30 A', 'BUY 50 B']);
  });

  it('checks the §23 limits over its orders', () => {
    const plan = planBuyOnly(input({ cash: 10_000, positions: { A: 450, B: 450 }, limits: { maxOrderValue: 4_000 } }));
    expect(plan.limitBreaches?.[0]).toMatch(/BUY 50 A worth USD 5,000.00 exceeds limits.maxOrderValue/);
  });

  it('has no order in the sells step of a live run', () => {
    const plan = planBuyOnly(input({ cash: 10_000, positions: { A: 450, B: 450 }, phase: 'sells' }));
    expect(orderLines(plan)).toEqual([]);
    expect(orderLines(planBuyOnly(input({ cash: 10_000, positions: { A: 450, B: 450 }, phase: 'buys' })))).toEqual([
      'BUY 50 A',
      'BUY 50 B',
    ]);
  });
});

describe('the cash line of a cash-flow plan (§24)', () => {
  it('targets the reserve on a buy-only plan and shows the cash held now', () => {
    // NAV 100 000 with a 10 % reserve: cash target 10 %; 20 000 held in cash now is 20 %.
    const plan = planBuyOnly(
      input({ netLiquidation: 100_000, cash: 20_000, positions: { A: 400, B: 400 }, cashReservePercent: 10 }),
    );
    expect(plan.cash?.target).toBeCloseTo(10, 9);
    expect(plan.cash?.current).toBeCloseTo(20, 9);
  });

  it('targets the reserve plus the amount raised on a raise-cash plan', () => {
    // NAV 100 000 fully invested, reserve 0, raise 10 000: after the sells cash should be 10 % of today's NAV.
    const plan = planRaiseCash(raise(10_000, { positions: { A: 500, B: 500 } }));
    expect(plan.cash?.target).toBeCloseTo(10, 9);
    expect(plan.cash?.current).toBeCloseTo(0, 9);
  });
});

describe('planRaiseCash', () => {
  it('sells the overweight symbol only, as much as the amount needs', () => {
    // Raise 10 000 from NAV 100 000: targets 45 000 each after it; A is 15 000 over, B 5 000 under → SELL 100 A.
    const plan = planRaiseCash(raise(10_000, { positions: { A: 600, B: 400 } }));
    expect(orderLines(plan)).toEqual(['SELL 100 A']);
    expect(plan.mode).toBe('raise-cash');
    expect(plan.raiseAmount).toBe(10_000);
  });

  it('levels the most overweight with the next, then sells both in turn, ending at target', () => {
    // NAV 105 000, raise 15 000 → targets 45 000 each; A 10 000 over, B 5 000: 50 A, then 50 + 50.
    const plan = planRaiseCash(raise(15_000, { netLiquidation: 105_000, positions: { A: 550, B: 500 } }));
    expect(orderLines(plan)).toEqual(['SELL 100 A', 'SELL 50 B']);
    expect(row(plan, 'A')?.targetShares).toBe(450);
  });

  it('sells a holding outside the targets first', () => {
    const plan = planRaiseCash(raise(11_000, { cash: 10_000, positions: { A: 450, B: 450, C: 20 } }));
    // Needed 1 000; C is 2 000 over (no target), A and B 500 each → SELL 10 C.
    expect(orderLines(plan)).toEqual(['SELL 10 C']);
  });

  it('leaves cash ≥ amount + reserve, estimating the proceeds at the bid', () => {
    const plan = planRaiseCash(
      raise(10_000, {
        allocations: weights({ A: 1 }),
        cashReservePercent: 5,
        cash: 5_000,
        positions: { A: 950 },
        prices: { A: quote(100, 1) },
      }),
    );
    // Needed 10 000 + 5 000 − 5 000 = 10 000 at the bid 99: 102 shares (101 would raise 9 999).
    expect(orderLines(plan)).toEqual(['SELL 102 A']);
    expect(5_000 + 102 * 99).toBeGreaterThanOrEqual(10_000 + 5_000);
  });

  it('sells nothing when the cash already covers it', () => {
    const plan = planRaiseCash(raise(5_000, { cash: 8_000, positions: { A: 460, B: 460 } }));
    expect(orderLines(plan)).toEqual([]);
    expect(plan.warnings.join(' ')).toMatch(/already covers/);
  });

  it('sells whole shares only, and says when even all of them fall short', () => {
    const plan = planRaiseCash(
      raise(1_040, { allocations: weights({ A: 1 }), netLiquidation: 1_040, positions: { A: 10.4 } }),
    );
    expect(orderLines(plan)).toEqual(['SELL 10 A']);
    expect(plan.warnings.join(' ')).toMatch(/short of the USD 1,040.00 needed/);
  });

  it('leaves out a sell the PDT guard holds, with its note, and sells the next symbol', () => {
    const plan = planRaiseCash(
      raise(1_000, {
        positions: { A: 600, B: 400 },
        noSell: new Map([['A', 'would be a day trade (PDT)']]),
      }),
    );
    expect(orderLines(plan)).toEqual(['SELL 10 B']);
    expect(row(plan, 'A')?.note).toBe('would be a day trade (PDT)');
  });

  it('makes a first sell at least orders.minTradeValue', () => {
    const plan = planRaiseCash(raise(100, { positions: { A: 600, B: 400 }, minTradeValue: 500 }));
    expect(orderLines(plan)).toEqual(['SELL 5 A']);
  });

  it('has no order in the buys step of a live run', () => {
    expect(orderLines(planRaiseCash(raise(10_000, { positions: { A: 600, B: 400 }, phase: 'buys' })))).toEqual([]);
  });

  it.each([
    [0, /more than 0/],
    [-5, /more than 0/],
    [Number.NaN, /must be a number/],
    ['abc', /must be a number/],
    [100_001, /more than the account's net liquidation/],
  ])('refuses the amount %s as invalid, naming payload.amount', (amount, words) => {
    expect(raiseAmountProblem(amount, 100_000)).toMatch(words);
    expect(raiseAmountProblem(amount, 100_000)).toMatch(/payload\.amount/);
    const run = () => planRaiseCash(raise(amount as number, { positions: { A: 1000 } }));
    expect(run).toThrow(DeskError);
    expect(run).toThrow(/payload\.amount/);
  });
});

describe('planRequestOf', () => {
  const event = (command: 'rebalance' | 'print-rebalance' | 'raise-cash', payload: Record<string, unknown>) => ({
    command,
    payload,
  });

  it("takes payload.mode, else the account's rebalanceMode", () => {
    expect(planRequestOf(event('rebalance', {}), { rebalanceMode: 'buy-only' })).toEqual({ mode: 'buy-only' });
    expect(planRequestOf(event('rebalance', { mode: 'full' }), { rebalanceMode: 'buy-only' })).toEqual({
      mode: 'full',
    });
    expect(
      planRequestOf(event('print-rebalance', { mode: 'raise-cash', amount: 500 }), { rebalanceMode: 'full' }),
    ).toEqual({ mode: 'raise-cash', amount: 500 });
    expect(planRequestOf(event('raise-cash', { amount: 500 }), { rebalanceMode: 'buy-only' })).toEqual({
      mode: 'raise-cash',
      amount: 500,
    });
  });

  it('refuses a live rebalance in raise-cash mode and an unknown mode, naming payload.mode', () => {
    expect(() =>
      planRequestOf(event('rebalance', { mode: 'raise-cash', amount: 5 }), { rebalanceMode: 'full' }),
    ).toThrow(/payload\.mode must be "full" or "buy-only"/);
    expect(payloadProblem('print-rebalance', { mode: 'sell' })?.path).toBe('payload.mode');
    expect(payloadProblem('print-rebalance', { mode: 'raise-cash', amount: 10 }, 5)?.path).toBe('payload.amount');
  });
});
