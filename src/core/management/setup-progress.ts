import { accountLabel } from '../../shared/account-label';
import type { SetupProgress, SetupStep } from '../../shared/contract';
import type { Health } from '../../shared/dto';
import type { Settings } from '../config/schema';
import type { SetupRecord } from '../records/setup-record';

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

function gatewayStep(health: Health, settings: Settings): SetupStep {
  const done = health.ib.state === 'green';
  return {
    id: 'gateway',
    done,
    at: null,
    detail: done
      ? health.ib.detail
      : `${health.ib.detail}. Start IB Gateway (or TWS), log in, and enable its API (port ${settings.ib.port}); ` +
        'if it runs elsewhere, correct host and port in Settings › IB Gateway.',
  };
}

function keysStep(settings: Settings): SetupStep {
  const missing = [
    settings.zehnlabs.realtimeApiKey.trim() === '' ? 'realtime API key' : null,
    settings.zehnlabs.allocationsApiKey.trim() === '' ? 'allocations API key' : null,
  ].filter((m): m is string => m !== null);
  return {
    id: 'keys',
    done: missing.length === 0,
    at: null,
    detail:
      missing.length === 0
        ? 'the Zehnlabs realtime and allocations API keys are set'
        : `no Zehnlabs ${missing.join(' and no ')} yet: enter ${missing.length === 1 ? 'it' : 'them'} in Settings › Zehnlabs`,
  };
}

function accountsStep(settings: Settings): SetupStep {
  const mode = settings.tradingMode;
  const trading = settings.accounts.filter((a) => a.enabled && a.type === mode);
  const names = trading.map(accountLabel);
  let detail: string;
  if (trading.length > 0) detail = `${plural(trading.length, `${mode} account`)}: ${names.join(', ')}`;
  else if (settings.accounts.length > 0)
    detail =
      `${plural(settings.accounts.length, 'account')} set up, none enabled for ${mode} trading: enable one in ` +
      'Settings › Accounts, or change the trading mode';
  else detail = 'no account yet: add your IB account ids with their strategies in Settings › Accounts';
  return { id: 'accounts', done: trading.length > 0, at: null, detail };
}

function checkStep(record: SetupRecord): SetupStep {
  const run = record.lastCheck;
  if (!run) return { id: 'check', done: false, at: null, detail: 'not run yet: press Check setup (nothing trades)' };
  if (run.failed.length > 0) {
    return {
      id: 'check',
      done: false,
      at: run.at,
      detail: `the last run found ${plural(run.failed.length, 'failure')} (${run.failed.join(', ')}): follow each fix, then check again`,
    };
  }
  return {
    id: 'check',
    done: true,
    at: run.at,
    detail: run.warnings > 0 ? `no check failed; ${plural(run.warnings, 'warning')}` : 'every check passed',
  };
}

function previewStep(record: SetupRecord, settings: Settings): SetupStep {
  const preview = record.firstPreview;
  if (!preview) {
    return {
      id: 'preview',
      done: false,
      at: null,
      detail:
        'no preview yet: press Preview on an account in Accounts to see the orders it would place (nothing trades)',
    };
  }
  const name = settings.accounts.find((a) => a.accountId === preview.accountId)?.name;
  return {
    id: 'preview',
    done: true,
    at: preview.at,
    detail: `previewed ${accountLabel({ accountId: preview.accountId, name })}`,
  };
}

/**
 * §26 Get started: the five steps from live state (the IB light, the settings in force) and from what the core
 * remembers (`SetupRecord`). Setup is complete when every step is done, and stays complete once it was (a gateway down
 * on a later day shows the banner, not the checklist). The demo never opens on Get started: it shows the desk.
 */
export function setupProgress(input: {
  health: Health;
  settings: Settings;
  record: SetupRecord;
  simulated: boolean;
}): SetupProgress {
  const { health, settings, record } = input;
  const steps = [
    gatewayStep(health, settings),
    keysStep(settings),
    accountsStep(settings),
    checkStep(record),
    previewStep(record, settings),
  ];
  const complete = record.completedAt !== null || steps.every((s) => s.done);
  return {
    steps,
    complete,
    completedAt: record.completedAt,
    opensOnGetStarted: !complete && !input.simulated,
  };
}
