/**
 * THE management contract (PRODUCT.md §11): every operation the window can ask of the core, with its HTTP method and
 * path, input schema and output type. The HTTP routes (src/server) and the IPC handlers (src/main) are generated from
 * this table, and the renderer calls operations by name; nothing else lists them.
 */
import { z } from 'zod';
import { ROUTES, type HttpMethod } from './routes';
import {
  ACCOUNT_ID_PATTERN,
  COMMANDS,
  EVENT_STATUSES,
  LOG_LEVELS,
  HISTORY_METRICS,
  type AccountEquity,
  type AccountMoney,
  type CashFlow,
  type DriftReading,
  type Command,
  type EventRecord,
  type EventStatus,
  type Health,
  type HistoryEntry,
  type HistoryPoint,
  type MoneyTotals,
  type LogLine,
  type OrderRecord,
  type Plan,
  type Position,
  type QueueChange,
  type QueueStatus,
  type RebalanceReport,
  type TradeRecord,
} from './dto';

export type { HttpMethod } from './routes';

export interface OperationDef<I extends z.ZodType, O> {
  method: HttpMethod;
  /** Path with `:param` segments; params, query and JSON body are merged into one input object. */
  path: string;
  input: I;
  /** Phantom: the output type, never a value. */
  output: O;
  /** HTTP status of a success (200 unless said). */
  successStatus?: number;
  /** Only available when the core runs with the simulator (demo). */
  demoOnly?: boolean;
}

/** `op<Output>()({ method, path, input })`: the output type is named, the input type is inferred from its schema. */
function op<O>() {
  return <I extends z.ZodType>(def: Omit<OperationDef<I, O>, 'output'>): OperationDef<I, O> => ({
    ...def,
    output: undefined as O,
  });
}

const id = z.string().trim().min(1, 'is required').max(300);
const accountId = z
  .string()
  .trim()
  // Lower case is accepted here as before (`du123456`); the settings schema requires the id as IB writes it.
  .regex(new RegExp(ACCOUNT_ID_PATTERN.source, 'i'), 'must be an IB account id such as DU123456');
const command = z.enum(COMMANDS, { error: () => `must be one of ${COMMANDS.join(', ')}` });
const status = z.enum(EVENT_STATUSES);
const payload = z.record(z.string(), z.unknown());
const limit = (max: number, dflt: number) => z.coerce.number().int().min(1).max(max).default(dflt);
const empty = z.object({}).strict();
const expected = z.object({ id, expectedStatus: status.optional() }).strict();

// ---------------------------------------------------------------------------------------------------------------
// Output shapes that are only meaningful at the management edge

export interface EventList {
  events: EventRecord[];
  total: number;
}

/**
 * §16 first render: what the Queue page shows first, in one answer — the window's first requests, which over
 * HTTP/1.1's six connections would otherwise queue behind each other and behind the window's code.
 */
export interface QueuePage {
  health: Health;
  status: QueueStatus;
  /** Each state's first `limit` events, as `listEvents({state, limit})` answers. */
  lists: Record<EventStatus, EventList>;
  /** Get started's checklist (`setupProgress`), or null when the core cannot say (it is not running). */
  setup: SetupProgress | null;
}

export interface EventDetail {
  event: EventRecord;
  history: HistoryEntry[];
  logs: LogLine[];
}

export interface MissedSignal {
  strategy: string;
  asOf: string | null;
  lastAsOf: string | null;
}

/**
 * Demo-mode controls of the simulated gateway: stop / start / drop, and its daily troubles (§21): connectivity to IB
 * lost (1100) / restored (1102), a competing live session (10197), logged out (no managed accounts) / logged in.
 */
export const SIMULATOR_ACTIONS = [
  'stop',
  'start',
  'drop',
  'lose-connectivity',
  'restore-connectivity',
  'competing-session-on',
  'competing-session-off',
  'log-out',
  'log-in',
] as const;
export type SimulatorAction = (typeof SIMULATOR_ACTIONS)[number];

export interface AccountView {
  accountId: string;
  name: string;
  type: 'paper' | 'live';
  enabled: boolean;
  strategy: string;
  cashReservePercent: number;
  replacementSet: string | null;
  replacements: { source: string; target: string; scale: number }[];
  /** §19: `auto` trades at once; `confirm` / `timer` wait for the trader (timer: `approvalMinutes`). */
  approval: 'auto' | 'confirm' | 'timer';
  approvalMinutes: number;
  /** True when the account trades in the current trading mode. */
  active: boolean;
  lastRebalance: { at: string; eventId: string; asOf: string | null } | null;
  lastResult: { at: string; eventId: string; command: string; ok: boolean; summary: string } | null;
  /**
   * §20: the drift at the monitor's last check or after the last rebalance (percentage points: largest
   * |current − target| weight, per symbol in `bySymbol`), or null before the first.
   */
  drift: DriftReading | null;
  /** True when `drift.percent` is above `drift.alertPercent` (the card's **Drifted** badge). */
  drifted: boolean;
  /** `drift.alertPercent` in force, for the card's explanation of the badge. */
  driftAlertPercent: number;
  /** Why the drift monitor's last check could not measure this account (its last `drift` stays), or null. */
  driftError: { at: string; message: string } | null;
  missedSignal: MissedSignal | null;
  /** §25 net liquidation, cash, day and unrealized P&L as IB last reported them, or null before IB has. */
  money: AccountMoney | null;
  /** The next firing of a schedule (§21) for this account, or null when no schedule covers it. */
  nextScheduledRun: { scheduleId: string; command: Command; at: string } | null;
  /** §27: the account's newest detected deposit or withdrawal, and what it does with one (`cashFlow`). */
  lastCashFlow?: CashFlow | null;
  cashFlow?: 'notify' | 'top-up' | 'ignore';
  rebalanceMode?: 'full' | 'buy-only';
  /** §28: the id of the IB Gateway login the account is on ("default" = the `ib` block). */
  gateway?: string;
}

/** One account's answer to `runCommandAll`: its new event, or the event of that command it already has queued. */
export type AccountCommandOutcome =
  | { accountId: string; name: string; status: 'queued'; event: EventRecord }
  | { accountId: string; name: string; status: 'duplicate'; existingId: string };

export interface FeedLogEntry {
  at: string;
  channel: string | null;
  messageId: string | null;
  eventId: string | null;
  outcome: 'accepted' | 'duplicate' | 'rejected' | 'gap' | 'state';
  reason?: string;
  accounts?: string[];
}

export interface ConfigView {
  /** Settings with secrets masked (§14); shape of `Settings` in src/shared/settings-schema.ts. */
  settings: Record<string, unknown>;
  /** Which secrets are set, never their values. */
  secretsSet: Record<string, boolean>;
  /** Problems with the settings file at start-up, if any (the last good settings are in force). */
  fileIssues: { path: string; message: string }[];
  dataDir: string;
  simulated: boolean;
}

export interface StrategyOption {
  name: string;
  slug: string;
}

/** What `print-*` commands and previews produce, for the account detail panel. */
export type CommandResult =
  | { command: 'print-rebalance' | 'rebalance'; plan: Plan }
  | { command: 'print-positions'; positions: Position[] }
  | { command: 'print-equity'; equity: AccountEquity }
  | { command: 'print-orders' | 'cancel-orders'; orders: OrderRecord[] };

/** §29 Check setup: the check ids, in the order the table lists them. */
export const SETUP_CHECK_IDS = [
  'redis',
  'ib-reachable',
  'ib-logged-in',
  'ib-accounts',
  'ib-read-only',
  'ib-precautions',
  'market-data',
  'clock',
  'allocations',
  'realtime',
  'disk',
] as const;
export type SetupCheckId = (typeof SETUP_CHECK_IDS)[number];
export type SetupCheckStatus = 'ok' | 'warn' | 'fail';

/** One row of Check setup: what was found (`detail`) and, unless ok, what the trader does about it (`fix`). */
export interface SetupCheck {
  id: SetupCheckId;
  status: SetupCheckStatus;
  title: string;
  detail: string;
  /** A sentence the trader can follow (the IB Gateway setting, the Settings field …); '' when ok. */
  fix: string;
}

export interface SetupCheckReport {
  /** When the run started (ISO-8601); the stream's `setup-check` messages of this run carry the same `at`. */
  at: string;
  checks: SetupCheck[];
}

/** §26 Get started: the checklist's steps, in the order the page lists them. */
export const SETUP_STEP_IDS = ['gateway', 'keys', 'accounts', 'check', 'preview'] as const;
export type SetupStepId = (typeof SETUP_STEP_IDS)[number];

/** One step of Get started: whether it is done now and, in words, what was found or what to do. */
export interface SetupStep {
  id: SetupStepId;
  done: boolean;
  detail: string;
  /** When it happened, for the steps the core remembers (the last Check setup run, the first preview); else null. */
  at: string | null;
}

/**
 * §26 Get started, worked out by the core from live state (the IB light, the settings) and what it remembers (the
 * last Check setup run, the first finished preview, the moment every step was first done together).
 */
export interface SetupProgress {
  steps: SetupStep[];
  /** Every step is done now, or once was all at the same time (`completedAt`): setup stays complete after that. */
  complete: boolean;
  completedAt: string | null;
  /** The window opens on Get started: setup is not complete and this is not the demo (which opens on Queue). */
  opensOnGetStarted: boolean;
}

// ---------------------------------------------------------------------------------------------------------------

export const operations = {
  health: op<Health>()({ ...ROUTES.health, input: empty }),
  queueStatus: op<QueueStatus>()({ ...ROUTES.queueStatus, input: empty }),
  queuePage: op<QueuePage>()({
    ...ROUTES.queuePage,
    input: z.object({ limit: limit(10_000, 200) }).strict(),
  }),
  listEvents: op<EventList>()({
    ...ROUTES.listEvents,
    input: z
      .object({
        state: status.optional(),
        accountId: z.string().trim().max(32).optional(),
        q: z.string().max(200).optional(),
        limit: limit(10_000, 200),
        offset: z.coerce.number().int().min(0).default(0),
      })
      .strict(),
  }),
  getEvent: op<EventDetail>()({ ...ROUTES.getEvent, input: z.object({ id }).strict() }),
  enqueue: op<EventRecord>()({
    ...ROUTES.enqueue,
    successStatus: 201,
    input: z.object({ accountId, command, payload: payload.optional() }).strict(),
  }),
  retry: op<EventRecord>()({ ...ROUTES.retry, input: expected }),
  hold: op<EventRecord>()({ ...ROUTES.hold, input: expected }),
  release: op<EventRecord>()({ ...ROUTES.release, input: expected }),
  delete: op<{ deleted: string }>()({ ...ROUTES.delete, input: expected }),
  /** §19: awaiting → tail of the queue, approved with its plan hash; 409 conflict when it is no longer awaiting. */
  approve: op<EventRecord>()({ ...ROUTES.approve, input: expected }),
  /** §19: awaiting → done with `result: {rejectedByTrader: true, plan}`; 409 conflict when no longer awaiting. */
  reject: op<EventRecord>()({ ...ROUTES.reject, input: expected }),
  pause: op<QueueStatus>()({ ...ROUTES.pause, input: empty }),
  resume: op<QueueStatus>()({ ...ROUTES.resume, input: empty }),
  /** §25: `totals` sum the money of the enabled accounts of the trading mode. */
  accounts: op<{ accounts: AccountView[]; totals: MoneyTotals }>()({ ...ROUTES.accounts, input: empty }),
  /** §25: NAV or drift samples of one account (each drift check, each finished rebalance), oldest first. */
  accountHistory: op<{ points: HistoryPoint[] }>()({
    ...ROUTES.accountHistory,
    input: z
      .object({
        accountId,
        metric: z.enum(HISTORY_METRICS, { error: () => `must be one of ${HISTORY_METRICS.join(', ')}` }),
        since: z.iso.datetime({ offset: true, error: 'must be an ISO-8601 date-time' }).optional(),
      })
      .strict(),
  }),
  runCommand: op<EventRecord>()({
    ...ROUTES.runCommand,
    successStatus: 201,
    input: z
      .object({ accountId, command, payload: payload.optional(), source: z.enum(['manual', 'catch-up']).optional() })
      .strict(),
  }),
  /** §23 Rebalance all: the command for every enabled account of the trading mode, answered per account. */
  runCommandAll: op<{ results: AccountCommandOutcome[] }>()({
    ...ROUTES.runCommandAll,
    input: z.object({ command, payload: payload.optional() }).strict(),
  }),
  logs: op<{ lines: LogLine[] }>()({
    ...ROUTES.logs,
    input: z
      .object({
        level: z.enum(LOG_LEVELS).optional(),
        accountId: z.string().trim().max(32).optional(),
        eventId: z.string().trim().max(300).optional(),
        limit: limit(5_000, 500),
      })
      .strict(),
  }),
  trades: op<{ trades: TradeRecord[] }>()({
    ...ROUTES.trades,
    input: z
      .object({
        accountId: z.string().trim().max(32).optional(),
        eventId: z.string().trim().max(300).optional(),
        since: z.iso.datetime({ offset: true, error: 'must be an ISO-8601 date-time' }).optional(),
        limit: limit(10_000, 1_000),
      })
      .strict(),
  }),
  /** §20: the reports of finished live rebalances, newest first. */
  reports: op<{ reports: RebalanceReport[]; total: number }>()({
    ...ROUTES.reports,
    input: z
      .object({
        accountId: z.string().trim().max(32).optional(),
        since: z.iso.datetime({ offset: true, error: 'must be an ISO-8601 date-time' }).optional(),
        limit: limit(10_000, 200),
      })
      .strict(),
  }),
  listCashFlows: op<{ cashFlows: CashFlow[] }>()({
    ...ROUTES.listCashFlows,
    input: z.object({ accountId: z.string().trim().max(32).optional(), limit: limit(2_000, 200) }).strict(),
  }),
  feedLog: op<{ entries: FeedLogEntry[] }>()({ ...ROUTES.feedLog, input: empty }),
  strategies: op<{ strategies: StrategyOption[]; error: string | null }>()({ ...ROUTES.strategies, input: empty }),
  getConfig: op<ConfigView>()({ ...ROUTES.getConfig, input: empty }),
  putConfig: op<ConfigView>()({
    ...ROUTES.putConfig,
    input: z
      .object({
        settings: z.record(z.string(), z.unknown(), {
          error: 'must be a JSON object of settings (see PRODUCT.md §14)',
        }),
        confirmLive: z.boolean({ error: 'must be true or false' }).optional(),
        /** §18: a save that leaves no account is refused unless it says so. */
        dropAllAccounts: z.boolean({ error: 'must be true or false' }).optional(),
      })
      .strict(),
  }),
  /** §29: runs every check (what-ifs only, nothing executes); each result is also pushed as it finishes. */
  checkSetup: op<SetupCheckReport>()({ ...ROUTES.checkSetup, input: empty }),
  /** §26: the Get started checklist, ticked from live state and what the core remembers. */
  setupProgress: op<SetupProgress>()({ ...ROUTES.setupProgress, input: empty }),
  publishSignal: op<{ published: string; eventId: string }>()({
    ...ROUTES.publishSignal,
    demoOnly: true,
    input: z
      .object({
        strategy: z.string().trim().min(1),
        exec: command.default('rebalance'),
        eventId: z.string().optional(),
      })
      .strict(),
  }),
  simulatorControl: op<{ running: boolean }>()({
    ...ROUTES.simulatorControl,
    demoOnly: true,
    input: z
      .object({
        action: z.enum(SIMULATOR_ACTIONS),
        /** §28: which simulated IB login ("default": the `ib` block's); the answer is that login's. */
        gateway: z.string().trim().min(1, 'must name a gateway').default('default'),
      })
      .strict(),
  }),
} as const satisfies { [N in keyof typeof ROUTES]: OperationDef<z.ZodType, unknown> };

export type Operations = typeof operations;
export type OperationName = keyof Operations;
/** What the caller passes (before defaults are applied). */
export type InputOf<N extends OperationName> = z.input<Operations[N]['input']>;
/** What the handler receives (after validation and defaults). */
export type ParsedInputOf<N extends OperationName> = z.output<Operations[N]['input']>;
export type OutputOf<N extends OperationName> = Operations[N]['output'];

export const operationNames = Object.keys(operations) as OperationName[];

export function isOperationName(name: unknown): name is OperationName {
  return typeof name === 'string' && Object.hasOwn(operations, name);
}

/** A handler per operation; a missing one is a compile error where the table is implemented. */
export type Handlers = { [N in OperationName]: (input: ParsedInputOf<N>) => Promise<OutputOf<N>> };

// ---------------------------------------------------------------------------------------------------------------
// Errors and the push stream

export const ERROR_STATUS = {
  invalid: 400,
  unauthorized: 401,
  forbidden: 403,
  'not-found': 404,
  duplicate: 409,
  conflict: 409,
  /** §18: an `/api/*` body above the size limit. */
  'too-large': 413,
  /** §18: a `Host` this server does not answer to (DNS rebinding). */
  misdirected: 421,
  unavailable: 503,
  internal: 500,
} as const;
export type ErrorCode = keyof typeof ERROR_STATUS;

/** The one error shape on every transport: `{error: code, message}` (+ details). */
export interface ApiErrorBody {
  error: ErrorCode;
  message: string;
  existingId?: string;
  issues?: { path: string; message: string }[];
  /** Machine-readable cause where the window acts on it: `needs-live-confirmation` asks before saving again. */
  reason?: 'needs-live-confirmation' | 'drops-every-account';
}

/** Result envelope across IPC (results instead of thrown errors). */
export type CallResult<T> = { ok: true; value: T } | { ok: false; error: ApiErrorBody };

/** Messages pushed to the window (IPC events / SSE). They only say what changed; the window re-fetches. */
export type StreamMessage =
  | { type: 'queue'; change: QueueChange }
  | { type: 'health'; health: Health }
  | { type: 'log'; line: LogLine }
  | { type: 'trade'; trade: TradeRecord }
  | { type: 'accounts' }
  | { type: 'config' }
  | { type: 'feed'; entry: FeedLogEntry }
  /** §29: one check of the Check setup run that started at `at`, pushed as soon as it finished. */
  | { type: 'setup-check'; at: string; check: SetupCheck }
  /** §26: what the core remembers for Get started changed (a Check setup run, the first preview): re-fetch it. */
  | { type: 'setup' };
