import type { GatewayContext, HandlerTable } from '../context';
import { accountHandlers, pushAccount } from './account';
import { contractHandlers } from './contracts';
import { executionHandlers } from './executions';
import { marketDataHandlers, pushQuote } from './market-data';
import { orderHandlers, pushFill, pushOrderState } from './orders';
import { sessionHandlers } from './session';

const families: HandlerTable[] = [
  sessionHandlers,
  accountHandlers,
  contractHandlers,
  marketDataHandlers,
  orderHandlers,
  executionHandlers,
];

/** Every message the gateway answers, by id; a message id claimed by two families is a programming error. */
export const HANDLERS: HandlerTable = families.reduce<HandlerTable>((all, family) => {
  for (const id of Object.keys(family)) {
    if (id in all) throw new Error(`sim gateway: message ${id} has two handlers`);
  }
  return { ...all, ...family };
}, {});

/** Routes the engine's changes (fills, order states, account values, quotes) to the clients that subscribed. */
export function wireEngine(ctx: GatewayContext): void {
  ctx.engine.setListener({
    onFill: (o, f) => pushFill(ctx, o, f),
    onOrderStatus: (o) => pushOrderState(ctx, o),
    onAccountChanged: (id, symbols) => pushAccount(ctx, id, symbols),
    onQuote: (symbol, changed) => pushQuote(ctx, symbol, changed),
    onWarning: (m) => ctx.warn(m),
  });
}
