/**
 * The buy-only rebalance (PRODUCT.md §27, `payload.mode: "buy-only"`, card button Invest cash): never a sell. The cash
 * above the reserve buys the most underweight symbols first toward their effective targets (§24) — whole shares,
 * `orders.minTradeValue`, the §23 limits — so a taxable account invests a deposit without realising gains. Pure.
 */
import type { Plan } from '../../shared/dto';
import { closeCashBook, minimumShares, openCashBook } from './cash-plan-book';
import { moneyText as money } from '../../shared/money-text';
import { SHARE_EPSILON, type PlanInput, type Working } from './planner';

/**
 * Plans a buy-only rebalance in the `Plan` shape of `planRebalance`. Buy budget = cash − NAV × reserve/100 − the cost
 * of other clients' open buys. Shares go one step at a time to the symbol furthest below its target value (ties by
 * symbol), each step bringing it level with the next most underweight, never above its target shares, priced at the
 * ask. A symbol whose first order would be below `orders.minTradeValue`, or that the cash left cannot buy, is noted and
 * skipped. Phase `sells` has no order (nothing is sold); `all` and `buys` have the buys.
 */
export function planBuyOnly(input: PlanInput): Plan {
  const nav = input.netLiquidation;
  const book = openCashBook(input, nav);
  const budget = input.cash - book.reserveCash - book.otherBuysCost;
  const buying = book.rows.filter((r) => r.held >= 0 && r.weight > 0 && r.delta >= 1 - SHARE_EPSILON);
  const bought = new Map<Working, number>(buying.map((r) => [r, 0]));
  const deficit = (r: Working) => nav * r.weight - (r.held + r.pending + (bought.get(r) ?? 0)) * r.mark;
  const room = (r: Working) => Math.floor(r.delta - (bought.get(r) ?? 0) + SHARE_EPSILON);

  let left = Math.max(0, budget);
  const open = new Set(buying);
  while (open.size > 0) {
    const ranked = [...open].sort((a, b) => deficit(b) - deficit(a) || a.symbol.localeCompare(b.symbol));
    const top = ranked[0] as Working;
    const already = bought.get(top) ?? 0;
    const least = already === 0 ? minimumShares(top.mark, input.minTradeValue) : 1;
    const affordable = Math.floor(left / top.buyPrice + SHARE_EPSILON);
    if (room(top) < least || affordable < least) {
      open.delete(top);
      if (already > 0) continue;
      top.notes.push(
        room(top) < least
          ? `buy of ${room(top)} worth ${money(room(top) * top.mark)} is below the minimum trade value ${money(input.minTradeValue)}`
          : `buy-only: not enough cash above the reserve (${money(left)} left)`,
      );
      continue;
    }
    const next = ranked[1];
    const gap = next ? Math.ceil((deficit(top) - deficit(next)) / top.mark - SHARE_EPSILON) : room(top);
    const shares = Math.min(room(top), affordable, Math.max(least, gap, 1));
    bought.set(top, already + shares);
    left -= shares * top.buyPrice;
  }

  for (const [r, shares] of bought) if (shares > 0) r.order = { side: 'BUY', quantity: shares };
  for (const r of book.rows) {
    if (r.delta <= -1 + SHARE_EPSILON && r.held > 0) r.notes.push('buy-only: above target, not sold');
  }
  if (budget <= 0) {
    book.warnings.push(
      `buy-only: no cash above the reserve to invest (cash ${money(input.cash)}, reserve ${money(book.reserveCash)})`,
    );
  }
  if (input.phase === 'sells') {
    for (const r of book.rows) {
      if (r.order) r.notes.push('bought after the sells fill');
      r.order = null;
    }
  }
  return { ...closeCashBook(input, book, nav), mode: 'buy-only' };
}
