import { describe, expect, it } from 'vitest';
import { settingsSchema } from '../config/schema';
import type { IbStatus } from '../ib/connection';
import { checkSetup, type SetupGateway, type SetupIbPort } from './check-setup';

/** §28 + §29: the IB checks run once per gateway, each over the accounts that name it. */
function fakeIb(status: Partial<IbStatus>): SetupIbPort {
  const full: IbStatus = {
    state: 'connected',
    reason: 'connected',
    clientId: 1234,
    host: '127.0.0.1',
    port: 4002,
    since: new Date(0).toISOString(),
    accounts: [],
    problem: null,
    ...status,
  };
  return {
    status: () => full,
    whenConnected: () => (full.state === 'connected' ? Promise.resolve() : Promise.reject(new Error('down'))),
    whatIf: () => Promise.resolve([]),
    serverTime: () => Promise.resolve(Date.now()),
    probeMarketData: (symbol) => Promise.resolve({ symbol, data: 'live', code: null, message: null }),
    getEquity: () => Promise.reject(new Error('not in this test')),
    getPositions: () => Promise.resolve([]),
    getQuotes: () => Promise.resolve(new Map()),
  };
}

const settings = settingsSchema.parse({
  ib: { port: 4002 },
  gateways: [{ id: 'spouse', label: 'Spouse', port: 4012 }],
  accounts: [
    { accountId: 'DU111', strategy: 'blend' },
    { accountId: 'DU222', strategy: 'blend', gateway: 'spouse' },
  ],
});

async function run(gateways: SetupGateway[], withSettings = settings) {
  return checkSetup({
    settings: withSettings,
    dataDir: '/tmp',
    redis: () => Promise.resolve({ description: 'redis', version: '7.2.0', appendOnly: true, snapshots: false }),
    gateways,
    allocations: { getAllocations: () => Promise.reject(new Error('no allocations in this test')) },
    realtime: () => Promise.resolve({ state: 'no-key' }),
    freeBytes: () => Promise.resolve(10 * 1024 ** 3),
  });
}

describe('check setup with two gateways', () => {
  it('checks each login for the accounts that name it, titled with its id', async () => {
    const report = await run([
      { id: 'default', ib: fakeIb({ accounts: ['DU111'] }) },
      { id: 'spouse', ib: fakeIb({ accounts: ['DU222'], port: 4012 }) },
    ]);
    const accounts = report.checks.filter((c) => c.id === 'ib-accounts');
    expect(accounts.map((c) => [c.title, c.status])).toEqual([
      ['Accounts managed by the login', 'ok'],
      ['Accounts managed by the login (spouse)', 'ok'],
    ]);
    expect(accounts[1]?.detail).toContain('DU222 managed');
    expect(accounts[1]?.detail).not.toContain('DU111');
    const reachable = report.checks.filter((c) => c.id === 'ib-reachable').map((c) => c.detail);
    expect(reachable).toEqual([
      expect.stringContaining('connected to 127.0.0.1:4002'),
      expect.stringContaining('connected to 127.0.0.1:4012'),
    ]);
  });

  it("fails the spouse's login when it does not manage the spouse's account, and only that one", async () => {
    const report = await run([
      { id: 'default', ib: fakeIb({ accounts: ['DU111', 'DU222'] }) },
      { id: 'spouse', ib: fakeIb({ accounts: ['DU333'], port: 4012 }) },
    ]);
    const accounts = report.checks.filter((c) => c.id === 'ib-accounts');
    expect(accounts.map((c) => c.status)).toEqual(['ok', 'fail']);
    expect(accounts[1]?.detail).toBe('DU222 is not managed by gateway spouse (it manages DU333)');
  });

  it('names each account as the trader named it, with its id', async () => {
    const named = settingsSchema.parse({
      ...settings,
      accounts: settings.accounts.map((a) => ({ ...a, name: a.accountId === 'DU111' ? 'Joint' : 'Spouse IRA' })),
    });
    const report = await run(
      [
        { id: 'default', ib: fakeIb({ accounts: ['DU111'] }) },
        { id: 'spouse', ib: fakeIb({ accounts: ['DU333'], port: 4012 }) },
      ],
      named,
    );
    const accounts = report.checks.filter((c) => c.id === 'ib-accounts').map((c) => c.detail);
    expect(accounts).toEqual([
      'Joint (DU111) managed; paper ids match',
      'Spouse IRA (DU222) is not managed by gateway spouse (it manages DU333)',
    ]);
    const readOnly = report.checks.find((c) => c.id === 'ib-read-only');
    expect(readOnly?.detail).toContain('for Joint (DU111)');
  });

  it('names the address of a gateway that is down', async () => {
    const report = await run([
      { id: 'default', ib: fakeIb({ accounts: ['DU111'] }) },
      { id: 'spouse', ib: fakeIb({ state: 'disconnected', reason: 'connect ECONNREFUSED', port: 4012 }) },
    ]);
    const down = report.checks.find((c) => c.id === 'ib-reachable' && c.status === 'fail');
    expect(down?.title).toBe('IB Gateway reachable (spouse)');
    expect(down?.detail).toContain('127.0.0.1:4012');
    expect(down?.fix).toContain('4012');
  });
});
