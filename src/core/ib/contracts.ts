/**
 * Contract lookup by symbol (US stocks and ETFs routed SMART): the conId for orders and snapshots, the tick for
 * limit prices, the hours for the market-hours check (PRODUCT.md §8 steps 9, 11). Cached per symbol for the trading
 * day (until midnight in New York), across reconnects: a symbol costs one request a day (§16), and the hours never
 * go stale in an app that runs for days. `warm` looks symbols up ahead of a signal.
 */
import { EventName, SecType, type Contract, type ContractDetails } from '@stoqey/ib';
import type { IbConnection } from './connection';
import { IbError } from './ib-errors';

export interface ContractInfo {
  conId: number;
  symbol: string;
  primaryExchange: string;
  currency: string;
  minTick: number;
  /** IB's hours strings ("20250102:0930-20250102:1600;20250103:CLOSED …") in `timeZoneId`. */
  liquidHours: string;
  tradingHours: string;
  timeZoneId: string;
}

/** IB's code for "no security definition has been found for the request". */
const NO_SECURITY_DEFINITION = 200;
const tradingDayFormat = new Intl.DateTimeFormat('en-CA', {
  timeZone: 'America/New_York',
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
});

/** The US trading day (New York date, YYYY-MM-DD) of a time. */
export function tradingDayOf(ms: number): string {
  return tradingDayFormat.format(new Date(ms));
}

export class Contracts {
  private readonly cache = new Map<string, { day: string; info: Promise<ContractInfo> }>();

  constructor(
    private readonly connection: IbConnection,
    private readonly now: () => number = Date.now,
  ) {}

  /** The stock `symbol` (USD, SMART); concurrent calls share one request; failures are not cached. */
  resolve(symbol: string): Promise<ContractInfo> {
    const key = symbol.trim().toUpperCase();
    const day = tradingDayOf(this.now());
    const cached = this.cache.get(key);
    if (cached && cached.day === day) return cached.info;
    const lookup = this.lookup(key);
    const entry = { day, info: lookup };
    this.cache.set(key, entry);
    lookup.catch(() => {
      if (this.cache.get(key) === entry) this.cache.delete(key);
    });
    return lookup;
  }

  /** The contract to send with an order or a snapshot: by conId, routed SMART (never a position's empty exchange). */
  async orderContract(symbol: string): Promise<Contract> {
    const info = await this.resolve(symbol);
    return {
      conId: info.conId,
      symbol: info.symbol,
      secType: SecType.STK,
      exchange: 'SMART',
      primaryExch: info.primaryExchange,
      currency: info.currency,
    };
  }

  /**
   * Looks up, in the background, the symbols not cached yet (when connected): the symbols of a strategy's allocations
   * before its next signal, so the signal's first order does not wait for them. Failures are left to the real lookup.
   */
  warm(symbols: readonly string[]): void {
    if (this.connection.state !== 'connected') return;
    const day = tradingDayOf(this.now());
    for (const symbol of symbols) {
      const key = symbol.trim().toUpperCase();
      if (key === '' || this.cache.get(key)?.day === day) continue;
      this.resolve(key).catch(() => undefined);
    }
  }

  /** Forgets every cached contract. */
  clear(): void {
    this.cache.clear();
  }

  private lookup(symbol: string): Promise<ContractInfo> {
    const label = `contract details for ${symbol}`;
    return this.connection.request<ContractInfo>(
      label,
      (scope) => {
        const found: ContractDetails[] = [];
        scope.on(EventName.contractDetails, (reqId, details) => {
          if (reqId === scope.id) found.push(details);
        });
        scope.on(EventName.contractDetailsEnd, (reqId) => {
          if (reqId !== scope.id) return;
          const details = pick(found, symbol);
          if (!details) {
            scope.reject(
              IbError.fromGateway(NO_SECURITY_DEFINITION, 'no security definition found', label, scope.id, symbol),
            );
            return;
          }
          scope.resolve(toInfo(details, symbol));
        });
        scope.api.reqContractDetails(scope.id, {
          symbol,
          secType: SecType.STK,
          exchange: 'SMART',
          currency: 'USD',
        });
      },
      { symbol },
    );
  }
}

/** Prefers the USD listing with a primary exchange when IB answers with several. */
function pick(found: ContractDetails[], symbol: string): ContractDetails | undefined {
  return (
    found.find((d) => d.contract.symbol === symbol && d.contract.currency === 'USD' && !!d.contract.primaryExch) ??
    found.find((d) => d.contract.symbol === symbol) ??
    found[0]
  );
}

function toInfo(details: ContractDetails, symbol: string): ContractInfo {
  const c = details.contract;
  return {
    conId: c.conId ?? 0,
    symbol: c.symbol ?? symbol,
    primaryExchange: c.primaryExch ?? '',
    currency: c.currency ?? 'USD',
    minTick: details.minTick && details.minTick > 0 ? details.minTick : 0.01,
    liquidHours: details.liquidHours ?? '',
    tradingHours: details.tradingHours ?? '',
    timeZoneId: details.timeZoneId ?? '',
  };
}
