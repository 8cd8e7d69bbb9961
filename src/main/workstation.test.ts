import { beforeEach, describe, expect, it, vi } from 'vitest';
import { app, powerMonitor, powerSaveBlocker, resetFakes } from './test/fake-electron.test-support';
import { applyLaunchAtLogin, powerSaveKeeper, startedHidden, watchSleep } from './workstation';

beforeEach(() => resetFakes());

describe('the workstation day in the shell (§29)', () => {
  it('holds one prevent-app-suspension blocker while the core asks, and lets go after', () => {
    const keep = powerSaveKeeper(powerSaveBlocker);
    keep(true, '1 event(s) being processed');
    keep(true, 'schedule open fires at 2026-12-07T09:00:00.000Z');
    expect([...powerSaveBlocker.active.values()]).toEqual(['prevent-app-suspension']);
    keep(false, null);
    expect(powerSaveBlocker.active.size).toBe(0);
  });

  it("passes powerMonitor's suspend and resume to the core, until stopped", async () => {
    const core = { suspended: vi.fn(), resumed: vi.fn(async () => []) };
    const stop = watchSleep(powerMonitor, core);
    powerMonitor.emit('suspend');
    powerMonitor.emit('resume');
    expect(core.suspended).toHaveBeenCalledTimes(1);
    expect(core.resumed).toHaveBeenCalledTimes(1);
    stop();
    powerMonitor.emit('resume');
    expect(core.resumed).toHaveBeenCalledTimes(1);
  });

  it('a failed resume is reported, not thrown', async () => {
    const problems: string[] = [];
    watchSleep(
      powerMonitor,
      { suspended: () => undefined, resumed: async () => Promise.reject(new Error('no IB')) },
      (m) => problems.push(m),
    );
    powerMonitor.emit('resume');
    await vi.waitFor(() => expect(problems).toEqual(['resume from sleep failed: no IB']));
  });

  it('launch at login starts the app in the tray', () => {
    applyLaunchAtLogin(app as never, true);
    expect(app.loginItem).toEqual({ openAtLogin: true, args: ['--hidden'] });
    applyLaunchAtLogin(app as never, false);
    expect(app.loginItem).toEqual({ openAtLogin: false, args: ['--hidden'] });
    expect(startedHidden(['/opt/rebalance-desk', '--hidden'])).toBe(true);
    expect(startedHidden(['/opt/rebalance-desk'])).toBe(false);
  });
});
