/**
 * Account data (PRODUCT.md §8 inputs): equity from the account summary, positions from positionsMulti. Every
 * subscription opened here is cancelled when its answer is complete (or fails); account summaries run one at a
 * time because TWS allows only 2 per client (pitfall 12).
 */
import { EventName } from '@stoqey/ib';
import type { AccountEquity, Position } from '../../shared/dto';
import type { IbConnection } from './connection';
import { IbError } from './ib-errors';
import { Mutex } from './mutex';

const SUMMARY_TAGS = [
  'NetLiquidation',
  'TotalCashValue',
  'BuyingPower',
  'AvailableFunds',
  'DayTradesRemaining',
] as const;
type SummaryTag = (typeof SUMMARY_TAGS)[number];

export class Account {
  private readonly summaries = new Mutex();

  constructor(private readonly connection: IbConnection) {}

  /** Net liquidation, cash, buying power and available funds of `accountId` (base currency). */
  getEquity(accountId: string): Promise<AccountEquity> {
    return this.summaries.run(() => this.requestEquity(accountId));
  }

  /** Non-zero positions of `accountId`, stocks and ETFs as IB reports them. */
  getPositions(accountId: string): Promise<Position[]> {
    const label = `positions of ${accountId}`;
    return this.connection.request<Position[]>(label, (scope) => {
      const positions: Position[] = [];
      scope.on(EventName.positionMulti, (reqId, account, _modelCode, contract, pos, avgCost) => {
        if (reqId !== scope.id || account !== accountId || !pos) return;
        positions.push({
          accountId: account,
          symbol: contract.symbol ?? contract.localSymbol ?? '',
          conId: contract.conId ?? null,
          quantity: pos,
          avgCost: avgCost ?? 0,
        });
      });
      scope.on(EventName.positionMultiEnd, (reqId) => {
        if (reqId === scope.id) scope.resolve(positions);
      });
      scope.onSettle(() => scope.api.cancelPositionsMulti(scope.id));
      scope.api.reqPositionsMulti(scope.id, accountId, '');
    });
  }

  private requestEquity(accountId: string): Promise<AccountEquity> {
    const label = `account summary of ${accountId}`;
    return this.connection.request<AccountEquity>(label, (scope) => {
      const values = new Map<SummaryTag, { value: number; currency: string }>();
      scope.on(EventName.accountSummary, (reqId, account, tag, value, currency) => {
        if (reqId !== scope.id || account !== accountId) return;
        if (!(SUMMARY_TAGS as readonly string[]).includes(tag)) return;
        const n = Number(value);
        if (Number.isFinite(n)) values.set(tag as SummaryTag, { value: n, currency });
      });
      scope.on(EventName.accountSummaryEnd, (reqId) => {
        if (reqId !== scope.id) return;
        const nav = values.get('NetLiquidation');
        const cash = values.get('TotalCashValue');
        if (!nav || !cash) {
          const accounts = this.connection.snapshot().accounts.join(', ') || 'none';
          scope.reject(
            new IbError(
              `${label}: the gateway reports no net liquidation for ${accountId} (its accounts: ${accounts})`,
              {
                kind: 'invalid',
              },
            ),
          );
          return;
        }
        scope.resolve({
          accountId,
          netLiquidation: nav.value,
          totalCashValue: cash.value,
          buyingPower: values.get('BuyingPower')?.value ?? null,
          availableFunds: values.get('AvailableFunds')?.value ?? null,
          dayTradesRemaining: values.get('DayTradesRemaining')?.value ?? null,
          currency: nav.currency || 'USD',
        });
      });
      scope.onSettle(() => scope.api.cancelAccountSummary(scope.id));
      scope.api.reqAccountSummary(scope.id, 'All', SUMMARY_TAGS.join(','));
    });
  }
}
