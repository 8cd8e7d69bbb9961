/**
 * PRODUCT.md §28 several IB logins, against two simulated gateways (two IB logins on two ports): one signal for a
 * strategy followed by an account on each trades each through its own gateway (own client id file, own order ids,
 * trades kept under their events though both logins hand out the same order ids); a gateway that is down delays only
 * its own accounts' events, whose error names it, and they trade once it is back.
 */
import { access } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { EventRecord } from '../../src/shared/dto';
import { startFakeAbly, type FakeAbly } from '../../src/sim/ably/fake-ably';
import { startStack, type Stack } from '../support/stack';

const MINE = 'DU2800001';
const SPOUSE = 'DU2800002';
const KEY = 'app.key:secret';
const STRATEGY = 'shared-blend';

let stack: Stack | null = null;
let ably: FakeAbly | null = null;
afterEach(async () => {
  await stack?.stop();
  await ably?.stop();
  stack = null;
  ably = null;
});

async function twoGateways(): Promise<Stack> {
  ably = await startFakeAbly({ keys: [KEY] });
  const started = await startStack({
    strategies: {
      [STRATEGY]: {
        allocations: [
          { symbol: 'SPY', weight: 0.5 },
          { symbol: 'TLT', weight: 0.5 },
        ],
      },
    },
    accounts: [
      { accountId: MINE, cash: 60_000, strategy: STRATEGY },
      { accountId: SPOUSE, cash: 40_000, strategy: STRATEGY, gateway: 'spouse' },
    ],
    settings: {
      zehnlabs: {
        realtimeApiKey: KEY,
        realtime: { ...ably.endpointOptions(), logLevel: 0 } as Record<string, unknown>,
      },
    },
  });
  stack = started;
  for (const { ib } of started.runtime.gateways.list()) await ib.whenConnected(10_000);
  return started;
}

const placed = (stack: Stack, gateway: string, eventId: string) =>
  stack.gateways[gateway]!.orders().filter((o) => !o.whatIf && o.orderRef.startsWith(`rd:${eventId}`));

describe('two IB logins (§28)', () => {
  it('trades one signal for a shared strategy through each account’s own gateway', async () => {
    const s = await twoGateways();
    expect(s.runtime.gateways.list().map((g) => g.spec.id)).toEqual(['default', 'spouse']);
    await expect.poll(() => ably!.attachedChannels().includes(STRATEGY), { timeout: 15_000 }).toBe(true);

    const eventId = 'signal-two-logins';
    ably!.publish(STRATEGY, { exec: 'rebalance', eventId });
    const [mine, spouse] = await Promise.all([
      s.waitFor(`${eventId}:${MINE}`, 'done', 30_000),
      s.waitFor(`${eventId}:${SPOUSE}`, 'done', 30_000),
    ]);
    expect(mine.status).toBe('done');
    expect(spouse.status).toBe('done');

    // Each login got the orders of its own account only, and each account holds both symbols.
    const atDefault = placed(s, 'default', eventId);
    const atSpouse = placed(s, 'spouse', eventId);
    expect(new Set(atDefault.map((o) => o.accountId))).toEqual(new Set([MINE]));
    expect(new Set(atSpouse.map((o) => o.accountId))).toEqual(new Set([SPOUSE]));
    for (const [gateway, accountId] of [
      ['default', MINE],
      ['spouse', SPOUSE],
    ] as const) {
      const held = s.gateways[gateway]!.positions(accountId).map((p) => p.symbol);
      expect(held.sort()).toEqual(['SPY', 'TLT']);
    }

    // Both logins hand out their own order ids; each trade is still kept under its own account's event.
    for (const [accountId, event] of [
      [MINE, mine],
      [SPOUSE, spouse],
    ] as [string, EventRecord][]) {
      const trades = await s.runtime.trades.list({ accountId });
      expect(trades.length).toBeGreaterThan(0);
      expect(new Set(trades.map((t) => t.eventId))).toEqual(new Set([event.id]));
    }

    // One client id file per gateway: "default" keeps today's file, the other its own.
    await access(join(s.dataDir, 'ib-client-id.json'));
    await access(join(s.dataDir, 'ib-client-id.spouse.json'));

    const health = await s.runtime.health();
    expect(health.gateways?.map((g) => [g.id, g.state])).toEqual([
      ['default', 'green'],
      ['spouse', 'green'],
    ]);
  }, 60_000);

  it('delays only the accounts of a gateway that is down, naming it, and trades them once it is back', async () => {
    const s = await twoGateways();
    const spouseIb = s.runtime.gateways.get('spouse')!.ib;
    await s.stopGateway('spouse');
    await expect.poll(() => spouseIb.status().state, { timeout: 10_000 }).not.toBe('connected');

    const mineId = await s.run(MINE, 'rebalance');
    const spouseId = await s.run(SPOUSE, 'rebalance');
    const delayed = await s.waitFor(spouseId, (e) => e.status === 'delayed' && e.lastError !== null, 20_000);
    expect(delayed.lastError?.kind).toBe('transient');
    expect(delayed.lastError?.message).toMatch(/^IB Gateway spouse \(127\.0\.0\.1:\d+\): /);
    // The other login's account trades meanwhile.
    await s.waitFor(mineId, 'done', 30_000);
    expect(placed(s, 'default', mineId).length).toBeGreaterThan(0);
    expect((await s.runtime.queue.get(spouseId))?.event.status).not.toBe('done');

    const health = await s.runtime.health();
    expect(health.gateways?.map((g) => [g.id, g.state])).toEqual([
      ['default', 'green'],
      ['spouse', 'red'],
    ]);

    // Back up: the delayed event retries by itself and trades through its own gateway.
    await s.startGateway('spouse');
    await s.waitFor(spouseId, 'done', 40_000);
    expect(placed(s, 'spouse', spouseId).map((o) => o.accountId)).toContain(SPOUSE);
    expect(placed(s, 'default', spouseId)).toEqual([]);
  }, 90_000);
});
