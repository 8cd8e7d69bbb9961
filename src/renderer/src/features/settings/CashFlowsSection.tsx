import { SimpleGrid, Table, Text } from '@mantine/core';
import { NumberField, RowSelect } from './Fields';
import { useSettingsForm } from './form-context';
import { Section } from './Section';

const str = (value: unknown) => (typeof value === 'string' ? value : '');

/**
 * §27 cash flows: the smallest cash change counted as a deposit or withdrawal (`cashFlows.minAmount`), and per account
 * what a rebalance does by default (`rebalanceMode`) and what a detected cash flow does (`cashFlow`).
 */
export function CashFlowsSection() {
  const form = useSettingsForm();
  const accounts = (Array.isArray(form.get('accounts')) ? form.get('accounts') : []) as Record<string, unknown>[];
  return (
    <Section
      title="Cash flows"
      description="A change of an account's cash that its fills and commissions do not explain is a deposit or a withdrawal: shown on the card and in Trade log, notified (not when set to ignore). Invest cash buys without selling; Raise cash sells the most overweight first."
    >
      <SimpleGrid cols={3} spacing="xs">
        <NumberField
          path="cashFlows.minAmount"
          label="Smallest cash flow"
          description="Changes below this are not counted"
          unit="USD"
        />
      </SimpleGrid>
      {accounts.length > 0 && (
        <Table fz="xs" verticalSpacing={4} aria-label="Cash flows per account" mt="xs">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>Account</Table.Th>
              <Table.Th w={170}>Rebalance mode</Table.Th>
              <Table.Th w={200}>On a cash flow</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {accounts.map((account, i) => {
              const base = `accounts.${i}`;
              const id = str(account.accountId) || `account ${i + 1}`;
              const name = str(account.name);
              return (
                <Table.Tr key={i}>
                  <Table.Td>
                    {name && <Text size="xs">{name}</Text>}
                    <Text size="xs" className="mono" c={name ? 'dimmed' : undefined}>
                      {id}
                    </Text>
                  </Table.Td>
                  <Table.Td>
                    <RowSelect
                      path={`${base}.rebalanceMode`}
                      ariaLabel={`Rebalance mode of ${id}`}
                      data={[
                        { value: 'full', label: 'full (buy and sell)' },
                        { value: 'buy-only', label: 'buy-only (never sell)' },
                      ]}
                      fallback="full"
                    />
                  </Table.Td>
                  <Table.Td>
                    <RowSelect
                      path={`${base}.cashFlow`}
                      ariaLabel={`On a cash flow of ${id}`}
                      data={[
                        { value: 'notify', label: 'notify' },
                        { value: 'top-up', label: 'top-up (invest a deposit)' },
                        { value: 'ignore', label: 'ignore (record, tell no one)' },
                      ]}
                      fallback="notify"
                    />
                  </Table.Td>
                </Table.Tr>
              );
            })}
          </Table.Tbody>
        </Table>
      )}
    </Section>
  );
}
