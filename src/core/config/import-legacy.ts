/**
 * Import from the original Python project, ibkr-portfolio-rebalancer (PRODUCT.md §14): its `accounts.yaml`,
 * `replacement-sets.yaml` and `.env` become a partial settings object plus a list of problems, each naming the file
 * and the field. Pure Node (no Electron); it never throws for bad input — a file that cannot be read or parsed is an
 * error in the list, and a bad account is left out with an error naming it.
 *
 * Formats read (snake_case as in the original, camelCase accepted too):
 *
 * `accounts.yaml`
 * ```yaml
 * accounts:                       # or the list at the top level
 *   - account_id: DU123456        # also accountId / id; upper-cased
 *     name: Paper IRA             # optional
 *     type: paper                 # paper | live; default: TRADING_MODE of .env, else paper
 *     enabled: true               # default true; yes/no/on/off and "true"/"false" accepted
 *     allocation:                 # optional wrapper; the same keys may sit on the account itself
 *       strategy: etf-blend-200-35  # slug, or the provider's name ("ETF Blend 200-35") turned into one
 *       cash_reserve_percent: 1   # 0..100; "1%" accepted; also cashReservePercent / cash_reserve_percentage
 *     replacement_set: ira        # optional; also replacementSet
 * ```
 *
 * `replacement-sets.yaml`
 * ```yaml
 * replacement_sets:               # or the map at the top level; a list of {name, replacements} also works
 *   ira:
 *     - source: DBC               # also from
 *       target: PDBC              # also to / replacement
 *       scale: 1                  # optional, default 1; also scale_factor / scaleFactor
 * ```
 *
 * `.env` (KEY=VALUE lines, `#` comments, optional `export ` and quotes)
 * | key | setting |
 * |---|---|
 * | `ZEHNLABS_FINTECH_API_KEY`, `ALLOCATIONS_API_KEY` | `zehnlabs.allocationsApiKey` |
 * | `REBALANCE_EVENT_SUBSCRIPTION_API_KEY`, `REALTIME_API_KEY` | `zehnlabs.realtimeApiKey` |
 * | `IB_HOST`, `IB_GATEWAY_HOST` | `ib.host` |
 * | `IB_PORT`, `IB_GATEWAY_PORT` | `ib.port` |
 * | `IB_CLIENT_ID` | `ib.clientId` |
 * | `TRADING_MODE` | `tradingMode` (paper / live) |
 * | `LOG_LEVEL` | `logLevel` (Python names such as WARNING / CRITICAL mapped) |
 * Other keys are listed as ignored (by name only — values never appear in messages).
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseDocument } from 'yaml';
import type { Settings } from './schema';
import { ACCOUNT_ID_PATTERN } from '../../shared/dto';

export const LEGACY_FILES = {
  accounts: 'accounts.yaml',
  replacementSets: 'replacement-sets.yaml',
  env: '.env',
} as const;

export interface ImportIssue {
  severity: 'error' | 'warning';
  /** The file the problem is in (`accounts.yaml` …). */
  file: string;
  /** Where in it: `accounts[1].allocation.cash_reserve_percent`, `IB_PORT`, or '' for the whole file. */
  field: string;
  message: string;
}

export interface ImportedAccount {
  accountId: string;
  name?: string;
  type: 'paper' | 'live';
  enabled: boolean;
  strategy: string;
  cashReservePercent?: number;
  replacementSet: string | null;
}

export interface ImportedReplacement {
  source: string;
  target: string;
  scale: number;
}

/** What was imported: only the parts that were found and valid. */
export interface ImportedSettings {
  tradingMode?: 'paper' | 'live';
  logLevel?: Settings['logLevel'];
  ib?: { host?: string; port?: number; clientId?: number };
  zehnlabs?: { realtimeApiKey?: string; allocationsApiKey?: string };
  accounts?: ImportedAccount[];
  replacementSets?: Record<string, ImportedReplacement[]>;
}

export interface LegacyImport {
  folder: string;
  files: { file: string; found: boolean }[];
  settings: ImportedSettings;
  issues: ImportIssue[];
}

type Raw = Record<string, unknown>;

function isObject(value: unknown): value is Raw {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** The first of `keys` present on `obj` (key and value). */
function pick(obj: Raw, keys: readonly string[]): { key: string; value: unknown } | null {
  for (const key of keys) if (Object.hasOwn(obj, key) && obj[key] !== undefined) return { key, value: obj[key] };
  return null;
}

function describe(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value);
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a mapping';
  return String(value);
}

/** Turns a provider's strategy name into its slug: lower-case, spaces as hyphens ("ETF Blend 200-35" → etf-blend-200-35). */
export function strategySlug(name: string): string {
  return name
    .trim()
    .toLowerCase()
    .replace(/[\s_]+/g, '-')
    .replace(/[^a-z0-9-]/g, '')
    .replace(/-+/g, '-')
    .replace(/^-|-$/g, '');
}

function toBoolean(value: unknown): boolean | null {
  if (typeof value === 'boolean') return value;
  if (typeof value === 'string') {
    const v = value.trim().toLowerCase();
    if (['true', 'yes', 'on', '1'].includes(v)) return true;
    if (['false', 'no', 'off', '0'].includes(v)) return false;
  }
  if (value === 1) return true;
  if (value === 0) return false;
  return null;
}

function toNumber(value: unknown): number | null {
  if (typeof value === 'number' && Number.isFinite(value)) return value;
  if (typeof value === 'string') {
    const text = value.trim().replace(/%$/, '').trim();
    if (text !== '' && Number.isFinite(Number(text))) return Number(text);
  }
  return null;
}

export class ImportIssues {
  readonly list: ImportIssue[] = [];
  error(file: string, field: string, message: string): void {
    this.list.push({ severity: 'error', file, field, message });
  }
  warn(file: string, field: string, message: string): void {
    this.list.push({ severity: 'warning', file, field, message });
  }
}

/** Parses YAML text; syntax errors (with line and column) become errors of the file and give null. */
function parseYaml(text: string, file: string, issues: ImportIssues): unknown {
  const doc = parseDocument(text, { prettyErrors: true, uniqueKeys: true });
  if (doc.errors.length > 0) {
    for (const error of doc.errors.slice(0, 5)) {
      const at = error.linePos?.[0];
      const where = at ? ` (line ${at.line}, column ${at.col})` : '';
      const reason = (error.message.split('\n')[0] ?? error.message).replace(/ at line \d+, column \d+:?$/, '');
      issues.error(file, '', `not valid YAML${where}: ${reason}`);
    }
    return null;
  }
  for (const warning of doc.warnings.slice(0, 5)) issues.warn(file, '', warning.message.split('\n')[0] ?? '');
  try {
    return doc.toJS({ maxAliasCount: 100 }) as unknown;
  } catch (error) {
    issues.error(file, '', `could not be read as data: ${(error as Error).message}`);
    return null;
  }
}

const ACCOUNT_KEYS = new Set([
  'account_id',
  'accountId',
  'id',
  'name',
  'type',
  'account_type',
  'accountType',
  'enabled',
  'allocation',
  'strategy',
  'strategy_name',
  'strategyName',
  'cash_reserve_percent',
  'cashReservePercent',
  'cash_reserve_percentage',
  'replacement_set',
  'replacementSet',
]);

/** Reads `accounts.yaml` content into accounts; bad accounts are left out with errors naming the field. */
export function parseAccountsYaml(
  text: string,
  issues: ImportIssues,
  defaultType: 'paper' | 'live' | undefined,
  file: string = LEGACY_FILES.accounts,
): ImportedAccount[] {
  const data = parseYaml(text, file, issues);
  if (data === null || data === undefined) {
    if (issues.list.every((i) => i.file !== file)) issues.warn(file, '', 'is empty: no accounts imported');
    return [];
  }
  let list: unknown;
  let base = 'accounts';
  if (Array.isArray(data)) {
    list = data;
    base = '';
  } else if (isObject(data) && Object.hasOwn(data, 'accounts')) {
    list = data.accounts;
  } else {
    issues.error(file, 'accounts', `expected a list under "accounts:", found ${describe(data)}`);
    return [];
  }
  if (!Array.isArray(list)) {
    issues.error(file, 'accounts', `must be a list of accounts, found ${describe(list)}`);
    return [];
  }
  const out: ImportedAccount[] = [];
  const seen = new Set<string>();
  list.forEach((entry, index) => {
    const at = `${base}[${index}]`;
    if (!isObject(entry)) {
      issues.error(file, at, `must be a mapping with account_id and strategy, found ${describe(entry)}`);
      return;
    }
    const before = issues.list.filter((i) => i.severity === 'error').length;
    const allocationField = pick(entry, ['allocation']);
    let allocation: Raw = {};
    if (allocationField) {
      if (isObject(allocationField.value)) allocation = allocationField.value;
      else
        issues.error(
          file,
          `${at}.allocation`,
          `must be a mapping (strategy, cash_reserve_percent), found ${describe(allocationField.value)}`,
        );
    }
    const fromEither = (keys: readonly string[]) => {
      const inner = pick(allocation, keys);
      if (inner) return { ...inner, path: `${at}.allocation.${inner.key}` };
      const outer = pick(entry, keys);
      return outer ? { ...outer, path: `${at}.${outer.key}` } : null;
    };

    const idField = pick(entry, ['account_id', 'accountId', 'id']);
    let accountId = '';
    if (!idField) issues.error(file, `${at}.account_id`, 'is missing');
    else {
      accountId = String(idField.value ?? '')
        .trim()
        .toUpperCase();
      if (!ACCOUNT_ID_PATTERN.test(accountId)) {
        issues.error(
          file,
          `${at}.${idField.key}`,
          `${describe(idField.value)} is not an IB account id (e.g. DU123456 or U1234567)`,
        );
      } else if (seen.has(accountId)) {
        issues.error(file, `${at}.${idField.key}`, `${accountId} is listed twice; the first one is kept`);
      }
    }
    const label = accountId && ACCOUNT_ID_PATTERN.test(accountId) ? ` (${accountId})` : '';

    const strategyField = fromEither(['strategy', 'strategy_name', 'strategyName']);
    let strategy = '';
    if (!strategyField) issues.error(file, `${at}.allocation.strategy`, `is missing${label}`);
    else if (typeof strategyField.value !== 'string' || strategyField.value.trim() === '') {
      issues.error(file, strategyField.path, `must be a strategy name or slug, found ${describe(strategyField.value)}`);
    } else {
      strategy = strategySlug(strategyField.value);
      if (strategy === '')
        issues.error(file, strategyField.path, `${describe(strategyField.value)} is not a strategy name`);
      else if (strategy !== strategyField.value.trim()) {
        issues.warn(
          file,
          strategyField.path,
          `"${strategyField.value.trim()}" imported as the slug "${strategy}"${label}`,
        );
      }
    }

    let type: 'paper' | 'live' = defaultType ?? 'paper';
    const typeField = pick(entry, ['type', 'account_type', 'accountType']);
    if (typeField) {
      const v = String(typeField.value ?? '')
        .trim()
        .toLowerCase();
      if (v === 'paper' || v === 'live') type = v;
      else issues.error(file, `${at}.${typeField.key}`, `must be paper or live, found ${describe(typeField.value)}`);
    } else if (!defaultType) {
      issues.warn(file, `${at}.type`, `not given${label}; imported as paper`);
    }

    let enabled = true;
    const enabledField = pick(entry, ['enabled']);
    if (enabledField) {
      const v = toBoolean(enabledField.value);
      if (v === null)
        issues.error(file, `${at}.enabled`, `must be true or false, found ${describe(enabledField.value)}`);
      else enabled = v;
    }

    let cashReservePercent: number | undefined;
    const reserveField = fromEither(['cash_reserve_percent', 'cashReservePercent', 'cash_reserve_percentage']);
    if (reserveField) {
      const v = toNumber(reserveField.value);
      if (v === null || v < 0 || v > 100) {
        issues.error(
          file,
          reserveField.path,
          `must be a percentage between 0 and 100, found ${describe(reserveField.value)}`,
        );
      } else cashReservePercent = v;
    }

    let replacementSet: string | null = null;
    const setField = pick(entry, ['replacement_set', 'replacementSet']);
    if (setField && setField.value !== null && setField.value !== '') {
      if (typeof setField.value !== 'string') {
        issues.error(
          file,
          `${at}.${setField.key}`,
          `must be the name of a replacement set, found ${describe(setField.value)}`,
        );
      } else replacementSet = setField.value.trim();
    }

    let name: string | undefined;
    const nameField = pick(entry, ['name']);
    if (nameField && nameField.value !== null) name = String(nameField.value).trim();

    for (const key of Object.keys(entry)) {
      if (!ACCOUNT_KEYS.has(key)) issues.warn(file, `${at}.${key}`, `not used by Rebalance Desk; ignored${label}`);
    }

    const errors = issues.list.filter((i) => i.severity === 'error').length;
    if (errors > before) {
      issues.warn(file, at, `account${label} not imported because of the error(s) above`);
      return;
    }
    seen.add(accountId);
    out.push({
      accountId,
      ...(name ? { name } : {}),
      type,
      enabled,
      strategy,
      ...(cashReservePercent === undefined ? {} : { cashReservePercent }),
      replacementSet,
    });
  });
  return out;
}

/** Reads `replacement-sets.yaml` content; a bad replacement leaves its whole set out (a half set would mis-trade). */
export function parseReplacementSetsYaml(
  text: string,
  issues: ImportIssues,
  file: string = LEGACY_FILES.replacementSets,
): Record<string, ImportedReplacement[]> {
  const data = parseYaml(text, file, issues);
  if (data === null || data === undefined) {
    if (issues.list.every((i) => i.file !== file)) issues.warn(file, '', 'is empty: no replacement sets imported');
    return {};
  }
  let sets: unknown = data;
  let base = '';
  if (isObject(data) && (Object.hasOwn(data, 'replacement_sets') || Object.hasOwn(data, 'replacementSets'))) {
    base = Object.hasOwn(data, 'replacement_sets') ? 'replacement_sets' : 'replacementSets';
    sets = data[base];
  }
  const entries: [string, unknown, string][] = [];
  if (Array.isArray(sets)) {
    sets.forEach((item, i) => {
      const at = `${base ? `${base}` : ''}[${i}]`;
      if (isObject(item) && typeof item.name === 'string') {
        entries.push([item.name.trim(), item.replacements ?? item.items ?? item.rules, `${at}.replacements`]);
      } else issues.error(file, at, `must be a mapping with name and replacements, found ${describe(item)}`);
    });
  } else if (isObject(sets)) {
    for (const [name, list] of Object.entries(sets)) entries.push([name.trim(), list, base ? `${base}.${name}` : name]);
  } else {
    issues.error(
      file,
      base || 'replacement_sets',
      `must map each set name to a list of replacements, found ${describe(sets)}`,
    );
    return {};
  }

  const out: Record<string, ImportedReplacement[]> = {};
  for (const [name, list, at] of entries) {
    if (name === '') {
      issues.error(file, at, 'a replacement set needs a name');
      continue;
    }
    if (!Array.isArray(list)) {
      issues.error(file, at, `must be a list of {source, target, scale}, found ${describe(list)}`);
      continue;
    }
    const items: ImportedReplacement[] = [];
    let bad = false;
    list.forEach((item, i) => {
      const where = `${at}[${i}]`;
      if (!isObject(item)) {
        issues.error(file, where, `must be a mapping with source, target and scale, found ${describe(item)}`);
        bad = true;
        return;
      }
      const source = pick(item, ['source', 'from']);
      const target = pick(item, ['target', 'to', 'replacement']);
      const scale = pick(item, ['scale', 'scale_factor', 'scaleFactor']);
      const symbol = (field: { key: string; value: unknown } | null, label: string): string => {
        if (!field) {
          issues.error(file, `${where}.${label}`, 'is missing');
          bad = true;
          return '';
        }
        const v = typeof field.value === 'string' ? field.value.trim().toUpperCase() : '';
        if (!/^[A-Z0-9.\- ]{1,20}$/.test(v)) {
          issues.error(file, `${where}.${field.key}`, `must be a ticker symbol, found ${describe(field.value)}`);
          bad = true;
        }
        return v;
      };
      const s = symbol(source, 'source');
      const t = symbol(target, 'target');
      let factor = 1;
      if (scale) {
        const v = toNumber(scale.value);
        if (v === null || v <= 0 || v > 10) {
          issues.error(
            file,
            `${where}.${scale.key}`,
            `must be a number above 0 and at most 10, found ${describe(scale.value)}`,
          );
          bad = true;
        } else factor = v;
      }
      items.push({ source: s, target: t, scale: factor });
    });
    if (bad) {
      issues.warn(file, at, `replacement set "${name}" not imported because of the error(s) above`);
      continue;
    }
    out[name] = items;
  }
  return out;
}

/** Parses `.env` text into key/value pairs; lines that are not KEY=VALUE are warnings naming the line. */
export function parseDotEnv(text: string, issues: ImportIssues, file: string = LEGACY_FILES.env): Map<string, string> {
  const values = new Map<string, string>();
  text.split(/\r?\n/).forEach((rawLine, i) => {
    const line = rawLine.trim();
    if (line === '' || line.startsWith('#')) return;
    const match = /^(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)\s*=\s*(.*)$/.exec(line);
    if (!match) {
      issues.warn(file, `line ${i + 1}`, 'is not KEY=VALUE; ignored');
      return;
    }
    const key = match[1] ?? '';
    let value = match[2] ?? '';
    const quote = value[0];
    if ((quote === '"' || quote === "'") && value.length >= 2 && value.endsWith(quote)) {
      value = value.slice(1, -1);
      if (quote === '"') value = value.replace(/\\n/g, '\n').replace(/\\"/g, '"');
    } else if (quote === '"' || quote === "'") {
      issues.error(file, key, `line ${i + 1}: the quote is not closed`);
      return;
    } else {
      value = value.replace(/\s+#.*$/, '').trim();
    }
    values.set(key, value);
  });
  return values;
}

const ENV_KEYS = {
  allocationsApiKey: ['ZEHNLABS_FINTECH_API_KEY', 'ALLOCATIONS_API_KEY'],
  realtimeApiKey: ['REBALANCE_EVENT_SUBSCRIPTION_API_KEY', 'REALTIME_API_KEY'],
  host: ['IB_HOST', 'IB_GATEWAY_HOST'],
  port: ['IB_PORT', 'IB_GATEWAY_PORT'],
  clientId: ['IB_CLIENT_ID'],
  tradingMode: ['TRADING_MODE'],
  logLevel: ['LOG_LEVEL'],
} as const;

const LEGACY_LOG_LEVELS: Record<string, Settings['logLevel']> = {
  trace: 'trace',
  debug: 'debug',
  info: 'info',
  warn: 'warn',
  warning: 'warn',
  error: 'error',
  fatal: 'fatal',
  critical: 'fatal',
};

/** Maps `.env` values onto settings. Secret values never appear in messages. */
export function settingsFromEnv(
  values: Map<string, string>,
  issues: ImportIssues,
  file: string = LEGACY_FILES.env,
): ImportedSettings {
  const out: ImportedSettings = {};
  const used = new Set<string>();
  const first = (keys: readonly string[]): { key: string; value: string } | null => {
    const present = keys.filter((k) => values.has(k) && values.get(k) !== '');
    for (const k of keys) if (values.has(k)) used.add(k);
    if (present.length > 1) {
      issues.warn(file, present.join(', '), `both set; ${present[0]} is used`);
    }
    const key = present[0];
    return key === undefined ? null : { key, value: values.get(key) ?? '' };
  };

  const allocations = first(ENV_KEYS.allocationsApiKey);
  const realtime = first(ENV_KEYS.realtimeApiKey);
  if (allocations || realtime) {
    out.zehnlabs = {
      ...(allocations ? { allocationsApiKey: allocations.value } : {}),
      ...(realtime ? { realtimeApiKey: realtime.value } : {}),
    };
  }
  if (realtime && !/^[^.:\s]+\.[^.:\s]+:\S+$/.test(realtime.value)) {
    issues.warn(file, realtime.key, 'does not look like an Ably API key (appId.keyId:secret); imported as it is');
  }

  const ib: NonNullable<ImportedSettings['ib']> = {};
  const host = first(ENV_KEYS.host);
  if (host) ib.host = host.value;
  const port = first(ENV_KEYS.port);
  if (port) {
    const n = Number(port.value);
    if (Number.isInteger(n) && n >= 1 && n <= 65_535) ib.port = n;
    else issues.error(file, port.key, `must be a port between 1 and 65535, found ${describe(port.value)}`);
  }
  const clientId = first(ENV_KEYS.clientId);
  if (clientId) {
    const n = Number(clientId.value);
    if (Number.isInteger(n) && n >= 0 && n <= 2_147_483_647) ib.clientId = n;
    else issues.error(file, clientId.key, `must be a whole number, found ${describe(clientId.value)}`);
  }
  if (Object.keys(ib).length > 0) out.ib = ib;

  const mode = first(ENV_KEYS.tradingMode);
  if (mode) {
    const v = mode.value.trim().toLowerCase();
    if (v === 'paper' || v === 'live') out.tradingMode = v;
    else issues.error(file, mode.key, `must be paper or live, found ${describe(mode.value)}`);
  }
  const level = first(ENV_KEYS.logLevel);
  if (level) {
    const v = LEGACY_LOG_LEVELS[level.value.trim().toLowerCase()];
    if (v) out.logLevel = v;
    else issues.warn(file, level.key, `${describe(level.value)} is not a log level; the current one is kept`);
  }

  const ignored = [...values.keys()].filter((k) => !used.has(k));
  if (ignored.length > 0) issues.warn(file, ignored.join(', '), 'not used by Rebalance Desk; ignored');
  return out;
}

async function readIfPresent(file: string, issues: ImportIssues, name: string): Promise<string | null> {
  try {
    return await readFile(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return null;
    issues.error(name, '', `could not be read: ${code === 'EISDIR' ? 'it is a folder' : (error as Error).message}`);
    return null;
  }
}

/** Reads the three files of an ibkr-portfolio-rebalancer folder. Missing files are warnings; nothing throws. */
export async function importLegacyFolder(folder: string): Promise<LegacyImport> {
  const issues = new ImportIssues();
  const files: LegacyImport['files'] = [];
  const settings: ImportedSettings = {};

  const envText = await readIfPresent(join(folder, LEGACY_FILES.env), issues, LEGACY_FILES.env);
  files.push({ file: LEGACY_FILES.env, found: envText !== null });
  if (envText !== null) Object.assign(settings, settingsFromEnv(parseDotEnv(envText, issues), issues));

  const setsText = await readIfPresent(
    join(folder, LEGACY_FILES.replacementSets),
    issues,
    LEGACY_FILES.replacementSets,
  );
  files.push({ file: LEGACY_FILES.replacementSets, found: setsText !== null });
  if (setsText !== null) {
    const sets = parseReplacementSetsYaml(setsText, issues);
    if (Object.keys(sets).length > 0) settings.replacementSets = sets;
  }

  const accountsText = await readIfPresent(join(folder, LEGACY_FILES.accounts), issues, LEGACY_FILES.accounts);
  files.push({ file: LEGACY_FILES.accounts, found: accountsText !== null });
  if (accountsText !== null) {
    const accounts = parseAccountsYaml(accountsText, issues, settings.tradingMode);
    if (accounts.length > 0) settings.accounts = accounts;
  }

  for (const { file, found } of files) if (!found) issues.warn(file, '', `not found in ${folder}`);
  if (files.every((f) => !f.found)) {
    issues.error(
      '',
      '',
      `${folder} has none of accounts.yaml, replacement-sets.yaml or .env — is it the ibkr-portfolio-rebalancer folder?`,
    );
  }
  const order: string[] = [LEGACY_FILES.accounts, LEGACY_FILES.replacementSets, LEGACY_FILES.env];
  const rank = (i: ImportIssue) => (order.includes(i.file) ? order.indexOf(i.file) : -1);
  const sorted = issues.list.map((issue, index) => ({ issue, index }));
  sorted.sort((a, b) => rank(a.issue) - rank(b.issue) || a.index - b.index);
  return { folder, files, settings, issues: sorted.map((s) => s.issue) };
}

/**
 * The current settings with the import laid over them: accounts replace those with the same id and are added
 * otherwise, replacement sets replace those with the same name, other imported fields win. To be validated with
 * `parseSettings` before saving.
 */
export function mergeImported(current: Settings, imported: ImportedSettings): Record<string, unknown> {
  const accounts = [...current.accounts] as Record<string, unknown>[];
  for (const account of imported.accounts ?? []) {
    const i = accounts.findIndex((a) => a.accountId === account.accountId);
    const previous = i >= 0 ? accounts[i] : undefined;
    const next = { ...(previous ?? {}), ...account };
    if (i >= 0) accounts[i] = next;
    else accounts.push(next);
  }
  return {
    ...current,
    ...(imported.tradingMode ? { tradingMode: imported.tradingMode } : {}),
    ...(imported.logLevel ? { logLevel: imported.logLevel } : {}),
    ib: { ...current.ib, ...(imported.ib ?? {}) },
    zehnlabs: { ...current.zehnlabs, ...(imported.zehnlabs ?? {}) },
    accounts,
    replacementSets: { ...current.replacementSets, ...(imported.replacementSets ?? {}) },
  };
}

/** One line per issue: `✕ accounts.yaml › accounts[1].account_id: "x1" is not an IB account id …`. */
export function formatIssues(issues: ImportIssue[]): string[] {
  return issues.map((i) => {
    const where = [i.file, i.field].filter(Boolean).join(' › ');
    return `${i.severity === 'error' ? '✕' : '!'} ${where ? `${where}: ` : ''}${i.message}`;
  });
}
