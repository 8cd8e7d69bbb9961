import { Group, Text } from '@mantine/core';
import type { Plan } from '../../../shared/dto';
import { formatFraction, formatMoney } from '../lib/format';
import { planTotals, type PlanTotals } from '../lib/totals';

/** §25: total buys, total sells and the cash the plan leaves (before commissions). */
export function PlanTotalsLine({ plan, totals = planTotals(plan) }: { plan: Plan; totals?: PlanTotals }) {
  return (
    <Group gap="lg" aria-label="Plan totals" data-testid="plan-totals">
      <Text size="sm">
        Total buys <span className="num">{formatMoney(totals.buys)}</span>
      </Text>
      <Text size="sm">
        Total sells <span className="num">{formatMoney(totals.sells)}</span>
      </Text>
      <Text size="sm" title="Cash now + sells − buys, before commissions">
        Cash after <span className="num">{formatMoney(totals.cashAfter)}</span>
        {totals.cashAfterWeight !== null && (
          <Text span size="xs" c="dimmed">
            {' '}
            ({formatFraction(totals.cashAfterWeight)} of NAV)
          </Text>
        )}
      </Text>
    </Group>
  );
}
