import type { Logger } from 'pino';
import type { AccountEquity } from '../../shared/dto';
import type { AccountSettings } from '../config/schema';
import { wallClock } from '../domain/market-hours';
import { boughtToday, PDT_NOTE, pdtApplies } from '../domain/pdt';
import type { CommandDeps } from './command-deps';

/**
 * The PDT guard's part of planning (§21): when it applies to the account, the symbols bought today (from today's
 * executions in the account, `reqExecutions` filtered from midnight New York time) that must not be sold, each with
 * the note "would be a day trade (PDT)", and the plan warning that says why. Empty when the guard does not apply.
 */
export async function pdtNoSell(
  deps: CommandDeps,
  account: AccountSettings,
  equity: AccountEquity,
  log: Logger,
): Promise<{ noSell: Map<string, string>; warnings: string[] }> {
  const applies = pdtApplies({
    pdtGuard: account.pdtGuard,
    dayTradesRemaining: equity.dayTradesRemaining,
    netLiquidation: equity.netLiquidation,
  });
  if (!applies) return { noSell: new Map(), warnings: [] };
  const today = wallClock('America/New_York', deps.now().getTime()).date;
  const executions = await deps.ib.executions({ accountId: account.accountId, since: `${today} 00:00:00 US/Eastern` });
  const symbols = boughtToday(executions);
  if (symbols.length === 0) return { noSell: new Map(), warnings: [] };
  log.info({ symbols }, 'PDT guard: no day trades left under USD 25,000; symbols bought today are not sold today');
  return {
    noSell: new Map(symbols.map((s) => [s, PDT_NOTE])),
    warnings: [
      `PDT guard: no day trades left and net liquidation under USD 25,000, so ${symbols.join(', ')} (bought today) ${symbols.length === 1 ? 'is' : 'are'} not sold today`,
    ],
  };
}
