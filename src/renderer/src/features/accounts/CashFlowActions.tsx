import { Alert, Button, Group, Loader, Modal, Stack, Text, TextInput } from '@mantine/core';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { Banknote, HandCoins } from 'lucide-react';
import { useState } from 'react';
import type { AccountView } from '../../../../shared/contract';
import type { Command, Plan } from '../../../../shared/dto';
import { errorBodyOf, isApiError } from '../../api/api-client';
import { useApi } from '../../api/ApiProvider';
import { CommandResultView } from '../../components/CommandResultView';
import { formatMoney } from '../../lib/format';
import { notifyError, notifySuccess } from '../../lib/notify';
import { queryKeys } from '../../queries/query-keys';
import { queries } from '../../queries/use-queries';

type Flow = { kind: 'invest' } | { kind: 'raise' };

/** The amount box's label; every message about the amount names it. */
export const AMOUNT_LABEL = 'Amount to raise (USD)';

/**
 * The USD amount a trader typed ("15000", "15,000.50"; thousands separated by commas or not), or null when the text
 * is not a number (a sign is read, so a negative amount gets its own message rather than "not a number").
 */
export function parseAmount(text: string): number | null {
  const t = text.trim().replace(/^\$\s*/, '');
  if (!/^-?(\d{1,3}(,\d{3})+|\d+)(\.\d+)?$|^-?\.\d+$/.test(t)) return null;
  const n = Number(t.replace(/,/g, ''));
  return Number.isFinite(n) ? n : null;
}

/**
 * Why a typed amount cannot be raised, in words naming the box, or null. `netLiquidation` (the card's money, when IB
 * has reported it) refuses an amount larger than the account; the core checks that again when it is queued.
 */
export function amountProblem(text: string, netLiquidation?: number | null): string | null {
  if (text.trim() === '') return `${AMOUNT_LABEL}: enter the amount to raise`;
  const amount = parseAmount(text);
  if (amount === null) return `${AMOUNT_LABEL} must be a number of USD, e.g. 15000 or 15,000.50`;
  if (amount <= 0) return `${AMOUNT_LABEL} must be more than 0 USD`;
  if (netLiquidation !== undefined && netLiquidation !== null && amount > netLiquidation) {
    return `${AMOUNT_LABEL} must not be more than the account's net liquidation, ${formatMoney(netLiquidation)}`;
  }
  return null;
}

/**
 * §27 on the account card: **Invest cash** (preview of a buy-only rebalance, then Submit) and **Raise cash…** (asks
 * the amount, shows the raise-cash plan, then Submit). The preview is the same `print-rebalance` planning the live
 * run uses, with `payload.mode`.
 */
export function CashFlowActions({ account }: { account: AccountView }) {
  const api = useApi();
  const client = useQueryClient();
  const [flow, setFlow] = useState<Flow | null>(null);
  const [amount, setAmount] = useState('');
  const [previewId, setPreviewId] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const preview = useQuery({ ...queries.eventDetail(api, previewId ?? ''), enabled: previewId !== null });
  const event = preview.data?.event ?? null;
  const plan = event?.status === 'done' ? ((event.result?.plan as Plan | undefined) ?? null) : null;
  const orders = plan ? plan.rows.filter((r) => r.order).length : 0;
  const problem = flow?.kind === 'raise' ? amountProblem(amount, account.money?.netLiquidation) : null;
  const raised = parseAmount(amount) ?? 0;
  const name = account.name || account.accountId;

  const open = (next: Flow) => {
    setFlow(next);
    setPreviewId(null);
    setError(null);
    if (next.kind === 'invest') void showPlan(next);
  };
  const close = () => {
    setFlow(null);
    setPreviewId(null);
    setAmount('');
    setError(null);
  };

  const call = async (command: Command, payload: Record<string, unknown>) => {
    const created = await api.call('runCommand', { accountId: account.accountId, command, payload });
    void client.invalidateQueries({ queryKey: queryKeys.events.lists() });
    void client.invalidateQueries({ queryKey: queryKeys.queueStatus() });
    return created;
  };

  const payloadOf = (f: Flow): Record<string, unknown> =>
    f.kind === 'invest' ? { mode: 'buy-only' } : { mode: 'raise-cash', amount: raised };

  async function showPlan(f: Flow) {
    setBusy(true);
    setError(null);
    try {
      const created = await call('print-rebalance', payloadOf(f));
      setPreviewId(created.id);
    } catch (e) {
      setError(
        isApiError(e, 'duplicate')
          ? 'A preview of this account is already queued; try again in a moment.'
          : errorBodyOf(e).message,
      );
    } finally {
      setBusy(false);
    }
  }

  async function submit() {
    if (!flow) return;
    setBusy(true);
    try {
      if (flow.kind === 'invest') await call('rebalance', { mode: 'buy-only' });
      else await call('raise-cash', { amount: raised });
      notifySuccess(
        flow.kind === 'invest' ? `Invest cash queued for ${name}` : `Raise cash queued for ${name}`,
        flow.kind === 'invest'
          ? 'A buy-only rebalance is in the queue.'
          : `Selling to raise ${formatMoney(raised)} is in the queue.`,
      );
      close();
    } catch (e) {
      if (isApiError(e, 'duplicate')) setError(`One is already queued for ${name} (id ${e.body.existingId ?? '?'}).`);
      else if (isApiError(e, 'invalid')) setError(e.body.message);
      else notifyError(`Could not queue it for ${name}`, e);
    } finally {
      setBusy(false);
    }
  }

  return (
    <>
      <Button
        size="compact-xs"
        variant="default"
        leftSection={<Banknote size={14} />}
        onClick={() => open({ kind: 'invest' })}
      >
        Invest cash
      </Button>
      <Button
        size="compact-xs"
        variant="default"
        leftSection={<HandCoins size={14} />}
        onClick={() => open({ kind: 'raise' })}
      >
        Raise cash…
      </Button>
      <Modal
        opened={flow !== null}
        onClose={close}
        size="xl"
        title={flow?.kind === 'invest' ? `Invest cash — ${name}` : `Raise cash — ${name}`}
      >
        <Stack gap="sm">
          {flow?.kind === 'invest' && (
            <Text size="sm">
              Buys the most underweight symbols with the cash above the reserve, toward their targets. Nothing is sold.
            </Text>
          )}
          {flow?.kind === 'raise' && (
            <Group align="flex-end">
              <TextInput
                label={AMOUNT_LABEL}
                description="Sells the most overweight symbols first until cash covers it plus the reserve."
                value={amount}
                onChange={(e) => {
                  setAmount(e.currentTarget.value);
                  setPreviewId(null);
                  setError(null);
                }}
                onKeyDown={(e) => {
                  if (e.key === 'Enter' && problem === null && !busy && flow) void showPlan(flow);
                }}
                error={amount.trim() === '' ? undefined : problem}
                inputMode="decimal"
                autoComplete="off"
                data-testid="raise-amount"
                w={300}
              />
              <Button
                size="sm"
                variant="default"
                disabled={problem !== null}
                loading={busy && !previewId}
                onClick={() => flow && void showPlan(flow)}
              >
                Show plan
              </Button>
            </Group>
          )}
          {error && (
            <Alert color="red" variant="light" data-testid="cash-flow-error">
              {error}
            </Alert>
          )}
          {previewId && !plan && !event?.lastError && (
            <Group gap={6}>
              <Loader size={12} />
              <Text size="sm" c="dimmed">
                planning…
              </Text>
            </Group>
          )}
          {event?.lastError && (
            <Alert color="red" variant="light">
              {event.lastError.message}
            </Alert>
          )}
          {plan && event && <CommandResultView result={event.result} />}
          {plan && (
            <Group justify="flex-end">
              <Button variant="default" onClick={close}>
                Cancel
              </Button>
              <Button
                color={account.type === 'live' ? 'red' : undefined}
                disabled={orders === 0 || (plan.limitBreaches ?? []).length > 0}
                loading={busy}
                onClick={() => void submit()}
              >
                {orders === 0
                  ? 'Nothing to trade'
                  : `Submit ${orders} order${orders === 1 ? '' : 's'}${account.type === 'live' ? ' (LIVE)' : ''}`}
              </Button>
            </Group>
          )}
        </Stack>
      </Modal>
    </>
  );
}

/** The newest detected deposit or withdrawal of an account (§27), for its card. */
export function LastCashFlow({ account }: { account: AccountView }) {
  const flow = account.lastCashFlow;
  if (!flow) return <>none</>;
  return (
    <span data-testid="last-cash-flow" title={new Date(flow.at).toLocaleString()}>
      <Text span size="sm" c={flow.amount > 0 ? 'teal' : 'orange'} className="num">
        {flow.amount > 0 ? '+' : '−'}
        {formatMoney(Math.abs(flow.amount))}
      </Text>{' '}
      {new Date(flow.at).toLocaleDateString()}
    </span>
  );
}
