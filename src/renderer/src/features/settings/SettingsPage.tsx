import {
  Alert,
  Button,
  Group,
  JsonInput,
  List,
  Loader,
  Paper,
  SegmentedControl,
  SimpleGrid,
  Stack,
  Text,
  Title,
} from '@mantine/core';
import { modals } from '@mantine/modals';
import { notifications } from '@mantine/notifications';
import { useQueryClient } from '@tanstack/react-query';
import { Save } from 'lucide-react';
import { useMemo, useState } from 'react';
import type { ConfigView } from '../../../../shared/contract';
import { errorBodyOf, isApiError } from '../../api/api-client';
import { useApi } from '../../api/ApiProvider';
import { notifyError } from '../../lib/notify';
import { queryKeys } from '../../queries/query-keys';
import { useConfig, useStrategies } from '../../queries/use-queries';
import { AccountsEditor } from './AccountsEditor';
import { DriftSection } from './DriftSection';
import { MultiSelectField, NumberField, SecretField, SelectField, SwitchField, TextField } from './Fields';
import { SettingsFormContext, type SettingsFormApi } from './form-context';
import { ReplacementSetsEditor } from './ReplacementSetsEditor';
import { SchedulesEditor } from './SchedulesEditor';
import { getAt, issueKey, setAt, type Draft } from './settings-paths';
import { validateSettings } from './settings-validation';

const SECRETS = [
  { path: 'zehnlabs.realtimeApiKey', label: 'Realtime API key' },
  { path: 'zehnlabs.allocationsApiKey', label: 'Allocations API key' },
  { path: 'management.token', label: 'Management token' },
] as const;
type SecretPath = (typeof SECRETS)[number]['path'];

const LOG_LEVELS = ['trace', 'debug', 'info', 'warn', 'error', 'fatal'];
const ERROR_KINDS = ['transient', 'market-closed', 'rejected', 'partial', 'invalid'];
const MARKET_DATA_TYPES = [
  { value: '1', label: '1 — live' },
  { value: '2', label: '2 — frozen' },
  { value: '3', label: '3 — delayed' },
  { value: '4', label: '4 — delayed frozen' },
];

const NO_SECRETS: Record<SecretPath, string> = {
  'zehnlabs.realtimeApiKey': '',
  'zehnlabs.allocationsApiKey': '',
  'management.token': '',
};

function clone(settings: Record<string, unknown>): Draft {
  return structuredClone(settings);
}

/** `entries` without the key `path` (when `self`) and without every key under it. */
function withoutPath<T>(entries: Record<string, T>, path: string, self: boolean): Record<string, T> {
  const drop = (key: string) => (self && key === path) || key.startsWith(`${path}.`);
  if (!Object.keys(entries).some(drop)) return entries;
  return Object.fromEntries(Object.entries(entries).filter(([key]) => !drop(key)));
}

function isSecretSet(view: ConfigView, path: string): boolean {
  const last = path.split('.').pop() ?? path;
  return Boolean(view.secretsSet[path] ?? view.secretsSet[last]);
}

function Section({ title, children, description }: { title: string; description?: string; children: React.ReactNode }) {
  return (
    <Paper withBorder p="sm" radius="sm" component="section" aria-label={title}>
      <Title order={2} size="h5" mb={description ? 0 : 'xs'}>
        {title}
      </Title>
      {description && (
        <Text size="xs" c="dimmed" mb="xs">
          {description}
        </Text>
      )}
      {children}
    </Paper>
  );
}

/**
 * `zehnlabs.realtime`: extra Ably options as a JSON object, edited as text and kept as typed. Text that is not JSON
 * goes into the draft as it is, so the schema refuses it and Save waits; credentials in it read as the mask and are
 * kept when the mask is saved back.
 */
function RealtimeOptions({ form }: { form: SettingsFormApi }) {
  const path = 'zehnlabs.realtime';
  const typed = form.typed(path);
  const text = typed ?? JSON.stringify(form.get(path) ?? {}, null, 2);
  let syntax: string | undefined;
  if (typed !== undefined && typed.trim() !== '') {
    try {
      JSON.parse(typed);
    } catch (error) {
      syntax = `is not valid JSON: ${(error as Error).message}`;
    }
  }
  return (
    <JsonInput
      label="Realtime client options (JSON)"
      description="Passed to the Ably client as extra options; {} for none. Credentials in it are write-only."
      size="xs"
      autosize
      minRows={2}
      maxRows={6}
      value={text}
      onChange={(next) => {
        let value: unknown = next;
        try {
          value = JSON.parse(next.trim() === '' ? '{}' : next);
        } catch {
          value = next;
        }
        form.setTyped(path, next, value);
      }}
      error={syntax ?? form.error(path)}
    />
  );
}

function SettingsForm({ view }: { view: ConfigView }) {
  const api = useApi();
  const client = useQueryClient();
  const strategies = useStrategies();
  const [base, setBase] = useState(view);
  const [draft, setDraft] = useState<Draft>(() => clone(view.settings));
  const [secrets, setSecrets] = useState<Record<SecretPath, string>>(NO_SECRETS);
  const [serverIssues, setServerIssues] = useState<Record<string, string>>({});
  const [typedTexts, setTypedTexts] = useState<Record<string, { text: string; value: unknown }>>({});
  const [liveConfirmed, setLiveConfirmed] = useState(false);
  const [saving, setSaving] = useState(false);

  const dirty =
    JSON.stringify(draft) !== JSON.stringify(base.settings) || Object.values(secrets).some((value) => value !== '');

  // Settings changed elsewhere (another window, the settings file) and nothing is being edited here: show them.
  if (view !== base && !dirty) {
    setBase(view);
    setDraft(clone(view.settings));
    setServerIssues({});
    setTypedTexts({});
  }

  const issues = useMemo(() => validateSettings(draft), [draft]);

  const form: SettingsFormApi = useMemo(() => {
    const set = (path: string, value: unknown) => {
      setDraft((old) => setAt(old, path, value));
      setServerIssues((old) => withoutPath(old, path, true));
      // A whole list or set replaced (a row added or removed): the texts typed under it no longer line up.
      setTypedTexts((old) => withoutPath(old, path, false));
    };
    return {
      get: (path) => getAt(draft, path),
      set,
      typed: (path) => {
        const entry = typedTexts[path];
        return entry && Object.is(entry.value, getAt(draft, path)) ? entry.text : undefined;
      },
      setTyped: (path, text, value) => {
        set(path, value);
        setTypedTexts((old) => ({ ...old, [path]: { text, value } }));
      },
      error: (path) => issues[path] ?? serverIssues[path],
    };
  }, [draft, issues, serverIssues, typedTexts]);

  const tradingMode = getAt(draft, 'tradingMode') === 'live' ? 'live' : 'paper';
  const wasLive = getAt(base.settings, 'tradingMode') === 'live';
  const replacementSets = getAt(draft, 'replacementSets');
  const replacementSetNames =
    replacementSets && typeof replacementSets === 'object' ? Object.keys(replacementSets) : [];

  const switchMode = (mode: string) => {
    if (mode === 'live' && tradingMode !== 'live') {
      modals.openConfirmModal({
        title: 'Switch to LIVE trading?',
        children:
          'With trading mode live, signals place real orders in every enabled account of type live. The switch takes effect when you save.',
        labels: { confirm: 'Switch to live', cancel: 'Stay on paper' },
        confirmProps: { color: 'red' },
        onConfirm: () => {
          setLiveConfirmed(true);
          form.set('tradingMode', 'live');
        },
      });
      return;
    }
    form.set('tradingMode', mode);
  };

  const save = async (confirmLive: boolean) => {
    const settings = SECRETS.reduce<Draft>((acc, { path }) => setAt(acc, path, secrets[path]), draft);
    setSaving(true);
    try {
      const next = await api.call('putConfig', {
        settings,
        ...(confirmLive || (tradingMode === 'live' && !wasLive && liveConfirmed) ? { confirmLive: true } : {}),
      });
      client.setQueryData(queryKeys.config(), next);
      void client.invalidateQueries({ queryKey: queryKeys.accounts() });
      void client.invalidateQueries({ queryKey: queryKeys.health() });
      setBase(next);
      setDraft(clone(next.settings));
      setSecrets(NO_SECRETS);
      setServerIssues({});
      setTypedTexts({});
      setLiveConfirmed(false);
      notifications.show({
        color: 'green',
        title: 'Settings saved',
        message: 'They are in force now.',
        autoClose: 4_000,
      });
    } catch (error) {
      const needsConfirmation =
        isApiError(error) &&
        !confirmLive &&
        (/confirmLive/.test(error.body.message) || error.body.issues?.some((i) => issueKey(i.path) === 'confirmLive'));
      if (needsConfirmation) {
        modals.openConfirmModal({
          title: 'Confirm live trading',
          children: `${errorBodyOf(error).message}. Live trading places real orders in every enabled live account.`,
          labels: { confirm: 'Confirm and save', cancel: 'Cancel' },
          confirmProps: { color: 'red' },
          onConfirm: () => void save(true),
        });
      } else if (isApiError(error, 'invalid') && error.body.issues && error.body.issues.length > 0) {
        const byPath: Record<string, string> = {};
        for (const issue of error.body.issues) byPath[issueKey(issue.path)] ??= issue.message;
        setServerIssues(byPath);
        notifications.show({
          color: 'red',
          title: 'The settings were not saved',
          message: `${error.body.issues.length} field(s) need fixing; each message is shown beside its field.`,
          autoClose: 10_000,
        });
      } else {
        notifyError('The settings were not saved', error);
      }
    } finally {
      setSaving(false);
    }
  };

  const onSave = () => {
    const count = Object.keys(issues).length;
    if (count > 0) {
      notifications.show({
        color: 'red',
        title: 'Fix the settings first',
        message: `${count} field(s) are not valid; each message is shown beside its field.`,
        autoClose: 8_000,
      });
      return;
    }
    void save(false);
  };

  const allIssues = { ...serverIssues, ...issues };
  const issueList = Object.entries(allIssues);

  return (
    <SettingsFormContext.Provider value={form}>
      <form
        noValidate
        onSubmit={(e) => {
          e.preventDefault();
          onSave();
        }}
      >
        <Stack gap="sm">
          <Group
            justify="space-between"
            wrap="nowrap"
            style={{ position: 'sticky', top: 0, zIndex: 2 }}
            bg="var(--mantine-color-body)"
            py={4}
          >
            <Text size="xs" c="dimmed">
              Data directory in use: <span className="mono">{base.dataDir}</span>
            </Text>
            <Group gap="xs">
              {dirty && (
                <Button
                  size="xs"
                  variant="subtle"
                  onClick={() => (
                    setDraft(clone(base.settings)),
                    setSecrets(NO_SECRETS),
                    setServerIssues({}),
                    setTypedTexts({})
                  )}
                >
                  Discard changes
                </Button>
              )}
              <Button size="xs" type="submit" leftSection={<Save size={14} />} loading={saving} disabled={!dirty}>
                Save settings
              </Button>
            </Group>
          </Group>
          {view.fileIssues.length > 0 && (
            <Alert
              color="yellow"
              title="The settings file had problems at start-up — the last good settings are in force"
            >
              <List size="xs">
                {view.fileIssues.map((issue) => (
                  <List.Item key={`${issue.path}:${issue.message}`}>
                    <span className="mono">{issue.path || '(file)'}</span>: {issue.message}
                  </List.Item>
                ))}
              </List>
            </Alert>
          )}
          {issueList.length > 0 && (
            <Alert color="red" title={`${issueList.length} field(s) need fixing`} role="alert">
              <List size="xs">
                {issueList.slice(0, 12).map(([path, message]) => (
                  <List.Item key={path}>
                    <span className="mono">{path || '(settings)'}</span>: {message}
                  </List.Item>
                ))}
              </List>
            </Alert>
          )}

          <Section
            title="Trading mode"
            description="Paper trades against paper accounts (gateway 4002 / TWS 7497); live places real orders."
          >
            <Group gap="md">
              <SegmentedControl
                aria-label="Trading mode"
                size="sm"
                value={tradingMode}
                onChange={switchMode}
                color={tradingMode === 'live' ? 'red' : undefined}
                data={[
                  { value: 'paper', label: 'Paper' },
                  { value: 'live', label: 'Live' },
                ]}
              />
              {tradingMode === 'live' && (
                <Text size="sm" c="red" fw={600}>
                  LIVE: signals place real orders.
                </Text>
              )}
            </Group>
          </Section>

          <Section
            title="Storage and Redis"
            description="Empty fields use the defaults: the app's data folder and an embedded Redis."
          >
            <SimpleGrid cols={2} spacing="xs">
              <TextField path="dataDir" label="Data directory" nullable placeholder="default (app data folder)" />
              <TextField
                path="redis.url"
                label="Redis URL"
                nullable
                placeholder="embedded Redis"
                description="redis:// or rediss:// for an external Redis"
              />
              <TextField path="redis.binary" label="redis-server binary" nullable placeholder="found on PATH" />
              <TextField path="redis.keyPrefix" label="Key prefix" placeholder="none" />
            </SimpleGrid>
          </Section>

          <Section title="IB Gateway / TWS" description="Gateway 4001 live / 4002 paper; TWS 7496 live / 7497 paper.">
            <SimpleGrid cols={4} spacing="xs">
              <TextField path="ib.host" label="Host" />
              <NumberField path="ib.port" label="Port" />
              <NumberField path="ib.clientId" label="Client id" nullable description="empty: drawn once and kept" />
              <SelectField path="ib.marketDataType" label="Market data type" data={MARKET_DATA_TYPES} numeric />
              <NumberField path="ib.connectTimeoutMs" label="Connect timeout" unit="ms" />
              <NumberField path="ib.requestTimeoutMs" label="Request timeout" unit="ms" />
              <NumberField path="ib.reconnectDelayMs" label="Reconnect delay" unit="ms" />
              <TextField
                path="ib.restartWindow"
                label="Daily restart window"
                nullable
                placeholder="off"
                description="HH:MM-HH:MM Time/Zone; work waits until its end"
              />
            </SimpleGrid>
          </Section>

          <Section title="Zehnlabs" description="Signals (realtime) and target allocations (allocation API).">
            <SimpleGrid cols={2} spacing="xs">
              {SECRETS.filter((s) => s.path.startsWith('zehnlabs.')).map((s) => (
                <SecretField
                  key={s.path}
                  path={s.path}
                  label={s.label}
                  isSet={isSecretSet(base, s.path)}
                  value={secrets[s.path]}
                  onChange={(value) => setSecrets((old) => ({ ...old, [s.path]: value }))}
                />
              ))}
              <TextField path="zehnlabs.allocationsUrl" label="Allocations URL" />
              <SwitchField
                path="zehnlabs.autoCatchUp"
                label="Catch up automatically"
                description="Enqueue a rebalance by itself when an account missed a signal."
              />
            </SimpleGrid>
            <RealtimeOptions form={form} />
          </Section>

          <Section
            title="Accounts"
            description="Each enabled account whose type equals the trading mode follows its strategy's signals."
          >
            <AccountsEditor
              strategies={strategies.data && strategies.data.strategies.length > 0 ? strategies.data.strategies : null}
              strategiesError={
                strategies.error
                  ? strategies.error.message
                  : (strategies.data?.error ?? (strategies.data?.strategies.length === 0 ? 'the list is empty' : null))
              }
              replacementSetNames={replacementSetNames}
              tradingMode={tradingMode}
            />
          </Section>

          <Section
            title="Replacement sets"
            description="For accounts that may not hold some ETFs (e.g. IRAs): source → target × scale."
          >
            <ReplacementSetsEditor />
          </Section>

          <Section
            title="Schedules"
            description="Commands run at cron times; a firing missed while the app was off is not replayed."
          >
            <SchedulesEditor />
          </Section>

          <Section title="Orders">
            <SimpleGrid cols={4} spacing="xs">
              <SelectField path="orders.type" label="Order type" data={['MKT', 'LMT']} />
              <SelectField
                path="orders.buyType"
                label="Buy order type"
                data={['MKT', 'LMT']}
                nullLabel="same as Order type"
              />
              <SelectField
                path="orders.sellType"
                label="Sell order type"
                data={['MKT', 'LMT']}
                nullLabel="same as Order type"
              />
              <SelectField path="orders.timeInForce" label="Time in force" data={['DAY', 'GTC']} />
              <NumberField path="orders.limitOffsetPercent" label="Limit offset" unit="%" />
              <NumberField path="orders.fillTimeoutMs" label="Fill timeout" unit="ms" />
              <NumberField path="orders.minTradeValue" label="Minimum trade value" />
              <SwitchField path="orders.outsideRth" label="Trade outside regular hours" />
              <SwitchField path="orders.whatIf" label="What-if check before sending" />
            </SimpleGrid>
          </Section>

          <Section
            title="Risk limits"
            description="Checked before any order; a rebalance that breaks one is refused (needs attention) and sends nothing. Empty = no limit."
          >
            <SimpleGrid cols={3} spacing="xs">
              <NumberField path="limits.maxOrderValue" label="Largest order" unit="USD" nullable />
              <NumberField
                path="limits.maxTurnoverPercent"
                label="Largest turnover"
                description="Σ |order value| ÷ net liquidation"
                unit="%"
                nullable
              />
              <NumberField
                path="limits.maxAllocationChangePercent"
                label="Largest allocation change"
                description="½ Σ |new − last rebalanced-to weight|"
                unit="%"
                nullable
              />
            </SimpleGrid>
          </Section>

          <DriftSection />

          <Section title="Queue">
            <SimpleGrid cols={3} spacing="xs">
              <NumberField path="queue.retryDelayMs" label="Retry delay" unit="ms" />
              <NumberField path="queue.concurrency" label="Workers" />
              <NumberField path="queue.leaseMs" label="Lease" unit="ms" />
              <MultiSelectField path="queue.holdOn" label="Hold instead of retrying on" data={ERROR_KINDS} />
              <NumberField path="queue.historyLimit" label="History kept (entries)" />
              <NumberField path="queue.retainDoneDays" label="Keep done events" unit="days" />
            </SimpleGrid>
          </Section>

          <Section
            title="Management API"
            description="The HTTP API and browser UI (loopback by default); every route needs the token."
          >
            <SimpleGrid cols={3} spacing="xs">
              <TextField path="management.host" label="Host" />
              <NumberField path="management.port" label="Port" description="0 picks a free port" />
              {SECRETS.filter((s) => s.path === 'management.token').map((s) => (
                <SecretField
                  key={s.path}
                  path={s.path}
                  label={s.label}
                  isSet={isSecretSet(base, s.path)}
                  value={secrets[s.path]}
                  onChange={(value) => setSecrets((old) => ({ ...old, [s.path]: value }))}
                />
              ))}
            </SimpleGrid>
          </Section>

          <Section title="Notifications and logging">
            <SimpleGrid cols={4} spacing="xs">
              <SwitchField path="notifications.desktop" label="Desktop notifications" />
              <TextField path="notifications.ntfyUrl" label="ntfy server URL" nullable placeholder="off" />
              <TextField path="notifications.ntfyTopic" label="ntfy topic" nullable placeholder="off" />
              <SelectField path="logLevel" label="Log level" data={LOG_LEVELS} />
            </SimpleGrid>
          </Section>
        </Stack>
      </form>
    </SettingsFormContext.Provider>
  );
}

/** Every setting of §14, validated as typed; secrets are write-only. */
export function SettingsPage() {
  const config = useConfig();
  if (config.isPending) return <Loader size="sm" />;
  if (config.error) return <Alert color="red">Could not load the settings: {config.error.message}</Alert>;
  return <SettingsForm view={config.data} />;
}
