import { Alert, Button, Group, Paper, PasswordInput, SimpleGrid, Stack, Text, TextInput, Title } from '@mantine/core';
import { useEffect, useMemo, useState } from 'react';
import type { RemoteSaveResult, RemoteView } from '../../../../shared/remote';
import { callDesktop, type DeskBridge } from '../../api/ipc-transport';
import { validateSettings } from './settings-validation';
import { sectionId } from './settings-sections';

/** Whether this window can show Remote core (the desktop app's preload offers it; a browser does not). */
export function hasRemoteSection(
  win: Window | undefined = typeof window === 'undefined' ? undefined : window,
): boolean {
  return bridgeOf(win) !== null;
}

/** The preload's bridge: present only in the desktop app, whose main process answers the desktop operations. */
function bridgeOf(win: Window | undefined): DeskBridge | null {
  const desk = win?.desk;
  return desk && typeof desk.call === 'function' ? desk : null;
}

interface Draft {
  url: string;
  token: string;
  ca: string;
}

const FIELDS = ['url', 'token', 'ca'] as const;

const fromView = (view: RemoteView): Draft => ({ url: view.url ?? '', token: '', ca: view.ca ?? '' });

/** The draft as the setting: an empty box is "not set" (url: run the core here; ca: system CAs; token: keep). */
const asInput = (draft: Draft) => ({
  url: draft.url.trim() === '' ? null : draft.url.trim(),
  token: draft.token,
  ca: draft.ca.trim() === '' ? null : draft.ca.trim(),
});

/** The schema's messages for `remote.*` of this draft, by field. */
function problemsOf(draft: Draft): Partial<Record<keyof Draft, string>> {
  const issues = validateSettings({ remote: asInput(draft) });
  return { url: issues['remote.url'], token: issues['remote.token'], ca: issues['remote.ca'] };
}

/**
 * Settings › Remote core (§22, desktop app only): the desktop's own `remote` setting, saved through the preload (not
 * the core this window shows, which may be the remote one — or not answering). With a URL the app restarts attached
 * to that core and runs none of its own; cleared, it restarts with its own core. The token is write-only.
 */
export function RemoteSection({ win = typeof window === 'undefined' ? undefined : window }: { win?: Window }) {
  const bridge = useMemo(() => bridgeOf(win), [win]);
  const [view, setView] = useState<RemoteView | null>(null);
  const [draft, setDraft] = useState<Draft>({ url: '', token: '', ca: '' });
  const [serverIssues, setServerIssues] = useState<Record<string, string>>({});
  const [state, setState] = useState<'idle' | 'saving' | 'restarting' | 'saved'>('idle');
  const [failure, setFailure] = useState<string | null>(null);

  useEffect(() => {
    if (!bridge) return;
    let live = true;
    callDesktop(bridge, 'remoteSettings', {}).then(
      (answer) => {
        if (!live) return;
        setView(answer);
        setDraft(fromView(answer));
      },
      (error: unknown) =>
        live &&
        setFailure(`the remote setting could not be read: ${error instanceof Error ? error.message : String(error)}`),
    );
    return () => {
      live = false;
    };
  }, [bridge]);

  if (!bridge) return null;
  const problems = problemsOf(draft);
  const errorOf = (field: keyof Draft) => problems[field] ?? serverIssues[`remote.${field}`];
  const edit = (field: keyof Draft) => (e: React.ChangeEvent<HTMLInputElement>) => {
    const text = e.currentTarget.value;
    setDraft((old) => ({ ...old, [field]: text }));
    setServerIssues({});
    setState('idle');
  };

  const save = async (input: ReturnType<typeof asInput>) => {
    setState('saving');
    setFailure(null);
    let result: RemoteSaveResult;
    try {
      result = await callDesktop(bridge, 'saveRemote', input);
    } catch (error) {
      setState('idle');
      setFailure(`not saved: ${error instanceof Error ? error.message : String(error)}`);
      return;
    }
    if (!result.ok) {
      setServerIssues(Object.fromEntries(result.issues.map((i) => [i.path, i.message])));
      // One not about a field (the keychain is locked, the file could not be written): said above the buttons.
      const other = result.issues.filter((i) => !FIELDS.some((field) => i.path === `remote.${field}`));
      if (other.length > 0) setFailure(`not saved: ${other.map((i) => i.message).join('; ')}`);
      setState('idle');
      return;
    }
    setView(result.view);
    setDraft(fromView(result.view));
    setState(result.restarting ? 'restarting' : 'saved');
  };

  const valid = !Object.values(problems).some(Boolean);
  const restartNote = asInput(draft).url
    ? `Rebalance Desk restarts attached to ${asInput(draft).url}…`
    : 'Rebalance Desk restarts with its own core…';

  return (
    <Paper withBorder p="sm" radius="sm" component="section" aria-label="Remote core" id={sectionId('Remote core')}>
      <Title order={2} size="h5">
        Remote core
      </Title>
      <Text size="xs" c="dimmed" mb="xs">
        {view?.attached
          ? `This window shows the core at ${view.url}; no core or Redis runs in this app. Clear the URL to run the core here again.`
          : 'Attach this app to a core running on a server (serve with management.tls): the window then shows that core, and no core or Redis runs here.'}
      </Text>
      <form
        noValidate
        onSubmit={(e) => {
          e.preventDefault();
          if (valid) void save(asInput(draft));
        }}
      >
        <Stack gap="xs">
          <SimpleGrid cols={3} spacing="xs">
            <TextInput
              label="Server URL"
              placeholder="https://desk.example:8765"
              size="xs"
              value={draft.url}
              onChange={edit('url')}
              error={errorOf('url')}
              autoComplete="off"
              spellCheck={false}
            />
            <PasswordInput
              label="Token"
              description={view?.tokenSet ? 'set — type a new one to replace it' : "the server's management.token"}
              placeholder={view?.tokenSet ? '•••••••• (set)' : 'not set'}
              size="xs"
              autoComplete="off"
              value={draft.token}
              onChange={edit('token')}
              error={errorOf('token')}
              data-secret="remote.token"
            />
            <TextInput
              label="CA certificate"
              description="PEM file of the CA that signed the server's certificate, or the certificate itself"
              placeholder="system CAs"
              size="xs"
              value={draft.ca}
              onChange={edit('ca')}
              error={errorOf('ca')}
              autoComplete="off"
              spellCheck={false}
            />
          </SimpleGrid>
          {failure && (
            <Alert color="red" p="xs">
              {failure}
            </Alert>
          )}
          {state === 'restarting' && (
            <Text size="xs" c="blue" role="status">
              {restartNote}
            </Text>
          )}
          {state === 'saved' && (
            <Text size="xs" c="green" role="status">
              Saved.
            </Text>
          )}
          <Group gap="xs">
            <Button size="xs" type="submit" loading={state === 'saving'} disabled={!valid || state === 'restarting'}>
              {asInput(draft).url ? 'Save and attach' : 'Save'}
            </Button>
            {view?.url && (
              <Button
                size="xs"
                variant="light"
                color="gray"
                disabled={state === 'saving' || state === 'restarting'}
                onClick={() => void save({ url: null, token: '', ca: draft.ca.trim() || null })}
              >
                Run the core here
              </Button>
            )}
          </Group>
        </Stack>
      </form>
    </Paper>
  );
}
