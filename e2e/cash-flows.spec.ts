import type { AccountView } from '../src/shared/contract';
import type { EventRecord, EventStatus } from '../src/shared/dto';
import { expect, test, type DemoServer } from './demo-fixture';
import { Desk } from './pages/desk';

const STATES: EventStatus[] = ['pending', 'awaiting', 'active', 'delayed', 'held', 'done'];

/** Every event of an account, in every section of the queue. */
async function eventsOf(demo: DemoServer, accountId: string): Promise<EventRecord[]> {
  const lists = await Promise.all(
    STATES.map((state) => demo.api<{ events: EventRecord[] }>('GET', `/api/queue/events?state=${state}&limit=1000`)),
  );
  return lists.flatMap((l) => l.body.events).filter((e) => e.accountId === accountId);
}

async function accountOf(demo: DemoServer, accountId: string): Promise<AccountView> {
  const { body } = await demo.api<{ accounts: AccountView[] }>('GET', '/api/accounts');
  return body.accounts.find((a) => a.accountId === accountId)!;
}

test.use({ viewport: { width: 1024, height: 700 } });

test('Raise cash…: bad amounts are refused beside the box with nothing queued; a good one shows the plan, sells, and the card says so (§27)', async ({
  page,
  demo,
}) => {
  const desk = new Desk(page, demo);
  await desk.open();
  await desk.go('Accounts');
  const accountId = 'DU1000002';
  const card = desk.accounts.card(accountId);
  // IB's money is on the card (the box checks an amount against the account's net liquidation).
  await expect(card.getByTestId('account-money')).toContainText(/USD\s[\d,]+\.\d\d/, { timeout: 30_000 });
  const { money } = await accountOf(demo, accountId);
  const nav = money!.netLiquidation;
  const before = (await eventsOf(demo, accountId)).length;

  const raise = await desk.accounts.raiseCash(accountId, 'Demo Joint');
  await expect(raise.showPlan).toBeDisabled();
  for (const [typed, message] of [
    ['-500', 'Amount to raise (USD) must be more than 0 USD'],
    ['0', 'Amount to raise (USD) must be more than 0 USD'],
    ['ten thousand', 'Amount to raise (USD) must be a number of USD'],
    [String(Math.ceil(nav * 2)), "Amount to raise (USD) must not be more than the account's net liquidation"],
  ] as const) {
    await raise.type(typed);
    await raise.amount.press('Enter');
    await expect.poll(() => raise.messageBeside()).toContain(message);
    await expect(raise.amount).toHaveAttribute('aria-invalid', 'true');
    await expect(raise.showPlan).toBeDisabled();
  }
  await desk.screenshot('raise-cash-refused');
  expect((await eventsOf(demo, accountId)).length, 'a refused amount queues nothing').toBe(before);

  // More than the cash on hand, so it must sell.
  const amount = Math.round(money!.cash + nav * 0.1);
  await raise.type(amount.toLocaleString('en-US'));
  await expect(raise.amount).not.toHaveAttribute('aria-invalid', 'true');
  const submit = await raise.showThePlan();
  await expect(raise.plan).toBeVisible();
  await expect(raise.plan.getByText('SELL').first()).toBeVisible();
  await expect(raise.plan.getByText('BUY')).toHaveCount(0);
  await desk.screenshot('raise-cash-plan');
  await submit.click();
  await expect(page.getByText('Raise cash queued for Demo Joint')).toBeVisible();
  await expect(raise.dialog).toBeHidden();

  // Demo Joint approves automatically: the raise-cash runs and the card shows its result.
  await expect(card.getByText(/raise-cash: \d+\/\d+ filled/)).toBeVisible({ timeout: 60_000 });
  const raised = (await eventsOf(demo, accountId)).find((e) => e.command === 'raise-cash');
  expect(raised?.status).toBe('done');
  expect(raised?.payload).toEqual({ amount });
  const after = await accountOf(demo, accountId);
  expect(after.money!.cash).toBeGreaterThanOrEqual(amount);
  await desk.screenshot('raise-cash-done');

  await desk.go('Queue');
  const row = desk.queue.rowIn('done', raised!.id);
  await expect(row).toContainText('Demo Joint');
  await expect(row.getByTestId('event-result')).toHaveText(/^\d+\/\d+ filled/);
});

test('Invest cash: the buy-only plan buys and sells nothing (§27)', async ({ page, demo }) => {
  const desk = new Desk(page, demo);
  await desk.open();
  await desk.go('Accounts');
  const dialog = await desk.accounts.investCash('DU1000001', 'Demo Taxable');
  await expect(dialog.getByText(/Nothing is sold/)).toBeVisible();
  const plan = dialog.getByRole('table', { name: 'Plan' });
  await expect(plan).toBeVisible();
  await expect(plan.getByText('SELL')).toHaveCount(0);
  await desk.screenshot('invest-cash-plan');
  await dialog.getByRole('button', { name: 'Cancel' }).click();
  await expect(dialog).toBeHidden();
});
