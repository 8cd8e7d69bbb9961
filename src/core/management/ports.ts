/**
 * What the management service (handlers.ts) may use of the core: narrow ports, each only the calls an operation
 * makes. The composition root (runtime.ts) builds them over its parts; tests pass plain objects. Nothing here
 * imports the Runtime, so management depends on these shapes and not on the root.
 */
import type { FeedLogEntry, MissedSignal, SetupCheckReport, SimulatorAction } from '../../shared/contract';
import type { AccountMoney, EnqueueResult, Health, LogLine, TradeRecord } from '../../shared/dto';
import type { AccountHistory } from '../records/account-history';
import type { StrategyListing } from '../allocations/allocation-client';
import type { Settings } from '../config/schema';
import type { EventQueue } from '../queue/event-queue';
import type { AccountState } from '../records/account-state';
import type { NextScheduledRun } from '../schedules/scheduler';
import type { ReportIndex } from '../records/report-index';
import type { CashFlowStore } from '../records/cash-flow-store';
import type { SetupRecordStore } from '../records/setup-record';

/** Demo mode only: what the simulator lets the window do. */
export interface SimulatorHooks {
  publishSignal(strategy: string, exec: string, eventId?: string): Promise<{ published: string; eventId: string }>;
  /** Acts on one simulated IB login (§28: "default", or a `gateways` id); an unknown id is refused, naming the ids. */
  gateway(action: SimulatorAction, gatewayId: string): Promise<{ running: boolean }>;
}

/** The queue operations the window can ask for (the façade's own methods, nothing of its internals). */
export type QueuePort = Pick<
  EventQueue,
  | 'status'
  | 'list'
  | 'get'
  | 'enqueue'
  | 'retryNow'
  | 'hold'
  | 'release'
  | 'approve'
  | 'reject'
  | 'delete'
  | 'pause'
  | 'resume'
>;

/** The settings in force and how they are read back and replaced (getConfig / putConfig). */
export interface SettingsPort {
  /** The settings in force (read on every call: a save replaces them). */
  current(): Settings;
  /** Problems with the settings file at start-up (the last good settings are in force). */
  loadIssues(): { path: string; message: string }[];
  /** Saves validated settings and applies them to the running core. */
  saveAndApply(next: Settings): Promise<void>;
  readonly dataDir: string;
  readonly simulated: boolean;
}

export interface FeedPort {
  missedSignals(): Map<string, MissedSignal>;
  /** One-click catch-up of a missed signal (§15). */
  enqueueCatchUp(accountId: string): Promise<EnqueueResult>;
  feedLog(): FeedLogEntry[];
}

/** After pause / resume: the processor picks up work and the status strip is refreshed. */
export interface ProcessingPort {
  wake(): void;
  healthChanged(): void;
}

export interface ManagementPorts {
  queue: QueuePort;
  settings: SettingsPort;
  health(): Promise<Health>;
  processing: ProcessingPort;
  accountStates: { all(): Promise<Map<string, AccountState>> };
  /** §25 money of these accounts as IB last reported it (absent: not known); never throws. */
  money(accountIds: readonly string[]): Promise<Map<string, AccountMoney>>;
  /** §25 NAV and drift samples (records/account-history.ts). */
  history: Pick<AccountHistory, 'read'>;
  /** The next firing of a schedule for an account, null when none covers it (or the scheduler is not running). */
  nextScheduledRun(accountId: string): NextScheduledRun | null;
  feed: FeedPort;
  logs: {
    query(filter: { level?: LogLine['level']; accountId?: string; eventId?: string; limit?: number }): LogLine[];
  };
  trades: {
    list(filter: { accountId?: string; eventId?: string; since?: string; limit?: number }): Promise<TradeRecord[]>;
  };
  /**
   * §20 reports of finished live rebalances, newest first (records/report-index.ts); `add` indexes (and keeps) an
   * event's report before the event is deleted (§24).
   */
  reports: Pick<ReportIndex, 'reports'> & Partial<Pick<ReportIndex, 'add'>>;
  /** The allocation provider's strategy list (the client in force: a new allocations URL applies at once). */
  strategies(): Promise<StrategyListing[]>;
  /** §29 Check setup (each result also pushed to the window as it finishes); absent where no core runs the checks. */
  checkSetup?(): Promise<SetupCheckReport>;
  /** §26 what the core remembers for Get started; absent where no core keeps it. */
  setup?: Pick<SetupRecordStore, 'read' | 'noteComplete'>;
  simulator?: SimulatorHooks;
  /**
   * §27: the account's net liquidation now, to refuse a `raise-cash` larger than the account at enqueue; null when
   * the gateway cannot say (the processor checks again when the event runs).
   */
  netLiquidation?(accountId: string): Promise<number | null>;
  /** §27 detected cash flows, newest first. */
  cashFlows?: Pick<CashFlowStore, 'list' | 'latest'>;
}
