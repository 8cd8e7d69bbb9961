/**
 * Plain serialisable shapes shared by the core, the servers and the renderer (PRODUCT.md §4, §7, §8, §11).
 * Types and constants only: no Node or DOM APIs.
 */

/** The commands of PRODUCT.md §7; an unknown command never reaches the queue. */
export const COMMANDS = [
  'rebalance',
  'print-rebalance',
  'print-positions',
  'print-equity',
  'print-orders',
  'cancel-orders',
  'raise-cash',
] as const;
export type Command = (typeof COMMANDS)[number];

export function isCommand(value: unknown): value is Command {
  return typeof value === 'string' && (COMMANDS as readonly string[]).includes(value);
}

export const EVENT_SOURCES = ['zehnlabs', 'manual', 'api', 'catch-up', 'schedule', 'drift', 'cash-flow'] as const;
export type EventSource = (typeof EVENT_SOURCES)[number];

/** In the window's order: Pending, Awaiting approval (§19), Active, Delayed, Held, Done. */
export const EVENT_STATUSES = ['pending', 'awaiting', 'active', 'delayed', 'held', 'done'] as const;
export type EventStatus = (typeof EVENT_STATUSES)[number];

/** Error kinds of PRODUCT.md §10 (plus `interrupted` for a lease that ran out, §5 rule 6). */
export const ERROR_KINDS = ['transient', 'market-closed', 'rejected', 'partial', 'invalid', 'interrupted'] as const;
export type ErrorKind = (typeof ERROR_KINDS)[number];

/** The error kinds `queue.holdOn` may list: the five of §10 (an `interrupted` event always goes back to the queue). */
export const HOLD_ON_KINDS = [
  'transient',
  'market-closed',
  'rejected',
  'partial',
  'invalid',
] as const satisfies readonly ErrorKind[];

/** Log levels, least severe first (pino's names): `logLevel`, the trade log's filter and every log line use these. */
export const LOG_LEVELS = ['trace', 'debug', 'info', 'warn', 'error', 'fatal'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

/** An IB account id: one to three capital letters, then 3–12 digits (DU123456, U1234567). */
export const ACCOUNT_ID_PATTERN = /^[A-Z]{1,3}\d{3,12}$/;

export interface EventError {
  kind: ErrorKind;
  message: string;
  /** ISO-8601 UTC. */
  at: string;
  /** IB error code when the error came from the gateway. */
  code?: number;
}

/** One command for one account, as stored in `rebalance_event:{id}` (§4). */
export interface EventRecord {
  id: string;
  eventId: string;
  accountId: string;
  command: Command;
  strategy: string | null;
  source: EventSource;
  payload: Record<string, unknown>;
  status: EventStatus;
  timesQueued: number;
  createdAt: string;
  updatedAt: string;
  nextAttemptAt: string | null;
  lastError: EventError | null;
  result: Record<string, unknown> | null;
  /** Set while held because of `queue.holdOn` or an operator; cleared on release. */
  heldReason?: string | null;
  /** True when the last failure was of a kind that needs the trader's attention (§10 rejected). */
  needsAttention?: boolean;
  /** Set when a rebalance waits for (or got) the trader's approval (§19). */
  approval?: EventApproval | null;
}

/** How an event's approval stands (§19): requested with a plan, then approved by the trader or the timer. */
export interface EventApproval {
  /** ISO-8601 UTC: when the plan was put up for approval. */
  requestedAt: string;
  /** ISO-8601 UTC: when the timer approves it, or null for `confirm` (and while held). */
  autoApproveAt: string | null;
  /** Hash of the plan's orders (planHash of src/core/processor/approval.ts). */
  planHash: string;
  /** `approvalMinutes` in force when requested, or null for `confirm`; Release re-arms the timer with it. */
  minutes: number | null;
  /** ISO-8601 UTC, when approved; null while waiting. */
  approvedAt?: string | null;
  /** `operator` or `timer`. */
  approvedBy?: string | null;
  /** The planHash that was approved. */
  approvedHash?: string | null;
  /** Why it waits again, e.g. "plan changed since approval". */
  note?: string | null;
}

/** One state change of one event, appended to `rebalance_history` (§4, §5). */
export interface HistoryEntry {
  /** Redis stream id. */
  streamId: string;
  id: string;
  accountId: string;
  command: string;
  at: string;
  from: EventStatus | null;
  to: EventStatus | null;
  /** Who or what made the change: `broker`, `processor`, `operator`, `recovery`, `promoter` … */
  by: string;
  /** `enqueued`, `duplicate`, `claimed`, `completed`, `failed`, `promoted`, `retry`, `hold`, `release`, `deleted`, `recovered` … */
  action: string;
  note?: string;
}

/** What a caller gives to enqueue an event. */
export interface NewEvent {
  /** Defaults to `${eventId}:${accountId}` for feed events, a new UUID otherwise. */
  id?: string;
  eventId?: string;
  accountId: string;
  command: Command;
  strategy?: string | null;
  source: EventSource;
  payload?: Record<string, unknown>;
}

export type EnqueueResult = { status: 'queued'; event: EventRecord } | { status: 'duplicate'; existingId: string };

export interface QueueCounts {
  pending: number;
  awaiting: number;
  active: number;
  delayed: number;
  held: number;
  done: number;
}

export interface QueueStatus {
  counts: QueueCounts;
  paused: boolean;
  /** Age in ms of the oldest pending event, or null when none is pending. */
  oldestPendingAgeMs: number | null;
}

/** A change notification published by the queue on every state change (pushed to the UI stream). */
export interface QueueChange {
  id: string;
  accountId: string;
  action: string;
  from: EventStatus | null;
  to: EventStatus | null;
  at: string;
}

// ---------------------------------------------------------------------------------------------
// Trading shapes (§7, §8)

export type OrderSide = 'BUY' | 'SELL';
export type OrderType = 'MKT' | 'LMT';
export type TimeInForce = 'DAY' | 'GTC';

export interface Allocation {
  symbol: string;
  /** Fraction 0..1. */
  weight: number;
}

export interface AllocationSet {
  strategy: string;
  allocations: Allocation[];
  asOf: string | null;
  lastRebalanceOn: string | null;
  name: string | null;
  longName: string | null;
}

export interface Position {
  accountId: string;
  symbol: string;
  conId: number | null;
  quantity: number;
  avgCost: number;
  /** Mark price (§8 step 3) and value at the mark, when known. */
  price?: number | null;
  marketValue?: number | null;
  weight?: number | null;
}

export interface Quote {
  symbol: string;
  bid: number | null;
  ask: number | null;
  last: number | null;
  close: number | null;
  /** Mark per §8 step 3: midpoint when bid and ask > 0, else last, else close. */
  mark: number;
  /** 1 live, 3 delayed. */
  marketDataType: number;
}

export interface AccountEquity {
  accountId: string;
  netLiquidation: number;
  totalCashValue: number;
  buyingPower: number | null;
  availableFunds: number | null;
  currency: string;
  /** `DayTradesRemaining` of the account summary (−1 = unlimited), when the gateway reported it. */
  dayTradesRemaining?: number | null;
}

/**
 * §25: an account's money as IB reports it — net liquidation and total cash from the account summary, day and
 * unrealized P&L from `reqPnL` (null until IB has sent them) — with the time of the newest of these values.
 */
export interface AccountMoney {
  netLiquidation: number;
  cash: number;
  dayPnl: number | null;
  unrealizedPnl: number | null;
  currency: string;
  /** ISO time IB last sent one of these values. */
  at: string;
}

/** §25 sums over the enabled accounts of the trading mode whose money is known (`accounts` counted of `of`). */
export interface MoneyTotals {
  netLiquidation: number;
  cash: number;
  dayPnl: number;
  currency: string;
  /** How many accounts the sums include, and how many enabled accounts of the trading mode there are. */
  accounts: number;
  of: number;
}

/** §25 `GET /api/accounts/:accountId/history`: `nav` (net liquidation) or `drift` (percentage points). */
export const HISTORY_METRICS = ['nav', 'drift'] as const;
export type HistoryMetric = (typeof HISTORY_METRICS)[number];

export interface HistoryPoint {
  /** ISO time of the sample. */
  at: string;
  value: number;
}

export interface PlanRow {
  symbol: string;
  currentShares: number;
  currentValue: number;
  /** Fractions 0..1. */
  currentWeight: number;
  targetWeight: number;
  targetShares: number;
  price: number;
  delta: number;
  /** The order this row produces, or null when no trade is made. */
  order: { side: OrderSide; quantity: number } | null;
  estimatedValue: number;
  /**
   * The fraction of a share above the target that whole-share orders leave behind (e.g. 0.4 of a 10.4-share holding
   * sold down to 5), for the trader to close in TWS (§23); absent when there is none.
   */
  residualShares?: number;
  note?: string;
}

export interface Plan {
  accountId: string;
  strategy: string | null;
  asOf: string | null;
  netLiquidation: number;
  /** `TotalCashValue` when the plan was made, USD (plans stored before §24 carry it as `cash`: see `planCashUsd`). */
  accountCash: number;
  cashReservePercent: number;
  investable: number;
  rows: PlanRow[];
  warnings: string[];
  /**
   * Risk limits (`limits.*`, §23) the plan's orders break, each in words naming the limit. A live rebalance with any
   * fails `rejected` and sends no order; absent on plans stored before limits existed.
   */
  limitBreaches?: string[];
  /**
   * §24 the cash line in percent of NAV: current (net liquidation not held in the plan's symbols, at the mark), target
   * (the reserve plus what the allocation leaves unallocated) and diff (current − target). Plans stored before §24
   * have no line here (their `cash` was the USD now in `accountCash`): read it with `planCashLine`.
   */
  cash?: CashLine;
  createdAt: string;
  /** Which planner made it (§27): absent or `full` for the §8 rebalance, `buy-only`, or `raise-cash`. */
  mode?: PlanMode;
  /** The USD a `raise-cash` plan raises above the reserve. */
  raiseAmount?: number;
}

/** §24 the plan's cash line, or null on a plan stored before §24 (whose `cash` was a number of USD). */
export function planCashLine(plan: Plan): CashLine | null {
  const cash: unknown = plan.cash;
  return typeof cash === 'object' && cash !== null ? (cash as CashLine) : null;
}

/** The account's cash in USD when the plan was made, also on a plan stored before §24 (then its `cash`). */
export function planCashUsd(plan: Plan): number {
  const legacy: unknown = plan.cash;
  return typeof plan.accountCash === 'number' ? plan.accountCash : typeof legacy === 'number' ? legacy : 0;
}

/** §24: cash as a line of its own, in percent of NAV; diff = current − target. */
export interface CashLine {
  current: number;
  target: number;
  diff: number;
}

/** The planners of §8 and §27. */
export type PlanMode = 'full' | 'buy-only' | 'raise-cash';

export interface OrderRecord {
  orderId: number;
  permId: number | null;
  clientId: number | null;
  accountId: string;
  symbol: string;
  side: OrderSide;
  quantity: number;
  type: string;
  limitPrice: number | null;
  timeInForce: string;
  orderRef: string | null;
  status: string;
  filled: number;
  remaining: number;
  avgFillPrice: number | null;
}

/** One order or fill kept for the trade log (§13). */
export interface TradeRecord {
  id: string;
  kind: 'order' | 'fill';
  eventId: string | null;
  accountId: string;
  symbol: string;
  side: OrderSide;
  quantity: number;
  orderType: string;
  orderRef: string | null;
  orderId: number | null;
  permId: number | null;
  status: string;
  fillPrice: number | null;
  commission: number | null;
  at: string;
  /** §24: true when the event this trade belongs to was deleted; the trade record itself is kept (an audit trail). */
  eventDeleted?: boolean;
}

/** §27: a change of an account's cash that its fills and commissions do not explain (positive = added). */
export interface CashFlow {
  accountId: string;
  /** USD, positive for a deposit, negative for a withdrawal. */
  amount: number;
  /** ISO-8601 UTC, when it was seen. */
  at: string;
  /** Cash before and after, USD. */
  cashBefore?: number;
  cashAfter?: number;
  /** The id of the buy-only rebalance it queued (`cashFlow: "top-up"`), when one was. */
  eventId?: string | null;
}

// ---------------------------------------------------------------------------------------------
// Health (§11, §12)

export type Light = 'green' | 'amber' | 'red';

export interface ComponentHealth {
  state: Light;
  detail: string;
}

/** §28: the light of one IB Gateway login. */
export interface GatewayHealth extends ComponentHealth {
  id: string;
  label: string;
}

export interface Health {
  status: 'ok' | 'degraded' | 'down';
  redis: ComponentHealth;
  /** Every gateway together: the worst light, each one's reason (the one gateway's light when there is one). */
  ib: ComponentHealth;
  /** §28: one light per gateway, "default" first; absent from an older core. */
  gateways?: GatewayHealth[];
  feed: ComponentHealth;
  processor: ComponentHealth;
  queue: ComponentHealth;
  tradingMode: 'paper' | 'live';
  simulated: boolean;
}

export interface LogLine {
  time: string;
  level: LogLevel;
  msg: string;
  tag?: string;
  eventId?: string;
  accountId?: string;
  [key: string]: unknown;
}

// ---------------------------------------------------------------------------------------------
// After the trade (§20)

/** One symbol of a rebalance's report: intended against achieved. */
export interface ReportRow {
  symbol: string;
  targetShares: number;
  finalShares: number;
  residualShares: number;
  planPrice: number;
  /** Average price of this symbol's fills, null when nothing filled. */
  avgFillPrice: number | null;
  /** Positive when it cost the trader: bought above, or sold below, the plan's mark. Null when nothing filled. */
  slippageBps: number | null;
  /** Sum of the fills' commission reports, null when none arrived. */
  commission: number | null;
}

export interface ReportTotals {
  ordersSent: number;
  ordersFilled: number;
  /** Σ filled × fill price. */
  turnover: number;
  commissions: number;
  /** Σ signed (fill − mark) × filled: what slippage cost (negative: it gained). */
  slippageCost: number;
  /** Largest |current − target| weight, in percentage points, before trading and after the last fill. */
  driftBefore: number;
  driftAfter: number;
}

/**
 * §20/§24: an account's drift at one moment — the largest |current − target| weight over its symbols and cash, in
 * percentage points at the mark (`percent`), and each symbol's current and target weight and their difference
 * (current − target), also in percentage points; targets are effective targets (after the cash reserve). Written by the drift monitor and after every live rebalance.
 */
export interface DriftReading {
  percent: number;
  /** ISO time of the read. */
  at: string;
  bySymbol: Record<string, { current: number; target: number; diff: number }>;
  /** §24 the cash line (part of `percent`); absent on readings stored before §24. */
  cash?: CashLine;
}

/** `result.report` of a finished live rebalance. */
export interface TradeReport {
  rows: ReportRow[];
  totals: ReportTotals;
}

/** One entry of `GET /api/reports`. */
export interface RebalanceReport extends TradeReport {
  /** The event's id (open it with `GET /api/queue/events/:id`). */
  eventId: string;
  accountId: string;
  /**
   * What the event was: a `rebalance` (full or buy-only) or a `raise-cash` (§27). Absent on reports kept from before
   * it was recorded, which were all rebalances.
   */
  command?: 'rebalance' | 'raise-cash';
  strategy: string | null;
  asOf: string | null;
  finishedAt: string;
  /** §24: true when the rebalance's event was deleted (or trimmed); its report is kept. */
  eventDeleted?: boolean;
}
