import { describe, expect, it } from 'vitest';
import type { Allocation, Plan } from '../../shared/dto';
import { validateAllocations } from './allocations';
import { DeskError } from './errors';
import { markOf, ordersOf, planRebalance, sizeBuys, type PlanInput, type PriceSnapshot } from './planner';
import { applyReplacements } from './replacement';

/** A quote with bid/ask `spread` either side of `price`. */
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
    asOf: '2025-06-24',
    allocations: [],
    netLiquidation: 100_000,
    cash: 100_000,
    positions: {},
    prices: {},
    openOrdersOfOtherClients: [],
    cashReservePercent: 0,
    minTradeValue: 0,
    phase: 'all',
    now: '2026-11-24T15:00:00.000Z',
    ...overrides,
  };
}

const orderLines = (plan: Plan) => ordersOf(plan).map((o) => `${o.side} ${o.quantity} ${o.symbol}`);
const row = (plan: Plan, symbol: string) => plan.rows.find((r) => r.symbol === symbol);

describe('planRebalance', () => {
  const cases: { name: string; input: PlanInput; orders: string[]; warnings?: RegExp[] }[] = [
    {
      name: 'moves 100 % A to 50/50 in one preview (sell half, buy with the proceeds)',
      input: input({
        allocations: weights({ A: 0.5, B: 0.5 }),
        cash: 0,
        positions: { A: 1000 },
        prices: { A: quote(100), B: quote(100) },
      }),
      orders: ['SELL 500 A', 'BUY 500 B'],
    },
    {
      name: 'values an appreciated position at the mark, not at cost',
      input: input({
        allocations: weights({ X: 1 }),
        netLiquidation: 40_000,
        cash: 20_000,
        positions: { X: 100 },
        prices: { X: quote(200) },
      }),
      orders: ['BUY 100 X'],
    },
    {
      name: 'applies the cash reserve once (990 shares, not 980)',
      input: input({ allocations: weights({ SPY: 1 }), cashReservePercent: 1, prices: { SPY: quote(100) } }),
      orders: ['BUY 990 SPY'],
    },
    {
      name: 'scales buys down by one factor when cash is short, never using margin',
      input: input({
        allocations: weights({ A: 0.5, B: 0.5 }),
        cash: 30_000,
        positions: { C: 700 },
        prices: { A: quote(100), B: quote(100), C: quote(100) },
        phase: 'buys',
      }),
      orders: ['BUY 150 A', 'BUY 150 B'],
      warnings: [/buys scaled to 30\.00 %.*margin is never used/],
    },
    {
      name: 'sizes the preview buys to cash plus the sells’ proceeds at the bid',
      input: input({
        allocations: weights({ A: 0.5, B: 0.5 }),
        cash: 0,
        positions: { A: 1000 },
        prices: { A: quote(100, 0.1), B: quote(100, 0.1) },
      }),
      orders: ['SELL 500 A', 'BUY 499 B'],
      warnings: [/buys scaled/],
    },
    {
      name: 'skips a trade below the minimum trade value',
      input: input({
        allocations: weights({ A: 0.5, B: 0.5 }),
        cash: 500,
        positions: { A: 495, B: 500 },
        prices: { A: quote(100), B: quote(100) },
        minTradeValue: 1000,
      }),
      orders: [],
    },
    {
      name: 'trades one share when the minimum trade value is 0',
      input: input({
        allocations: weights({ A: 0.5, B: 0.5 }),
        cash: 100,
        positions: { A: 499, B: 500 },
        prices: { A: quote(100), B: quote(100) },
      }),
      orders: ['BUY 1 A'],
    },
    {
      name: 'leaves the rest in cash with a warning when weights add up to 90 %',
      input: input({ allocations: weights({ A: 0.9 }), prices: { A: quote(100) } }),
      orders: ['BUY 900 A'],
      warnings: [/10\.00 % left in cash/],
    },
    {
      name: 'reports a short position and never trades it',
      input: input({
        allocations: weights({ A: 1 }),
        netLiquidation: 99_000,
        cash: 100_000,
        positions: { SQQQ: -50 },
        prices: { A: quote(100), SQQQ: quote(20) },
      }),
      orders: ['BUY 990 A'],
      warnings: [/SQQQ is held short/],
    },
    {
      name: 'counts another client’s open buy order as filled, so it is not doubled',
      input: input({
        allocations: weights({ A: 1 }),
        prices: { A: quote(100) },
        openOrdersOfOtherClients: [{ symbol: 'A', side: 'BUY', remaining: 400 }],
      }),
      orders: ['BUY 600 A'],
    },
    {
      name: 'counts another client’s open sell order as filled',
      input: input({
        allocations: weights({ A: 0.5 }),
        cash: 0,
        positions: { A: 1000 },
        prices: { A: quote(100) },
        openOrdersOfOtherClients: [{ symbol: 'A', side: 'SELL', remaining: 300 }],
      }),
      orders: ['SELL 200 A'],
      warnings: [/50\.00 % left in cash/],
    },
    {
      name: 'sells a held symbol that is no longer a target down to 0',
      input: input({
        allocations: weights({ A: 1 }),
        cash: 50_000,
        positions: { OLD: 500 },
        prices: { A: quote(100), OLD: quote(100) },
      }),
      orders: ['SELL 500 OLD', 'BUY 1000 A'],
    },
    {
      name: 'sends only the sells in the sells step',
      input: input({
        allocations: weights({ A: 0.5, B: 0.5 }),
        cash: 0,
        positions: { A: 1000 },
        prices: { A: quote(100), B: quote(100) },
        phase: 'sells',
      }),
      orders: ['SELL 500 A'],
    },
  ];

  it.each(cases)('$name', ({ input: given, orders, warnings }) => {
    const plan = planRebalance(given);
    expect(orderLines(plan)).toEqual(orders);
    for (const warning of warnings ?? []) expect(plan.warnings.some((w) => warning.test(w))).toBe(true);
    if (!warnings) expect(plan.warnings).toEqual([]);
  });

  it('ends at 50/50 after the sells fill and the buys step runs on the fresh state (not 75/25)', () => {
    const base = {
      allocations: weights({ A: 0.5, B: 0.5 }),
      prices: { A: quote(100), B: quote(100) },
    };
    const sells = planRebalance(input({ ...base, cash: 0, positions: { A: 1000 }, phase: 'sells' }));
    expect(orderLines(sells)).toEqual(['SELL 500 A']);
    const buys = planRebalance(input({ ...base, cash: 50_000, positions: { A: 500 }, phase: 'buys' }));
    expect(orderLines(buys)).toEqual(['BUY 500 B']);
    const after = planRebalance(input({ ...base, cash: 0, positions: { A: 500, B: 500 } }));
    expect(orderLines(after)).toEqual([]);
    expect(row(after, 'A')?.currentWeight).toBe(0.5);
    expect(row(after, 'B')?.currentWeight).toBe(0.5);
  });

  it('fills every row for the plan table, with the appreciated position valued at the mark', () => {
    const plan = planRebalance(
      input({
        allocations: weights({ X: 1 }),
        netLiquidation: 40_000,
        cash: 20_000,
        cashReservePercent: 1,
        positions: { X: 100 },
        prices: { X: quote(200) },
      }),
    );
    expect(plan).toMatchObject({
      investable: 39_600,
      accountCash: 20_000,
      cashReservePercent: 1,
      createdAt: '2026-11-24T15:00:00.000Z',
      // §24: 20 000 of 40 000 is not held in X; the target is the 1 % reserve.
      cash: { current: 50, target: 1, diff: 49 },
    });
    expect(plan.rows).toEqual([
      {
        symbol: 'X',
        currentShares: 100,
        currentValue: 20_000,
        currentWeight: 0.5,
        // §24: the effective target, weight 1 × (1 − 1 % reserve).
        targetWeight: 0.99,
        targetShares: 198,
        price: 200,
        delta: 98,
        order: { side: 'BUY', quantity: 98 },
        estimatedValue: 19_600,
      },
    ]);
  });

  it('never spends more than the cash above the reserve when scaling buys', () => {
    const given = input({
      allocations: weights({ A: 0.34, B: 0.33, C: 0.33 }),
      cash: 12_345,
      cashReservePercent: 2,
      positions: { D: 877 },
      prices: { A: quote(37.13, 0.02), B: quote(91.7, 0.05), C: quote(12.01, 0.01), D: quote(100) },
      phase: 'buys',
    });
    const plan = planRebalance(given);
    const cost = plan.rows.reduce((sum, r) => sum + (r.order?.side === 'BUY' ? r.estimatedValue : 0), 0);
    expect(cost).toBeGreaterThan(0);
    expect(cost).toBeLessThanOrEqual(12_345 - 2_000);
  });

  it('keeps a held replacement symbol instead of selling and buying it back (scale 1.5 renormalises the others)', () => {
    const validated = validateAllocations(weights({ DBC: 0.2, SPY: 0.4, TLT: 0.4 }));
    const replaced = applyReplacements(validated.allocations, [{ source: 'DBC', target: 'PDBC', scale: 1.5 }]);
    const byWeight = Object.fromEntries(replaced.allocations.map((a) => [a.symbol, a.weight]));
    expect(byWeight.PDBC).toBeCloseTo(0.3, 12);
    expect(byWeight.SPY).toBeCloseTo(0.35, 12);
    expect(byWeight.TLT).toBeCloseTo(0.35, 12);
    expect(byWeight.DBC).toBeUndefined();

    const plan = planRebalance(
      input({
        allocations: replaced.allocations,
        cash: 0,
        positions: { PDBC: 300, SPY: 350, TLT: 350 },
        prices: { PDBC: quote(100), SPY: quote(100), TLT: quote(100), DBC: quote(25) },
      }),
    );
    expect(orderLines(plan)).toEqual([]);
    expect(row(plan, 'PDBC')).toMatchObject({ currentShares: 300, targetShares: 300, delta: 0, order: null });
    expect(row(plan, 'DBC')).toBeUndefined();
  });

  it('rejects weights adding up to 120 % as invalid before planning', () => {
    expect(() => validateAllocations(weights({ A: 0.6, B: 0.6 }))).toThrow(
      expect.objectContaining({ kind: 'invalid', message: expect.stringMatching(/120\.00 %/) }),
    );
  });

  it('notes the short position on its row and leaves it untouched', () => {
    const plan = planRebalance(
      input({
        allocations: weights({ A: 1 }),
        positions: { SQQQ: -50 },
        prices: { A: quote(100), SQQQ: quote(20) },
      }),
    );
    expect(row(plan, 'SQQQ')).toMatchObject({ currentShares: -50, currentValue: -1000, order: null, delta: 0 });
    expect(row(plan, 'SQQQ')?.note).toMatch(/short position/);
  });

  it('fails transient, naming the symbol, when a needed price is missing', () => {
    const plan = () =>
      planRebalance(
        input({
          allocations: weights({ A: 0.5, B: 0.5 }),
          prices: { A: quote(100), B: { bid: 0, ask: 0, last: null, close: null } },
        }),
      );
    expect(plan).toThrow(DeskError);
    expect(plan).toThrow(expect.objectContaining({ kind: 'transient', message: expect.stringContaining('B') }));
  });

  it('fails transient when a held symbol has no price at all', () => {
    expect(() =>
      planRebalance(input({ allocations: weights({ A: 1 }), positions: { OLD: 5 }, prices: { A: quote(100) } })),
    ).toThrow(expect.objectContaining({ kind: 'transient', message: expect.stringContaining('OLD') }));
  });

  it('does not need a price for a zero-weight target that is not held', () => {
    const plan = planRebalance(input({ allocations: weights({ A: 1, Z: 0 }), prices: { A: quote(100) } }));
    expect(orderLines(plan)).toEqual(['BUY 1000 A']);
  });

  it('uses the mark for the row price: midpoint, else last, else close', () => {
    const plan = planRebalance(
      input({
        allocations: weights({ MID: 0.3, LAST: 0.3, CLOSE: 0.3 }),
        prices: {
          MID: { bid: 99, ask: 101, last: 120, close: 130 },
          LAST: { bid: 0, ask: 101, last: 50, close: 130 },
          CLOSE: { bid: null, ask: null, last: null, close: 25 },
        },
      }),
    );
    expect(row(plan, 'MID')?.price).toBe(100);
    expect(row(plan, 'LAST')?.price).toBe(50);
    expect(row(plan, 'CLOSE')?.price).toBe(25);
  });

  it('lists sells before buys in the rows and in ordersOf', () => {
    const plan = planRebalance(
      input({
        allocations: weights({ A: 0.5, Z: 0.5 }),
        cash: 0,
        positions: { B: 500, Y: 500 },
        prices: { A: quote(100), B: quote(100), Y: quote(100), Z: quote(100) },
      }),
    );
    expect(plan.rows.map((r) => `${r.order?.side} ${r.symbol}`)).toEqual(['SELL B', 'SELL Y', 'BUY A', 'BUY Z']);
    expect(ordersOf(plan).map((o) => o.side)).toEqual(['SELL', 'SELL', 'BUY', 'BUY']);
  });
});

describe('markOf', () => {
  it.each([
    {
      name: 'the midpoint when bid and ask are both > 0',
      price: { bid: 10, ask: 10.2, last: 11, close: 9 },
      mark: 10.1,
    },
    { name: 'last when the bid is missing', price: { bid: null, ask: 10.2, last: 11, close: 9 }, mark: 11 },
    { name: 'last when the ask is 0', price: { bid: 10, ask: 0, last: 11, close: 9 }, mark: 11 },
    { name: 'close when there is no last', price: { bid: -1, ask: -1, last: 0, close: 9 }, mark: 9 },
    { name: 'null when nothing is usable', price: { bid: null, ask: null, last: null, close: null }, mark: null },
  ])('gives $name', ({ price, mark }) => {
    expect(markOf(price)).toBe(mark);
  });

  it('gives null for a symbol without a snapshot', () => {
    expect(markOf(undefined)).toBeNull();
  });
});

describe('sizeBuys', () => {
  it('keeps the buys as they are when the cash suffices', () => {
    const sized = sizeBuys([{ symbol: 'A', quantity: 10, price: 100 }], 1000);
    expect(sized).toEqual({ buys: [{ symbol: 'A', quantity: 10, price: 100 }], factor: 1, cost: 1000 });
  });

  it('scales every buy by the same factor and floors', () => {
    const sized = sizeBuys(
      [
        { symbol: 'A', quantity: 10, price: 100 },
        { symbol: 'B', quantity: 7, price: 10 },
      ],
      535,
    );
    expect(sized.factor).toBeCloseTo(0.5, 12);
    expect(sized.buys.map((b) => b.quantity)).toEqual([5, 3]);
    expect(sized.cost).toBeLessThanOrEqual(535);
  });

  it('buys nothing, never a negative quantity, when the budget is negative', () => {
    const sized = sizeBuys([{ symbol: 'A', quantity: 10, price: 100 }], -5_000);
    expect(sized.buys[0]?.quantity).toBe(0);
    expect(sized.factor).toBe(0);
  });
});

describe('planRebalance with fractional holdings (§23)', () => {
  it('sells a 10.4-share holding down to 5 with a whole-share order and reports the 0.4 left', () => {
    const plan = planRebalance(
      input({
        allocations: weights({ A: 0.5, B: 0.5 }),
        netLiquidation: 1_040,
        cash: 0,
        positions: { A: 10.4 },
        prices: { A: quote(100), B: quote(100) },
      }),
    );
    expect(orderLines(plan)).toEqual(['SELL 5 A', 'BUY 5 B']);
    expect(row(plan, 'A')).toMatchObject({ currentShares: 10.4, targetShares: 5, residualShares: 0.4 });
    expect(row(plan, 'A')?.note).toBe('0.4 share left: close it in TWS');
    expect(plan.warnings).toContain('A: 0.4 share left: close it in TWS (orders are whole shares)');
    expect(row(plan, 'B')?.residualShares).toBeUndefined();
  });

  it('sells a fractional holding no longer targeted to its fraction: 10.4 → SELL 10, 0.4 left', () => {
    const plan = planRebalance(
      input({
        allocations: weights({ B: 1 }),
        cash: 100_000,
        positions: { OLD: 10.4 },
        prices: { B: quote(100), OLD: quote(50) },
      }),
    );
    expect(orderLines(plan)).toEqual(['SELL 10 OLD', 'BUY 1000 B']);
    expect(row(plan, 'OLD')?.residualShares).toBe(0.4);
  });

  it('reports a holding of 0.4 share that should go to 0, and does not trade it', () => {
    const plan = planRebalance(
      input({
        allocations: weights({ B: 1 }),
        netLiquidation: 100_020,
        positions: { OLD: 0.4 },
        prices: { B: quote(100), OLD: quote(50) },
      }),
    );
    expect(orderLines(plan)).toEqual(['BUY 1000 B']);
    expect(row(plan, 'OLD')).toMatchObject({ currentShares: 0.4, targetShares: 0, order: null, residualShares: 0.4 });
    expect(row(plan, 'OLD')?.note).toMatch(/below one share, reported, not traded: 0\.4 share left: close it in TWS/);
    expect(plan.warnings.some((w) => /OLD: holding of 0\.4 share is below one share/.test(w))).toBe(true);
  });

  it('has no order left once the whole shares are sold: 5.4 held against 5 is at target', () => {
    const plan = planRebalance(
      input({
        allocations: weights({ A: 0.5, B: 0.5 }),
        netLiquidation: 1_040,
        cash: 0,
        positions: { A: 5.4, B: 5 },
        prices: { A: quote(100), B: quote(100) },
      }),
    );
    expect(orderLines(plan)).toEqual([]);
    expect(row(plan, 'A')?.residualShares).toBe(0.4);
  });

  it('floors a buy from a fractional holding: 10.4 held against 12 buys 1, never 1.6', () => {
    const plan = planRebalance(
      input({
        allocations: weights({ A: 1 }),
        netLiquidation: 1_200,
        cash: 160,
        positions: { A: 10.4 },
        prices: { A: quote(100) },
      }),
    );
    expect(orderLines(plan)).toEqual(['BUY 1 A']);
    expect(row(plan, 'A')?.note).toBeUndefined();
    expect(row(plan, 'A')?.residualShares).toBeUndefined();
  });

  it('never plans a fractional quantity, whatever the holdings', () => {
    const plan = planRebalance(
      input({
        allocations: weights({ A: 0.3, B: 0.3, C: 0.4 }),
        netLiquidation: 50_000,
        cash: 1_234.56,
        positions: { A: 123.456, B: 7.25, D: 3.999 },
        prices: { A: quote(37.13, 0.02), B: quote(91.7, 0.05), C: quote(12.01, 0.01), D: quote(100) },
      }),
    );
    expect(ordersOf(plan).length).toBeGreaterThan(0);
    for (const o of ordersOf(plan)) expect(Number.isInteger(o.quantity)).toBe(true);
    expect(row(plan, 'D')).toMatchObject({ order: { side: 'SELL', quantity: 3 }, residualShares: 0.999 });
  });
});

describe('planRebalance risk limits (§23)', () => {
  // 100 % A → 50/50: SELL 500 A at 100 ($50,000) and BUY 500 B ($50,000), turnover 100 % of $100,000.
  const swap = (limits: PlanInput['limits'], lastTargetWeights: PlanInput['lastTargetWeights'] = null) =>
    planRebalance(
      input({
        allocations: weights({ A: 0.5, B: 0.5 }),
        cash: 0,
        positions: { A: 1000 },
        prices: { A: quote(100), B: quote(100) },
        limits,
        lastTargetWeights,
      }),
    );

  it.each([
    { name: 'maxOrderValue just above the largest order', limits: { maxOrderValue: 50_000.01 }, breaches: [] },
    { name: 'maxOrderValue equal to the largest order', limits: { maxOrderValue: 50_000 }, breaches: [] },
    {
      name: 'maxOrderValue just below the orders',
      limits: { maxOrderValue: 49_999.99 },
      breaches: [
        'order SELL 500 A worth USD 50,000.00 exceeds limits.maxOrderValue USD 49,999.99',
        'order BUY 500 B worth USD 50,000.00 exceeds limits.maxOrderValue USD 49,999.99',
      ],
    },
    { name: 'maxTurnoverPercent at the turnover', limits: { maxTurnoverPercent: 100 }, breaches: [] },
    {
      name: 'maxTurnoverPercent just under the turnover',
      limits: { maxTurnoverPercent: 99.99 },
      breaches: [
        'turnover USD 100,000.00 is 100.00 % of net liquidation USD 100,000.00, above limits.maxTurnoverPercent 99.99 %',
      ],
    },
    { name: 'no limits', limits: {}, breaches: [] },
    { name: 'limits set to null', limits: { maxOrderValue: null, maxTurnoverPercent: null }, breaches: [] },
  ])('checks $name', ({ limits, breaches }) => {
    const plan = swap(limits);
    expect(plan.limitBreaches).toEqual(breaches);
    // The preview still shows the orders a raised limit would send.
    expect(orderLines(plan)).toEqual(['SELL 500 A', 'BUY 500 B']);
  });

  it('notes the breaching order on its row', () => {
    const plan = swap({ maxOrderValue: 10_000 });
    expect(row(plan, 'A')?.note).toBe('exceeds limits.maxOrderValue USD 10,000.00');
  });

  it.each([
    // Last rebalanced to 70/30; the new 50/50 moves ½ (|0.5 − 0.7| + |0.5 − 0.3|) = 20 %.
    { limit: 20, breaches: [] },
    { limit: 20.01, breaches: [] },
    {
      limit: 19.99,
      breaches: [
        'target weights change by 20.00 % since the last rebalance, above limits.maxAllocationChangePercent 19.99 %',
      ],
    },
  ])('checks maxAllocationChangePercent $limit against a 20 % change', ({ limit, breaches }) => {
    const plan = swap({ maxAllocationChangePercent: limit }, { A: 0.7, B: 0.3 });
    expect(plan.limitBreaches).toEqual(breaches);
  });

  it('counts a symbol dropped from the targets as changed weight', () => {
    const plan = swap({ maxAllocationChangePercent: 40 }, { C: 1 });
    expect(plan.limitBreaches).toEqual([
      'target weights change by 100.00 % since the last rebalance, above limits.maxAllocationChangePercent 40 %',
    ]);
  });

  it('says the allocation change was not checked when the account was never rebalanced', () => {
    const plan = swap({ maxAllocationChangePercent: 1 }, null);
    expect(plan.limitBreaches).toEqual([]);
    expect(plan.warnings.some((w) => /maxAllocationChangePercent not checked/.test(w))).toBe(true);
  });

  it('checks the orders the phase sends: a buys step that alone breaks the turnover', () => {
    const base = {
      allocations: weights({ A: 0.5, B: 0.5 }),
      prices: { A: quote(100), B: quote(100) },
      limits: { maxTurnoverPercent: 40 },
    };
    const buys = planRebalance(input({ ...base, cash: 100_000, phase: 'buys' }));
    expect(buys.limitBreaches).toEqual([
      'turnover USD 100,000.00 is 100.00 % of net liquidation USD 100,000.00, above limits.maxTurnoverPercent 40 %',
    ]);
  });
});
