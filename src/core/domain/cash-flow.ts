/**
 * §27 cash-flow detection, the arithmetic: a change of cash that the account's fills (sells add their proceeds, buys
 * take their cost) and commissions do not explain is money added or taken out. Pure.
 */

/** One execution as far as cash is concerned. */
export interface CashFill {
  side: 'BUY' | 'SELL';
  shares: number;
  price: number;
  /** Null while IB has not reported it yet. */
  commission: number | null;
}

/** The cash a set of fills moved: + proceeds of sells, − cost of buys, − commissions. */
export function cashOfFills(fills: readonly CashFill[]): number {
  return fills.reduce(
    (sum, f) => sum + (f.side === 'SELL' ? 1 : -1) * f.shares * f.price - Math.abs(f.commission ?? 0),
    0,
  );
}

/**
 * The unexplained change of cash from `before` to `after` given the fills in between, rounded to cents; a cash flow
 * when its size is at least `minAmount`, else null (a commission not yet reported, rounding, interest).
 */
export function detectCashFlow(
  before: number,
  after: number,
  fills: readonly CashFill[],
  minAmount: number,
): number | null {
  const unexplained = Math.round((after - before - cashOfFills(fills)) * 100) / 100;
  return Math.abs(unexplained) >= minAmount ? unexplained : null;
}
