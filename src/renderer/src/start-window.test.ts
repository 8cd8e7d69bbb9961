import { afterEach, describe, expect, it, vi } from 'vitest';
import type { ApiClient } from './api/api-client';
import { startWindow, type Boot } from './start-window';
import { makeEvent, makeHealth } from './test/fixtures.test-support';

const STATUS = {
  counts: { pending: 1, awaiting: 0, active: 0, delayed: 0, held: 0, done: 0 },
  paused: false,
  oldestPendingAgeMs: 0,
};
const EVENT = makeEvent({ id: 'sig-1:DU111111', accountId: 'DU111111' });

/** The core's answers; `hold` keeps every call unanswered until `release()`. */
function fakeCore(
  answers: { health?: unknown; setup?: unknown; fail?: boolean; hold?: boolean; noQueuePage?: boolean } = {},
) {
  let release = () => undefined as void;
  const held = answers.hold ? new Promise<void>((resolve) => (release = resolve)) : Promise.resolve();
  const calls: string[] = [];
  const api: ApiClient = {
    call: async function answer(name: string, input?: { state?: string }): Promise<unknown> {
      calls.push(name);
      await held;
      if (answers.fail) throw new TypeError('Failed to fetch');
      switch (name) {
        case 'queuePage': {
          // an older core (§22) does not know it
          if (answers.noQueuePage) throw new Error('404 not-found');
          const lists = Object.fromEntries(
            ['pending', 'awaiting', 'active', 'delayed', 'held', 'done'].map((state) => [
              state,
              state === 'pending' ? { events: [EVENT], total: 1 } : { events: [], total: 0 },
            ]),
          );
          return {
            health: answers.health ?? makeHealth(),
            status: STATUS,
            lists,
            setup: answers.setup ?? { complete: true, opensOnGetStarted: false, steps: [] },
          };
        }
        case 'health':
          return answers.health ?? makeHealth();
        case 'queueStatus':
          return STATUS;
        case 'setupProgress':
          return answers.setup ?? { complete: true, opensOnGetStarted: false, steps: [] };
        case 'listEvents':
          return input?.state === 'pending' ? { events: [EVENT], total: 1 } : { events: [], total: 0 };
        default:
          throw new Error(`unexpected call ${name}`);
      }
    } as ApiClient['call'],
    subscribe: () => () => undefined,
  };
  return { api, calls, release: () => release() };
}

/** A window: its root, and a boot chunk that records what it saw and renders "React" when run. */
function fakeWindow(hash = '#token=t') {
  const root = document.createElement('div');
  root.innerHTML = '<p>Loading Rebalance Desk…</p>';
  const seen: { frameBeforeBoot: boolean; booted: boolean; waitLeft: number | null } = {
    frameBeforeBoot: false,
    booted: false,
    waitLeft: null,
  };
  const boot: Boot = (_api, _onQueue, _choosesPage, onRender, waitLeft) => {
    seen.booted = true;
    seen.waitLeft = waitLeft;
    onRender();
    root.replaceChildren(Object.assign(document.createElement('main'), { textContent: 'React' }));
  };
  const loadBoot = vi.fn(async () => {
    seen.frameBeforeBoot = root.querySelector('[data-first-frame]') !== null;
    return { boot };
  });
  return { root, seen, loadBoot, start: { hash, root: () => root, loadBoot, waitMs: 50 } };
}

afterEach(() => {
  vi.restoreAllMocks();
  document.documentElement.removeAttribute('data-mantine-color-scheme');
});

describe('the window starting (§16 first render)', () => {
  it('draws the Queue from the first answers, and only then loads the boot chunk, whose render replaces the frame', async () => {
    const core = fakeCore();
    const win = fakeWindow();
    await startWindow({ ...win.start, createApi: async () => core.api });
    expect(win.seen.frameBeforeBoot).toBe(true);
    expect(win.root.textContent).toBe('React');
    // the Queue page's requests and the setup went out as one, before anything of React was loaded
    expect(core.calls).toEqual(['queuePage']);
  });

  it('asks for each part alone when the core does not know the Queue page in one answer (an older remote core)', async () => {
    const core = fakeCore({ noQueuePage: true });
    const win = fakeWindow();
    await startWindow({ ...win.start, waitMs: 60_000, createApi: async () => core.api });
    expect(win.seen.frameBeforeBoot).toBe(true);
    // answered at once: React's first render may still wait for its own data for most of the minute
    expect(win.seen.waitLeft).toBeGreaterThan(50_000);
    expect(win.seen.waitLeft).toBeLessThanOrEqual(60_000);
    expect(core.calls.sort()).toEqual(
      ['queuePage', 'health', 'queueStatus', 'setupProgress', ...Array(6).fill('listEvents')].sort(),
    );
  });

  it('loads the boot chunk after a while when the answers are slow, and draws no frame over React', async () => {
    const core = fakeCore({ hold: true });
    const win = fakeWindow();
    await startWindow({ ...win.start, createApi: async () => core.api });
    expect(win.seen.booted).toBe(true);
    expect(win.seen.frameBeforeBoot).toBe(false);
    // the wait is spent: React's first render shows its own "Loading…" at once instead of waiting a second time
    expect(win.seen.waitLeft).toBe(0);
    core.release();
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(win.root.querySelector('[data-first-frame]')).toBeNull();
    expect(win.root.textContent).toBe('React');
  });

  it('draws no Queue when the window opens on Get started (§26)', async () => {
    const core = fakeCore({ setup: { complete: false, opensOnGetStarted: true, steps: [] } });
    const win = fakeWindow();
    await startWindow({ ...win.start, createApi: async () => core.api });
    expect(win.seen.frameBeforeBoot).toBe(false);
    expect(win.seen.booted).toBe(true);
  });

  it('leaves a failed call to React, and still loads it at once', async () => {
    const core = fakeCore({ fail: true });
    const win = fakeWindow();
    const error = vi.spyOn(console, 'error').mockImplementation(() => undefined);
    await startWindow({ ...win.start, waitMs: 60_000, createApi: async () => core.api });
    expect(win.seen.booted).toBe(true);
    expect(error).not.toHaveBeenCalled();
  });

  it('loads React even when the frame cannot be drawn, and says why on the console', async () => {
    // an answer the frame does not expect (an older core's health without its IB light)
    const core = fakeCore({ health: { status: 'ok' } });
    const win = fakeWindow();
    const error = vi.spyOn(console, 'error').mockImplementation(() => undefined);
    await startWindow({ ...win.start, waitMs: 60_000, createApi: async () => core.api });
    expect(win.seen.booted).toBe(true);
    expect(win.root.textContent).toBe('React');
    expect(error).toHaveBeenCalledWith('the first frame could not be drawn:', expect.any(TypeError));
  });

  it('on another page asks for none of the Queue and loads React at once', async () => {
    const core = fakeCore();
    const win = fakeWindow('#/settings?token=t');
    await startWindow({ ...win.start, waitMs: 60_000, createApi: async () => core.api });
    expect(core.calls).toEqual([]);
    expect(win.seen.booted).toBe(true);
    expect(win.seen.frameBeforeBoot).toBe(false);
  });
});
