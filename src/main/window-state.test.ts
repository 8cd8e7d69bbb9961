import { EventEmitter } from 'node:events';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadWindowState, saveWindowState, trackWindowState } from './window-state';

const screen = [{ x: 0, y: 0, width: 1920, height: 1080 }];
let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'rd-window-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('window state', () => {
  it('round-trips bounds and maximized', () => {
    const file = join(dir, 'window-state.json');
    saveWindowState(file, { bounds: { x: 100, y: 50, width: 1200, height: 800 }, maximized: true });
    expect(loadWindowState(file, screen)).toEqual({
      bounds: { x: 100, y: 50, width: 1200, height: 800 },
      maximized: true,
    });
  });

  it('falls back to the defaults for a missing, broken or off-screen state', async () => {
    const file = join(dir, 'window-state.json');
    expect(loadWindowState(file, screen)).toEqual({ bounds: null, maximized: false });
    await writeFile(file, '{not json');
    expect(loadWindowState(file, screen)).toEqual({ bounds: null, maximized: false });
    saveWindowState(file, { bounds: { x: 5000, y: 50, width: 1200, height: 800 }, maximized: false });
    expect(loadWindowState(file, screen).bounds).toBeNull();
  });

  it('saves when the window closes', async () => {
    const file = join(dir, 'window-state.json');
    const win = Object.assign(new EventEmitter(), {
      isDestroyed: () => false,
      isMaximized: () => false,
      getNormalBounds: () => ({ x: 1, y: 2, width: 1000, height: 700 }),
    });
    trackWindowState(win, file);
    win.emit('close');
    expect(JSON.parse(await readFile(file, 'utf8'))).toEqual({
      bounds: { x: 1, y: 2, width: 1000, height: 700 },
      maximized: false,
    });
  });
});
