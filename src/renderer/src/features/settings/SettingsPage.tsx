import { Alert, Badge, Box, Button, Group, List, Loader, Stack } from '@mantine/core';
import { modals } from '@mantine/modals';
import { notifications } from '@mantine/notifications';
import { Save } from 'lucide-react';
import { useId, useRef } from 'react';
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
import { hasRemoteSection, RemoteSection } from './RemoteSection';
import { ReplacementSetsSection } from './ReplacementSetsSection';
import { SchedulesSection } from './SchedulesSection';
import { fieldElement, fieldLabel, sectionOfPath } from './settings-labels';
import { reveal, revealSection, sectionId, SETTINGS_SECTIONS, STICKY_BAR_ATTRIBUTE } from './settings-sections';
import { StorageSection } from './StorageSection';
import { TradingModeSection } from './TradingModeSection';
import { useSaveSettings } from './use-save-settings';
import { useSettingsDraft, type SettingsDraft } from './use-settings-draft';
import { useUnsavedGuard } from './use-unsaved-guard';
import { WorkstationSection } from './WorkstationSection';
import { ZehnlabsSection } from './ZehnlabsSection';

/**
 * The sections of the form, in the order of SETTINGS_SECTIONS (Remote core and Check setup follow the form: they save
 * and run on their own). Each is its own file and reads and writes the draft through SettingsFormContext.
 */
function Sections({ draft }: { draft: SettingsDraft }) {
  return (
    <>
      <TradingModeSection onLiveConfirmed={draft.confirmLive} />
      <AccountsSection />
      <ReplacementSetsSection />
      <SchedulesSection />
      <OrdersSection />
      <DriftSection />
      <CashFlowsSection />
      <NotificationsSection />
      <IbSection />
      <ZehnlabsSection secrets={draft.secrets} />
      <StorageSection dataDirInUse={draft.base.dataDir} />
      <QueueSection />
      <ManagementSection secrets={draft.secrets} />
      <WorkstationSection />
    </>
  );
}

/** The section menu (§26): one link per section on the page, jumping to it and moving the focus to its heading. */
function SectionMenu() {
  // Remote core shows in the desktop app only.
  const remote = hasRemoteSection();
  return (
    <nav aria-label="Settings sections">
      <ul className="settings-menu">
        {SETTINGS_SECTIONS.filter((s) => remote || s.title !== 'Remote core').map((s) => (
          <li key={s.title}>
            <a
              href={`#${sectionId(s.title)}`}
              className="settings-menu-link"
              onClick={(e) => {
                // The URL's fragment is the page's route: jump without touching it.
                e.preventDefault();
                revealSection(s.title);
              }}
            >
              {s.menu}
            </a>
          </li>
        ))}
      </ul>
    </nav>
  );
}

/** Goes to the field of an issue: its box, else its row or list, else its section. */
function goToField(path: string): void {
  const element = fieldElement(path);
  if (element) {
    reveal(element, element, 'center');
    return;
  }
  const section = sectionOfPath(path);
  if (section) revealSection(section);
}

function IssueEntry({ path, message, settings }: { path: string; message: string; settings: unknown }) {
  return (
    <List.Item>
      <button type="button" className="settings-issue-link" onClick={() => goToField(path)}>
        {fieldLabel(path, settings)}
      </button>
      : {message}
    </List.Item>
  );
}

const SHOWN_ISSUES = 12;

function IssueAlerts({
  view,
  issues,
  settings,
}: {
  view: ConfigView;
  issues: Record<string, string>;
  settings: unknown;
}) {
  const issueList = Object.entries(issues);
  return (
    <>
      {view.fileIssues.length > 0 && (
        <Alert color="yellow" title="The settings file had problems at start-up — the last good settings are in force">
          <List size="xs">
            {view.fileIssues.map((issue) => (
              <IssueEntry
                key={`${issue.path}:${issue.message}`}
                path={issue.path}
                message={issue.message}
                settings={settings}
              />
            ))}
          </List>
        </Alert>
      )}
      {issueList.length > 0 && (
        <Alert
          color="red"
          title={`${issueList.length} field(s) need fixing — click one to go to it`}
          role="alert"
          data-settings-issues
        >
          <List size="xs">
            {issueList.slice(0, SHOWN_ISSUES).map(([path, message]) => (
              <IssueEntry key={path} path={path} message={message} settings={settings} />
            ))}
          </List>
          {issueList.length > SHOWN_ISSUES && (
            <div style={{ fontSize: 'var(--mantine-font-size-xs)' }}>
              and {issueList.length - SHOWN_ISSUES} more, each shown beside its field
            </div>
          )}
        </Alert>
      )}
    </>
  );
}

/** What a save sends beyond the settings: the confirmations the trader gave in a dialog. */
interface Confirmations {
  confirmLive?: boolean;
  dropAllAccounts?: boolean;
}

function SettingsForm({ view }: { view: ConfigView }) {
  const draft = useSettingsDraft(view);
  const saveSettings = useSaveSettings();
  const formId = useId();
  const summary = useRef<HTMLDivElement>(null);
  const { base, dirty } = draft;
  const switchingToLive = draft.form.get('tradingMode') === 'live' && base.settings.tradingMode !== 'live';
  useUnsavedGuard(dirty, draft.discard);

  const save = (given: Confirmations) => {
    const confirmLive = given.confirmLive === true || (switchingToLive && draft.liveConfirmed);
    saveSettings.mutate(
      {
        settings: draft.settingsToSave(),
        ...(confirmLive ? { confirmLive: true } : {}),
        ...(given.dropAllAccounts ? { dropAllAccounts: true } : {}),
      },
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
          if (isApiError(error) && !given.confirmLive && error.body.reason === 'needs-live-confirmation') {
            modals.openConfirmModal({
              title: 'Confirm live trading',
              children: `${error.body.message}. Live trading places real orders in every enabled live account.`,
              labels: { confirm: 'Confirm and save', cancel: 'Cancel' },
              confirmProps: { color: 'red' },
              onConfirm: () => save({ ...given, confirmLive: true }),
            });
          } else if (isApiError(error) && !given.dropAllAccounts && error.body.reason === 'drops-every-account') {
            const ids = (Array.isArray(base.settings.accounts) ? base.settings.accounts : [])
              .map((a) => (a as { accountId?: unknown }).accountId)
              .filter((id): id is string => typeof id === 'string');
            modals.openConfirmModal({
              title: 'Remove every account?',
              children: `This save leaves no account: ${ids.join(', ')} would no longer be followed or traded. Save without any account?`,
              labels: { confirm: 'Remove every account and save', cancel: 'Keep the accounts' },
              confirmProps: { color: 'red' },
              onConfirm: () => save({ ...given, dropAllAccounts: true }),
            });
          } else if (isApiError(error, 'invalid') && error.body.issues && error.body.issues.length > 0) {
            draft.showServerIssues(error.body.issues);
            notifications.show({
              color: 'red',
              title: 'The settings were not saved',
              message: `${error.body.issues.length} field(s) need fixing; each is listed at the top and shown beside its field.`,
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
        message: `${count} field(s) are not valid; they are listed at the top, each shown beside its field.`,
        autoClose: 8_000,
      });
      // The list of what to fix, with the first entry focused: Enter goes to its field.
      const first = summary.current?.querySelector<HTMLElement>('[data-settings-issues] button');
      if (first && summary.current) reveal(summary.current, first, 'start');
      return;
    }
    save({});
  };

  return (
    <SettingsFormContext.Provider value={draft.form}>
      <>
        {/* The actions float right so the menu's links flow beside them and then use the full width. */}
        <Box
          style={{
            position: 'sticky',
            top: 'var(--app-shell-header-offset, 0rem)',
            zIndex: 3,
            borderBottom: '1px solid var(--mantine-color-default-border)',
          }}
          bg="var(--mantine-color-body)"
          py={4}
          {...{ [STICKY_BAR_ATTRIBUTE]: '' }}
        >
          <Group gap="xs" wrap="nowrap" style={{ float: 'right' }} ml="xs">
            {dirty && (
              <>
                <Badge color="yellow" variant="light" size="sm">
                  Unsaved changes
                </Badge>
                <Button size="xs" variant="subtle" onClick={draft.discard}>
                  Discard changes
                </Button>
              </>
            )}
            <Button
              size="xs"
              type="submit"
              form={formId}
              leftSection={<Save size={14} />}
              loading={saveSettings.isPending}
              disabled={!dirty}
            >
              Save settings
            </Button>
          </Group>
          <SectionMenu />
          <div style={{ clear: 'both' }} />
        </Box>
        <div ref={summary}>
          <IssueAlerts view={view} issues={draft.allIssues} settings={draft.form.get('')} />
        </div>
        <form
          id={formId}
          noValidate
          onSubmit={(e) => {
            e.preventDefault();
            onSave();
          }}
        >
          <Stack gap="sm">
            <Sections draft={draft} />
          </Stack>
        </form>
      </>
    </SettingsFormContext.Provider>
  );
}

/**
 * Every setting of §14, validated as typed; secrets are write-only. Remote core and Check setup follow the form and
 * stay usable while the settings of the core this window shows cannot be had (they keep their place, and what is
 * typed in them, when the settings arrive).
 */
export function SettingsPage() {
  const config = useConfig();
  return (
    <Stack gap="sm">
      {config.data ? (
        <SettingsForm view={config.data} />
      ) : config.isPending ? (
        <Loader size="sm" />
      ) : (
        <Alert color="red">Could not load the settings: {config.error?.message}</Alert>
      )}
      <RemoteSection />
      <CheckSetupPanel />
    </Stack>
  );
}
