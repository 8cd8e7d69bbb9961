import { Button, Checkbox, Group, Select, Stack, Text, TextInput } from '@mantine/core';
import { Plus } from 'lucide-react';
import type { StrategyOption } from '../../../../shared/contract';
import { EmptyState } from '../../components/EmptyState';
import { NumberBox, RemoveRowButton, RowCell, RowSelect } from './Fields';
import { useSettingsForm } from './form-context';
import { draftGateways } from './GatewaysEditor';

interface AccountDraft {
  accountId?: unknown;
  name?: unknown;
  type?: unknown;
  enabled?: unknown;
  pdtGuard?: unknown;
  strategy?: unknown;
  cashReservePercent?: unknown;
  replacementSet?: unknown;
  gateway?: unknown;
}

const str = (value: unknown) => (typeof value === 'string' ? value : '');

function StrategyInput({
  path,
  value,
  strategies,
  strategiesError,
}: {
  path: string;
  value: string;
  strategies: StrategyOption[] | null;
  strategiesError: string | null;
}) {
  const form = useSettingsForm();
  if (strategies && strategies.length > 0) {
    const data = strategies.map((s) => ({ value: s.slug, label: `${s.name} (${s.slug})` }));
    if (value && !data.some((d) => d.value === value))
      data.unshift({ value, label: `${value} (not in the provider's list)` });
    return (
      <Select
        size="xs"
        aria-label="Strategy"
        placeholder="Pick a strategy"
        data={data}
        value={value || null}
        onChange={(next) => form.set(path, next ?? '')}
        searchable
        allowDeselect={false}
        nothingFoundMessage="No such strategy"
        error={form.error(path)}
        data-settings-path={path}
      />
    );
  }
  return (
    <TextInput
      size="xs"
      aria-label="Strategy"
      placeholder="strategy slug, e.g. etf-blend-200-35"
      value={value}
      onChange={(e) => form.set(path, e.currentTarget.value)}
      error={form.error(path)}
      data-settings-path={path}
      title={strategiesError ? `The strategy list could not be had (${strategiesError}); type the slug.` : undefined}
    />
  );
}

/** The accounts of §14, one row each; the strategy is picked from the provider's list or typed. */
export function AccountsEditor({
  strategies,
  strategiesError,
  replacementSetNames,
  tradingMode,
}: {
  strategies: StrategyOption[] | null;
  strategiesError: string | null;
  replacementSetNames: string[];
  tradingMode: 'paper' | 'live';
}) {
  const form = useSettingsForm();
  const accounts = (Array.isArray(form.get('accounts')) ? form.get('accounts') : []) as AccountDraft[];
  const setAccounts = (next: AccountDraft[]) => form.set('accounts', next);
  // §28: the gateway picker shows once there are other gateways (or an account still names one).
  const gatewayIds = draftGateways(form)
    .map((g) => (typeof g.id === 'string' ? g.id.trim() : ''))
    .filter((id) => id !== '');
  const showGateway =
    gatewayIds.length > 0 || accounts.some((a) => typeof a.gateway === 'string' && a.gateway !== 'default');
  const gatewayOptions = (current: string) => {
    // A set: while the trader types an id twice (refused beside the field) the list still offers it once.
    const ids = [...new Set(['default', ...gatewayIds, ...(current ? [current] : [])])];
    return ids.map((id) => ({ value: id, label: id === 'default' ? 'default (IB Gateway / TWS)' : id }));
  };
  const add = () =>
    setAccounts([
      ...accounts,
      {
        accountId: '',
        name: '',
        type: tradingMode,
        enabled: true,
        strategy: '',
        cashReservePercent: 1,
        replacementSet: null,
      },
    ]);

  return (
    <Stack gap="xs">
      {strategiesError && (
        <Text size="xs" c="dimmed">
          The provider's strategy list could not be had ({strategiesError}); type each strategy's slug.
        </Text>
      )}
      {accounts.length === 0 ? (
        <EmptyState>No accounts — add one: its IB account id (e.g. DU123456) and the strategy it follows.</EmptyState>
      ) : (
        <div role="list" aria-label="Accounts" className="settings-rows">
          {accounts.map((account, i) => {
            const base = `accounts.${i}`;
            return (
              <div key={i} role="listitem" data-account-row={i} className="settings-row">
                <RowCell label="Account id">
                  <TextInput
                    size="xs"
                    aria-label="Account id"
                    placeholder="DU123456"
                    value={str(account.accountId)}
                    onChange={(e) => form.set(`${base}.accountId`, e.currentTarget.value)}
                    error={form.error(`${base}.accountId`)}
                    data-settings-path={`${base}.accountId`}
                  />
                </RowCell>
                <RowCell label="Name">
                  <TextInput
                    size="xs"
                    aria-label="Name"
                    value={str(account.name)}
                    onChange={(e) => form.set(`${base}.name`, e.currentTarget.value)}
                    error={form.error(`${base}.name`)}
                    data-settings-path={`${base}.name`}
                  />
                </RowCell>
                <RowCell label="Type">
                  <RowSelect path={`${base}.type`} ariaLabel="Type" data={['paper', 'live']} fallback="paper" />
                </RowCell>
                <RowCell label="Enabled" kind="check">
                  <Checkbox
                    mt={4}
                    aria-label="Enabled"
                    checked={account.enabled !== false}
                    onChange={(e) => form.set(`${base}.enabled`, e.currentTarget.checked)}
                    data-settings-path={`${base}.enabled`}
                  />
                </RowCell>
                <RowCell
                  label="PDT guard"
                  kind="check"
                  title="Never sell today what was bought today under $25 000 with no day trades left"
                >
                  <Checkbox
                    mt={4}
                    aria-label="PDT guard"
                    checked={account.pdtGuard !== false}
                    onChange={(e) => form.set(`${base}.pdtGuard`, e.currentTarget.checked)}
                    data-settings-path={`${base}.pdtGuard`}
                  />
                </RowCell>
                <RowCell label="Strategy" kind="wide">
                  <StrategyInput
                    path={`${base}.strategy`}
                    value={str(account.strategy)}
                    strategies={strategies}
                    strategiesError={strategiesError}
                  />
                </RowCell>
                <RowCell label="Reserve %">
                  <NumberBox path={`${base}.cashReservePercent`} ariaLabel="Cash reserve %" unit="%" />
                </RowCell>
                <RowCell label="Replacement set">
                  <Select
                    size="xs"
                    aria-label="Replacement set"
                    data={[{ value: '', label: 'none' }, ...replacementSetNames.map((n) => ({ value: n, label: n }))]}
                    value={typeof account.replacementSet === 'string' ? account.replacementSet : ''}
                    onChange={(next) => form.set(`${base}.replacementSet`, next ? next : null)}
                    allowDeselect={false}
                    error={form.error(`${base}.replacementSet`)}
                    data-settings-path={`${base}.replacementSet`}
                  />
                </RowCell>
                {showGateway && (
                  <RowCell label="Gateway">
                    <RowSelect
                      path={`${base}.gateway`}
                      ariaLabel="Gateway"
                      data={gatewayOptions(str(account.gateway))}
                      fallback="default"
                    />
                  </RowCell>
                )}
                <RemoveRowButton
                  label={`Remove account ${str(account.accountId) || i + 1}`}
                  onClick={() => setAccounts(accounts.filter((_, j) => j !== i))}
                />
              </div>
            );
          })}
        </div>
      )}
      <Group>
        <Button size="xs" variant="default" leftSection={<Plus size={14} />} onClick={add}>
          Add account
        </Button>
      </Group>
    </Stack>
  );
}
