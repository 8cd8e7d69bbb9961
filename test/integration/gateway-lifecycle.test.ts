/**
 * PRODUCT.md §21 gateway lifecycle through the whole core against the simulated gateway: the daily restart window
 * delays work to its end, and the gateway's own troubles (not logged in, 10197, 1100) show their plain reason in the
 * IB light and in the event's error.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { NOT_LOGGED_IN_REASON } from '../../src/core/domain/errors';
import { startStack, type Stack, type StackOptions } from '../support/stack';

const ACCOUNT = 'DU1500001';
const OPTIONS: StackOptions = {
  strategies: { 'growth-a': { allocations: [{ symbol: 'SPY', weight: 1 }] } },
  accounts: [{ accountId: ACCOUNT, cash: 50_000, strategy: 'growth-a' }],
};

let stack: Stack | null = null;
afterEach(async () => {
  await stack?.stop();
  stack = null;
});

const hhmm = (d: Date) => d.toISOString().slice(11, 16);

async function ibLight(s: Stack, test: (detail: string) => boolean): Promise<{ state: string; detail: string }> {
  for (let i = 0; i < 200; i++) {
    const { ib } = await s.runtime.health();
    if (test(ib.detail)) return ib;
    await new Promise((r) => setTimeout(r, 25));
  }
  return (await s.runtime.health()).ib;
}

describe('the IB Gateway daily restart window', () => {
  it('delays gateway work to the end of the window with its reason, and the IB light says so', async () => {
    // A window around the real time, in UTC: from 5 minutes ago to 30 minutes from now (maybe across midnight).
    const minute = Math.floor(Date.now() / 60_000) * 60_000;
    const start = new Date(minute - 5 * 60_000);
    const end = new Date(minute + 30 * 60_000);
    stack = await startStack({ ...OPTIONS, settings: { ib: { restartWindow: `${hhmm(start)}-${hhmm(end)} UTC` } } });

    const id = await stack.run(ACCOUNT, 'print-positions');
    const delayed = await stack.waitFor(id, 'delayed');
    expect(delayed.lastError).toMatchObject({
      kind: 'transient',
      message: `IB Gateway daily restart window until ${hhmm(end)}`,
    });
    expect(delayed.nextAttemptAt).toBe(end.toISOString());
    expect(delayed.timesQueued).toBe(2);

    const light = await ibLight(stack, (d) => d.includes('restart window'));
    expect(light).toEqual({
      state: 'amber',
      detail: `IB Gateway daily restart window until ${hhmm(end)} (UTC); events that need the gateway wait until then`,
    });

    // Outside the window (here: the window turned off in Settings) the same event runs at once on Retry.
    await stack.runtime.saveSettings({
      ...stack.runtime.settings,
      ib: { ...stack.runtime.settings.ib, restartWindow: null },
    });
    await stack.runtime.queue.retryNow(id);
    const done = await stack.waitFor(id, 'done');
    expect(done.result).toHaveProperty('positions');
    expect((await stack.runtime.health()).ib.state).toBe('green');
  });

  it('leaves gateway work alone outside the window', async () => {
    const minute = Math.floor(Date.now() / 60_000) * 60_000;
    const start = new Date(minute + 60 * 60_000);
    const end = new Date(minute + 90 * 60_000);
    stack = await startStack({ ...OPTIONS, settings: { ib: { restartWindow: `${hhmm(start)}-${hhmm(end)} UTC` } } });
    const id = await stack.run(ACCOUNT, 'print-equity');
    const done = await stack.waitFor(id, 'done');
    expect(done.timesQueued).toBe(1);
  });
});

describe("the gateway's own troubles in the IB light and the event's error", () => {
  it('a gateway that is up but not logged in delays work with that reason until someone logs in', async () => {
    stack = await startStack({ ...OPTIONS, gateway: { loggedIn: false } });
    const light = await ibLight(stack, (d) => d === NOT_LOGGED_IN_REASON);
    expect(light).toEqual({ state: 'red', detail: NOT_LOGGED_IN_REASON });

    const id = await stack.run(ACCOUNT, 'print-equity');
    const delayed = await stack.waitFor(id, 'delayed');
    expect(delayed.lastError).toMatchObject({ kind: 'transient', message: NOT_LOGGED_IN_REASON });

    stack.gateway.setLoggedIn(true);
    expect((await ibLight(stack, (d) => d.startsWith('connected'))).state).toBe('green');
    await stack.runtime.queue.retryNow(id);
    expect((await stack.waitFor(id, 'done')).result).toHaveProperty('equity');
  });

  it('a competing live session (10197) fails a preview with its plain reason and turns the light amber', async () => {
    stack = await startStack(OPTIONS);
    await stack.runtime.ib.whenConnected(5_000);
    stack.gateway.setCompetingSession(true);
    const id = await stack.run(ACCOUNT, 'print-rebalance');
    const delayed = await stack.waitFor(id, 'delayed');
    expect(delayed.lastError?.kind).toBe('transient');
    expect(delayed.lastError?.message).toContain('a competing live session has the market data (10197)');
    const light = await ibLight(stack, (d) => d.includes('10197'));
    expect(light.state).toBe('amber');
    expect(light.detail).toContain('log that session out');

    stack.gateway.setCompetingSession(false);
    await stack.runtime.queue.retryNow(id);
    await stack.waitFor(id, 'done');
    expect((await stack.runtime.health()).ib.state).toBe('green');
  });

  it("1100 (IB's servers lost) delays work with its reason and an amber light; 1102 brings it back", async () => {
    stack = await startStack(OPTIONS);
    await stack.runtime.ib.whenConnected(5_000);
    stack.gateway.emitConnectivity(1100);
    const light = await ibLight(stack, (d) => d.includes('1100'));
    expect(light).toEqual({
      state: 'amber',
      detail: "IB Gateway lost its connection to IB's servers (1100); it reconnects by itself, work waits until then",
    });
    const id = await stack.run(ACCOUNT, 'print-orders');
    const delayed = await stack.waitFor(id, 'delayed');
    expect(delayed.lastError?.message).toContain("IB Gateway lost its connection to IB's servers (1100)");
    expect(delayed.lastError?.code).toBe(1100);

    stack.gateway.emitConnectivity(1102);
    const back = await ibLight(stack, (d) => d.includes('1102'));
    expect(back.state).toBe('green');
    expect(back.detail).toContain('IB Gateway is connected to IB again (1102)');
    await stack.runtime.queue.retryNow(id);
    await stack.waitFor(id, 'done');
  });
});
