import type { Position } from '../../../shared/dto';
import type { CommandRun } from '../processor';
import { accountOf, connected, type CommandDeps } from '../command-deps';

/** Positions with quantity, price, market value (at the mark, never cost) and weight of net liquidation. */
export async function printPositions(deps: CommandDeps, { event }: CommandRun): Promise<Record<string, unknown>> {
  const account = accountOf(event, deps.settings());
  await connected(deps);
  const [positions, equity] = await Promise.all([
    deps.ib.getPositions(account.accountId),
    deps.ib.getEquity(account.accountId),
  ]);
  const quotes = await deps.ib.getQuotes(
    positions.map((p) => p.symbol),
    { allowMissing: true },
  );
  const valued: Position[] = positions.map((p) => {
    const price = quotes.get(p.symbol)?.mark ?? null;
    const marketValue = price === null ? null : price * p.quantity;
    return {
      ...p,
      price,
      marketValue,
      weight: marketValue === null || equity.netLiquidation <= 0 ? null : marketValue / equity.netLiquidation,
    };
  });
  return { command: 'print-positions', positions: valued, netLiquidation: equity.netLiquidation };
}
