import { Group, Paper, Text } from '@mantine/core';
import type { AccountView } from '../../../../shared/contract';
import type { MoneyTotals } from '../../../../shared/dto';
import { formatExact, formatMoney, formatSignedMoney } from '../../lib/format';

function Figure({ label, value, title }: { label: string; value: string; title?: string }) {
  return (
    <div title={title}>
      <Text size="xs" c="dimmed">
        {label}
      </Text>
      <Text size="lg" fw={600} className="num" component="div">
        {value}
      </Text>
    </div>
  );
}

/**
 * §25 household strip: total NAV, cash and day P&L over the enabled accounts of the trading mode (from IB's account
 * summary and reqPnL), and how many of them are drifted above the alert threshold.
 */
export function HouseholdStrip({ accounts, totals }: { accounts: AccountView[]; totals: MoneyTotals }) {
  const active = accounts.filter((a) => a.active);
  const drifted = active.filter((a) => a.drifted).length;
  const partial = totals.accounts < totals.of;
  const newest = active
    .map((a) => a.money?.at)
    .filter((at): at is string => !!at)
    .sort()
    .at(-1);
  const basis = `Enabled accounts of the trading mode; ${totals.accounts} of ${totals.of} reported by IB${
    newest ? `, last at ${formatExact(newest)}` : ''
  }`;
  return (
    <Paper withBorder p="xs" radius="sm" aria-label="Household" data-testid="household-strip">
      <Group gap="xl" wrap="wrap">
        <Figure label="Total NAV" value={formatMoney(totals.netLiquidation, totals.currency)} title={basis} />
        <Figure label="Cash" value={formatMoney(totals.cash, totals.currency)} title={basis} />
        <Figure label="Day P&L" value={formatSignedMoney(totals.dayPnl, totals.currency)} title={basis} />
        <Figure
          label="Accounts drifted"
          value={`${drifted} of ${active.length}`}
          title="Accounts whose drift is above the alert threshold (Settings › Drift monitor)"
        />
        {partial && (
          <Text size="xs" c="yellow.8">
            {totals.of - totals.accounts} account(s) not reported by IB yet — totals are partial
          </Text>
        )}
      </Group>
    </Paper>
  );
}
