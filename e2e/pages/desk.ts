import { expect, type Locator, type Page } from '@playwright/test';
import type { DemoServer } from '../demo-fixture';

const ARTIFACTS = 'e2e/artifacts';

/** The window as a trader sees it: navigation, status strip, and one object per page. */
export class Desk {
  readonly queue: QueuePage;
  readonly accounts: AccountsPage;
  readonly tradeLog: TradeLogPage;
  readonly settings: SettingsPage;

  constructor(
    readonly page: Page,
    readonly demo: DemoServer,
  ) {
    this.queue = new QueuePage(page);
    this.accounts = new AccountsPage(page);
    this.tradeLog = new TradeLogPage(page);
    this.settings = new SettingsPage(page);
  }

  async open(): Promise<void> {
    await this.page.goto(this.demo.appUrl);
    await expect(this.page.getByRole('heading', { name: 'Rebalance Desk' })).toBeVisible();
  }

  async go(name: 'Queue' | 'Accounts' | 'Trade log' | 'Settings'): Promise<void> {
    await this.page.getByRole('navigation', { name: 'Pages' }).getByRole('link', { name }).click();
  }

  /** One light of the status strip, e.g. "IB Gateway". */
  light(label: 'Redis' | 'IB Gateway' | 'Zehnlabs feed' | 'Processor'): Locator {
    return this.page.getByRole('status').locator(`[aria-label^="${label}:"]`);
  }

  async screenshot(name: string): Promise<void> {
    await this.page.screenshot({ path: `${ARTIFACTS}/${name}.png`, fullPage: true });
  }
}

export class QueuePage {
  constructor(readonly page: Page) {}

  section(status: 'pending' | 'awaiting' | 'active' | 'delayed' | 'held' | 'done'): Locator {
    return this.page.locator(`section[data-section="${status}"]`);
  }

  row(id: string): Locator {
    return this.page.locator(`[data-event-id="${id}"]`);
  }

  rowIn(status: 'pending' | 'awaiting' | 'active' | 'delayed' | 'held' | 'done', id: string): Locator {
    return this.section(status).locator(`[data-event-id="${id}"]`);
  }

  async action(id: string, name: 'Approve' | 'Reject' | 'Retry' | 'Hold' | 'Release' | 'Delete'): Promise<void> {
    await this.row(id).getByRole('button', { name, exact: true }).click();
  }

  async pause(): Promise<void> {
    await this.page.getByRole('button', { name: 'Pause processing' }).click();
    await expect(this.page.getByRole('button', { name: 'Resume processing' })).toBeVisible();
  }

  async resume(): Promise<void> {
    await this.page.getByRole('button', { name: 'Resume processing' }).click();
    await expect(this.page.getByRole('button', { name: 'Pause processing' })).toBeVisible();
  }
}

export class AccountsPage {
  constructor(readonly page: Page) {}

  card(accountId: string): Locator {
    return this.page.getByLabel(`Account ${accountId}`);
  }

  async command(accountId: string, name: string): Promise<void> {
    await this.card(accountId).getByRole('button', { name, exact: true }).click();
  }

  /** Clicks Rebalance now and returns the dialog with its plan and Submit, once the preview is in (not submitted). */
  async rebalanceNow(accountId: string): Promise<Locator> {
    await this.command(accountId, 'Rebalance now');
    const dialog = this.page.getByRole('dialog', { name: /^Rebalance now: the plan/ });
    await expect(dialog.getByRole('button', { name: 'Submit', exact: true })).toBeVisible({ timeout: 30_000 });
    return dialog;
  }

  /** Clicks Rebalance all and returns its confirmation dialog listing each account's plan (not yet confirmed). */
  async rebalanceAll(): Promise<Locator> {
    await this.page.getByRole('button', { name: 'Rebalance all', exact: true }).click();
    const dialog = this.page.getByRole('dialog');
    await expect(dialog).toBeVisible();
    return dialog;
  }

  async publishSignal(strategy: string, command = 'rebalance'): Promise<void> {
    const panel = this.page.getByLabel('Simulator');
    await panel.getByRole('combobox', { name: 'Strategy' }).click();
    await this.page.getByRole('option', { name: strategy, exact: true }).click();
    await panel.getByRole('combobox', { name: 'Command' }).click();
    await this.page.getByRole('option', { name: command, exact: true }).click();
    await panel.getByRole('button', { name: 'Publish signal' }).click();
  }

  async gateway(action: 'Stop gateway' | 'Start gateway'): Promise<void> {
    await this.page.getByLabel('Simulator').getByRole('button', { name: action }).click();
  }
}

export class TradeLogPage {
  constructor(readonly page: Page) {}

  trades(): Locator {
    return this.page.getByRole('table', { name: 'Trades' });
  }
}

/** The sections of Settings, in the page's order (src/renderer/src/features/settings/settings-sections.ts). */
export type SettingsSection =
  | 'Trading mode'
  | 'Accounts'
  | 'Replacement sets'
  | 'Approval and schedules'
  | 'Orders and limits'
  | 'Drift monitor'
  | 'Cash flows'
  | 'Notifications and logging'
  | 'IB Gateway / TWS'
  | 'Zehnlabs'
  | 'Storage and Redis'
  | 'Queue'
  | 'Management API'
  | 'This computer'
  | 'Remote core'
  | 'Check setup';

/** The section menu's links, as it names the sections (a browser has no Remote core). */
export const SETTINGS_MENU = [
  'Trading mode',
  'Accounts',
  'Replacement sets',
  'Approval and schedules',
  'Orders and limits',
  'Drift',
  'Cash flows',
  'Notifications',
  'IB Gateway',
  'Zehnlabs',
  'Storage and Redis',
  'Queue',
  'Management API',
  'This computer',
  'Check setup',
] as const;

export class SettingsPage {
  constructor(readonly page: Page) {}

  section(name: SettingsSection): Locator {
    return this.page.getByRole('region', { name });
  }

  /** A text or number box of a section by its label, e.g. field('IB Gateway / TWS', 'Port'). */
  field(section: SettingsSection, label: string): Locator {
    return this.section(section).getByRole('textbox', { name: label, exact: true });
  }

  /** A box in an account's row of the Accounts table, e.g. accountField(0, 'Cash reserve %'). */
  accountField(row: number, label: string): Locator {
    return this.page.locator(`[data-account-row="${row}"]`).getByRole('textbox', { name: label, exact: true });
  }

  /** Selects what the box holds and types `text` over it, key by key, then leaves the box (as a trader would). */
  async type(box: Locator, text: string): Promise<void> {
    await box.click();
    await box.press('ControlOrMeta+a');
    await box.pressSequentially(text);
    await box.press('Tab');
  }

  /** The message shown beside a box (the elements its aria-describedby names). */
  async messageBeside(box: Locator): Promise<string> {
    const ids = ((await box.getAttribute('aria-describedby')) ?? '').split(/\s+/).filter(Boolean);
    const texts = await Promise.all(ids.map((id) => this.page.locator(`[id="${id}"]`).innerText()));
    return texts.join(' ');
  }

  async save(): Promise<void> {
    await this.page.getByRole('button', { name: 'Save settings' }).click();
  }

  /** The section menu (§26), in the bar that stays on top with Save. */
  menu(): Locator {
    return this.page.getByRole('navigation', { name: 'Settings sections' });
  }

  /** Jumps to a section with the menu, e.g. jumpTo('Drift'). */
  async jumpTo(label: (typeof SETTINGS_MENU)[number]): Promise<void> {
    await this.menu().getByRole('link', { name: label, exact: true }).click();
  }

  /** The bar on top: the menu, Unsaved changes, Discard changes and Save settings. */
  bar(): Locator {
    return this.page.locator('[data-settings-bar]');
  }

  /** The error summary: each field that needs fixing, by its label, a button that goes to it. */
  summary(): Locator {
    return this.page.getByRole('alert').filter({ hasText: 'field(s) need fixing' });
  }

  /** The question asked when leaving Settings with unsaved edits. */
  discardQuestion(): Locator {
    return this.page.getByRole('dialog', { name: 'Discard unsaved settings?' });
  }
}
