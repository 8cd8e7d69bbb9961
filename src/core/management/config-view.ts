import type { ConfigView } from '../../shared/contract';
import { SECRET_PATHS, type Settings } from '../config/schema';
import { getSecret, keepUnchangedSecrets, maskSecrets } from '../config/secrets';
import { parseSettings, SettingsError } from '../config/settings-store';
import { requireLiveConfirmation } from './live-confirmation';

/** `getConfig`'s answer (§11): the settings with secrets masked, which secrets are set, and the file's problems. */
export function configView(view: {
  settings: Settings;
  fileIssues: { path: string; message: string }[];
  dataDir: string;
  simulated: boolean;
}): ConfigView {
  return {
    settings: maskSecrets(view.settings) as unknown as Record<string, unknown>,
    secretsSet: Object.fromEntries(SECRET_PATHS.map((p) => [p, getSecret(view.settings, p) !== ''])),
    fileIssues: view.fileIssues,
    dataDir: view.dataDir,
    simulated: view.simulated,
  };
}

/**
 * `putConfig`'s rules before anything is saved: the settings validated (every bad field named), secrets sent back
 * masked kept as they are, and the live-trading confirmation. Answers the settings to save.
 */
export function settingsToSave(
  input: { settings: Record<string, unknown>; confirmLive?: boolean | undefined },
  previous: Settings,
): Settings {
  const parsed = parseSettings(input.settings);
  if (!parsed.ok) throw new SettingsError(parsed.issues, 'settings');
  const next = keepUnchangedSecrets(parsed.settings, previous);
  requireLiveConfirmation(previous, next, input.confirmLive);
  return next;
}
