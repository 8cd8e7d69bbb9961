import { Alert, Button, Group, List, Loader, Stack, Text } from '@mantine/core';
import { modals } from '@mantine/modals';
import { notifications } from '@mantine/notifications';
import { Save } from 'lucide-react';
import type { ConfigView } from '../../../../shared/contract';
import { isApiError } from '../../api/api-client';
import { notifyError } from '../../lib/notify';
import { useConfig } from '../../queries/use-queries';
import { AccountsSection } from './AccountsSection';
import { CashFlowsSection } from './CashFlowsSection';
import { CheckSetupPanel } from './CheckSetupPanel';
import { DriftSection } from './DriftSection';
import { SettingsFormContext } from './form-context';
import { IbSection } from './IbSection';
import { ManagementSection } from './ManagementSection';
import { NotificationsSection } from './NotificationsSection';
import { OrdersSection } from './OrdersSection';
import { QueueSection } from './QueueSection';
import { RemoteSection } from './RemoteSection';
import { ReplacementSetsSection } from './ReplacementSetsSection';
import { RiskLimitsSection } from './RiskLimitsSection';
import { SchedulesSection } from './SchedulesSection';
import { StorageSection } from './StorageSection';
import { TradingModeSection } from './TradingModeSection';
import { WorkstationSection } from './WorkstationSection';
import { useSaveSettings } from './use-save-settings';
import { useSettingsDraft, type SettingsDraft } from './use-settings-draft';
import { ZehnlabsSection } from './ZehnlabsSection';

/**
 * The sections of the page, in the order shown. Each is its own file and reads and writes the draft through
 * SettingsFormContext; a new section is one import and one line here.
 */
function Sections({ draft }: { draft: SettingsDraft }) {
  return (
    <>
      <TradingModeSection onLiveConfirmed={draft.confirmLive} />
      <StorageSection />
      <IbSection />
      <ZehnlabsSection secrets={draft.secrets} />
      <AccountsSection />
      <ReplacementSetsSection />
      <SchedulesSection />
      <OrdersSection />
      <RiskLimitsSection />
      <DriftSection />
      <CashFlowsSection />
      <QueueSection />
      <ManagementSection secrets={draft.secrets} />
      <NotificationsSection />
      <WorkstationSection />
    </>
  );
}

function IssueAlerts({ view, issues }: { view: ConfigView; issues: Record<string, string> }) {
  const issueList = Object.entries(issues);
  return (
    <>
      {view.fileIssues.length > 0 && (
        <Alert color="yellow" title="The settings file had problems at start-up — the last good settings are in force">
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
    </>
  );
}

function SettingsForm({ view }: { view: ConfigView }) {
  const draft = useSettingsDraft(view);
  const saveSettings = useSaveSettings();
  const { base, dirty } = draft;
  const switchingToLive = draft.form.get('tradingMode') === 'live' && base.settings.tradingMode !== 'live';

  const save = (confirmLive: boolean) => {
    const sendConfirmation = confirmLive || (switchingToLive && draft.liveConfirmed);
    saveSettings.mutate(
      { settings: draft.settingsToSave(), ...(sendConfirmation ? { confirmLive: true } : {}) },
      {
        onSuccess: (next) => {
          draft.saved(next);
          notifications.show({
            color: 'green',
            title: 'Settings saved',
            message: 'They are in force now.',
            autoClose: 4_000,
          });
        },
        onError: (error) => {
          if (isApiError(error) && !confirmLive && error.body.reason === 'needs-live-confirmation') {
            modals.openConfirmModal({
              title: 'Confirm live trading',
              children: `${error.body.message}. Live trading places real orders in every enabled live account.`,
              labels: { confirm: 'Confirm and save', cancel: 'Cancel' },
              confirmProps: { color: 'red' },
              onConfirm: () => save(true),
            });
          } else if (isApiError(error, 'invalid') && error.body.issues && error.body.issues.length > 0) {
            draft.showServerIssues(error.body.issues);
            notifications.show({
              color: 'red',
              title: 'The settings were not saved',
              message: `${error.body.issues.length} field(s) need fixing; each message is shown beside its field.`,
              autoClose: 10_000,
            });
          } else {
            notifyError('The settings were not saved', error);
          }
        },
      },
    );
  };

  const onSave = () => {
    const count = Object.keys(draft.issues).length;
    if (count > 0) {
      notifications.show({
        color: 'red',
        title: 'Fix the settings first',
        message: `${count} field(s) are not valid; each message is shown beside its field.`,
        autoClose: 8_000,
      });
      return;
    }
    save(false);
  };

  return (
    <SettingsFormContext.Provider value={draft.form}>
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
                <Button size="xs" variant="subtle" onClick={draft.discard}>
                  Discard changes
                </Button>
              )}
              <Button
                size="xs"
                type="submit"
                leftSection={<Save size={14} />}
                loading={saveSettings.isPending}
                disabled={!dirty}
              >
                Save settings
              </Button>
            </Group>
          </Group>
          <IssueAlerts view={view} issues={draft.allIssues} />
          <Sections draft={draft} />
        </Stack>
      </form>
    </SettingsFormContext.Provider>
  );
}

/** Every setting of §14, validated as typed; secrets are write-only. */
export function SettingsPage() {
  return (
    <Stack gap="sm">
      <RemoteSection />
      <CheckSetupPanel />
      <CoreSettings />
    </Stack>
  );
}

/** The settings of the core the window is attached to: the local one, or the remote one (§22). */
function CoreSettings() {
  const config = useConfig();
  if (config.isPending) return <Loader size="sm" />;
  if (config.error) return <Alert color="red">Could not load the settings: {config.error.message}</Alert>;
  return <SettingsForm view={config.data} />;
}
