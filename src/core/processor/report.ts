import type { Logger } from 'pino';
import type { OrderRecord, Plan } from '../../shared/dto';
import { tradeReport, type ReportFill, type TradeReport } from '../domain/trade-report';
import type { CommandDeps } from './command-deps';

/**
 * §20: the report of a finished live rebalance, from the plan shown before trading, the plan read after the last
 * fill, the orders sent, and this app's executions of those orders with their commissions. A failed executions read
 * leaves the commissions unknown (null) rather than failing a rebalance that has already traded.
 */
export async function reportFor(
  deps: CommandDeps,
  intended: Plan,
  after: Plan,
  orders: OrderRecord[],
  log: Logger,
): Promise<TradeReport> {
  let fills: ReportFill[] = [];
  if (orders.length > 0) {
    try {
      const ids = new Set(orders.map((o) => o.orderId));
      const own = deps.ownClientId();
      const executions = await deps.ib.executions({
        accountId: intended.accountId,
        ...(own === null ? {} : { clientId: own }),
      });
      fills = executions.filter((f) => ids.has(f.orderId)).map((f) => ({ symbol: f.symbol, commission: f.commission }));
    } catch (error) {
      log.warn({ err: (error as Error).message }, 'executions not read; the report has no commissions');
    }
  }
  return tradeReport(intended, after, orders, fills);
}
