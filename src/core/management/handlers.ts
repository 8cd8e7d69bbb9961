import type { AccountCommandOutcome, EventList, Handlers, SetupProgress } from '../../shared/contract';
import { EVENT_STATUSES, type Command, type EventRecord, type EventStatus, type Health } from '../../shared/dto';
import { payloadProblem } from '../domain/cash-commands';
import { tradingBlockReason } from '../domain/trading-guard';
import { buildManualEvent } from '../feed/manual-source';
import { listAccounts } from './accounts-view';
import { ApiError } from './api-error';
import { configView, settingsToSave } from './config-view';
import type { ManagementPorts } from './ports';
import { setupProgress } from './setup-progress';

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
export function createManagementHandlers(ports: ManagementPorts): Handlers {
  const { queue, settings, feed, simulator } = ports;

  async function enqueueManual(
    accountId: string,
    command: string,
    payload: Record<string, unknown> | undefined,
    source: 'manual' | 'api',
  ): Promise<EventRecord> {
    const current = settings.current();
    const event = buildManualEvent({ accountId, command, source, ...(payload ? { payload } : {}) }, current);
    const account = current.accounts.find((a) => a.accountId === event.accountId);
    const blocked = account ? tradingBlockReason(account, current.tradingMode, event.command) : null;
    if (blocked) throw new ApiError('invalid', blocked);
    await checkPayload(event);
    const result = await queue.enqueue(event, source === 'api' ? 'api' : 'operator');
    if (result.status === 'duplicate') throw duplicateError(accountId, command, result.existingId);
    return result.event;
  }

  /**
   * §27: a bad `payload.mode` or `payload.amount` (negative, zero, not a number, more than the account) is a 400
   * naming the field, and nothing is queued. The account's size is asked of the gateway only when an amount is given.
   */
  async function checkPayload(event: { accountId: string; command: Command; payload?: Record<string, unknown> }) {
    const payload = event.payload ?? {};
    let problem = payloadProblem(event.command, payload);
    if (!problem && typeof payload.amount === 'number' && ports.netLiquidation) {
      const nav = await ports.netLiquidation(event.accountId);
      if (nav !== null) problem = payloadProblem(event.command, payload, nav);
    }
    if (problem) {
      throw new ApiError('invalid', `invalid input: ${problem.path}: ${problem.message}`, { issues: [problem] });
    }
  }

  const currentConfig = () =>
    configView({
      settings: settings.current(),
      fileIssues: settings.loadIssues(),
      dataDir: settings.dataDir,
      simulated: settings.simulated,
    });

  /** Get started's checklist; `health` when the caller has already asked for it (queuePage), so it is read once. */
  async function setupProgressNow(health?: Promise<Health>): Promise<SetupProgress> {
    if (!ports.setup) throw new ApiError('unavailable', 'Get started needs the core to be running');
    const [healthNow, record] = await Promise.all([health ?? ports.health(), ports.setup.read()]);
    const progress = setupProgress({
      health: healthNow,
      settings: settings.current(),
      record,
      simulated: settings.simulated,
    });
    if (progress.complete && record.completedAt === null) {
      const at = new Date().toISOString();
      await ports.setup.noteComplete(at);
      return { ...progress, completedAt: at };
    }
    return progress;
  }

  return {
    health: () => ports.health(),
    queueStatus: () => queue.status(),
    queuePage: async ({ limit }) => {
      const healthNow = ports.health();
      const [health, status, setup, ...lists] = await Promise.all([
        healthNow,
        queue.status(),
        ports.setup ? setupProgressNow(healthNow) : null,
        ...EVENT_STATUSES.map((state) => queue.list({ state, limit, offset: 0 })),
      ]);
      const byState = {} as Record<EventStatus, EventList>;
      EVENT_STATUSES.forEach((state, i) => (byState[state] = lists[i]!));
      return { health, status, lists: byState, setup };
    },
    listEvents: (input) => queue.list(input),
    getEvent: async ({ id }) => {
      const detail = await queue.get(id);
      if (!detail) throw new ApiError('not-found', `no event with id ${id}`);
      return { ...detail, logs: ports.logs.query({ eventId: id, limit: 1_000 }) };
    },
    enqueue: ({ accountId, command, payload }) => enqueueManual(accountId, command, payload, 'api'),
    retry: ({ id, expectedStatus }) => queue.retryNow(id, expectedStatus),
    hold: ({ id, expectedStatus }) => queue.hold(id, expectedStatus, 'held by the trader'),
    release: ({ id, expectedStatus }) => queue.release(id, expectedStatus),
    reports: ({ accountId, since, limit }) =>
      ports.reports.reports({ limit, ...(accountId ? { accountId } : {}), ...(since ? { since } : {}) }),
    approve: ({ id, expectedStatus }) => queue.approve(id, expectedStatus),
    reject: ({ id, expectedStatus }) => queue.reject(id, expectedStatus),
    delete: async ({ id, expectedStatus }) => {
      // §24: the report outlives its event; make sure it is indexed (and kept) before the record goes.
      const detail = ports.reports.add ? await queue.get(id) : null;
      if (detail) await ports.reports.add?.(detail.event);
      await queue.delete(id, expectedStatus);
      return { deleted: id };
    },
    pause: async () => {
      await queue.pause();
      ports.processing.healthChanged();
      return queue.status();
    },
    resume: async () => {
      await queue.resume();
      ports.processing.wake();
      ports.processing.healthChanged();
      return queue.status();
    },
    accounts: () => listAccounts(ports),
    accountHistory: async ({ accountId, metric, since }) => {
      const id = accountId.toUpperCase();
      if (!settings.current().accounts.some((a) => a.accountId === id)) {
        throw new ApiError('not-found', `no account ${id} in the settings`);
      }
      return { points: await ports.history.read(id, metric, since) };
    },
    runCommand: async ({ accountId, command, payload, source }) => {
      if (source === 'catch-up') {
        if (command !== 'rebalance') throw new ApiError('invalid', 'catch-up is only for the rebalance command');
        const result = await feed.enqueueCatchUp(accountId);
        if (result.status === 'duplicate') throw duplicateError(accountId, command, result.existingId);
        return result.event;
      }
      return enqueueManual(accountId, command, payload, 'manual');
    },
    runCommandAll: async ({ command, payload }) => {
      const current = settings.current();
      const targets = current.accounts.filter((a) => a.enabled && a.type === current.tradingMode);
      if (targets.length === 0) {
        throw new ApiError(
          'invalid',
          `no enabled ${current.tradingMode} account to run ${command} on; enable one under Settings → Accounts`,
        );
      }
      // Enqueued together, so the queue sends them to Redis as one call; each keeps its own answer.
      const results = await Promise.all(
        targets.map(async (account): Promise<AccountCommandOutcome> => {
          const event = buildManualEvent(
            { accountId: account.accountId, command, source: 'manual', ...(payload ? { payload } : {}) },
            current,
          );
          await checkPayload(event);
          const result = await queue.enqueue(event, 'operator');
          const who = { accountId: account.accountId, name: account.name };
          return result.status === 'queued'
            ? { ...who, status: 'queued', event: result.event }
            : { ...who, status: 'duplicate', existingId: result.existingId };
        }),
      );
      return { results };
    },
    logs: async (input) => ({ lines: ports.logs.query(input) }),
    trades: async (input) => ({ trades: await ports.trades.list(input) }),
    listCashFlows: async ({ accountId, limit }) => ({
      cashFlows: (await ports.cashFlows?.list({ limit, ...(accountId ? { accountId } : {}) })) ?? [],
    }),
    feedLog: async () => ({ entries: feed.feedLog() }),
    strategies: async () => {
      try {
        return { strategies: await ports.strategies(), error: null };
      } catch (error) {
        return { strategies: [], error: (error as Error).message };
      }
    },
    getConfig: async () => currentConfig(),
    putConfig: async (input) => {
      await settings.saveAndApply(settingsToSave(input, settings.current()));
      return currentConfig();
    },
    checkSetup: async () => {
      if (!ports.checkSetup) throw new ApiError('unavailable', 'Check setup needs the core to be running');
      return ports.checkSetup();
    },
    setupProgress: () => setupProgressNow(),
    publishSignal: async ({ strategy, exec, eventId }) => {
      if (!simulator) throw new ApiError('not-found', 'publishing signals is only available in demo mode');
      return simulator.publishSignal(strategy, exec, eventId);
    },
    simulatorControl: async ({ action, gateway }) => {
      if (!simulator) throw new ApiError('not-found', 'the simulator is only available in demo mode');
      return simulator.gateway(action, gateway);
    },
  } satisfies Handlers;
}
