import { Badge, Button, Group, Paper, Table, Text, Title } from '@mantine/core';
import { ClipboardCheck } from 'lucide-react';
import { useEffect, useRef, useState } from 'react';
import {
  SETUP_CHECK_IDS,
  type SetupCheck,
  type SetupCheckReport,
  type SetupCheckStatus,
} from '../../../../shared/contract';
import { errorBodyOf } from '../../api/api-client';
import { useApi } from '../../api/ApiProvider';
import { sectionId } from './settings-sections';

const COLOR: Record<SetupCheckStatus, string> = { ok: 'green', warn: 'yellow', fail: 'red' };
const LABEL: Record<SetupCheckStatus, string> = { ok: 'OK', warn: 'Warning', fail: 'Failed' };

/** Rows in the table's order (several gateways may each add one row per IB check). */
function ordered(checks: readonly SetupCheck[]): SetupCheck[] {
  const rank = (c: SetupCheck) => SETUP_CHECK_IDS.indexOf(c.id);
  return [...checks].sort((a, b) => rank(a) - rank(b));
}

/**
 * §29 **Check setup**: runs every check of the core (what-if orders only, nothing trades) and fills the table as the
 * results are pushed, one row per check with what was found and, unless it is ok, the fix.
 */
export function CheckSetupPanel() {
  const api = useApi();
  const [running, setRunning] = useState(false);
  const [checks, setChecks] = useState<SetupCheck[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  /** The run whose pushed results are shown: the first `at` seen after the button was pressed. */
  const runAt = useRef<string | null>(null);
  const waiting = useRef(false);

  useEffect(
    () =>
      api.subscribe((message) => {
        if (message.type !== 'setup-check' || !waiting.current) return;
        if (runAt.current === null) runAt.current = message.at;
        if (message.at !== runAt.current) return;
        setChecks((current) => [...(current ?? []), message.check]);
      }),
    [api],
  );

  const run = () => {
    setRunning(true);
    setError(null);
    setChecks([]);
    runAt.current = null;
    waiting.current = true;
    api.call('checkSetup').then(
      (report: SetupCheckReport) => {
        waiting.current = false;
        setChecks(report.checks);
        setRunning(false);
      },
      (failure: unknown) => {
        waiting.current = false;
        setError(errorBodyOf(failure).message);
        setRunning(false);
      },
    );
  };

  const rows = checks ? ordered(checks) : [];
  const failed = rows.filter((c) => c.status === 'fail').length;
  const warned = rows.filter((c) => c.status === 'warn').length;

  return (
    <Paper withBorder p="sm" radius="sm" component="section" aria-label="Check setup" id={sectionId('Check setup')}>
      <Group justify="space-between" wrap="wrap" gap="xs">
        <div>
          <Title order={2} size="h5">
            Check setup
          </Title>
          <Text size="xs" c="dimmed">
            Checks Redis, IB Gateway (log-in, accounts, Read-Only API, precautions, market data, clock), the Zehnlabs
            keys and disk space. Orders are what-if only: nothing trades.
          </Text>
        </div>
        <Button size="xs" leftSection={<ClipboardCheck size={14} />} loading={running} onClick={run}>
          Check setup
        </Button>
      </Group>
      {error && (
        <Text size="sm" c="red" mt="xs" role="alert">
          Check setup could not run: {error}
        </Text>
      )}
      {checks && !running && !error && (
        <Text size="sm" mt="xs" role="status">
          {failed > 0
            ? `${failed} check(s) failed: follow each fix, then check again.`
            : warned > 0
              ? `No check failed; ${warned} warning(s).`
              : 'Every check passed.'}
        </Text>
      )}
      {rows.length > 0 && (
        <Table mt="xs" fz="sm" verticalSpacing={4} aria-label="Check setup results" layout="fixed">
          <Table.Thead>
            <Table.Tr>
              <Table.Th w={90}>Result</Table.Th>
              <Table.Th w="28%">Check</Table.Th>
              <Table.Th>What was found, and the fix</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {rows.map((c, i) => (
              <Table.Tr key={`${c.id}:${i}`} data-check-id={c.id}>
                <Table.Td>
                  <Badge color={COLOR[c.status]} variant="light" size="sm">
                    {LABEL[c.status]}
                  </Badge>
                </Table.Td>
                <Table.Td style={{ overflowWrap: 'anywhere' }}>{c.title}</Table.Td>
                <Table.Td style={{ overflowWrap: 'anywhere' }}>
                  <Text size="sm">{c.detail}</Text>
                  {c.fix && (
                    <Text size="sm" c="dimmed">
                      Fix: {c.fix}
                    </Text>
                  )}
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      )}
    </Paper>
  );
}
