import { afterEach, describe, expect, it } from 'vitest';
import { NOT_LOGGED_IN_REASON } from '../core/domain/errors';
import { startDemo, type Demo } from './demo';

let demo: Demo | null = null;
afterEach(async () => {
  await demo?.stop();
  demo = null;
});

/** The light of one gateway (§28: the demo has two; the Simulator panel troubles either). */
async function light(d: Demo, id: string) {
  const gateway = (await d.runtime.health()).gateways?.find((g) => g.id === id);
  return gateway ? { state: gateway.state, detail: gateway.detail } : { state: 'red', detail: `no light for ${id}` };
}

async function ibLight(d: Demo, test: (detail: string) => boolean, id = 'default') {
  for (let i = 0; i < 200; i++) {
    const ib = await light(d, id);
    if (test(ib.detail)) return ib;
    await new Promise((r) => setTimeout(r, 25));
  }
  return light(d, id);
}

describe("demo: the simulated gateway's daily troubles (§21)", () => {
  it('plays log-out / log-in and 1100 / 1102 through simulatorControl, and the IB light follows', async () => {
    demo = await startDemo({ port: 0, staticRoot: null });
    await demo.runtime.ib.whenConnected(10_000);
    expect(demo.runtime.settings.ib.restartWindow).toBeNull();
    const call = demo.runtime.handlers.simulatorControl;

    await call({ action: 'log-out', gateway: 'default' });
    expect(await ibLight(demo, (d) => d === NOT_LOGGED_IN_REASON)).toEqual({
      state: 'red',
      detail: NOT_LOGGED_IN_REASON,
    });
    // The other login is not touched: its light stays green and the IB light together is red, naming each.
    expect((await light(demo, 'spouse')).state).toBe('green');
    const together = (await demo.runtime.health()).ib;
    expect(together.state).toBe('red');
    expect(together.detail).toContain(`default: ${NOT_LOGGED_IN_REASON}`);
    expect(together.detail).toContain('Spouse: connected');
    await call({ action: 'log-in', gateway: 'default' });
    expect((await ibLight(demo, (d) => d.startsWith('connected'))).state).toBe('green');

    await call({ action: 'lose-connectivity', gateway: 'default' });
    expect((await ibLight(demo, (d) => d.includes('(1100)'))).state).toBe('amber');
    await call({ action: 'restore-connectivity', gateway: 'default' });
    const back = await ibLight(demo, (d) => d.includes('(1102)'));
    expect(back.state).toBe('green');
  });

  it('stops, starts and troubles the second login (§28) on its own, and names the logins for an unknown one', async () => {
    demo = await startDemo({ port: 0, staticRoot: null });
    await demo.runtime.ib.whenConnected(10_000);
    const call = demo.runtime.handlers.simulatorControl;
    await ibLight(demo, (d) => d.startsWith('connected'), 'spouse');

    expect(await call({ action: 'stop', gateway: 'spouse' })).toEqual({ running: false });
    expect((await ibLight(demo, (d) => !d.startsWith('connected'), 'spouse')).state).toBe('red');
    expect((await light(demo, 'default')).state).toBe('green');
    expect(await call({ action: 'start', gateway: 'spouse' })).toEqual({ running: true });
    expect((await ibLight(demo, (d) => d.startsWith('connected'), 'spouse')).state).toBe('green');
    // the restarted login keeps its account and money
    expect(demo.gatewayOf('DU1000003').accounts()).toEqual(['DU1000003']);

    await call({ action: 'log-out', gateway: 'spouse' });
    expect((await ibLight(demo, (d) => d === NOT_LOGGED_IN_REASON, 'spouse')).state).toBe('red');
    expect((await light(demo, 'default')).state).toBe('green');
    await call({ action: 'log-in', gateway: 'spouse' });
    expect((await ibLight(demo, (d) => d.startsWith('connected'), 'spouse')).state).toBe('green');

    await expect(call({ action: 'stop', gateway: 'nobody' })).rejects.toMatchObject({
      code: 'invalid',
      message: 'no simulated IB login "nobody"; the demo has default and spouse',
    });
  });
});
