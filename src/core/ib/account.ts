/**
 * Account data (PRODUCT.md §8 inputs, §16): equity and positions of every account from two subscriptions shared by
 * all accounts — `reqAccountSummary` on group `All` and `reqPositions` — opened on first use, kept while work runs
 * and cancelled after `idleMs` without a read (and with the session). One rebalance of ten accounts then costs two
 * requests instead of a subscribe / cancel pair per account and phase.
 *
 * Never sized from stale data:
 * - Positions: `reqPositions` pushes every change. After an execution of this client (live execDetails) the account's
 *   position in that symbol is expected to move by the executed shares; a read waits until the pushed position says
 *   so. If it does not within `settleMs` (IB sent the position first, or another client traded too), the account is
 *   read afresh with `reqPositionsMulti` (and that subscription cancelled).
 * - Equity: IB re-sends a summary only every three minutes. After an execution or a position change in an account its
 *   net liquidation and cash count as stale until both are sent again; a read waits up to `settleMs` for that and
 *   otherwise (after `summarySettleMs`) renews the `All` subscription (cancel + request: its first answer is current). Reads that find the
 *   same renewal under way share it.
 * At most one account summary subscription is open at a time (TWS allows two, pitfall 12).
 *
 * Money (§25): net liquidation and cash come from the same `All` summary; day and unrealized P&L from ONE `reqPnL`
 * subscription per account the gateway manages, opened on the first `money()` read through the pacing gate like any
 * request and kept for the session (an idle close keeps them: re-opening them on every read would cost two messages
 * per account). The last money read stays known while IB is down, with the time IB sent it.
 */
import { EventName, type Contract, type Execution, type IBApi } from '@stoqey/ib';
import type { AccountEquity, AccountMoney, Position } from '../../shared/dto';
import type { IbConnection } from './connection';
import { IbError } from './ib-errors';

const SUMMARY_TAGS = [
  'NetLiquidation',
  'TotalCashValue',
  'BuyingPower',
  'AvailableFunds',
  'DayTradesRemaining',
] as const;
type SummaryTag = (typeof SUMMARY_TAGS)[number];

export interface AccountOptions {
  /** Subscriptions unused this long are cancelled (default 30 000 ms). */
  idleMs?: number;
  /** How long a positions read waits for IB to push the positions an execution makes before asking afresh (default 2 000). */
  settleMs?: number;
  /** The same for net liquidation and cash, which IB pushes only every three minutes (default 300). */
  summarySettleMs?: number;
}

interface SummaryValues {
  /** Each tag's value, currency and when IB sent it (ms). */
  values: Map<SummaryTag, { value: number; currency: string; at: number }>;
  /** Sequence number (see `seq`) of the last NetLiquidation / TotalCashValue received. */
  navSeq: number;
  cashSeq: number;
}

/** Live account state of one session. */
interface Live {
  api: IBApi;
  positions: Map<string, Map<string, Position>>;
  /** account → symbol → the quantity an execution of ours makes it; cleared when the position says so. */
  expected: Map<string, Map<string, number>>;
  /** Accounts whose positions are uncertain (an execution during the first answer): read afresh. */
  uncertain: Set<string>;
  positionsReady: Promise<void> | null;
  positionsLive: boolean;
  summary: Map<string, SummaryValues>;
  /** account → sequence number of the last event that made its summary stale. */
  staleAt: Map<string, number>;
  /** account → sequence number of this client's last execution in it. */
  execAt: Map<string, number>;
  summaryReqId: number | null;
  summaryReady: Promise<void> | null;
  /** Sequence number at which the current summary subscription was requested. */
  summarySince: number;
  seenExecs: Set<string>;
  /** §25 reqPnL per account: request id → account, the first answer of each, and the last values (at: ms). */
  pnlAccount: Map<number, string>;
  pnlReady: Map<string, Promise<void>>;
  pnl: Map<string, { daily: number | null; unrealized: number | null; at: number }>;
}

/** IB sends an unset double as Double.MAX_VALUE. */
function ibNumber(value: number | undefined): number | null {
  return typeof value === 'number' && Number.isFinite(value) && Math.abs(value) < 1e300 ? value : null;
}

export class Account {
  private readonly idleMs: number;
  private readonly settleMs: number;
  private readonly summarySettleMs: number;
  private live: Live | null = null;
  private seqValue = 0;
  private idleTimer: NodeJS.Timeout | null = null;
  private readonly waiters = new Set<() => void>();
  /** The last money of each account read (kept across sessions: the card shows it, with its time, while IB is down). */
  private readonly lastMoney = new Map<string, AccountMoney>();

  constructor(
    private readonly connection: IbConnection,
    options: AccountOptions = {},
  ) {
    this.idleMs = options.idleMs ?? 30_000;
    this.settleMs = options.settleMs ?? 2_000;
    this.summarySettleMs = options.summarySettleMs ?? 300;
    connection.on('session', (api) => this.attach(api));
    connection.on('disconnected', () => this.reset());
  }

  /** Net liquidation, cash, buying power and available funds of `accountId` (base currency), reflecting our fills. */
  async getEquity(accountId: string): Promise<AccountEquity> {
    const live = this.use('account summary');
    await this.summaryOf(live);
    if (this.isStale(live, accountId)) {
      const asked = this.seqValue;
      await this.waitFor(() => this.live !== live || !this.isStale(live, accountId), this.summarySettleMs);
      if (this.live !== live) return this.getEquity(accountId);
      if (this.isStale(live, accountId)) await this.renewSummary(live, asked);
    }
    return this.equityOf(live, accountId);
  }

  /** Non-zero positions of `accountId`, stocks and ETFs as IB reports them, reflecting our fills. */
  async getPositions(accountId: string): Promise<Position[]> {
    const live = this.use('positions');
    await this.positionsOf(live);
    if (!live.uncertain.has(accountId) && this.pending(live, accountId)) {
      await this.waitFor(() => this.live !== live || !this.pending(live, accountId), this.settleMs);
      if (this.live !== live) return this.getPositions(accountId);
    }
    if (live.uncertain.has(accountId) || this.pending(live, accountId)) await this.reread(live, accountId);
    return [...(live.positions.get(accountId)?.values() ?? [])].map((p) => ({ ...p }));
  }

  /** The symbols held in any account (opens the positions subscription). */
  async heldSymbols(): Promise<string[]> {
    const live = this.use('positions');
    await this.positionsOf(live);
    const symbols = new Set<string>();
    for (const held of live.positions.values()) for (const symbol of held.keys()) symbols.add(symbol);
    return [...symbols];
  }

  /**
   * §25 money of each account (see the module comment): waits at most `waitMs` for the first answers, then gives
   * what is known — an account IB has not answered for yet keeps its last money, or is absent. Never throws.
   */
  async money(accountIds: readonly string[], waitMs = 2_000): Promise<Map<string, AccountMoney>> {
    if (this.connection.state === 'connected') {
      try {
        const live = this.use('account summary');
        const managed = new Set(this.connection.snapshot().accounts);
        const reads = [
          this.summaryOf(live),
          ...accountIds.filter((id) => managed.has(id)).map((id) => this.pnlOf(live, id)),
        ];
        await this.within(Promise.all(reads.map((read) => read.catch(() => undefined))), waitMs);
        for (const id of accountIds) {
          const money = this.moneyOf(live, id);
          if (money) this.lastMoney.set(id, money);
        }
      } catch {
        // disconnected meanwhile: the last known money stays
      }
    }
    const out = new Map<string, AccountMoney>();
    for (const id of accountIds) {
      const money = this.lastMoney.get(id);
      if (money) out.set(id, { ...money });
    }
    return out;
  }

  /** Cancels the summary and positions subscriptions now (opened again on the next read); P&L ones stay. */
  close(): void {
    const live = this.live;
    if (!live || this.connection.state !== 'connected') return;
    if (live.positionsReady) live.api.cancelPositions();
    if (live.summaryReqId !== null) live.api.cancelAccountSummary(live.summaryReqId);
    const next = this.fresh(live.api);
    next.pnlAccount = live.pnlAccount;
    next.pnlReady = live.pnlReady;
    next.pnl = live.pnl;
    this.live = next;
    this.notify();
  }

  // ---------------------------------------------------------------------------------------------

  private seq(): number {
    return ++this.seqValue;
  }

  private fresh(api: IBApi): Live {
    return {
      api,
      positions: new Map(),
      expected: new Map(),
      uncertain: new Set(),
      positionsReady: null,
      positionsLive: false,
      summary: new Map(),
      staleAt: new Map(),
      execAt: new Map(),
      summaryReqId: null,
      summaryReady: null,
      summarySince: 0,
      seenExecs: new Set(),
      pnlAccount: new Map(),
      pnlReady: new Map(),
      pnl: new Map(),
    };
  }

  /** The live state of the connected session; the read keeps the subscriptions from going idle. */
  private use(label: string): Live {
    const api = this.connection.requireApi(label);
    if (!this.live || this.live.api !== api) this.live = this.fresh(api);
    if (this.idleTimer) clearTimeout(this.idleTimer);
    this.idleTimer = setTimeout(() => this.close(), this.idleMs);
    this.idleTimer.unref();
    return this.live;
  }

  private reset(): void {
    this.live = null;
    if (this.idleTimer) clearTimeout(this.idleTimer);
    this.idleTimer = null;
    this.notify();
  }

  /** Persistent listeners of one session: pushed positions and summaries, and this client's executions. */
  private attach(api: IBApi): void {
    const mine = (): Live | null => (this.live && this.live.api === api ? this.live : null);
    api.on(EventName.position, (account: string, contract: Contract, pos: number, avgCost?: number) => {
      const live = mine();
      if (live?.positionsReady) this.onPosition(live, account, contract, pos, avgCost);
    });
    api.on(EventName.accountSummary, (reqId: number, account: string, tag: string, value: string, currency: string) => {
      const live = mine();
      if (live && reqId === live.summaryReqId) this.onSummary(live, account, tag, value, currency);
    });
    api.on(EventName.pnl, (reqId: number, daily: number, unrealized?: number) => {
      const live = mine();
      const account = live?.pnlAccount.get(reqId);
      if (!live || !account) return;
      live.pnl.set(account, { daily: ibNumber(daily), unrealized: ibNumber(unrealized), at: Date.now() });
      this.notify();
    });
    api.on(EventName.execDetails, (reqId: number, contract: Contract, execution: Execution) => {
      const live = mine();
      if (live && reqId === -1) this.onExecution(live, contract, execution);
    });
  }

  private onPosition(live: Live, account: string, contract: Contract, pos: number, avgCost?: number): void {
    const symbol = contract.symbol ?? contract.localSymbol ?? '';
    let held = live.positions.get(account);
    if (!held) {
      held = new Map();
      live.positions.set(account, held);
    }
    if (pos) {
      held.set(symbol, {
        accountId: account,
        symbol,
        conId: contract.conId ?? null,
        quantity: pos,
        avgCost: avgCost ?? 0,
      });
    } else {
      held.delete(symbol);
    }
    if (!live.positionsLive) return;
    const expected = live.expected.get(account);
    if (expected?.get(symbol) === (pos || 0)) {
      expected.delete(symbol);
      if (expected.size === 0) live.expected.delete(account);
    }
    // a position changed: so did the account's cash and net liquidation
    live.staleAt.set(account, this.seq());
    this.notify();
  }

  private onSummary(live: Live, account: string, tag: string, value: string, currency: string): void {
    if (!(SUMMARY_TAGS as readonly string[]).includes(tag)) return;
    const n = Number(value);
    if (!Number.isFinite(n)) return;
    let entry = live.summary.get(account);
    if (!entry) {
      entry = { values: new Map(), navSeq: 0, cashSeq: 0 };
      live.summary.set(account, entry);
    }
    entry.values.set(tag as SummaryTag, { value: n, currency, at: Date.now() });
    if (tag === 'NetLiquidation') entry.navSeq = this.seq();
    if (tag === 'TotalCashValue') entry.cashSeq = this.seq();
    this.notify();
  }

  private onExecution(live: Live, contract: Contract, execution: Execution): void {
    const own = this.connection.clientId;
    if (execution.clientId !== undefined && own !== null && execution.clientId !== own) return;
    const account = execution.acctNumber ?? '';
    const shares = execution.shares ?? 0;
    if (!account || !shares) return;
    if (execution.execId) {
      if (live.seenExecs.has(execution.execId)) return;
      live.seenExecs.add(execution.execId);
    }
    const at = this.seq();
    live.staleAt.set(account, at);
    live.execAt.set(account, at);
    if (live.positionsLive) {
      const symbol = contract.symbol ?? contract.localSymbol ?? '';
      const side = (execution.side ?? '').toUpperCase();
      const signed = side === 'SLD' || side === 'SELL' ? -shares : shares;
      let expected = live.expected.get(account);
      if (!expected) {
        expected = new Map();
        live.expected.set(account, expected);
      }
      const base = expected.get(symbol) ?? live.positions.get(account)?.get(symbol)?.quantity ?? 0;
      expected.set(symbol, base + signed);
    } else if (live.positionsReady) {
      live.uncertain.add(account);
    }
    this.notify();
  }

  private pending(live: Live, accountId: string): boolean {
    return (live.expected.get(accountId)?.size ?? 0) > 0;
  }

  private isStale(live: Live, accountId: string): boolean {
    const entry = live.summary.get(accountId);
    if (!entry) return false;
    return (live.staleAt.get(accountId) ?? 0) > Math.min(entry.navSeq, entry.cashSeq);
  }

  private notify(): void {
    for (const wake of [...this.waiters]) wake();
  }

  /** Resolves when `done()` holds (checked on every pushed update) or after `timeoutMs`. */
  private waitFor(done: () => boolean, timeoutMs: number): Promise<void> {
    if (done()) return Promise.resolve();
    return new Promise((resolve) => {
      const finish = (): void => {
        clearTimeout(timer);
        this.waiters.delete(check);
        resolve();
      };
      const check = (): void => {
        if (done()) finish();
      };
      const timer = setTimeout(finish, timeoutMs);
      this.waiters.add(check);
    });
  }

  /** The first answer of the positions subscription (opened on first use). */
  private positionsOf(live: Live): Promise<void> {
    if (live.positionsReady) return live.positionsReady;
    const ready = this.connection
      .request<void>('positions of all accounts', (scope) => {
        scope.on(EventName.positionEnd, () => {
          live.positionsLive = true;
          scope.resolve();
        });
        scope.onSettle((outcome) => {
          if (outcome === 'rejected') scope.api.cancelPositions();
        });
        scope.api.reqPositions();
      })
      .catch((error: unknown) => {
        if (live.positionsReady === ready) {
          live.positionsReady = null;
          live.positions.clear();
          live.uncertain.clear();
        }
        throw error;
      });
    live.positionsReady = ready;
    return ready;
  }

  /** Resolves when `work` does or after `ms`, whichever is first. */
  private within(work: Promise<unknown>, ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(resolve, ms);
      timer.unref();
      void work.then(() => {
        clearTimeout(timer);
        resolve();
      });
    });
  }

  /** The first answer of the account's P&L subscription (opened on first use, kept for the session). */
  private pnlOf(live: Live, accountId: string): Promise<void> {
    const open = live.pnlReady.get(accountId);
    if (open) return open;
    const ready = this.connection
      .request<void>(`P&L of ${accountId}`, (scope) => {
        live.pnlAccount.set(scope.id, accountId);
        scope.on(EventName.pnl, (reqId: number) => {
          if (reqId === scope.id) scope.resolve();
        });
        scope.onSettle((outcome) => {
          if (outcome !== 'rejected') return;
          scope.api.cancelPnL(scope.id);
          live.pnlAccount.delete(scope.id);
        });
        scope.api.reqPnL(scope.id, accountId, '');
      })
      .catch((error: unknown) => {
        if (live.pnlReady.get(accountId) === ready) live.pnlReady.delete(accountId);
        throw error;
      });
    live.pnlReady.set(accountId, ready);
    return ready;
  }

  private moneyOf(live: Live, accountId: string): AccountMoney | null {
    const values = live.summary.get(accountId)?.values;
    const nav = values?.get('NetLiquidation');
    const cash = values?.get('TotalCashValue');
    if (!nav || !cash) return null;
    const pnl = live.pnl.get(accountId);
    return {
      netLiquidation: nav.value,
      cash: cash.value,
      dayPnl: pnl?.daily ?? null,
      unrealizedPnl: pnl?.unrealized ?? null,
      currency: nav.currency || 'USD',
      at: new Date(Math.max(nav.at, cash.at, pnl?.at ?? 0)).toISOString(),
    };
  }

  /** The first answer of the summary subscription (opened on first use, or renewed). */
  private summaryOf(live: Live): Promise<void> {
    if (live.summaryReady) return live.summaryReady;
    const label = 'account summary of all accounts';
    const ready = this.connection
      .request<void>(label, (scope) => {
        live.summaryReqId = scope.id;
        live.summarySince = this.seq();
        scope.on(EventName.accountSummaryEnd, (reqId) => {
          if (reqId === scope.id) scope.resolve();
        });
        scope.onSettle((outcome) => {
          if (outcome === 'rejected') scope.api.cancelAccountSummary(scope.id);
        });
        scope.api.reqAccountSummary(scope.id, 'All', SUMMARY_TAGS.join(','));
      })
      .catch((error: unknown) => {
        if (live.summaryReady === ready) {
          live.summaryReady = null;
          live.summaryReqId = null;
        }
        throw error;
      });
    live.summaryReady = ready;
    return ready;
  }

  /**
   * Cancels and requests the `All` summary again, unless a renewal requested after `asked` (a sequence number) is
   * under way or done: then that one is shared.
   */
  private async renewSummary(live: Live, asked: number): Promise<void> {
    for (;;) {
      const current = live.summaryReady;
      if (current && live.summarySince > asked) return current;
      if (current) await current.catch(() => undefined);
      if (this.live !== live) return;
      if (live.summaryReady !== current) continue;
      if (live.summaryReqId !== null) live.api.cancelAccountSummary(live.summaryReqId);
      live.summaryReqId = null;
      live.summaryReady = null;
      return this.summaryOf(live);
    }
  }

  /** One account's positions afresh with positionsMulti (cancelled when answered); replaces the cached ones. */
  private async reread(live: Live, accountId: string): Promise<void> {
    const label = `positions of ${accountId}`;
    const since = this.seqValue;
    const positions = await this.connection.request<Position[]>(label, (scope) => {
      const found: Position[] = [];
      scope.on(EventName.positionMulti, (reqId, account, _modelCode, contract, pos, avgCost) => {
        if (reqId !== scope.id || account !== accountId || !pos) return;
        found.push({
          accountId: account,
          symbol: contract.symbol ?? contract.localSymbol ?? '',
          conId: contract.conId ?? null,
          quantity: pos,
          avgCost: avgCost ?? 0,
        });
      });
      scope.on(EventName.positionMultiEnd, (reqId) => {
        if (reqId === scope.id) scope.resolve(found);
      });
      scope.onSettle(() => scope.api.cancelPositionsMulti(scope.id));
      scope.api.reqPositionsMulti(scope.id, accountId, '');
    });
    if (this.live !== live) return;
    live.positions.set(accountId, new Map(positions.map((p) => [p.symbol, p])));
    // an execution announced while this read was under way may or may not be in it: keep expecting it then
    if ((live.execAt.get(accountId) ?? 0) <= since) live.expected.delete(accountId);
    live.uncertain.delete(accountId);
  }

  private equityOf(live: Live, accountId: string): AccountEquity {
    const values = live.summary.get(accountId)?.values;
    const nav = values?.get('NetLiquidation');
    const cash = values?.get('TotalCashValue');
    if (!values || !nav || !cash) {
      const accounts = this.connection.snapshot().accounts.join(', ') || 'none';
      throw new IbError(
        `account summary of ${accountId}: the gateway reports no net liquidation for ${accountId} (its accounts: ${accounts})`,
        { kind: 'invalid' },
      );
    }
    return {
      accountId,
      netLiquidation: nav.value,
      totalCashValue: cash.value,
      buyingPower: values.get('BuyingPower')?.value ?? null,
      availableFunds: values.get('AvailableFunds')?.value ?? null,
      dayTradesRemaining: values.get('DayTradesRemaining')?.value ?? null,
      currency: nav.currency || 'USD',
    };
  }
}
