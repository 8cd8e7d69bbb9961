import { expect, type Locator, type Page } from '@playwright/test';
import type { DemoServer } from '../demo-fixture';

const ARTIFACTS = 'e2e/artifacts';

/** The window as a trader sees it: navigation, status strip, and one object per page. */
export class Desk {
  readonly queue: QueuePage;
  readonly accounts: AccountsPage;
  readonly tradeLog: TradeLogPage;
  readonly settings: SettingsPage;
  readonly getStarted: GetStartedPage;

  constructor(
    readonly page: Page,
    readonly demo: DemoServer,
  ) {
    this.queue = new QueuePage(page);
    this.accounts = new AccountsPage(page);
    this.tradeLog = new TradeLogPage(page);
    this.settings = new SettingsPage(page);
    this.getStarted = new GetStartedPage(page);
  }

  async open(): Promise<void> {
    await this.page.goto(this.demo.appUrl);
    await expect(this.page.getByRole('heading', { name: 'Rebalance Desk' })).toBeVisible();
  }

  /** Follows a side-menu link; its name may go on with its badge, e.g. "Queue (2 awaiting approval, 1 delayed)". */
  async go(name: 'Queue' | 'Accounts' | 'Trade log' | 'Settings' | 'Get started'): Promise<void> {
    await this.menuLink(name).click();
  }

  menuLink(name: 'Queue' | 'Accounts' | 'Trade log' | 'Settings' | 'Get started'): Locator {
    return this.page.getByRole('navigation', { name: 'Pages' }).getByRole('link', { name: new RegExp(`^${name}`) });
  }

  /** §26 the banner across the top of every page: the gateway down, or processing paused. */
  banner(name: 'IB Gateway is down' | 'Processing is paused'): Locator {
    return this.page.getByRole('region', { name });
  }

  /** One light of the status strip, e.g. "IB Gateway". */
  /** A light of the status strip; the demo has two IB logins (§28), so one IB light each: IB default, IB Spouse. */
  light(label: 'Redis' | 'IB Gateway' | 'IB default' | 'IB Spouse' | 'Zehnlabs feed' | 'Processor'): Locator {
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

  /** Ticks a row's box for the bulk actions. */
  async select(id: string): Promise<void> {
    await this.page.getByRole('checkbox', { name: `Select ${id}`, exact: true }).check();
  }

  /** Clicks a bulk action ("Delete 3 selected") and returns its confirmation dialog, if it asks. */
  async bulk(action: 'Approve' | 'Retry' | 'Hold' | 'Release' | 'Delete', count: number): Promise<Locator> {
    await this.page
      .getByRole('toolbar', { name: 'Bulk actions' })
      .getByRole('button', { name: `${action} ${count} selected`, exact: true })
      .click();
    return this.page.getByRole('dialog');
  }

  /** Pauses; the banner then says so and holds the only Resume button (the page's own button steps aside). */
  async pause(): Promise<void> {
    await this.page.getByRole('button', { name: 'Pause processing' }).click();
    await expect(this.resumeButton()).toBeVisible();
    await expect(this.page.getByRole('button', { name: 'Pause processing' })).toHaveCount(0);
    await expect(this.page.getByRole('button', { name: /^Resume/ })).toHaveCount(1);
  }

  async resume(): Promise<void> {
    await this.resumeButton().click();
    await expect(this.page.getByRole('button', { name: 'Pause processing' })).toBeVisible();
  }

  private resumeButton(): Locator {
    return this.page.getByRole('region', { name: 'Processing is paused' }).getByRole('button', { name: 'Resume now' });
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

  /** Clicks Raise cash… and returns its dialog, with the amount box and Show plan (§27). */
  async raiseCash(accountId: string, name: string): Promise<RaiseCashDialog> {
    await this.command(accountId, 'Raise cash…');
    return new RaiseCashDialog(this.page.getByRole('dialog', { name: `Raise cash — ${name}` }));
  }

  /** Clicks Invest cash and returns its dialog once the buy-only plan is in (not submitted). */
  async investCash(accountId: string, name: string): Promise<Locator> {
    await this.command(accountId, 'Invest cash');
    const dialog = this.page.getByRole('dialog', { name: `Invest cash — ${name}` });
    await expect(dialog.getByRole('button', { name: /^(Submit|Nothing to trade)/ })).toBeVisible({ timeout: 30_000 });
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

/** The Raise cash… dialog of an account card. */
export class RaiseCashDialog {
  readonly amount: Locator;
  readonly showPlan: Locator;
  readonly plan: Locator;

  constructor(readonly dialog: Locator) {
    this.amount = dialog.getByRole('textbox', { name: 'Amount to raise (USD)' });
    this.showPlan = dialog.getByRole('button', { name: 'Show plan' });
    this.plan = dialog.getByRole('table', { name: 'Plan' });
  }

  /** Types `text` over what the box holds, key by key, as a trader would. */
  async type(text: string): Promise<void> {
    await this.amount.fill('');
    await this.amount.pressSequentially(text);
  }

  /** The message shown beside the amount box (the elements its aria-describedby names). */
  async messageBeside(): Promise<string> {
    const ids = ((await this.amount.getAttribute('aria-describedby')) ?? '').split(/\s+/).filter(Boolean);
    const page = this.dialog.page();
    const texts = await Promise.all(ids.map((id) => page.locator(`[id="${id}"]`).innerText()));
    return texts.join(' ');
  }

  /** Shows the plan for the typed amount and returns its Submit button once the plan is in. */
  async showThePlan(): Promise<Locator> {
    await this.showPlan.click();
    const submit = this.dialog.getByRole('button', { name: /^Submit \d+ orders?/ });
    await expect(submit).toBeVisible({ timeout: 30_000 });
    return submit;
  }
}

/** §26 Get started: the checklist (one item per step, `data-step` / `data-done`) and Check setup. */
export class GetStartedPage {
  constructor(readonly page: Page) {}

  heading(): Locator {
    return this.page.getByRole('heading', { name: 'Get started', exact: true });
  }

  step(id: 'gateway' | 'keys' | 'accounts' | 'check' | 'preview'): Locator {
    return this.page.locator(`[data-step="${id}"]`);
  }

  /** Runs Check setup from the page and waits for its verdict. */
  async checkSetup(): Promise<void> {
    const panel = this.page.getByRole('region', { name: 'Check setup' });
    await panel.getByRole('button', { name: 'Check setup', exact: true }).click();
    await expect(panel.getByRole('status')).toBeVisible({ timeout: 60_000 });
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

  /** Waits for the page to show its form (the page's code and the settings load first; slow on a loaded machine). */
  async loaded(): Promise<void> {
    await expect(this.page.getByRole('button', { name: 'Save settings' })).toBeVisible({ timeout: 20_000 });
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
