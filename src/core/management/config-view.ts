import type { ConfigView } from '../../shared/contract';
import { defaultSettings, SECRET_PATHS, type Settings } from '../config/schema';
import { getSecret, keepUnchangedSecrets, maskSecrets, tokenProblem } from '../config/secrets';
import { parseSettings, SettingsError } from '../config/settings-store';
import { ApiError } from './api-error';
import { requireLiveConfirmation } from './live-confirmation';

type Issue = { path: string; message: string };

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/**
 * Keys of the input that the schema does not know (zod drops them silently): found by walking the input beside what
 * it parsed to. Records (`zehnlabs.realtime`, `replacementSets`) keep every key, so only true misspellings show.
 */
function unknownKeys(input: unknown, parsed: unknown, path: string[] = []): Issue[] {
  if (Array.isArray(input) && Array.isArray(parsed)) {
    return input.flatMap((item, i) => unknownKeys(item, parsed[i], [...path, String(i)]));
  }
  if (!isPlainObject(input) || !isPlainObject(parsed)) return [];
  return Object.keys(input).flatMap((key) =>
    Object.hasOwn(parsed, key)
      ? unknownKeys(input[key], parsed[key], [...path, key])
      : [{ path: [...path, key].join('.'), message: 'is not a setting (misspelt?)' }],
  );
}

/** PUT replaces the whole settings: every top-level block must be there (a partial body would reset the rest). */
function missingBlocks(input: Record<string, unknown>): Issue[] {
  return Object.keys(defaultSettings())
    .filter((key) => !Object.hasOwn(input, key))
    .map((key) => ({ path: key, message: 'is missing: send the whole settings, as GET /api/config gives them' }));
}

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
 * `putConfig`'s rules before anything is saved (§18): the whole settings, every block present and no unknown key
 * (each named), validated (every bad field named); secrets sent back masked kept as they are (dropped when the place
 * they go to changed); the live-trading confirmation; and no save that leaves no account unless it says
 * `dropAllAccounts`. Answers the settings to save.
 */
export function settingsToSave(
  input: {
    settings: Record<string, unknown>;
    confirmLive?: boolean | undefined;
    dropAllAccounts?: boolean | undefined;
  },
  previous: Settings,
): Settings {
  const missing = missingBlocks(input.settings);
  const parsed = parseSettings(input.settings);
  if (!parsed.ok) throw new SettingsError([...missing, ...parsed.issues], 'settings');
  const next = keepUnchangedSecrets(parsed.settings, previous);
  requireLiveConfirmation(previous, next, input.confirmLive);
  const badToken = next.management.token === previous.management.token ? null : tokenProblem(next.management.token);
  const problems = [
    ...missing,
    ...unknownKeys(input.settings, parsed.settings),
    ...(badToken ? [{ path: 'management.token', message: badToken }] : []),
  ];
  if (problems.length > 0) throw new SettingsError(problems, 'settings');
  if (next.accounts.length === 0 && previous.accounts.length > 0 && input.dropAllAccounts !== true) {
    const ids = previous.accounts.map((a) => a.accountId).join(', ');
    throw new ApiError(
      'invalid',
      `this save would remove every account (${ids}); send dropAllAccounts: true to do so`,
      {
        reason: 'drops-every-account',
        issues: [{ path: 'accounts', message: 'removing every account needs dropAllAccounts: true' }],
      },
    );
  }
  return next;
}
