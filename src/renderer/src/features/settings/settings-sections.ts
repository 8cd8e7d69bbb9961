/**
 * The sections of the Settings page in the order a trader needs them (§26): what is traded and how first, then the
 * connections and plumbing. The section menu lists these; each section's element id comes from its title.
 */
export const SETTINGS_SECTIONS = [
  { title: 'Trading mode', menu: 'Trading mode' },
  { title: 'Accounts', menu: 'Accounts' },
  { title: 'Replacement sets', menu: 'Replacement sets' },
  { title: 'Approval and schedules', menu: 'Approval and schedules' },
  { title: 'Orders and limits', menu: 'Orders and limits' },
  { title: 'Drift monitor', menu: 'Drift' },
  { title: 'Cash flows', menu: 'Cash flows' },
  { title: 'Notifications and logging', menu: 'Notifications' },
  { title: 'IB Gateway / TWS', menu: 'IB Gateway' },
  { title: 'Zehnlabs', menu: 'Zehnlabs' },
  { title: 'Storage and Redis', menu: 'Storage and Redis' },
  { title: 'Queue', menu: 'Queue' },
  { title: 'Management API', menu: 'Management API' },
  { title: 'This computer', menu: 'This computer' },
  { title: 'Remote core', menu: 'Remote' },
  { title: 'Check setup', menu: 'Check setup' },
] as const;

export type SettingsSectionTitle = (typeof SETTINGS_SECTIONS)[number]['title'];

/** The element id of a section ("IB Gateway / TWS" → "settings-ib-gateway-tws"). */
export function sectionId(title: string): string {
  return `settings-${title
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '')}`;
}

/** The bar that stays on top of the page while it scrolls (the section menu and Save): marked for `reveal`. */
export const STICKY_BAR_ATTRIBUTE = 'data-settings-bar';

/**
 * Scrolls `target` into view — a section to just below the sticky bar, a field to the middle of the window — and
 * moves the keyboard focus to `focus` (a section's heading, or the field itself).
 */
export function reveal(target: HTMLElement, focus: HTMLElement, block: 'start' | 'center'): void {
  const bar = document.querySelector<HTMLElement>(`[${STICKY_BAR_ATTRIBUTE}]`);
  const below = bar ? Math.ceil(bar.getBoundingClientRect().bottom) : 0;
  target.style.scrollMarginTop = `${below + 8}px`;
  target.scrollIntoView({ block });
  focus.focus({ preventScroll: true });
}

/** Jumps to the section titled `title`, focusing its heading; false when the page has no such section. */
export function revealSection(title: string): boolean {
  const section = document.getElementById(sectionId(title));
  if (!section) return false;
  const heading = section.querySelector<HTMLElement>('h2') ?? section;
  heading.tabIndex = -1;
  reveal(section, heading, 'start');
  return true;
}
