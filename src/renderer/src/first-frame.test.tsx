import { render } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import type { EventList } from '../../shared/contract';
import { EVENT_STATUSES, type EventRecord, type EventStatus } from '../../shared/dto';
import { EventRow, EventRowHeader } from './features/queue/EventRow';
import { firstFrameHead, firstFrameRow, paintFirstFrame, type FirstFrameData } from './first-frame';
import { makeEvent, makeHealth } from './test/fixtures.test-support';

const NOW = Date.parse('2025-01-02T15:10:00.000Z');

/** One event in every state a row can show, with the errors, results and reasons each state's cells say. */
const EVENTS: EventRecord[] = [
  makeEvent({ id: 'sig-1:DU111111', accountId: 'DU111111', status: 'pending' }),
  makeEvent({ id: 'sig-2:DU222222', accountId: 'DU222222', status: 'active', strategy: null }),
  makeEvent({
    id: 'sig-3:DU333333',
    status: 'delayed',
    timesQueued: 3,
    nextAttemptAt: '2025-01-02T15:11:30.000Z',
    lastError: { kind: 'transient', message: 'IB Gateway not connected', at: '2025-01-02T15:01:00.000Z' },
  }),
  makeEvent({
    id: 'sig-4:DU444444',
    status: 'held',
    heldReason: 'held by the operator',
    needsAttention: true,
    lastError: { kind: 'rejected', message: 'insufficient buying power', at: '2025-01-02T15:01:00.000Z', code: 201 },
  }),
  makeEvent({ id: 'sig-5:DU555555', status: 'done', updatedAt: '2025-01-02T15:05:00.000Z', result: { orders: [] } }),
  makeEvent({ id: 'x', status: 'awaiting', approval: { autoApproveAt: '2025-01-02T15:20:00.000Z' } as never }),
];

function data(lists: Partial<Record<EventStatus, EventList>>, overrides: Partial<FirstFrameData> = {}): FirstFrameData {
  const empty = {} as Record<EventStatus, EventList>;
  for (const s of EVENT_STATUSES) empty[s] = { events: [], total: 0 };
  return {
    health: makeHealth(),
    status: {
      counts: { pending: 0, awaiting: 0, active: 0, delayed: 0, held: 0, done: 0 },
      paused: false,
      oldestPendingAgeMs: null,
    },
    lists: { ...empty, ...lists },
    ...overrides,
  };
}

describe('the first frame (§16 first render)', () => {
  it.each(EVENTS.map((e) => [e.status, e] as const))(
    'draws a %s row cell by cell as the Queue page does',
    (_status, event) => {
      const { container } = render(
        <EventRow
          event={event}
          now={NOW}
          top={0}
          accountName={event.accountId}
          selected={false}
          onToggle={() => undefined}
          onOpen={() => undefined}
          onAction={() => undefined}
        />,
      );
      const react = container.querySelector('[data-event-id]')!;
      const frame = firstFrameRow(event, NOW, 0);
      expect(frame.dataset.eventId).toBe(event.id);
      expect(frame.dataset.status).toBe(react.getAttribute('data-status'));
      expect(frame.style.height).toBe((react as HTMLElement).style.height);
      for (const name of frame.classList) expect(react.classList).toContain(name);
      const reactCells = [...react.children];
      const frameCells = [...frame.children];
      expect(frameCells).toHaveLength(reactCells.length);
      frameCells.forEach((cell, i) => {
        const mirror = reactCells[i]!;
        expect(cell.textContent, `cell ${i}`).toBe(mirror.textContent);
        expect(cell.className, `cell ${i}`).toBe(mirror.className);
        // the spans inside (state, error, buttons) carry the same classes, in the same order
        const classesOf = (el: Element) => [...el.querySelectorAll('*')].map((x) => x.className).filter(Boolean);
        expect(classesOf(cell), `cell ${i}`).toEqual(classesOf(mirror));
      });
    },
  );

  it.each(['pending', 'done'] as const)("heads a %s section's columns as the Queue page does", (status) => {
    const { container } = render(<EventRowHeader status={status} />);
    const react = container.querySelector('.grid-head') as HTMLElement;
    const frame = firstFrameHead(status);
    expect(frame.className).toBe(react.className);
    expect(frame.style.height).toBe(react.style.height);
    expect([...frame.children].map((c) => [c.textContent, c.className])).toEqual(
      [...react.children].map((c) => [c.textContent, c.className]),
    );
  });

  it('shows each section with its count, the first rows that fit, and what an empty section says', () => {
    const root = document.createElement('div');
    const pending = Array.from({ length: 200 }, (_, i) =>
      makeEvent({ id: `sig-${i}:DU${100000 + i}`, status: 'pending' }),
    );
    paintFirstFrame(root, data({ pending: { events: pending, total: 10_000 } }), NOW);
    const section = root.querySelector('section[data-section="pending"]')!;
    expect(section.querySelector('h2')!.textContent).toBe('Pending 10000');
    // 380 px of 38 px rows: ten drawn, not two hundred
    expect([...section.querySelectorAll('[data-event-id]')].map((r) => r.getAttribute('data-event-id'))).toEqual(
      pending.slice(0, 10).map((e) => e.id),
    );
    expect(section.textContent).toContain('Select all 200');
    expect(section.textContent).toContain(
      'Showing the first 200 of 10000; scroll down for more, or search to narrow the list.',
    );
    expect(root.querySelector('section[data-section="held"]')!.textContent).toBe(
      'Held 0Nothing on hold. Hold an event to keep it from being processed until you release it.',
    );
    expect([...root.querySelectorAll('section[data-section]')].map((s) => s.getAttribute('data-section'))).toEqual([
      ...EVENT_STATUSES,
    ]);
  });

  it('is a picture until React takes over: inert and busy, with nothing to click or read out', () => {
    const root = document.createElement('div');
    paintFirstFrame(root, data({ pending: { events: [EVENTS[0]!], total: 1 } }), NOW);
    const frame = root.querySelector<HTMLElement>('[data-first-frame]')!;
    expect(frame.inert).toBe(true);
    expect(frame.getAttribute('aria-busy')).toBe('true');
    // the buttons are drawn, not made: nothing in the frame can be pressed
    expect(frame.querySelectorAll('button')).toHaveLength(0);
    expect([...frame.querySelectorAll('.row-btn')].map((b) => b.textContent)).toEqual(['Hold', 'Delete']);
  });

  it('says the trading mode, and what stops trading, as the window will (§26)', () => {
    const root = document.createElement('div');
    paintFirstFrame(
      root,
      data(
        {},
        {
          health: makeHealth({
            tradingMode: 'live',
            ib: { state: 'red', detail: 'not connected to 127.0.0.1:4001' },
          }),
          status: {
            counts: { pending: 0, awaiting: 0, active: 0, delayed: 0, held: 0, done: 0 },
            paused: true,
            oldestPendingAgeMs: null,
          },
        },
      ),
      NOW,
    );
    expect(root.querySelector('.ff-mode')!.textContent).toBe('LIVE');
    expect([...root.querySelectorAll('.ff-banner')].map((b) => b.getAttribute('aria-label'))).toEqual([
      'IB Gateway is down',
      'Processing is paused',
    ]);
    expect(root.querySelector('.ff-red')!.textContent).toContain(
      'not connected to 127.0.0.1:4001. Nothing reaches IB until it is back',
    );
    expect(root.querySelector('.ff-red a')!.getAttribute('href')).toBe('#/settings');
    expect(root.querySelector('.ff-yellow')!.textContent).toContain('Resume now');
  });

  it('leads the menu with Get started and the steps left while setup is incomplete, and offers Pause unless paused', () => {
    const root = document.createElement('div');
    const steps = [
      { id: 'gateway', done: true },
      { id: 'keys', done: false },
      { id: 'accounts', done: false },
    ];
    paintFirstFrame(
      root,
      data(
        {},
        {
          setup: { complete: false, opensOnGetStarted: false, steps } as never,
          health: makeHealth({ simulated: true }),
        },
      ),
      NOW,
    );
    expect([...root.querySelectorAll('nav a')].map((a) => a.textContent)).toEqual([
      'Get started2 steps left',
      'Queue',
      'Accounts',
      'Trade log',
      'Settings',
    ]);
    expect(root.querySelector('.ff-pause')!.textContent).toBe('Pause processing');
    expect([...root.querySelectorAll('.ff-mode')].map((b) => b.textContent)).toEqual(['PAPER', 'SIMULATED']);

    const paused = data({}, { status: { ...data({}).status, paused: true } });
    paintFirstFrame(root, { ...paused, setup: { complete: true, opensOnGetStarted: false, steps: [] } as never }, NOW);
    expect(root.querySelector('.ff-pause')).toBeNull();
    expect([...root.querySelectorAll('nav a')].map((a) => a.textContent)).toEqual([
      'Queue',
      'Accounts',
      'Trade log',
      'Settings',
    ]);
  });

  it('takes the color scheme Mantine will take, so the frame does not flash light in a dark window', () => {
    window.localStorage.setItem('mantine-color-scheme-value', 'dark');
    try {
      paintFirstFrame(document.createElement('div'), data({}), NOW);
      expect(document.documentElement.getAttribute('data-mantine-color-scheme')).toBe('dark');
    } finally {
      window.localStorage.removeItem('mantine-color-scheme-value');
      document.documentElement.removeAttribute('data-mantine-color-scheme');
    }
  });
});
