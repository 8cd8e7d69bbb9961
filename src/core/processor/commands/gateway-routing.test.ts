import pino from 'pino';
import { describe, expect, it } from 'vitest';
import type { EventRecord } from '../../../shared/dto';
import { gatewaysOf } from '../../../shared/gateways';
import { settingsSchema } from '../../config/schema';
import { isDeskError } from '../../domain/errors';
import type { IbStatus } from '../../ib/connection';
import { IbError } from '../../ib/ib-errors';
import type { IbPort } from '../../ib/ib-client';
import type { CommandDeps, GatewayRoute } from '../command-deps';
import { commandHandlers } from './index';

/** §28: each event runs against its account's gateway; errors name the gateway. */
const settings = settingsSchema.parse({
  ib: { port: 4002, restartWindow: null },
  gateways: [{ id: 'spouse', label: 'Spouse', port: 4012 }],
  accounts: [
    { accountId: 'DU111', strategy: 'blend' },
    { accountId: 'DU222', strategy: 'blend', gateway: 'spouse' },
  ],
});

function fakeIb(accounts: string[], netLiquidation: number, up = true): IbPort {
  const status: IbStatus = {
    state: up ? 'connected' : 'disconnected',
    reason: up ? 'connected' : 'connect ECONNREFUSED',
    clientId: 1,
    host: '127.0.0.1',
    port: 0,
    since: new Date(0).toISOString(),
    accounts,
    problem: null,
  };
  return {
    state: status.state,
    status: () => status,
    whenConnected: () =>
      up ? Promise.resolve() : Promise.reject(IbError.notConnected('connect', 'connect ECONNREFUSED')),
    getEquity: (accountId: string) =>
      Promise.resolve({ accountId, netLiquidation, totalCashValue: 0, buyingPower: 0, currency: 'USD' }),
  } as unknown as IbPort;
}

function depsWith(ibs: Record<string, IbPort>): CommandDeps {
  const specs = gatewaysOf(settings);
  return {
    ib: ibs.default!,
    gatewayFor: (accountId): GatewayRoute => {
      const id = settings.accounts.find((a) => a.accountId === accountId)?.gateway ?? 'default';
      return { spec: specs.find((s) => s.id === id)!, ib: ibs[id]!, clientId: () => 1, several: true };
    },
    allocations: { getAllocations: () => Promise.reject(new Error('unused')) },
    settings: () => settings,
    ownClientId: () => 1,
    accountState: { get: () => Promise.reject(new Error('unused')), update: () => Promise.resolve() },
    trackOrder: () => undefined,
    now: () => new Date('2026-12-02T15:00:00Z'),
  };
}

function event(accountId: string): EventRecord {
  return { id: `e-${accountId}`, accountId, command: 'print-equity' } as EventRecord;
}

const run = (accountId: string) => ({
  event: event(accountId),
  log: pino({ level: 'silent' }),
  signal: new AbortController().signal,
});

describe('commands on two gateways', () => {
  it("reads each account through its own gateway's connection", async () => {
    const handlers = commandHandlers(
      depsWith({ default: fakeIb(['DU111'], 111_000), spouse: fakeIb(['DU222'], 222_000) }),
    );
    const mine = await handlers['print-equity'](run('DU111'));
    const spouse = await handlers['print-equity'](run('DU222'));
    expect((mine.equity as { netLiquidation: number }).netLiquidation).toBe(111_000);
    expect((spouse.equity as { netLiquidation: number }).netLiquidation).toBe(222_000);
  });

  it('fails an account its gateway does not manage, naming the account and the gateway', async () => {
    const handlers = commandHandlers(
      depsWith({ default: fakeIb(['DU111'], 111_000), spouse: fakeIb(['DU333'], 222_000) }),
    );
    const failure = await handlers['print-equity'](run('DU222')).catch((e: unknown) => e);
    expect(isDeskError(failure) && failure.kind).toBe('invalid');
    expect((failure as Error).message).toContain(
      'account DU222 is not managed by IB Gateway spouse "Spouse" (127.0.0.1:4012), which manages DU333',
    );
  });

  it("names the gateway in the error of an event whose gateway is down, and the other gateway's accounts still run", async () => {
    const handlers = commandHandlers(
      depsWith({ default: fakeIb(['DU111'], 111_000), spouse: fakeIb(['DU222'], 0, false) }),
    );
    const failure = await handlers['print-equity'](run('DU222')).catch((e: unknown) => e);
    expect(isDeskError(failure) && failure.kind).toBe('transient');
    expect((failure as Error).message).toMatch(/^IB Gateway spouse "Spouse" \(127\.0\.0\.1:4012\): .*not connected/);
    const mine = await handlers['print-equity'](run('DU111'));
    expect((mine.equity as { netLiquidation: number }).netLiquidation).toBe(111_000);
  });
});
