/**
 * §16 first render: the window's first frame, drawn by the entry module with the DOM alone as soon as the Queue page's
 * answers are in — before React DOM and Mantine (the boot chunk, about 680 KB) have been compiled and have rendered,
 * which on a 2-core machine takes another 400–600 ms. It shows what the Queue page's first render shows — the mode,
 * the banners, the sections with their counts, the first rows of each — in the same places, from the same texts
 * (section-texts.ts, event-cells.ts, action-rules.ts, attention.ts). It is a picture: `inert` (nothing in it can be
 * clicked, focused or read out as if it worked) and `aria-busy`, until React's first render replaces it. Being inert, it
 * has no hovers: the cells carry no titles (the exact times of which would cost the page's first Intl formatter).
 */
import { EVENT_STATUSES, type EventRecord, type EventStatus, type Health, type QueueStatus } from '../../shared/dto';
import type { EventList, SetupProgress } from '../../shared/contract';
import { attentionOf } from './components/attention';
import { ACTION_LABELS, isDangerous, rowActionsOf } from './features/queue/action-rules';
import {
  errorCell,
  eventColumns,
  HEAD_HEIGHT,
  ROW_HEIGHT,
  stateCell,
  type CellText,
} from './features/queue/event-cells';
import { EMPTY_TEXT, MAX_LIST_HEIGHT, moreText, SECTION_TITLES } from './features/queue/section-texts';
import { STATUS_COLORS } from './features/queue/status-colors';
import { formatRelative, shortId } from './lib/format';
import { hrefOf, MENU_PAGES } from './lib/route-of';

export interface FirstFrameData {
  health: Health;
  status: QueueStatus;
  lists: Record<EventStatus, EventList>;
  /** Get started's checklist when the window asked for it: its menu entry shows while setup is incomplete (§26). */
  setup?: SetupProgress | null;
}

type Child = Node | string | null | false | undefined;

function h(tag: string, attrs: Record<string, string | undefined> = {}, ...children: Child[]): HTMLElement {
  const el = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) if (value !== undefined) el.setAttribute(name, value);
  for (const child of children) if (child !== null && child !== false && child !== undefined) el.append(child);
  return el;
}

function cell(text: CellText | null): HTMLElement {
  if (!text) return h('span');
  return h(
    'span',
    { class: text.className },
    text.badge ? h('span', { class: 'row-badge' }, text.badge) : null,
    text.text,
  );
}

/** One queue row, as EventRow.tsx draws it (first-frame.test.ts compares the two). */
export function firstFrameRow(event: EventRecord, now: number, top: number): HTMLElement {
  return h(
    'div',
    {
      class: 'grid-row event-grid',
      'data-event-id': event.id,
      'data-status': event.status,
      style: `height: ${ROW_HEIGHT}px; position: absolute; top: 0px; left: 0px; width: 100%; transform: translateY(${top}px);`,
    },
    h('span', {}, h('input', { type: 'checkbox', class: 'row-check', tabindex: '-1' })),
    h('span', { class: 'mono' }, shortId(event.id)),
    h('span', {}, event.accountId),
    h('span', {}, event.command),
    h('span', { class: 'col-opt' }, event.strategy ?? '—'),
    h('span', { class: 'num col-opt' }, String(event.timesQueued)),
    h('span', { class: 'col-opt' }, formatRelative(event.createdAt, now)),
    h('span', {}, cell(stateCell(event, now))),
    h('span', {}, cell(errorCell(event))),
    h(
      'span',
      {},
      h(
        'span',
        { class: 'row-actions' },
        ...rowActionsOf(event).map((action) =>
          h('span', { class: isDangerous(action) ? 'row-btn danger' : 'row-btn' }, ACTION_LABELS[action]),
        ),
      ),
    ),
  );
}

/** A section's column headings, as EventRowHeader draws them (first-frame.test.ts compares the two). */
export function firstFrameHead(status: EventStatus): HTMLElement {
  return h(
    'div',
    { class: 'grid-row grid-head event-grid', style: `height: ${HEAD_HEIGHT}px;` },
    ...eventColumns(status).map((column) => h('span', { class: column.className }, column.label)),
  );
}

function section(status: EventStatus, list: EventList, now: number): HTMLElement {
  const { events, total } = list;
  const title = SECTION_TITLES[status];
  const heading = h(
    'div',
    { class: 'ff-section-head' },
    h(
      'h2',
      { class: 'ff-section-title' },
      `${title} `,
      h('span', { class: `ff-count num ff-tone-${STATUS_COLORS[status]}` }, String(total)),
    ),
    events.length > 0 ? h('span', { class: 'xs dimmed' }, `Select all ${events.length}`) : null,
  );
  let body: HTMLElement;
  if (events.length === 0) body = h('p', { class: 'ff-empty' }, EMPTY_TEXT[status]);
  // Awaiting approval shows each plan as a card (AwaitingList.tsx); React draws those.
  else if (status === 'awaiting') body = h('p', { class: 'ff-empty' }, 'Loading…');
  else {
    const height = Math.min(MAX_LIST_HEIGHT, events.length * ROW_HEIGHT);
    const shown = events.slice(0, Math.ceil(height / ROW_HEIGHT));
    body = h(
      'div',
      {},
      firstFrameHead(status),
      h(
        'div',
        { style: `height: ${height}px; overflow: hidden; position: relative;` },
        ...shown.map((event, i) => firstFrameRow(event, now, i * ROW_HEIGHT)),
      ),
      total > events.length ? h('p', { class: 'xs dimmed ff-more' }, moreText(events.length, total)) : null,
    );
  }
  return h('section', { class: 'queue-section ff-section', 'data-section': status }, heading, body);
}

function banners(data: FirstFrameData): HTMLElement | null {
  const list = attentionOf(data.health, data.status);
  if (list.length === 0) return null;
  return h(
    'div',
    { class: 'ff-banners' },
    ...list.map((b) =>
      h(
        'section',
        { class: `ff-banner ff-${b.tone}`, 'aria-label': b.title },
        h(
          'div',
          { class: 'ff-banner-text' },
          h('p', { class: 'ff-banner-title' }, b.title),
          h(
            'p',
            { class: 'xs' },
            b.text,
            b.settingsLink ? h('a', { href: hrefOf('settings') }, 'Settings') : null,
            b.settingsLink ? '.' : null,
          ),
        ),
        b.resume ? h('span', { class: 'ff-resume' }, 'Resume now') : null,
      ),
    ),
  );
}

/** The color scheme Mantine will choose (its ColorSchemeScript's rule, `defaultColorScheme="auto"`), set now. */
function setColorScheme(): void {
  let scheme = 'auto';
  try {
    const stored = window.localStorage.getItem('mantine-color-scheme-value');
    if (stored === 'light' || stored === 'dark' || stored === 'auto') scheme = stored;
  } catch {
    // no storage: the system's
  }
  if (scheme === 'auto') scheme = window.matchMedia?.('(prefers-color-scheme: dark)').matches ? 'dark' : 'light';
  document.documentElement.setAttribute('data-mantine-color-scheme', scheme);
}

/** App.tsx's Get started entry: while setup is incomplete, with the steps left. */
function getStarted(setup: SetupProgress | null | undefined): HTMLElement | null {
  if (!setup || setup.complete) return null;
  const left = setup.steps.filter((step) => !step.done).length;
  return h(
    'a',
    { class: 'ff-link', href: hrefOf('get-started') },
    'Get started',
    h('span', { class: 'ff-link-note' }, `${left} step${left === 1 ? '' : 's'} left`),
  );
}

/** Replaces `root`'s content with the Queue page's first frame. */
export function paintFirstFrame(root: HTMLElement, data: FirstFrameData, now: number = Date.now()): void {
  setColorScheme();
  const live = data.health.tradingMode === 'live';
  const frame = h(
    'div',
    { class: 'ff', 'data-first-frame': '', 'aria-busy': 'true' },
    h(
      'header',
      { class: 'ff-header' },
      h('h1', { class: 'ff-title' }, 'Rebalance Desk'),
      h('span', { class: live ? 'ff-mode ff-live' : 'ff-mode' }, live ? 'LIVE' : 'PAPER'),
      data.health.simulated ? h('span', { class: 'ff-mode ff-simulated' }, 'SIMULATED') : null,
    ),
    h(
      'nav',
      { class: 'ff-nav' },
      getStarted(data.setup),
      ...MENU_PAGES.map(([route, label]) =>
        h('a', { class: route === 'queue' ? 'ff-link ff-active' : 'ff-link', href: hrefOf(route) }, label),
      ),
    ),
    h(
      'main',
      { class: 'ff-main' },
      banners(data),
      h(
        'div',
        { class: 'ff-toolbar' },
        h('div', { class: 'ff-search' }, 'Search account, command, id or text (press /)'),
        // QueuePage's Pause button; while paused the banner holds Resume instead
        data.status.paused ? null : h('span', { class: 'ff-pause' }, 'Pause processing'),
      ),
      h('p', { class: 'ff-bulk xs dimmed' }, 'Select rows to act on several events at once.'),
      ...EVENT_STATUSES.map((status) => section(status, data.lists[status], now)),
    ),
  );
  frame.inert = true;
  root.replaceChildren(frame);
}
