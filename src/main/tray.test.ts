import { inflateSync } from 'node:zlib';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import type { Health, QueueStatus } from '../shared/dto';
import { DeskTray, trayColour, trayTooltip } from './tray';
import { dotDataUrl, encodePng, dotPixels } from './tray-icon';
import { FakeImage, resetFakes, type FakeMenuItem } from './test/fake-electron.test-support';

vi.mock('electron', () => import('./test/fake-electron.test-support'));

const green = { state: 'green' as const, detail: 'fine' };
function health(status: Health['status'], over: Partial<Health> = {}): Health {
  return {
    status,
    redis: green,
    ib: green,
    feed: green,
    processor: green,
    queue: green,
    tradingMode: 'paper',
    simulated: false,
    ...over,
  };
}
const status = (paused: boolean, awaiting = 0) => ({ paused, counts: { awaiting } }) as QueueStatus;

function menuItems(tray: DeskTray): FakeMenuItem[] {
  return (tray.tray as unknown as { menu: { items: FakeMenuItem[] } }).menu.items;
}
function image(tray: DeskTray): FakeImage {
  return (tray.tray as unknown as { image: FakeImage }).image;
}

beforeEach(() => resetFakes());

describe('tray colour', () => {
  it('follows health: green ok, amber degraded or unknown, red down', () => {
    expect(trayColour(health('ok'))).toBe('green');
    expect(trayColour(health('degraded'))).toBe('amber');
    expect(trayColour(health('down'))).toBe('red');
    expect(trayColour(null)).toBe('amber');
  });

  it('draws a different valid PNG dot per colour', () => {
    const png = encodePng(16, 16, dotPixels('red', 16));
    expect(png.subarray(0, 8)).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
    expect(png.readUInt32BE(16)).toBe(16);
    const idatLength = png.readUInt32BE(33);
    expect(png.toString('ascii', 37, 41)).toBe('IDAT');
    expect(inflateSync(png.subarray(41, 41 + idatLength)).length).toBe((16 * 4 + 1) * 16);
    expect(new Set([dotDataUrl('green'), dotDataUrl('amber'), dotDataUrl('red')]).size).toBe(3);
  });
});

describe('DeskTray', () => {
  function makeTray(paused = false, awaiting = 0) {
    const options = {
      onOpen: vi.fn(),
      onQuit: vi.fn(),
      pause: vi.fn(async () => status(true)),
      resume: vi.fn(async () => status(false)),
      queueStatus: vi.fn(async () => status(paused, awaiting)),
      tradingMode: () => 'live' as const,
    };
    return { tray: new DeskTray(options), options };
  }

  it('changes its icon with each health update', () => {
    const { tray } = makeTray();
    expect(image(tray).dataURL).toBe(dotDataUrl('amber'));
    tray.update(health('ok'));
    expect(image(tray).dataURL).toBe(dotDataUrl('green'));
    tray.update(health('down', { redis: { state: 'red', detail: 'Redis unreachable' } }));
    expect(image(tray).dataURL).toBe(dotDataUrl('red'));
    expect(tray.colour).toBe('red');
    tray.update(health('degraded', { ib: { state: 'amber', detail: 'connecting to 127.0.0.1:4002…' } }));
    expect(image(tray).dataURL).toBe(dotDataUrl('amber'));
  });

  it('shows the mode and what is not green in the tooltip', () => {
    const { tray } = makeTray();
    tray.update(health('degraded', { ib: { state: 'red', detail: 'not connected to 127.0.0.1:4001' } }));
    expect((tray.tray as unknown as { tooltip: string }).tooltip).toBe(
      'Rebalance Desk — LIVE: degraded\nIB Gateway: not connected to 127.0.0.1:4001',
    );
    expect(trayTooltip(null, 'paper')).toBe('Rebalance Desk — PAPER: starting…');
    expect(trayTooltip(health('down', { redis: { state: 'red', detail: 'x'.repeat(300) } }), 'paper').length).toBe(127);
  });

  it('has Open, Pause processing and Quit, and pauses / resumes through the handlers', async () => {
    const { tray, options } = makeTray();
    const labels = () => menuItems(tray).map((i) => i.label ?? i.type);
    expect(labels()).toEqual(['Open Rebalance Desk', 'separator', 'Pause processing', 'separator', 'Quit']);
    menuItems(tray)[2]?.click?.();
    await vi.waitFor(() => expect(labels()).toContain('Resume processing'));
    expect(options.pause).toHaveBeenCalled();
    menuItems(tray)[2]?.click?.();
    await vi.waitFor(() => expect(labels()).toContain('Pause processing'));
    expect(options.resume).toHaveBeenCalled();
    menuItems(tray)[0]?.click?.();
    expect(options.onOpen).toHaveBeenCalled();
    menuItems(tray)[4]?.click?.();
    expect(options.onQuit).toHaveBeenCalled();
  });

  it('shows how many rebalances await approval, opening the window on click (§19)', async () => {
    const { tray, options } = makeTray(false, 2);
    tray.update(health('ok'));
    await vi.waitFor(() => expect(menuItems(tray).map((i) => i.label)).toContain('2 awaiting approval'));
    menuItems(tray)
      .find((i) => i.label === '2 awaiting approval')
      ?.click?.();
    expect(options.onOpen).toHaveBeenCalled();
  });

  it('learns that processing is paused from the queue status on a health update', async () => {
    const { tray } = makeTray(true);
    tray.update(health('degraded', { processor: { state: 'amber', detail: 'paused' } }));
    await vi.waitFor(() => expect(tray.paused).toBe(true));
    expect(menuItems(tray).map((i) => i.label)).toContain('Resume processing');
  });
});
