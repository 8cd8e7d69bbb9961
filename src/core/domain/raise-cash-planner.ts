/**
 * Raise cash (PRODUCT.md §27, the `raise-cash` command, card button Raise cash…): sells the most overweight symbols
 * first so that, after the sells, cash ≥ amount + reserve, with the weights as close to target as whole shares allow.
 * Never a buy. Pure.
 */
import type { Plan } from '../../shared/dto';
import { closeCashBook, minimumShares, openCashBook } from './cash-plan-book';
import { invalidError } from './errors';
import { moneyText as money } from '../../shared/money-text';
import { SHARE_EPSILON, type PlanInput, type Working } from './planner';

export interface RaiseCashInput extends PlanInput {
  /** USD to have in cash above the reserve once the sells fill; > 0 and not above the net liquidation. */
  amount: number;
}

/** Why an amount to raise is not usable for an account of `netLiquidation`, naming `payload.amount`; null when fine. */
export function raiseAmountProblem(amount: unknown, netLiquidation?: number): string | null {
  if (typeof amount !== 'number' || !Number.isFinite(amount)) {
    return `payload.amount must be a number of USD, got ${JSON.stringify(amount) ?? String(amount)}`;
  }
  if (amount <= 0) return `payload.amount must be more than 0 USD, got ${amount}`;
  if (netLiquidation !== undefined && amount > netLiquidation) {
    return `payload.amount ${money(amount)} is more than the account's net liquidation ${money(netLiquidation)}`;
  }
  return null;
}

/**
 * Plans the sells of a raise-cash in the `Plan` shape of `planRebalance`. Needed = amount + NAV × reserve/100 + other
 * clients' open buys − cash. Targets are sized to the NAV after the withdrawal (NAV − amount); shares are sold one
 * step at a time from the symbol furthest above its target value (a held symbol outside the targets first of all),
 * each step bringing it level with the next most overweight, until the proceeds at the bid cover what is needed.
 * Whole shares only (a fraction is never sold), `orders.minTradeValue` for a symbol's order, symbols the PDT guard
 * holds (`noSell`) left out with their note. Cash that already covers it sells nothing. Phase `buys` has no order.
 * An unusable amount throws `invalid` naming `payload.amount`.
 */
export function planRaiseCash(input: RaiseCashInput): Plan {
  const nav = input.netLiquidation;
  const problem = raiseAmountProblem(input.amount, nav);
  if (problem) throw invalidError(problem);
  const after = nav - input.amount;
  const book = openCashBook(input, after);
  const needed = input.amount + book.reserveCash + book.otherBuysCost - input.cash;

  const sold = new Map<Working, number>();
  const sellable = (r: Working) => Math.floor(r.held + Math.min(0, r.pending) - (sold.get(r) ?? 0) + SHARE_EPSILON);
  const surplus = (r: Working) => (r.held + r.pending - (sold.get(r) ?? 0)) * r.mark - after * r.weight;
  const open = new Set<Working>();
  for (const r of book.rows) {
    if (r.held <= 0 || sellable(r) < 1) continue;
    const held = input.noSell?.get(r.symbol);
    if (held === undefined) open.add(r);
    else if (needed > 0) r.notes.push(held);
  }

  let left = needed;
  while (left > 0 && open.size > 0) {
    const ranked = [...open].sort((a, b) => surplus(b) - surplus(a) || a.symbol.localeCompare(b.symbol));
    const top = ranked[0] as Working;
    const already = sold.get(top) ?? 0;
    const least = already === 0 ? minimumShares(top.mark, input.minTradeValue) : 1;
    if (sellable(top) < least) {
      open.delete(top);
      if (already === 0) {
        top.notes.push(
          `sell of ${sellable(top)} worth ${money(sellable(top) * top.mark)} is below the minimum trade value ${money(input.minTradeValue)}`,
        );
      }
      continue;
    }
    const next = ranked[1];
    const gap = next ? Math.ceil((surplus(top) - surplus(next)) / top.mark - SHARE_EPSILON) : sellable(top);
    const enough = Math.ceil(left / top.sellPrice - SHARE_EPSILON);
    const shares = Math.min(sellable(top), Math.max(least, Math.min(gap, enough), 1));
    sold.set(top, already + shares);
    left -= shares * top.sellPrice;
  }

  for (const [r, shares] of sold) if (shares > 0) r.order = { side: 'SELL', quantity: shares };
  if (needed <= 0) {
    book.warnings.push(
      `cash ${money(input.cash)} already covers ${money(input.amount)} + the reserve ${money(book.reserveCash)}; nothing to sell`,
    );
  } else if (left > 0) {
    book.warnings.push(
      `raise cash: every sellable share raises ${money(needed - left)}, short of the ${money(needed)} needed for ${money(input.amount)} + the reserve`,
    );
  }
  if (input.phase === 'buys') {
    for (const r of book.rows) {
      if (r.order) r.notes.push('sold in the sells step');
      r.order = null;
    }
  }
  return { ...closeCashBook(input, book, after), mode: 'raise-cash', raiseAmount: input.amount };
}
