/**
 * `check --config FILE` (PRODUCT.md §29): runs Check setup with connections of its own, prints each check as it
 * finishes and the table at the end; the exit code is 1 when any check failed (warnings pass), 2 for bad usage.
 */
import { stat } from 'node:fs/promises';
import type * as Ably from 'ably';
import type { SetupCheck, SetupCheckReport } from '../shared/contract';
import { defaultHeadlessDataDir, resolveDataDir } from '../core/config/data-dir';
import { EnvSecretStore } from '../core/config/secrets';
import { SettingsStore } from '../core/config/settings-store';
import { runStandaloneCheck } from '../core/setup/standalone';

const MARK = { ok: 'ok  ', warn: 'WARN', fail: 'FAIL' } as const;

/** The table the CLI prints: one line per check, its detail, and the fix under anything not ok. */
export function formatSetupTable(report: SetupCheckReport): string {
  const width = Math.max(...report.checks.map((c) => c.id.length), 2);
  const lines = [`Check setup at ${report.at}`, ''];
  for (const c of report.checks) {
    lines.push(`${MARK[c.status]}  ${c.id.padEnd(width)}  ${c.title}: ${c.detail}`);
    if (c.fix) lines.push(`${' '.repeat(6 + width + 2)}fix: ${c.fix}`);
  }
  const count = (s: SetupCheck['status']) => report.checks.filter((c) => c.status === s).length;
  lines.push('', `${count('ok')} ok, ${count('warn')} warning(s), ${count('fail')} failed`);
  return lines.join('\n');
}

export interface CheckCommandOptions {
  configFile: string;
  out?: (line: string) => void;
  err?: (line: string) => void;
  createRealtime?: (options: Ably.ClientOptions) => Ably.Realtime;
}

/**
 * Runs the checks; resolves with the exit code (0 all ok or warnings, 1 on any fail, 2 when the settings file is not
 * there: checking the defaults instead would pass or fail a setup that is not the trader's).
 */
export async function runCheckCommand(options: CheckCommandOptions): Promise<number> {
  const out = options.out ?? ((line: string) => console.log(line));
  const err = options.err ?? ((line: string) => console.error(line));
  const found = await stat(options.configFile).then(
    (s) => (s.isFile() ? null : 'is not a file'),
    (error: NodeJS.ErrnoException) => (error.code === 'ENOENT' ? 'does not exist' : error.message),
  );
  if (found) {
    err(`settings: ${options.configFile} ${found}; pass the settings file the app uses with --config FILE`);
    return 2;
  }
  const store = new SettingsStore(options.configFile, new EnvSecretStore());
  const loadOutcome = await store.load();
  if (loadOutcome.error) {
    err(`settings: ${loadOutcome.error.message}`);
    return 1;
  }
  const settings = store.settings;
  const dataDir = resolveDataDir(settings.dataDir, defaultHeadlessDataDir());
  const report = await runStandaloneCheck({
    settings,
    dataDir,
    onCheck: (c) => err(`… ${c.id}: ${c.status}`),
    ...(options.createRealtime ? { createRealtime: options.createRealtime } : {}),
  });
  out(formatSetupTable(report));
  return report.checks.some((c) => c.status === 'fail') ? 1 : 0;
}
