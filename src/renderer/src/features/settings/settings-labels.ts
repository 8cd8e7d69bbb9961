/**
 * What the error summary calls a field (§26): the words its box is labelled with and where it is, never a path —
 * "Account DU1000004 › Cash reserve %", "IB Gateway / TWS › Port", "Schedule open › Cron". A key this table does not
 * know (a misspelt one in the settings file, say) is still named by its section and its own words.
 */
import { getAt } from './settings-paths';
import type { SettingsSectionTitle } from './settings-sections';

/** The section each top-level setting is shown in. */
const SECTION_OF: Record<string, SettingsSectionTitle> = {
  tradingMode: 'Trading mode',
  accounts: 'Accounts',
  replacementSets: 'Replacement sets',
  schedules: 'Approval and schedules',
  orders: 'Orders and limits',
  limits: 'Orders and limits',
  drift: 'Drift monitor',
  cashFlows: 'Cash flows',
  notifications: 'Notifications and logging',
  logLevel: 'Notifications and logging',
  ib: 'IB Gateway / TWS',
  zehnlabs: 'Zehnlabs',
  dataDir: 'Storage and Redis',
  redis: 'Storage and Redis',
  queue: 'Queue',
  management: 'Management API',
  desktop: 'This computer',
  scheduleGraceMinutes: 'This computer',
  remote: 'Remote core',
};

/** The labels of the fields at fixed paths, exactly as their boxes show them. */
const FIELD_LABELS: Record<string, string> = {
  tradingMode: 'Trading mode',
  dataDir: 'Data directory',
  'redis.binary': 'redis-server binary',
  'redis.keyPrefix': 'Key prefix',
  'redis.url': 'Redis URL',
  'redis.sentinel.masterName': 'Master name',
  'redis.sentinel.password': 'Password',
  'redis.sentinel.sentinels': 'Sentinels',
  'redis.cluster': 'Cluster nodes',
  'redis.minReplicas': 'Replicas that must confirm each write',
  'redis.tls.ca': 'CA certificate',
  'redis.tls.cert': 'Client certificate',
  'redis.tls.key': 'Client key',
  'redis.tls.rejectUnauthorized': 'Refuse an untrusted server certificate',
  'ib.host': 'Host',
  'ib.port': 'Port',
  'ib.clientId': 'Client id',
  'ib.marketDataType': 'Market data type',
  'ib.connectTimeoutMs': 'Connect timeout',
  'ib.requestTimeoutMs': 'Request timeout',
  'ib.reconnectDelayMs': 'Reconnect delay',
  'ib.restartWindow': 'Daily restart window',
  'zehnlabs.realtimeApiKey': 'Realtime API key',
  'zehnlabs.allocationsApiKey': 'Allocations API key',
  'zehnlabs.allocationsUrl': 'Allocations URL',
  'zehnlabs.autoCatchUp': 'Catch up automatically',
  'zehnlabs.staleAllocationDays': 'Stale allocation after (days)',
  'zehnlabs.realtime': 'Realtime client options (JSON)',
  'orders.type': 'Order type',
  'orders.buyType': 'Buy order type',
  'orders.sellType': 'Sell order type',
  'orders.timeInForce': 'Time in force',
  'orders.limitOffsetPercent': 'Limit offset',
  'orders.fillTimeoutMs': 'Fill timeout',
  'orders.minTradeValue': 'Minimum trade value',
  'orders.outsideRth': 'Trade outside regular hours',
  'orders.whatIf': 'What-if check before sending',
  'limits.maxOrderValue': 'Largest order',
  'limits.maxTurnoverPercent': 'Largest turnover',
  'limits.maxAllocationChangePercent': 'Largest allocation change',
  'queue.retryDelayMs': 'Retry delay',
  'queue.concurrency': 'Workers',
  'queue.leaseMs': 'Lease',
  'queue.holdOn': 'Hold instead of retrying on',
  'queue.historyLimit': 'History kept (entries)',
  'queue.retainDoneDays': 'Keep done events',
  'management.host': 'Host',
  'management.port': 'Port',
  'management.token': 'Management token',
  'notifications.desktop': 'Desktop notifications',
  'notifications.ntfyUrl': 'ntfy server URL',
  'notifications.ntfyTopic': 'ntfy topic',
  logLevel: 'Log level',
  'drift.checkMinutes': 'Check every',
  'drift.alertPercent': 'Alert above',
  'drift.autoRebalance': 'Rebalance when drifted',
  'cashFlows.minAmount': 'Smallest cash flow',
  'desktop.launchAtLogin': 'Launch at login',
  scheduleGraceMinutes: 'Missed schedule grace',
  'remote.url': 'Server URL',
  'remote.token': 'Token',
  'remote.ca': 'CA certificate',
};

const ACCOUNT_FIELDS: Record<string, string> = {
  accountId: 'Account id',
  name: 'Name',
  type: 'Type',
  enabled: 'Enabled',
  pdtGuard: 'PDT guard',
  strategy: 'Strategy',
  cashReservePercent: 'Cash reserve %',
  replacementSet: 'Replacement set',
  approval: 'Approval',
  approvalMinutes: 'Approval minutes',
  rebalanceMode: 'Rebalance mode',
  cashFlow: 'On a cash flow',
  gateway: 'Gateway',
};

const SCHEDULE_FIELDS: Record<string, string> = {
  id: 'Id',
  cron: 'When',
  timezone: 'Time zone',
  accounts: 'Accounts',
  command: 'Command',
  onlyIfDriftAbovePercent: 'Only if drift above',
};

const REPLACEMENT_FIELDS: Record<string, string> = {
  source: 'Source symbol',
  target: 'Target symbol',
  scale: 'Scale',
};

const ENDPOINT_LISTS: Record<string, string> = { 'redis.sentinel.sentinels': 'Sentinel', 'redis.cluster': 'Node' };

/** "connectTimeoutMs" → "connect timeout ms": the words of a key nobody labelled. */
function words(key: string): string {
  return key.replace(/([a-z0-9])([A-Z])/g, '$1 $2').toLowerCase();
}

const text = (value: unknown): string => (typeof value === 'string' ? value.trim() : '');

/** `rest` (the segments after a row) in words, through `labels`. */
function rowField(rest: string[], labels: Record<string, string>): string | null {
  if (rest.length === 0) return null;
  const [key = '', ...deeper] = rest;
  const label = labels[key] ?? words(key);
  return deeper.length > 0 ? `${label} (${deeper.map((d) => (/^\d+$/.test(d) ? Number(d) + 1 : d)).join(' ')})` : label;
}

/**
 * The name of the field at `path` (a dotted key of the draft, `settings.` dropped), for a person: its section or row,
 * then its label. `settings` is the draft, which names the rows (an account by its id, a schedule by its id).
 */
export function fieldLabel(path: string, settings: unknown): string {
  if (path === '') return 'Settings';
  const [head = '', ...rest] = path.split('.');
  if (head === 'accounts' && rest.length > 0) {
    const [index = '', ...field] = rest;
    const id = text(getAt(settings, `accounts.${index}.accountId`)) || `row ${Number(index) + 1}`;
    const label = rowField(field, ACCOUNT_FIELDS);
    return label ? `Account ${id} › ${label}` : `Account ${id}`;
  }
  if (head === 'schedules' && rest.length > 0) {
    const [index = '', ...field] = rest;
    const id = text(getAt(settings, `schedules.${index}.id`)) || `row ${Number(index) + 1}`;
    const label = rowField(field, SCHEDULE_FIELDS);
    return label ? `Schedule ${id} › ${label}` : `Schedule ${id}`;
  }
  if (head === 'replacementSets' && rest.length > 0) {
    const [name = '', index, ...field] = rest;
    const set = `Replacement set ${name}`;
    if (index === undefined) return set;
    const label = rowField(field, REPLACEMENT_FIELDS);
    return `${set} › row ${Number(index) + 1}${label ? ` › ${label}` : ''}`;
  }
  for (const [list, what] of Object.entries(ENDPOINT_LISTS)) {
    const match = new RegExp(`^${list.replace(/\./g, '\\.')}\\.(\\d+)(?:\\.(\\w+))?$`).exec(path);
    if (match) return `Storage and Redis › ${what} ${Number(match[1]) + 1}${match[2] ? ` ${words(match[2])}` : ''}`;
  }
  const section = SECTION_OF[head] ?? words(head);
  // The longest part of the path that has a label, then the rest in words ("Zehnlabs › Realtime client options
  // (JSON) › key").
  const parts = path.split('.');
  for (let n = parts.length; n > 0; n--) {
    const known = FIELD_LABELS[parts.slice(0, n).join('.')];
    if (known)
      return [section === known ? null : section, known, ...parts.slice(n).map(words)].filter(Boolean).join(' › ');
  }
  return [section, ...rest.map(words)].join(' › ');
}

/**
 * The element to focus for an issue at `path`: its box (marked `data-settings-path`), else the box of the nearest
 * enclosing setting shown (a whole row or list), else null (the caller goes to the section).
 */
export function fieldElement(path: string, root: ParentNode = document): HTMLElement | null {
  const parts = path.split('.');
  while (parts.length > 0) {
    const found = root.querySelector<HTMLElement>(
      `[data-settings-path="${parts.join('.').replace(/["\\]/g, '\\$&')}"]`,
    );
    if (found) return found;
    parts.pop();
  }
  return null;
}

/** The section an issue at `path` belongs to. */
export function sectionOfPath(path: string): SettingsSectionTitle | null {
  return SECTION_OF[path.split('.')[0] ?? ''] ?? null;
}
