/**
 * §27 bad input over HTTP: a raise-cash amount that is negative, zero, not a number or larger than the account is a
 * 400 naming `payload.amount`, a rebalance mode that is not one a 400 naming `payload.mode`, and nothing is queued —
 * through both routes that queue a command, against the demo's simulated gateway.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EventList } from '../shared/contract';
import { startDemo, type Demo } from './demo';

let demo: Demo;
beforeAll(async () => {
  demo = await startDemo({ port: 0, staticRoot: null });
  await demo.runtime.ib.whenConnected(30_000);
}, 60_000);
afterAll(async () => {
  await demo?.stop();
});

async function call(method: string, path: string, body?: unknown): Promise<{ status: number; body: never }> {
  const response = await fetch(`http://${demo.host}:${demo.port}${path}`, {
    method,
    headers: { authorization: `Bearer ${demo.token}`, 'content-type': 'application/json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  return { status: response.status, body: (await response.json()) as never };
}

/** The events of DU1000001 in any state (the demo may queue others of its own; none of this account's commands). */
const queued = async () => {
  const { total } = (await call('GET', '/api/queue/events?accountId=DU1000001')).body as EventList;
  return total;
};

describe('raise-cash and buy-only: bad input is a 400 naming the field, nothing queued (§27)', () => {
  it.each([
    ['a negative amount', -500, /payload\.amount must be more than 0 USD, got -500/],
    ['zero', 0, /payload\.amount must be more than 0 USD, got 0/],
    ['a non-numeric amount', '1,000', /payload\.amount must be a number of USD, got "1,000"/],
    ['no amount', undefined, /payload\.amount must be a number of USD/],
    [
      'more than the account',
      1e12,
      /payload\.amount USD 1,000,000,000,000\.00 is more than the account's net liquidation USD [\d,]+\.\d\d/,
    ],
  ])('refuses %s on both routes', async (_what, amount, words) => {
    const before = await queued();
    const payload = amount === undefined ? {} : { amount };
    const direct = await call('POST', '/api/accounts/DU1000001/commands/raise-cash', { payload });
    const viaQueue = await call('POST', '/api/queue/events', {
      accountId: 'DU1000001',
      command: 'raise-cash',
      payload,
    });
    for (const answer of [direct, viaQueue]) {
      expect(answer.status).toBe(400);
      expect((answer.body as { error: string }).error).toBe('invalid');
      expect((answer.body as { message: string }).message).toMatch(words);
    }
    expect(await queued()).toBe(before);
  });

  it('refuses a rebalance mode that is not full or buy-only, naming payload.mode', async () => {
    const before = await queued();
    const answer = await call('POST', '/api/accounts/DU1000001/commands/rebalance', { payload: { mode: 'sell-all' } });
    expect(answer.status).toBe(400);
    expect((answer.body as { message: string }).message).toMatch(
      /payload\.mode must be "full" or "buy-only", got "sell-all"/,
    );
    expect(await queued()).toBe(before);
  });
});
