import type { AccountCommandOutcome, AccountView, ConfigView, Handlers, SimulatorAction } from '../../shared/contract';
import type { EventRecord } from '../../shared/dto';
import { SECRET_PATHS, type Settings } from '../config/schema';
import { getSecret, keepUnchangedSecrets, maskSecrets } from '../config/secrets';
import { parseSettings, SettingsError } from '../config/settings-store';
import { tradingBlockReason } from '../domain/trading-guard';
import { buildManualEvent } from '../feed/manual-source';
import type { Runtime } from '../runtime';
import { ApiError } from './api-error';

/** Demo mode only: what the simulator lets the window do. */
export interface SimulatorHooks {
  publishSignal(strategy: string, exec: string, eventId?: string): Promise<{ published: string; eventId: string }>;
  gateway(action: SimulatorAction): Promise<{ running: boolean }>;
}

export interface ManagementDeps {
  runtime: Runtime;
  simulator?: SimulatorHooks;
}

function duplicateError(accountId: string, command: string, existingId: string): ApiError {
  return new ApiError(
    'duplicate',
    `${accountId} already has a ${command} event that is not done yet (${existingId}); retry, release or delete that one instead`,
    { existingId },
  );
}

/**
 * The management service (§11): every operation of the contract implemented over the queue, settings, logs, trades,
 * feed and simulator. `satisfies Handlers` makes a missing operation a compile error.
 */
export function createManagementHandlers({ runtime, simulator }: ManagementDeps): Handlers {
  const queue = () => runtime.queue;

  async function enqueueManual(
    accountId: string,
    command: string,
    payload: Record<string, unknown> | undefined,
    source: 'manual' | 'api',
  ): Promise<EventRecord> {
    const settings = runtime.settings;
    const event = buildManualEvent({ accountId, command, source, ...(payload ? { payload } : {}) }, settings);
    const account = settings.accounts.find((a) => a.accountId === event.accountId);
    const blocked = account ? tradingBlockReason(account, settings.tradingMode, event.command) : null;
    if (blocked) throw new ApiError('invalid', blocked);
    const result = await queue().enqueue(event, source === 'api' ? 'api' : 'operator');
    if (result.status === 'duplicate') throw duplicateError(accountId, command, result.existingId);
    return result.event;
  }

  async function configView(): Promise<ConfigView> {
    const settings = runtime.settings;
    const outcome = runtime.loadIssues();
    return {
      settings: maskSecrets(settings) as unknown as Record<string, unknown>,
      secretsSet: Object.fromEntries(SECRET_PATHS.map((p) => [p, getSecret(settings, p) !== ''])),
      fileIssues: outcome,
      dataDir: runtime.dataDir,
      simulated: runtime.simulated,
    };
  }

  return {
    health: () => runtime.health(),
    queueStatus: () => queue().status(),
    listEvents: (input) => queue().list(input),
    getEvent: async ({ id }) => {
      const detail = await queue().get(id);
      if (!detail) throw new ApiError('not-found', `no event with id ${id}`);
      return { ...detail, logs: runtime.tail.query({ eventId: id, limit: 1_000 }) };
    },
    enqueue: ({ accountId, command, payload }) => enqueueManual(accountId, command, payload, 'api'),
    retry: ({ id, expectedStatus }) => queue().retryNow(id, expectedStatus),
    hold: ({ id, expectedStatus }) => queue().hold(id, expectedStatus, 'held by the trader'),
    release: ({ id, expectedStatus }) => queue().release(id, expectedStatus),
    reports: ({ accountId, since, limit }) =>
      runtime.reportIndex.reports({ limit, ...(accountId ? { accountId } : {}), ...(since ? { since } : {}) }),
    approve: ({ id, expectedStatus }) => queue().approve(id, expectedStatus),
    reject: ({ id, expectedStatus }) => queue().reject(id, expectedStatus),
    delete: async ({ id, expectedStatus }) => {
      await queue().delete(id, expectedStatus);
      return { deleted: id };
    },
    pause: async () => {
      await queue().pause();
      runtime.pushHealthSoon();
      return queue().status();
    },
    resume: async () => {
      await queue().resume();
      runtime.processor.wakeAll();
      runtime.pushHealthSoon();
      return queue().status();
    },
    accounts: async () => {
      const settings = runtime.settings;
      const states = await runtime.accountState.all();
      const missed = runtime.feed.missedSignals();
      const accounts: AccountView[] = settings.accounts.map((a) => {
        const state = states.get(a.accountId);
        return {
          accountId: a.accountId,
          name: a.name,
          type: a.type,
          enabled: a.enabled,
          strategy: a.strategy,
          cashReservePercent: a.cashReservePercent,
          replacementSet: a.replacementSet,
          approval: a.approval,
          approvalMinutes: a.approvalMinutes,
          replacements: a.replacementSet ? (settings.replacementSets[a.replacementSet] ?? []) : [],
          active: a.enabled && a.type === settings.tradingMode,
          lastRebalance: state?.lastRebalance ?? null,
          lastResult: state?.lastResult ?? null,
          drift: state?.drift ?? null,
          drifted: (state?.drift?.percent ?? 0) > settings.drift.alertPercent,
          driftAlertPercent: settings.drift.alertPercent,
          driftError: state?.driftError ?? null,
          missedSignal: missed.get(a.accountId) ?? null,
          nextScheduledRun: runtime.scheduler?.nextRun(a.accountId) ?? null,
        };
      });
      return { accounts };
    },
    runCommand: async ({ accountId, command, payload, source }) => {
      if (source === 'catch-up') {
        if (command !== 'rebalance') throw new ApiError('invalid', 'catch-up is only for the rebalance command');
        const result = await runtime.feed.enqueueCatchUp(accountId);
        if (result.status === 'duplicate') throw duplicateError(accountId, command, result.existingId);
        return result.event;
      }
      return enqueueManual(accountId, command, payload, 'manual');
    },
    runCommandAll: async ({ command, payload }) => {
      const settings = runtime.settings;
      const targets = settings.accounts.filter((a) => a.enabled && a.type === settings.tradingMode);
      if (targets.length === 0) {
        throw new ApiError(
          'invalid',
          `no enabled ${settings.tradingMode} account to run ${command} on; enable one under Settings → Accounts`,
        );
      }
      // Enqueued together, so the queue sends them to Redis as one call; each keeps its own answer.
      const results = await Promise.all(
        targets.map(async (account): Promise<AccountCommandOutcome> => {
          const event = buildManualEvent(
            { accountId: account.accountId, command, source: 'manual', ...(payload ? { payload } : {}) },
            settings,
          );
          const result = await queue().enqueue(event, 'operator');
          const who = { accountId: account.accountId, name: account.name };
          return result.status === 'queued'
            ? { ...who, status: 'queued', event: result.event }
            : { ...who, status: 'duplicate', existingId: result.existingId };
        }),
      );
      return { results };
    },
    logs: async (input) => ({ lines: runtime.tail.query(input) }),
    trades: async (input) => ({ trades: await runtime.trades.list(input) }),
    feedLog: async () => ({ entries: runtime.feed.feedLog() }),
    strategies: async () => {
      try {
        return { strategies: await runtime.allocations.listStrategies(), error: null };
      } catch (error) {
        return { strategies: [], error: (error as Error).message };
      }
    },
    getConfig: () => configView(),
    putConfig: async ({ settings: input, confirmLive }) => {
      const previous = runtime.settings;
      const parsed = parseSettings(input);
      if (!parsed.ok) throw new SettingsError(parsed.issues, 'settings');
      const next: Settings = keepUnchangedSecrets(parsed.settings, previous);
      if (next.tradingMode === 'live' && previous.tradingMode !== 'live' && confirmLive !== true) {
        throw new ApiError('invalid', 'switching to LIVE trading needs confirmation (confirmLive: true)', {
          issues: [{ path: 'tradingMode', message: 'switching to live trading needs confirmation' }],
        });
      }
      await runtime.saveSettings(next);
      await runtime.applySettings(previous, runtime.settings);
      return configView();
    },
    publishSignal: async ({ strategy, exec, eventId }) => {
      if (!simulator) throw new ApiError('not-found', 'publishing signals is only available in demo mode');
      return simulator.publishSignal(strategy, exec, eventId);
    },
    simulatorControl: async ({ action }) => {
      if (!simulator) throw new ApiError('not-found', 'the simulator is only available in demo mode');
      return simulator.gateway(action);
    },
  } satisfies Handlers;
}
