/**
 * Limit prices for `orders.type: LMT` (PRODUCT.md §8 step 9).
 */
import type { OrderSide } from '../../shared/dto';
import { invalidError, transientError } from './errors';

/** What a limit price is computed from. */
export interface LimitPriceInput {
  symbol: string;
  side: OrderSide;
  bid: number | null;
  ask: number | null;
  /** `orders.limitOffsetPercent`. */
  offsetPercent: number;
  /** The contract's minimum tick (0.01 for most US ETFs). */
  minTick: number;
}

function decimalsOf(tick: number): number {
  const text = tick.toString();
  const exp = /e-(\d+)$/.exec(text);
  if (exp) return Number(exp[1]);
  return text.split('.')[1]?.length ?? 0;
}

/**
 * The LMT price: a buy at ask × (1 + offset/100), a sell at bid × (1 − offset/100), rounded to the tick never past
 * the computed price — a buy rounds down, a sell rounds up — so rounding never pays more or receives less than the
 * offset allows. With no ask (buy) or bid (sell) there is no honest price: `transient` (retried with a fresh quote).
 */
export function limitPrice(input: LimitPriceInput): number {
  const { symbol, side, offsetPercent, minTick } = input;
  if (!Number.isFinite(minTick) || minTick <= 0) throw invalidError(`${symbol} has minimum tick ${minTick}`);
  if (!Number.isFinite(offsetPercent) || offsetPercent < 0) {
    throw invalidError(`limit offset is ${offsetPercent} %, must be 0 or more`);
  }
  const quote = side === 'BUY' ? input.ask : input.bid;
  if (typeof quote !== 'number' || !Number.isFinite(quote) || quote <= 0) {
    throw transientError(`no ${side === 'BUY' ? 'ask' : 'bid'} for ${symbol}; cannot set a limit price`);
  }
  const raw = side === 'BUY' ? quote * (1 + offsetPercent / 100) : quote * (1 - offsetPercent / 100);
  const ticks = raw / minTick;
  // A hair of slack so that a price already on the tick (e.g. 100.05 / 0.01 = 10004.999…) stays where it is.
  const rounded = side === 'BUY' ? Math.floor(ticks + 1e-7) : Math.ceil(ticks - 1e-7);
  const price = Math.max(1, rounded) * minTick;
  return Number(price.toFixed(decimalsOf(minTick)));
}
