/**
 * §29 Check setup: every first-run mistake named with its fix, before money should move. One small function per
 * check id; `checkSetup` runs them (independent ones side by side), hands each result to `onCheck` as it finishes and
 * answers them in the order of `SETUP_CHECK_IDS`. Orders are what-if orders only (IB answers them with an order
 * state and never executes them). The IB checks run per gateway (`SetupGateway`: "default" is the `ib` block, §28's
 * `gateways` add one each); a gateway's account checks cover the accounts that name it.
 */
import {
  SETUP_CHECK_IDS,
  type SetupCheck,
  type SetupCheckId,
  type SetupCheckReport,
  type SetupCheckStatus,
} from '../../shared/contract';
import { accountLabel } from '../../shared/account-label';
import type { AccountEquity, AllocationSet, Position, Quote } from '../../shared/dto';
import type { AccountSettings, Settings } from '../config/schema';
import { validateAllocations } from '../domain/allocations';
import { effectiveTargets } from '../domain/effective-targets';
import { applyReplacements } from '../domain/replacement';
import type { IbStatus } from '../ib/connection';
import type { MarketDataProbe } from '../ib/market-data';
import type { PlaceOrderRequest, WhatIfResult } from '../ib/orders';
import { FIX, isPrecautionRefusal } from './fixes';
import { gatewayIdOf, gatewaysOf } from '../../shared/gateways';

/** What a check needs of one IB Gateway login. */
export interface SetupIbPort {
  status(): IbStatus;
  whenConnected(timeoutMs?: number): Promise<void>;
  whatIf(requests: readonly PlaceOrderRequest[]): Promise<WhatIfResult[]>;
  serverTime(): Promise<number>;
  probeMarketData(symbol: string): Promise<MarketDataProbe>;
  getEquity(accountId: string): Promise<AccountEquity>;
  getPositions(accountId: string): Promise<Position[]>;
  getQuotes(symbols: readonly string[], options?: { allowMissing?: boolean }): Promise<Map<string, Quote>>;
}

export interface SetupGateway {
  /** "default" for the `ib` block (§28). */
  id: string;
  ib: SetupIbPort;
}

/** Where a gateway of the settings listens (§28): the `ib` block for "default", else its `gateways` entry. */
function addressOf(gateway: SetupGateway, settings: Settings): { host: string; port: number } {
  const spec = gatewaysOf(settings).find((g) => g.id === gateway.id);
  return spec ?? { host: settings.ib.host, port: settings.ib.port };
}

/** The traded accounts on this gateway (§28: each account names its gateway; none named = "default"). */
function accountsOn(gateway: SetupGateway, settings: Settings): AccountSettings[] {
  return tradedAccounts(settings).filter((a) => gatewayIdOf(a) === gateway.id);
}

/** What `INFO` says of the Redis in use (or, for the embedded one not running, of its binary). */
export interface RedisFacts {
  description: string;
  version: string;
  /** AOF on (the embedded Redis always runs with `--appendonly yes --appendfsync always`). */
  appendOnly: boolean;
  /** RDB snapshots configured (`save` rules), when known. */
  snapshots: boolean | null;
}

export type RealtimeFacts =
  { state: 'connected'; detail: string } | { state: 'failed'; reason: string } | { state: 'no-key' };

export interface SetupDeps {
  settings: Settings;
  dataDir: string;
  /** Throws when Redis is unreachable. */
  redis(): Promise<RedisFacts>;
  gateways: SetupGateway[];
  allocations: { getAllocations(strategy: string): Promise<AllocationSet> };
  realtime(): Promise<RealtimeFacts>;
  /** Bytes free for this user in the folder (or its nearest existing parent). */
  freeBytes(dir: string): Promise<number>;
  /** Local clock, ms (tests skew it). */
  now?: () => number;
  /** The longest one check may take before it is failed as "no answer" (default 20 s). */
  checkTimeoutMs?: number;
  /** Each result as soon as it is known. */
  onCheck?: (check: SetupCheck) => void;
}

export const MIN_FREE_BYTES = 1024 ** 3;
export const MAX_CLOCK_SKEW_MS = 2_000;
const MIN_REDIS = [6, 2];
/** The symbol of the read-only what-if when no strategy could be read. */
const FALLBACK_SYMBOL = 'SPY';
const ORDER_REF = 'rd:check-setup';

const TITLES: Record<SetupCheckId, string> = {
  redis: 'Redis reachable, version, persistence',
  'ib-reachable': 'IB Gateway reachable',
  'ib-logged-in': 'IB Gateway logged in',
  'ib-accounts': 'Accounts managed by the login',
  'ib-read-only': 'API accepts orders (not Read-Only)',
  'ib-precautions': 'Precautionary Settings let the planned orders through',
  'market-data': 'Market data for the strategy symbols',
  clock: 'Clock in step with IB',
  allocations: 'Allocation API answers each strategy',
  realtime: 'Zehnlabs realtime feed authenticates',
  disk: 'Free disk space in the data folder',
};

function result(id: SetupCheckId, status: SetupCheckStatus, detail: string, fix = '', gateway?: string): SetupCheck {
  const title = gateway && gateway !== 'default' ? `${TITLES[id]} (${gateway})` : TITLES[id];
  return { id, status, title, detail, fix: status === 'ok' ? '' : fix };
}

function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function codeOf(error: unknown): number | null {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'number' ? code : null;
}

/** Fails after `ms` with "no answer". */
function within<T>(ms: number, what: string, work: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: no answer within ${Math.round(ms / 1000)} s`)), ms);
    timer.unref?.();
  });
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}

/** The enabled accounts of the trading mode: the ones the app trades. */
export function tradedAccounts(settings: Settings): AccountSettings[] {
  return settings.accounts.filter((a) => a.enabled && a.type === settings.tradingMode);
}

/** IB paper account ids start with D (DU… individual, DF… advisor master); live ones never do. */
export function isPaperAccountId(accountId: string): boolean {
  return /^D[UF]/i.test(accountId);
}

// ---------------------------------------------------------------------------------------------------------------
// The checks, one function each

export async function checkRedis(deps: Pick<SetupDeps, 'redis'>): Promise<SetupCheck> {
  let facts: RedisFacts;
  try {
    facts = await deps.redis();
  } catch (error) {
    return result('redis', 'fail', `Redis is not reachable: ${message(error)}`, FIX.redisDown);
  }
  const [major = 0, minor = 0] = facts.version.split('.').map(Number);
  if (major < (MIN_REDIS[0] ?? 0) || (major === MIN_REDIS[0] && minor < (MIN_REDIS[1] ?? 0))) {
    return result(
      'redis',
      'fail',
      `${facts.description} is Redis ${facts.version}; 6.2 or newer is needed`,
      FIX.redisOld,
    );
  }
  if (!facts.appendOnly) {
    const snapshots = facts.snapshots ? 'only RDB snapshots' : 'no persistence';
    return result(
      'redis',
      'warn',
      `${facts.description}, Redis ${facts.version}, has ${snapshots}: events acknowledged since the last snapshot are lost if it stops`,
      FIX.redisPersistence,
    );
  }
  return result('redis', 'ok', `${facts.description}, Redis ${facts.version}, append-only file on`);
}

/** ib-reachable: connected (nextValidId received) within the connect timeout. */
export async function checkIbReachable(gateway: SetupGateway, settings: Settings): Promise<SetupCheck> {
  const address = addressOf(gateway, settings);
  const where = `${address.host}:${address.port}`;
  try {
    await gateway.ib.whenConnected(settings.ib.connectTimeoutMs);
  } catch {
    const status = gateway.ib.status();
    return result(
      'ib-reachable',
      'fail',
      `no API connection to IB Gateway at ${where}: ${status.reason}`,
      FIX.ibUnreachable(address.port),
      gateway.id,
    );
  }
  const status = gateway.ib.status();
  return result('ib-reachable', 'ok', `connected to ${where} as client id ${status.clientId ?? '?'}`, '', gateway.id);
}

export function checkIbLoggedIn(gateway: SetupGateway): SetupCheck {
  const status = gateway.ib.status();
  const problem = status.problem;
  if (status.accounts.length === 0 || (problem && problem.code === null)) {
    return result(
      'ib-logged-in',
      'fail',
      'IB Gateway is running but nobody is logged in: it manages no account',
      FIX.notLoggedIn,
      gateway.id,
    );
  }
  if (problem?.code === 10197) {
    return result('ib-logged-in', 'fail', problem.reason, FIX.competingSession, gateway.id);
  }
  if (problem) return result('ib-logged-in', 'fail', problem.reason, FIX.connectivity, gateway.id);
  return result('ib-logged-in', 'ok', `logged in; manages ${status.accounts.join(', ')}`, '', gateway.id);
}

export function checkIbAccounts(gateway: SetupGateway, settings: Settings): SetupCheck {
  const accounts = accountsOn(gateway, settings);
  const managed = new Set(gateway.ib.status().accounts.map((a) => a.toUpperCase()));
  if (accounts.length === 0) {
    const onThis = gatewaysOf(settings).length > 1 ? ` on gateway ${gateway.id}` : ' in Settings';
    return result(
      'ib-accounts',
      'warn',
      `no enabled ${settings.tradingMode} account${onThis}: nothing would trade`,
      FIX.noAccounts(settings.tradingMode),
      gateway.id,
    );
  }
  const problems: string[] = [];
  const fixes = new Set<string>();
  for (const a of accounts) {
    if (!managed.has(a.accountId.toUpperCase())) {
      const login = gatewaysOf(settings).length > 1 ? `gateway ${gateway.id}` : 'this login';
      problems.push(`${accountLabel(a)} is not managed by ${login} (it manages ${[...managed].join(', ')})`);
      fixes.add(FIX.unmanaged);
    }
    const paperId = isPaperAccountId(a.accountId);
    if (a.type === 'paper' && !paperId) {
      problems.push(`${accountLabel(a)} is set as paper but is a live account id (paper ids start with DU)`);
      fixes.add(FIX.paperLive);
    } else if (a.type === 'live' && paperId) {
      problems.push(`${accountLabel(a)} is set as live but is a paper account id (DU…)`);
      fixes.add(FIX.paperLive);
    }
  }
  if (problems.length > 0) return result('ib-accounts', 'fail', problems.join('; '), [...fixes].join(' '), gateway.id);
  return result(
    'ib-accounts',
    'ok',
    `${accounts.map(accountLabel).join(', ')} managed; ${settings.tradingMode} ids match`,
    '',
    gateway.id,
  );
}

function whatIfRequest(accountId: string, symbol: string, side: 'BUY' | 'SELL', quantity: number): PlaceOrderRequest {
  return { accountId, symbol, side, quantity, type: 'MKT', tif: 'DAY', outsideRth: false, orderRef: ORDER_REF };
}

/** The account the read-only what-if is sent for: the first traded account the login manages, else its first. */
function probeAccount(gateway: SetupGateway, settings: Settings): string | null {
  const managed = gateway.ib.status().accounts;
  const traded = accountsOn(gateway, settings).find((a) => managed.includes(a.accountId));
  return traded?.accountId ?? managed[0] ?? null;
}

export async function checkIbReadOnly(
  gateway: SetupGateway,
  settings: Settings,
  symbols: readonly string[],
): Promise<SetupCheck> {
  const accountId = probeAccount(gateway, settings);
  if (!accountId) {
    return result('ib-read-only', 'warn', 'not checked: the login manages no account', FIX.notLoggedIn, gateway.id);
  }
  const symbol = symbols[0] ?? FALLBACK_SYMBOL;
  const named = settings.accounts.find((a) => a.accountId === accountId);
  const what = `a what-if BUY of 1 ${symbol} for ${named ? accountLabel(named) : accountId}`;
  try {
    await gateway.ib.whatIf([whatIfRequest(accountId, symbol, 'BUY', 1)]);
    return result('ib-read-only', 'ok', `${what} was answered (nothing executes)`, '', gateway.id);
  } catch (error) {
    if (codeOf(error) === 321) {
      return result('ib-read-only', 'fail', `IB refused ${what}: ${message(error)}`, FIX.readOnly, gateway.id);
    }
    return result(
      'ib-read-only',
      'warn',
      `the API is not read-only, but IB refused ${what}: ${message(error)}`,
      FIX.orderRefused,
      gateway.id,
    );
  }
}

/** The largest order a rebalance of the account would send now (§8 targets after the reserve, at the mark). */
export function largestPlannedOrder(
  targets: Record<string, number>,
  netLiquidation: number,
  held: ReadonlyMap<string, number>,
  marks: ReadonlyMap<string, number>,
): { symbol: string; side: 'BUY' | 'SELL'; quantity: number; value: number } | null {
  let best: { symbol: string; side: 'BUY' | 'SELL'; quantity: number; value: number } | null = null;
  const symbols = new Set([...Object.keys(targets), ...held.keys()]);
  for (const symbol of symbols) {
    const mark = marks.get(symbol);
    if (mark === undefined || !(mark > 0)) continue;
    const target = Math.floor((netLiquidation * (targets[symbol] ?? 0)) / mark);
    const delta = target - Math.floor(held.get(symbol) ?? 0);
    if (delta === 0) continue;
    const quantity = Math.abs(delta);
    const value = quantity * mark;
    if (!best || value > best.value) best = { symbol, side: delta > 0 ? 'BUY' : 'SELL', quantity, value };
  }
  return best;
}

async function accountTargets(
  account: AccountSettings,
  settings: Settings,
  allocations: ReadonlyMap<string, AllocationSet>,
): Promise<Record<string, number> | string> {
  const set = allocations.get(account.strategy);
  if (!set) return `allocations of ${account.strategy} could not be read`;
  const rules = account.replacementSet ? (settings.replacementSets[account.replacementSet] ?? []) : [];
  const replaced = applyReplacements(validateAllocations(set.allocations).allocations, rules);
  return effectiveTargets(replaced.allocations, account.cashReservePercent).weights;
}

/** One account's precaution what-if: the planned order, or (at target) a sell of its largest holding. */
async function precautionOf(
  gateway: SetupGateway,
  account: AccountSettings,
  settings: Settings,
  allocations: ReadonlyMap<string, AllocationSet>,
): Promise<{ status: SetupCheckStatus; text: string; fix: string }> {
  const targets = await accountTargets(account, settings, allocations);
  if (typeof targets === 'string') return { status: 'warn', text: `${accountLabel(account)}: ${targets}`, fix: '' };
  const [equity, positions] = await Promise.all([
    gateway.ib.getEquity(account.accountId),
    gateway.ib.getPositions(account.accountId),
  ]);
  const held = new Map<string, number>();
  for (const p of positions) held.set(p.symbol, (held.get(p.symbol) ?? 0) + p.quantity);
  const quotes = await gateway.ib.getQuotes([...new Set([...Object.keys(targets), ...held.keys()])], {
    allowMissing: true,
  });
  const marks = new Map([...quotes].map(([symbol, quote]) => [symbol, quote.mark]));
  let order = largestPlannedOrder(targets, equity.netLiquidation, held, marks);
  let kind = 'largest planned order';
  if (!order) {
    const largest = [...held]
      .map(([symbol, quantity]) => ({
        symbol,
        quantity: Math.floor(quantity),
        value: quantity * (marks.get(symbol) ?? 0),
      }))
      .filter((h) => h.quantity >= 1)
      .sort((a, b) => b.value - a.value)[0];
    if (!largest) return { status: 'ok', text: `${accountLabel(account)}: nothing to trade and nothing held`, fix: '' };
    order = { ...largest, side: 'SELL' };
    kind = 'at target; its largest holding';
  }
  const what = `${order.side} ${order.quantity} ${order.symbol} (≈ ${Math.round(order.value).toLocaleString('en-US')} USD, ${kind})`;
  try {
    await gateway.ib.whatIf([whatIfRequest(account.accountId, order.symbol, order.side, order.quantity)]);
    return { status: 'ok', text: `${accountLabel(account)}: what-if ${what} accepted`, fix: '' };
  } catch (error) {
    const code = codeOf(error);
    if (isPrecautionRefusal(code, message(error))) {
      return {
        status: 'fail',
        text: `${accountLabel(account)}: IB refused what-if ${what}: ${message(error)}`,
        fix: FIX.precautions,
      };
    }
    if (code === 321) return { status: 'fail', text: `${accountLabel(account)}: ${message(error)}`, fix: FIX.readOnly };
    return {
      status: 'warn',
      text: `${accountLabel(account)}: IB refused what-if ${what}: ${message(error)}`,
      fix: FIX.orderRefused,
    };
  }
}

export async function checkIbPrecautions(
  gateway: SetupGateway,
  settings: Settings,
  allocations: ReadonlyMap<string, AllocationSet>,
): Promise<SetupCheck> {
  const managed = gateway.ib.status().accounts;
  const accounts = accountsOn(gateway, settings).filter((a) => managed.includes(a.accountId));
  if (accounts.length === 0) {
    return result(
      'ib-precautions',
      'warn',
      'not checked: no enabled account managed by this login',
      FIX.unmanaged,
      gateway.id,
    );
  }
  const outcomes = [];
  for (const account of accounts) {
    try {
      outcomes.push(await precautionOf(gateway, account, settings, allocations));
    } catch (error) {
      outcomes.push({
        status: 'warn' as const,
        text: `${accountLabel(account)}: not checked: ${message(error)}`,
        fix: '',
      });
    }
  }
  return combine('ib-precautions', outcomes, gateway.id);
}

/** One check out of several findings: its worst status, every finding, the distinct fixes. */
function combine(
  id: SetupCheckId,
  outcomes: readonly { status: SetupCheckStatus; text: string; fix: string }[],
  gateway?: string,
): SetupCheck {
  const status: SetupCheckStatus = outcomes.some((o) => o.status === 'fail')
    ? 'fail'
    : outcomes.some((o) => o.status === 'warn')
      ? 'warn'
      : 'ok';
  const fixes = [...new Set(outcomes.filter((o) => o.status !== 'ok' && o.fix !== '').map((o) => o.fix))];
  return result(id, status, outcomes.map((o) => o.text).join('; '), fixes.join(' ') || FIX.recheck, gateway);
}

export async function checkMarketData(gateway: SetupGateway, symbols: readonly string[]): Promise<SetupCheck> {
  if (symbols.length === 0) {
    return result(
      'market-data',
      'warn',
      'not checked: no strategy symbols (allocations not read)',
      FIX.recheck,
      gateway.id,
    );
  }
  const probes: MarketDataProbe[] = [];
  for (const symbol of symbols) {
    try {
      probes.push(await gateway.ib.probeMarketData(symbol));
    } catch (error) {
      probes.push({ symbol, data: 'none', code: codeOf(error), message: message(error) });
    }
  }
  const of = (data: MarketDataProbe['data']) => probes.filter((p) => p.data === data);
  const parts: string[] = [];
  if (of('live').length > 0)
    parts.push(
      `live: ${of('live')
        .map((p) => p.symbol)
        .join(', ')}`,
    );
  if (of('delayed').length > 0)
    parts.push(
      `delayed only: ${of('delayed')
        .map((p) => p.symbol)
        .join(', ')}`,
    );
  if (of('none').length > 0) {
    parts.push(
      `none: ${of('none')
        .map((p) => `${p.symbol}${p.message ? ` (${p.message})` : ''}`)
        .join(', ')}`,
    );
  }
  const status: SetupCheckStatus = of('none').length > 0 ? 'fail' : of('delayed').length > 0 ? 'warn' : 'ok';
  return result(
    'market-data',
    status,
    parts.join('; '),
    status === 'fail' ? FIX.noMarketData : FIX.delayedData,
    gateway.id,
  );
}

export async function checkClock(gateway: SetupGateway, now: () => number): Promise<SetupCheck> {
  const before = now();
  const server = await gateway.ib.serverTime();
  const local = (before + now()) / 2;
  // IB answers in whole seconds: the server's clock is somewhere in [server, server + 1 s).
  const skew = local - (server + 500);
  const seconds = (Math.abs(skew) / 1000).toFixed(1);
  const direction = skew > 0 ? 'ahead of' : 'behind';
  if (Math.abs(skew) > MAX_CLOCK_SKEW_MS) {
    return result(
      'clock',
      'fail',
      `this computer's clock is ${seconds} s ${direction} IB's server time`,
      FIX.clock,
      gateway.id,
    );
  }
  return result('clock', 'ok', `within ${seconds} s of IB's server time`, '', gateway.id);
}

export async function checkAllocations(
  settings: Settings,
  allocations: ReadonlyMap<string, AllocationSet | Error>,
): Promise<SetupCheck> {
  const strategies = [...allocations.keys()];
  if (strategies.length === 0) {
    return result(
      'allocations',
      'warn',
      `no enabled ${settings.tradingMode} account follows a strategy`,
      FIX.noAccounts(settings.tradingMode),
    );
  }
  const keyMissing = settings.zehnlabs.allocationsApiKey.trim() === '';
  const outcomes = strategies.map((strategy) => {
    const answer = allocations.get(strategy);
    if (answer instanceof Error)
      return {
        status: 'fail' as const,
        text: `${strategy}: ${answer.message}`,
        fix: keyMissing ? FIX.allocationsKeyMissing : FIX.allocations,
      };
    const asOf = answer?.asOf ? ` as of ${answer.asOf}` : '';
    return { status: 'ok' as const, text: `${strategy}: ${answer?.allocations.length ?? 0} symbols${asOf}`, fix: '' };
  });
  return combine('allocations', outcomes);
}

export async function checkRealtime(deps: Pick<SetupDeps, 'realtime'>): Promise<SetupCheck> {
  const facts = await deps.realtime();
  if (facts.state === 'no-key') return result('realtime', 'fail', 'no realtime API key is set', FIX.realtimeKey);
  if (facts.state === 'failed')
    return result('realtime', 'fail', `the feed did not connect: ${facts.reason}`, FIX.realtime);
  return result('realtime', 'ok', facts.detail);
}

export async function checkDisk(deps: Pick<SetupDeps, 'freeBytes' | 'dataDir'>): Promise<SetupCheck> {
  const free = await deps.freeBytes(deps.dataDir);
  const text = `${(free / 1024 ** 3).toFixed(1)} GB free in ${deps.dataDir}`;
  if (free < MIN_FREE_BYTES) return result('disk', 'fail', `${text}; at least 1 GB is needed`, FIX.disk);
  return result('disk', 'ok', text);
}

// ---------------------------------------------------------------------------------------------------------------

/** Reads each strategy of the traded accounts once. */
async function readAllocations(deps: SetupDeps): Promise<Map<string, AllocationSet | Error>> {
  const strategies = [...new Set(tradedAccounts(deps.settings).map((a) => a.strategy))];
  const out = new Map<string, AllocationSet | Error>();
  await Promise.all(
    strategies.map(async (strategy) => {
      try {
        out.set(strategy, await deps.allocations.getAllocations(strategy));
      } catch (error) {
        out.set(strategy, error instanceof Error ? error : new Error(String(error)));
      }
    }),
  );
  return out;
}

/** The symbols the accounts trade: their strategies' symbols with each account's replacement set applied. */
function tradedSymbols(settings: Settings, allocations: ReadonlyMap<string, AllocationSet | Error>): string[] {
  const symbols = new Set<string>();
  for (const account of tradedAccounts(settings)) {
    const set = allocations.get(account.strategy);
    if (!set || set instanceof Error) continue;
    const rules = account.replacementSet ? (settings.replacementSets[account.replacementSet] ?? []) : [];
    try {
      for (const a of applyReplacements(validateAllocations(set.allocations).allocations, rules).allocations) {
        symbols.add(a.symbol);
      }
    } catch {
      for (const a of set.allocations) symbols.add(a.symbol.trim().toUpperCase());
    }
  }
  return [...symbols].sort();
}

const NOT_CHECKED_IB: SetupCheckId[] = [
  'ib-logged-in',
  'ib-accounts',
  'ib-read-only',
  'ib-precautions',
  'market-data',
  'clock',
];

/** The IB checks of one gateway, in order; those after a failed connection or log-in are "not checked". */
async function gatewayChecks(
  deps: SetupDeps,
  gateway: SetupGateway,
  allocations: Promise<Map<string, AllocationSet | Error>>,
  emit: (check: Promise<SetupCheck> | SetupCheck, id: SetupCheckId, gateway?: string) => Promise<SetupCheck>,
): Promise<void> {
  const { settings } = deps;
  const skip = (ids: SetupCheckId[], why: string, fix: string) =>
    Promise.all(ids.map((id) => emit(result(id, 'warn', `not checked: ${why}`, fix, gateway.id), id, gateway.id)));
  const reachable = await emit(checkIbReachable(gateway, settings), 'ib-reachable', gateway.id);
  if (reachable.status !== 'ok') {
    await skip(NOT_CHECKED_IB, 'IB Gateway is not reachable', 'Fix "IB Gateway reachable" first, then check again.');
    return;
  }
  const loggedIn = await emit(checkIbLoggedIn(gateway), 'ib-logged-in', gateway.id);
  if (loggedIn.status !== 'ok' && gateway.ib.status().accounts.length === 0) {
    await skip(NOT_CHECKED_IB.slice(1), 'nobody is logged in to IB Gateway', FIX.notLoggedIn);
    return;
  }
  await emit(checkIbAccounts(gateway, settings), 'ib-accounts', gateway.id);
  const read = await allocations;
  const ok = new Map([...read].filter((e): e is [string, AllocationSet] => !(e[1] instanceof Error)));
  const symbols = tradedSymbols(settings, read);
  const clock = emit(checkClock(gateway, deps.now ?? Date.now), 'clock', gateway.id);
  await emit(checkIbReadOnly(gateway, settings, symbols), 'ib-read-only', gateway.id);
  await emit(checkIbPrecautions(gateway, settings, ok), 'ib-precautions', gateway.id);
  await emit(checkMarketData(gateway, symbols), 'market-data', gateway.id);
  await clock;
}

/** Runs every check of §29; each result goes to `onCheck` as it finishes. */
export async function checkSetup(deps: SetupDeps): Promise<SetupCheckReport> {
  const at = new Date(deps.now?.() ?? Date.now()).toISOString();
  const timeoutMs = deps.checkTimeoutMs ?? 20_000;
  const checks: SetupCheck[] = [];
  const emit = async (
    check: Promise<SetupCheck> | SetupCheck,
    id: SetupCheckId,
    gateway?: string,
  ): Promise<SetupCheck> => {
    let done: SetupCheck;
    try {
      done = await within(timeoutMs, TITLES[id], Promise.resolve(check));
    } catch (error) {
      done = result(id, 'fail', `the check itself failed: ${message(error)}`, FIX.recheck, gateway);
    }
    checks.push(done);
    try {
      deps.onCheck?.(done);
    } catch {
      /* a listener's trouble is not the check's */
    }
    return done;
  };
  const allocations = readAllocations(deps);
  await Promise.all([
    emit(checkRedis(deps), 'redis'),
    emit(checkDisk(deps), 'disk'),
    emit(checkRealtime(deps), 'realtime'),
    allocations.then((read) => emit(checkAllocations(deps.settings, read), 'allocations')),
    ...deps.gateways.map((gateway) => gatewayChecks(deps, gateway, allocations, emit)),
  ]);
  const rank = (id: SetupCheckId) => SETUP_CHECK_IDS.indexOf(id);
  checks.sort((a, b) => rank(a.id) - rank(b.id));
  return { at, checks };
}
