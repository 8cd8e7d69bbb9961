import { useMemo, useState } from 'react';
import type { ConfigView } from '../../../../shared/contract';
import type { SettingsFormApi } from './form-context';
import { getAt, issueKey, setAt, type Draft } from './settings-paths';
import { validateSettings } from './settings-validation';

/** The write-only settings: typed into their own boxes, sent only when typed, never shown. */
export const SECRETS = [
  { path: 'zehnlabs.realtimeApiKey', label: 'Realtime API key' },
  { path: 'zehnlabs.allocationsApiKey', label: 'Allocations API key' },
  { path: 'management.token', label: 'Management token' },
] as const;
export type SecretPath = (typeof SECRETS)[number]['path'];

const NO_SECRETS: Record<SecretPath, string> = {
  'zehnlabs.realtimeApiKey': '',
  'zehnlabs.allocationsApiKey': '',
  'management.token': '',
};

/** What a section with secret boxes needs: what was typed, and whether the saved settings hold one. */
export interface SettingsSecrets {
  value(path: SecretPath): string;
  set(path: SecretPath, value: string): void;
  isSet(path: SecretPath): boolean;
}

export interface SettingsDraft {
  /** The settings last loaded or saved: what the draft is compared with. */
  base: ConfigView;
  /** What the fields read and write (given to them through SettingsFormContext). */
  form: SettingsFormApi;
  /** Messages by field path from validating the draft as typed; Save waits while there is any. */
  issues: Record<string, string>;
  /** Those and the server's last 400, by field path. */
  allIssues: Record<string, string>;
  dirty: boolean;
  secrets: SettingsSecrets;
  /** The trader confirmed the switch to live in the dialog: the save sends `confirmLive`. */
  liveConfirmed: boolean;
  confirmLive(): void;
  /** The draft with the typed secrets, as `putConfig` takes it. */
  settingsToSave(): Draft;
  /** Puts the server's 400 issues beside their fields. */
  showServerIssues(issues: { path: string; message: string }[]): void;
  /** The settings were saved: `next` is the new base, nothing is left typed. */
  saved(next: ConfigView): void;
  discard(): void;
}

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

/**
 * The Settings page's draft: the settings as typed (texts kept exactly as typed beside the values they stand for),
 * the typed secrets, validation as typed and the server's last issues. Settings that change elsewhere while nothing
 * is edited here replace the draft.
 */
export function useSettingsDraft(view: ConfigView): SettingsDraft {
  const [base, setBase] = useState(view);
  const [draft, setDraft] = useState<Draft>(() => clone(view.settings));
  const [secrets, setSecrets] = useState<Record<SecretPath, string>>(NO_SECRETS);
  const [serverIssues, setServerIssues] = useState<Record<string, string>>({});
  const [typedTexts, setTypedTexts] = useState<Record<string, { text: string; value: unknown }>>({});
  const [liveConfirmed, setLiveConfirmed] = useState(false);

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

  const reset = (settings: Record<string, unknown>) => {
    setDraft(clone(settings));
    setSecrets(NO_SECRETS);
    setServerIssues({});
    setTypedTexts({});
  };

  return {
    base,
    form,
    issues,
    allIssues: { ...serverIssues, ...issues },
    dirty,
    secrets: {
      value: (path) => secrets[path],
      set: (path, value) => setSecrets((old) => ({ ...old, [path]: value })),
      isSet: (path) => isSecretSet(base, path),
    },
    liveConfirmed,
    confirmLive: () => setLiveConfirmed(true),
    settingsToSave: () => SECRETS.reduce<Draft>((acc, { path }) => setAt(acc, path, secrets[path]), draft),
    showServerIssues: (list) => {
      const byPath: Record<string, string> = {};
      for (const issue of list) byPath[issueKey(issue.path)] ??= issue.message;
      setServerIssues(byPath);
    },
    saved: (next) => {
      setBase(next);
      reset(next.settings);
      setLiveConfirmed(false);
    },
    discard: () => reset(base.settings),
  };
}
