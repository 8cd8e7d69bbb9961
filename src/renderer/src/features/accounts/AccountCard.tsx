import { Alert, Badge, Button, Card, Group, Loader, Modal, SimpleGrid, Stack, Text, Tooltip } from '@mantine/core';
import { ListOrdered, PiggyBank, Scale, Wallet, XCircle, Eye, RotateCcw } from 'lucide-react';
import type { AccountView } from '../../../../shared/contract';
import type { Command } from '../../../../shared/dto';
import { CommandResultView, planOf } from '../../components/CommandResultView';
import { LabelledValue } from '../../components/LabelledValue';
import { RelativeTime } from '../../components/RelativeTime';
import { WeightsChart } from '../../components/charts/Charts';
import {
  formatCountdown,
  formatAsOf,
  formatExact,
  formatFraction,
  formatMoney,
  formatPercentValue,
  formatSignedMoney,
} from '../../lib/format';
import { useNow } from '../../lib/use-now';
import { useHealth } from '../../queries/use-queries';
import { CashFlowActions, LastCashFlow } from './CashFlowActions';
import { DriftedBadge, DriftValue } from './DriftFact';
import { PlanSubmit } from './PlanSubmit';
import { COMMAND_TITLES, useAccountCommands, type TrackedCommand } from './run-command';

const BUTTONS: { command: Command; label: string; icon: React.ReactNode }[] = [
  { command: 'print-rebalance', label: 'Preview', icon: <Eye size={14} /> },
  { command: 'rebalance', label: 'Rebalance now', icon: <Scale size={14} /> },
  { command: 'cancel-orders', label: 'Cancel orders', icon: <XCircle size={14} /> },
  { command: 'print-positions', label: 'Positions', icon: <PiggyBank size={14} /> },
  { command: 'print-equity', label: 'Equity', icon: <Wallet size={14} /> },
  { command: 'print-orders', label: 'Orders', icon: <ListOrdered size={14} /> },
];

function RunningLine({ item, onDismiss }: { item: TrackedCommand; onDismiss: () => void }) {
  const now = useNow();
  const event = item.event;
  let text: string;
  let color: string | undefined = 'dimmed';
  if (item.error) {
    text = `can no longer follow it: ${item.error}`;
    color = 'red';
  } else if (!event) text = 'queued';
  else if (event.status === 'delayed') {
    text = `failed (${event.lastError?.kind ?? 'error'}: ${event.lastError?.message ?? 'unknown'}) — retry in ${formatCountdown(event.nextAttemptAt, now)}`;
    color = event.needsAttention ? 'red' : 'var(--mantine-color-yellow-text)';
  } else if (event.status === 'held') {
    text = 'held in the queue — release it on the Queue page';
    color = 'var(--mantine-color-yellow-text)';
  } else if (event.status === 'active') text = 'running…';
  else text = `waiting in the queue (queued ${event.timesQueued}×)`;
  return (
    <Group gap={6} wrap="nowrap" data-testid={`running-${item.command}`}>
      {!item.error && <Loader size={12} />}
      <Text size="xs" c={color} truncate="end" title={item.id}>
        {COMMAND_TITLES[item.command]}: {text}
      </Text>
      <Button size="compact-xs" variant="subtle" onClick={onDismiss}>
        Stop watching
      </Button>
    </Group>
  );
}

/** Where the card's money comes from, for its hover. */
function moneyBasis(account: AccountView): string {
  return account.money
    ? `IB account summary and P&L, as of ${formatExact(account.money.at)}`
    : 'not reported by IB yet (IB Gateway not connected, or the account is not one of its accounts)';
}

const GATEWAY_COLORS = { green: 'gray', amber: 'yellow', red: 'red' } as const;

/**
 * §28: with several IB logins, the login the account is on, coloured by that gateway's light (red: its events wait
 * until the gateway is back), with the light's reason on hover. Nothing with one gateway.
 */
function GatewayBadge({ gatewayId }: { gatewayId: string | undefined }) {
  const gateways = useHealth().data?.gateways;
  if (!gateways || gateways.length < 2) return null;
  const gateway = gateways.find((g) => g.id === (gatewayId ?? 'default'));
  if (!gateway) return null;
  const down = gateway.state === 'red';
  return (
    <Tooltip
      label={`IB Gateway ${gateway.label}: ${gateway.detail}${down ? '. This account’s events wait until it is back.' : ''}`}
      multiline
      maw={360}
    >
      <Badge
        color={GATEWAY_COLORS[gateway.state]}
        variant={down ? 'filled' : 'light'}
        data-testid="gateway-badge"
        data-state={gateway.state}
      >
        {down ? `${gateway.label} down` : gateway.label}
      </Badge>
    </Tooltip>
  );
}

/** One account: its settings and state, and the commands a trader runs on it. */
export function AccountCard({ account }: { account: AccountView }) {
  const { run, preparePlan, submit, starting, running, finished, dismiss } = useAccountCommands(account);
  /** Rebalance now is busy while its plan is being made; Preview only with a plain preview. */
  const busy = (command: Command) =>
    starting === command ||
    running.some((item) =>
      command === 'rebalance'
        ? item.command === 'rebalance' || item.submitSource !== undefined
        : item.command === command && item.submitSource === undefined,
    );
  const click = (command: Command) => (command === 'rebalance' ? preparePlan('manual') : run(command));
  const missed = account.missedSignal;

  return (
    <Card
      withBorder
      padding="sm"
      radius="sm"
      data-account-id={account.accountId}
      aria-label={`Account ${account.accountId}`}
    >
      <Stack gap="xs">
        <Group justify="space-between" wrap="nowrap">
          <div style={{ minWidth: 0 }}>
            <Text fw={600} truncate="end">
              {account.name || account.accountId}
            </Text>
            <Text size="xs" className="mono" c="dimmed">
              {account.accountId}
            </Text>
          </div>
          <Group gap={6} wrap="nowrap">
            <DriftedBadge account={account} />
            <GatewayBadge gatewayId={account.gateway} />
            {missed && (
              <Tooltip
                label={`Allocation as of ${formatAsOf(missed.asOf)}; last rebalanced to ${formatAsOf(missed.lastAsOf)}`}
              >
                <Badge color="yellow" variant="filled">
                  missed signal
                </Badge>
              </Tooltip>
            )}
            {account.approval !== 'auto' && (
              <Tooltip
                label={
                  account.approval === 'confirm'
                    ? 'Rebalances wait in Queue › Awaiting approval until you approve them.'
                    : `Rebalances wait ${account.approvalMinutes} min in Queue › Awaiting approval, then trade unless held or rejected.`
                }
              >
                <Badge color="yellow" variant="light" data-testid="approval-badge">
                  {account.approval === 'confirm' ? 'approval: confirm' : `approval: ${account.approvalMinutes} min`}
                </Badge>
              </Tooltip>
            )}
            {!account.enabled && (
              <Badge color="gray" variant="outline">
                disabled
              </Badge>
            )}
            {account.enabled && !account.active && (
              <Tooltip label="This account's type differs from the trading mode, so it receives no signals.">
                <Badge color="gray" variant="outline">
                  inactive
                </Badge>
              </Tooltip>
            )}
            {account.type === 'live' ? (
              <Badge color="red" variant="filled">
                LIVE
              </Badge>
            ) : (
              <Badge color="gray" variant="light">
                PAPER
              </Badge>
            )}
          </Group>
        </Group>
        {missed && (
          <Alert color="yellow" variant="light" p={6}>
            <Group justify="space-between" wrap="nowrap">
              <Text size="xs">
                {missed.strategy} published a newer allocation than this account was last rebalanced to.
              </Text>
              <Button
                size="compact-xs"
                style={{ flexShrink: 0 }}
                leftSection={<RotateCcw size={12} />}
                loading={busy('rebalance')}
                onClick={() => preparePlan('catch-up')}
              >
                Catch up
              </Button>
            </Group>
          </Alert>
        )}
        <SimpleGrid cols={3} spacing="xs" verticalSpacing={6} data-testid="account-money">
          <LabelledValue label="Net liquidation" truncate>
            <span className="num" title={moneyBasis(account)}>
              {formatMoney(account.money?.netLiquidation, account.money?.currency)}
            </span>
          </LabelledValue>
          <LabelledValue label="Cash" truncate>
            <span
              className="num"
              title={`${formatMoney(account.money?.cash, account.money?.currency)} — ${moneyBasis(account)}`}
            >
              {account.money && account.money.netLiquidation > 0
                ? formatFraction(account.money.cash / account.money.netLiquidation)
                : '—'}
            </span>
          </LabelledValue>
          <LabelledValue label="Day P&L" truncate>
            <span
              className="num"
              title={`Unrealized P&L ${formatSignedMoney(account.money?.unrealizedPnl, account.money?.currency)} — ${moneyBasis(account)}`}
            >
              {formatSignedMoney(account.money?.dayPnl, account.money?.currency)}
            </span>
          </LabelledValue>
        </SimpleGrid>
        <SimpleGrid cols={3} spacing="xs" verticalSpacing={6}>
          <LabelledValue label="Strategy" truncate>
            {account.strategy}
          </LabelledValue>
          <LabelledValue label="Cash reserve" truncate>
            <span className="num">{formatPercentValue(account.cashReservePercent)}</span>
          </LabelledValue>
          <LabelledValue label="Drift" truncate>
            <DriftValue account={account} />
          </LabelledValue>
          <LabelledValue label="Last rebalanced" truncate>
            {account.lastRebalance ? <RelativeTime iso={account.lastRebalance.at} /> : 'never'}
          </LabelledValue>
          <LabelledValue label="Replacement set" truncate>
            {account.replacementSet ? (
              <span title={account.replacements.map((r) => `${r.source} → ${r.target} ×${r.scale}`).join(', ')}>
                {account.replacementSet}:{' '}
                {account.replacements.length === 0
                  ? 'empty'
                  : account.replacements.map((r) => `${r.source} → ${r.target} ×${r.scale}`).join(', ')}
              </span>
            ) : (
              'none'
            )}
          </LabelledValue>
          <LabelledValue label="Next scheduled" truncate>
            {account.nextScheduledRun ? (
              <span
                data-testid="next-scheduled-run"
                title={`schedule ${account.nextScheduledRun.scheduleId}: ${account.nextScheduledRun.command} at ${formatExact(account.nextScheduledRun.at)}`}
              >
                {COMMAND_TITLES[account.nextScheduledRun.command]} <RelativeTime iso={account.nextScheduledRun.at} />{' '}
                <Text span size="xs" c="dimmed">
                  ({formatExact(account.nextScheduledRun.at)})
                </Text>
              </span>
            ) : (
              'none'
            )}
          </LabelledValue>
          <LabelledValue label="Last cash flow" truncate>
            <LastCashFlow account={account} />
          </LabelledValue>
          <LabelledValue label="Last result" truncate>
            {account.lastResult ? (
              <Text
                span
                size="sm"
                c={account.lastResult.ok ? undefined : 'red'}
                title={formatExact(account.lastResult.at)}
              >
                {account.lastResult.command}: {account.lastResult.summary}
              </Text>
            ) : (
              '—'
            )}
          </LabelledValue>
        </SimpleGrid>
        {account.drift && Object.keys(account.drift.bySymbol).length > 0 && (
          <WeightsChart name={account.name || account.accountId} drift={account.drift} />
        )}
        <Group gap={4}>
          {BUTTONS.map((b) => (
            <Button
              key={b.command}
              size="compact-xs"
              variant={b.command === 'rebalance' ? 'light' : 'default'}
              color={b.command === 'rebalance' && account.type === 'live' ? 'red' : undefined}
              leftSection={b.icon}
              loading={busy(b.command)}
              onClick={() => click(b.command)}
            >
              {b.label}
            </Button>
          ))}
          <CashFlowActions account={account} />
        </Group>
        {running.map((item) => (
          <RunningLine key={item.id} item={item} onDismiss={() => dismiss(item.id)} />
        ))}
      </Stack>
      <Modal
        opened={finished !== null}
        onClose={() => finished && dismiss(finished.id)}
        size="xl"
        title={
          finished
            ? `${finished.submitSource ? 'Rebalance now: the plan' : COMMAND_TITLES[finished.command]} — ${account.name || account.accountId} (${account.accountId})`
            : ''
        }
      >
        {finished?.event && <CommandResultView result={finished.event.result} />}
        {finished?.event && finished.command === 'print-rebalance' && planOf(finished.event.result) && (
          <PlanSubmit
            account={account}
            plan={planOf(finished.event.result)!}
            onSubmit={() => submit(finished)}
            onCancel={() => dismiss(finished.id)}
          />
        )}
      </Modal>
    </Card>
  );
}
