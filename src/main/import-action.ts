/**
 * File › Import from ibkr-portfolio-rebalancer…: pick the original project's folder, import its files, validate the
 * merged settings, show a summary and save after confirmation (the window refreshes from the `config` stream message).
 */
import { dialog, type BaseWindow, type MessageBoxOptions } from 'electron';
import type { Settings } from '../core/config/schema';
import { parseSettings } from '../core/config/settings-store';
import { formatIssues, importLegacyFolder, mergeImported, type LegacyImport } from '../core/config/import-legacy';

export interface ImportTarget {
  readonly settings: Settings;
  saveSettings(next: Settings): Promise<Settings>;
}

export type ImportOutcome = 'cancelled' | 'nothing' | 'invalid' | 'saved' | 'failed';

const TITLE = 'Import from ibkr-portfolio-rebalancer';
const MAX_LINES = 14;

function clip(lines: string[]): string {
  return lines.length > MAX_LINES
    ? [...lines.slice(0, MAX_LINES), `… and ${lines.length - MAX_LINES} more`].join('\n')
    : lines.join('\n');
}

/** What the import brings, in the trader's words (secrets by name only). */
export function importSummary(result: LegacyImport, current: Settings): string[] {
  const s = result.settings;
  const lines: string[] = [];
  for (const a of s.accounts ?? []) {
    const known = current.accounts.some((c) => c.accountId === a.accountId);
    lines.push(
      `${known ? 'Update' : 'Add'} account ${a.accountId} (${a.type}, ${a.strategy}` +
        `${a.replacementSet ? `, replacement set ${a.replacementSet}` : ''}${a.enabled ? '' : ', disabled'})`,
    );
  }
  for (const [name, items] of Object.entries(s.replacementSets ?? {})) {
    lines.push(
      `Replacement set ${name}: ${items.map((r) => `${r.source}→${r.target}${r.scale === 1 ? '' : ` ×${r.scale}`}`).join(', ')}`,
    );
  }
  if (s.ib?.host || s.ib?.port)
    lines.push(`IB Gateway at ${s.ib.host ?? current.ib.host}:${s.ib.port ?? current.ib.port}`);
  if (s.ib?.clientId !== undefined) lines.push(`IB client id ${s.ib.clientId}`);
  if (s.zehnlabs?.allocationsApiKey) lines.push('Zehnlabs allocation API key (stored in the OS keychain)');
  if (s.zehnlabs?.realtimeApiKey) lines.push('Zehnlabs realtime API key (stored in the OS keychain)');
  if (s.tradingMode) lines.push(`Trading mode ${s.tradingMode.toUpperCase()}`);
  if (s.logLevel) lines.push(`Log level ${s.logLevel}`);
  return lines;
}

/** Runs the whole import with dialogs attached to `window`. Never throws; the outcome says how it ended. */
export async function runLegacyImport(window: BaseWindow | null, target: ImportTarget): Promise<ImportOutcome> {
  const show = (options: MessageBoxOptions) =>
    window ? dialog.showMessageBox(window, options) : dialog.showMessageBox(options);
  try {
    const picked = await (window
      ? dialog.showOpenDialog(window, { title: TITLE, buttonLabel: 'Import', properties: ['openDirectory'] })
      : dialog.showOpenDialog({ title: TITLE, buttonLabel: 'Import', properties: ['openDirectory'] }));
    const folder = picked.filePaths[0];
    if (picked.canceled || !folder) return 'cancelled';

    const result = await importLegacyFolder(folder);
    const problems = formatIssues(result.issues);
    const summary = importSummary(result, target.settings);
    if (summary.length === 0) {
      await show({
        type: 'error',
        title: TITLE,
        message: `Nothing could be imported from ${folder}.`,
        detail: clip(problems),
      });
      return 'nothing';
    }

    const current = target.settings;
    const parsed = parseSettings(mergeImported(current, result.settings));
    if (!parsed.ok) {
      await show({
        type: 'error',
        title: TITLE,
        message: 'The imported settings are not valid, so nothing was saved.',
        detail: clip([
          ...parsed.issues.map((i) => `✕ ${i.path || '(settings)'}: ${i.message}`),
          ...problems,
          '',
          'Fix the files and import again, or enter the settings by hand in Settings.',
        ]),
      });
      return 'invalid';
    }

    const toLive = parsed.settings.tradingMode === 'live' && current.tradingMode !== 'live';
    const confirm = await show({
      type: toLive ? 'warning' : 'question',
      title: TITLE,
      message: toLive
        ? 'Import these settings and switch to LIVE trading? Orders will go to real accounts.'
        : `Import these settings from ${folder}?`,
      detail: clip([
        ...summary,
        ...(problems.length > 0 ? ['', 'Problems (these parts were not imported):', ...problems] : []),
      ]),
      buttons: [toLive ? 'Import and switch to LIVE' : 'Import', 'Cancel'],
      defaultId: toLive ? 1 : 0,
      cancelId: 1,
      noLink: true,
    });
    if (confirm.response !== 0) return 'cancelled';

    await target.saveSettings(parsed.settings);
    const ibChanged =
      parsed.settings.ib.host !== current.ib.host ||
      parsed.settings.ib.port !== current.ib.port ||
      parsed.settings.ib.clientId !== current.ib.clientId;
    await show({
      type: 'info',
      title: TITLE,
      message: 'Settings imported.',
      detail: ibChanged ? 'The new IB Gateway address is used after the app is restarted.' : 'They are in force now.',
    });
    return 'saved';
  } catch (error) {
    await show({
      type: 'error',
      title: TITLE,
      message: 'The import failed; nothing was saved.',
      detail: (error as Error).message,
    }).catch(() => undefined);
    return 'failed';
  }
}
