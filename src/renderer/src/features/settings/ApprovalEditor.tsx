import { Table, Text } from '@mantine/core';
import { NumberBox, RowSelect } from './Fields';
import { useSettingsForm } from './form-context';

const str = (value: unknown) => (typeof value === 'string' ? value : '');

/**
 * §19 per account: whether a rebalance trades at once (auto), waits for Approve (confirm), or trades by itself after
 * `approvalMinutes` unless rejected (timer).
 */
export function ApprovalEditor() {
  const form = useSettingsForm();
  const accounts = (Array.isArray(form.get('accounts')) ? form.get('accounts') : []) as Record<string, unknown>[];
  if (accounts.length === 0) {
    return (
      <Text size="xs" c="dimmed">
        Add an account (above) to choose how its rebalances are approved.
      </Text>
    );
  }
  return (
    <Table fz="xs" verticalSpacing={4} aria-label="Approval per account" layout="fixed">
      <Table.Thead>
        <Table.Tr>
          <Table.Th>Account</Table.Th>
          <Table.Th w={250}>Approval</Table.Th>
          <Table.Th w={150}>Timer</Table.Th>
        </Table.Tr>
      </Table.Thead>
      <Table.Tbody>
        {accounts.map((account, i) => {
          const base = `accounts.${i}`;
          const id = str(account.accountId) || `account ${i + 1}`;
          const name = str(account.name);
          return (
            <Table.Tr key={i} data-approval-row={i}>
              <Table.Td style={{ overflowWrap: 'anywhere' }}>
                <Text size="xs" span>
                  {name || id}
                </Text>
                {name && (
                  <Text size="xs" c="dimmed" className="mono" span ml={6}>
                    {id}
                  </Text>
                )}
              </Table.Td>
              <Table.Td>
                <RowSelect
                  path={`${base}.approval`}
                  ariaLabel={`Approval of ${id}`}
                  data={[
                    { value: 'auto', label: 'auto — trade at once' },
                    { value: 'confirm', label: 'confirm — wait for Approve' },
                    { value: 'timer', label: 'timer — trade after a wait' },
                  ]}
                  fallback="auto"
                />
              </Table.Td>
              <Table.Td title="Minutes before the plan trades by itself (0.1 = 6 s)">
                {account.approval === 'timer' ? (
                  <NumberBox path={`${base}.approvalMinutes`} ariaLabel={`Approval minutes of ${id}`} unit="min" />
                ) : (
                  <Text size="xs" c="dimmed">
                    —
                  </Text>
                )}
              </Table.Td>
            </Table.Tr>
          );
        })}
      </Table.Tbody>
    </Table>
  );
}
