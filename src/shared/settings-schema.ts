import { z } from 'zod';
import { ACCOUNT_ID_PATTERN, COMMANDS, HOLD_ON_KINDS, LOG_LEVELS } from './dto';
import { DEFAULT_GATEWAY, GATEWAY_ID_MESSAGE, GATEWAY_ID_PATTERN } from './gateways';
import { restartWindowProblem } from './restart-window';
import { cronProblem, timeZoneProblem } from './schedule-times';

/**
 * The settings of PRODUCT.md §14 as a zod schema; every field has the default shown there. Every check carries its
 * message in words ("must be a port between 1 and 65535"): the settings-file loader, the API's 400 answers and the
 * Settings page all show these, never zod's own text. A field's one message covers every way it can be wrong (wrong
 * type, not whole, out of range), so it says what a good value is.
 */

/** A number field whose every failure (not a number, not whole, out of range) reads as `message`. */
function numberField(message: string, range: { min?: number; max?: number; above?: number; whole?: boolean }) {
  let n = z.number({ error: message });
  if (range.whole) n = n.int({ error: message });
  if (range.min !== undefined) n = n.min(range.min, { error: message });
  if (range.above !== undefined) n = n.gt(range.above, { error: message });
  if (range.max !== undefined) n = n.max(range.max, { error: message });
  return n;
}

const text = (message = 'must be text') => z.string({ error: message });
const flag = () => z.boolean({ error: 'must be true or false' });
const positiveMs = numberField('must be a whole number of milliseconds, at least 1', { whole: true, min: 1 });
const httpUrl = (message: string) => z.url({ protocol: /^https?$/, error: message });

export const accountSchema = z.object(
  {
    accountId: text('must look like an IB account id, e.g. DU123456 or U1234567')
      .trim()
      .regex(ACCOUNT_ID_PATTERN, { error: 'must look like an IB account id, e.g. DU123456 or U1234567' }),
    name: text().trim().default(''),
    type: z.enum(['paper', 'live'], { error: 'must be "paper" or "live"' }).default('paper'),
    enabled: flag().default(true),
    strategy: text('must be a strategy slug: lower-case letters, digits and hyphens')
      .trim()
      .regex(/^[a-z0-9][a-z0-9-]*$/, { error: 'must be a strategy slug: lower-case letters, digits and hyphens' }),
    cashReservePercent: numberField('must be a percentage from 0 to 100', { min: 0, max: 100 }).default(1),
    replacementSet: text('must be the name of a replacement set, or none')
      .trim()
      .min(1, { error: 'must be the name of a replacement set, or none' })
      .nullable()
      .default(null),
    /** §21: never sell today what was bought today while the account is under $25 000 with no day trades left. */
    pdtGuard: flag().default(true),
    /** §19: trade at once (`auto`), wait for the trader (`confirm`), or wait `approvalMinutes` then trade (`timer`). */
    approval: z.enum(['auto', 'confirm', 'timer'], { error: 'must be auto, confirm or timer' }).default('auto'),
    approvalMinutes: numberField(
      'must be a number of minutes above 0 and at most 10080 (fractions allowed: 0.1 = 6 s)',
      {
        above: 0,
        max: 10_080,
      },
    ).default(10),
    /** §27: what a `rebalance` without `payload.mode` does: trade both ways, or only buy with the cash at hand. */
    rebalanceMode: z.enum(['full', 'buy-only'], { error: 'must be "full" or "buy-only"' }).default('full'),
    /** §27: on a detected deposit or withdrawal, notify, also queue a buy-only rebalance (`top-up`), or do nothing. */
    cashFlow: z
      .enum(['notify', 'top-up', 'ignore'], { error: 'must be "notify", "top-up" or "ignore"' })
      .default('notify'),
    /** §28: the id of the IB Gateway login that manages this account; left out (or "default") is the `ib` block. */
    gateway: text(GATEWAY_ID_MESSAGE).trim().regex(GATEWAY_ID_PATTERN, { error: GATEWAY_ID_MESSAGE }).optional(),
  },
  { error: 'must be an account: an object with accountId and strategy' },
);

export const replacementSchema = z.object(
  {
    source: text('must be a ticker symbol, e.g. DBC')
      .trim()
      .min(1, { error: 'must be a ticker symbol, e.g. DBC' })
      .toUpperCase(),
    target: text('must be a ticker symbol, e.g. PDBC')
      .trim()
      .min(1, { error: 'must be a ticker symbol, e.g. PDBC' })
      .toUpperCase(),
    scale: numberField('must be a number above 0 and at most 10', { above: 0, max: 10 }).default(1),
  },
  { error: 'must be a replacement: an object with source, target and scale' },
);

const redisEndpoint = z.object(
  {
    host: text('must name a host, e.g. 10.0.0.5')
      .trim()
      .min(1, { error: 'must name a host, e.g. 10.0.0.5' })
      // §18: a password in a node's host would sit where nothing masks it.
      .refine((host) => !/[@/]/.test(host), {
        error: 'must name a host, e.g. 10.0.0.5 — a host only, no URL or password',
      }),
    port: numberField('must be a port between 1 and 65535', { whole: true, min: 1, max: 65_535 }),
  },
  { error: 'must be an address: an object with host and port' },
);

const optionalPath = (what: string) =>
  text(`must be the path of ${what}, or empty for none`)
    .min(1, { error: `must be the path of ${what}, or empty for none` })
    .nullable()
    .default(null);

const redisSchema = z
  .object(
    {
      url: text('must start with redis:// or rediss://')
        .regex(/^rediss?:\/\//, { error: 'must start with redis:// or rediss://' })
        .nullable()
        .default(null),
      binary: text('must be the path of a redis-server binary, or empty to find it on PATH')
        .min(1, { error: 'must be the path of a redis-server binary, or empty to find it on PATH' })
        .nullable()
        .default(null),
      keyPrefix: text().default(''),
      /** TLS files for `rediss://`, Sentinel or Cluster (§22): paths to PEM files. */
      tls: z
        .object(
          {
            ca: optionalPath('a PEM CA certificate file'),
            cert: optionalPath('a PEM client certificate file'),
            key: optionalPath('a PEM client key file'),
            rejectUnauthorized: flag().default(true),
          },
          { error: 'must be an object of TLS file paths {ca, cert, key, rejectUnauthorized}' },
        )
        .nullable()
        .default(null),
      sentinel: z
        .object(
          {
            masterName: text("must name the master, as in the sentinels' configuration")
              .trim()
              .min(1, { error: "must name the master, as in the sentinels' configuration" }),
            sentinels: z
              .array(redisEndpoint, { error: 'must list at least one sentinel {host, port}' })
              .min(1, { error: 'must list at least one sentinel {host, port}' }),
            password: text().nullable().default(null),
          },
          { error: 'must be an object {masterName, sentinels, password?}' },
        )
        .nullable()
        .default(null),
      cluster: z
        .array(redisEndpoint, { error: 'must list at least one cluster node {host, port}' })
        .min(1, { error: 'must list at least one cluster node {host, port}' })
        .nullable()
        .default(null),
      /** Acknowledge an enqueue or completion only after `WAIT minReplicas 1000` confirms it (§22). */
      minReplicas: numberField('must be a whole number of replicas, 0 or more', { whole: true, min: 0 }).default(0),
    },
    { error: 'must be an object of Redis settings' },
  )
  .superRefine((r, ctx) => {
    const set = [r.url && 'url', r.sentinel && 'sentinel', r.cluster && 'cluster'].filter(Boolean);
    if (set.length > 1) {
      ctx.addIssue({
        code: 'custom',
        path: [String(set[1])],
        message: `set only one of redis.url, redis.sentinel and redis.cluster (${set.join(' and ')} are both set)`,
      });
    }
  });

const restartWindowField = () =>
  text('must be "HH:MM-HH:MM Time/Zone", e.g. "23:40-00:15 America/New_York", or empty for none')
    .trim()
    .superRefine((value, ctx) => {
      const problem = restartWindowProblem(value);
      if (problem) ctx.addIssue({ code: 'custom', message: problem });
    })
    .nullable();

const gatewayPort = () => numberField('must be a port between 1 and 65535', { whole: true, min: 1, max: 65_535 });
const gatewayClientId = () =>
  numberField('must be a whole number from 0 to 2147483647, or empty to draw one', {
    whole: true,
    min: 0,
    max: 2_147_483_647,
  }).nullable();

const ibSchema = z.object(
  {
    host: text('must be a host name or address, e.g. 127.0.0.1')
      .min(1, { error: 'must be a host name or address, e.g. 127.0.0.1' })
      .default('127.0.0.1'),
    port: gatewayPort().default(4002),
    clientId: gatewayClientId().default(null),
    marketDataType: z
      .literal([1, 2, 3, 4], { error: 'must be 1 (live), 2 (frozen), 3 (delayed) or 4 (delayed frozen)' })
      .default(1),
    connectTimeoutMs: positiveMs.default(5_000),
    requestTimeoutMs: positiveMs.default(10_000),
    reconnectDelayMs: positiveMs.default(5_000),
    /** IB Gateway's daily restart (§21): `"HH:MM-HH:MM Time/Zone"`; null turns the guard off. */
    restartWindow: restartWindowField().default('23:40-00:15 America/New_York'),
  },
  { error: 'must be an object of IB Gateway settings' },
);

/**
 * §28 one more IB Gateway login (a spouse's or a parent's): its own connection, client id, pacing budget, market data
 * and restart window. The `ib` block stays the gateway "default"; its other settings (market data type, timeouts) apply
 * to every gateway. `restartWindow` left out follows `ib.restartWindow`; null turns the guard off for this gateway.
 */
export const gatewaySchema = z.object(
  {
    id: text(GATEWAY_ID_MESSAGE).trim().regex(GATEWAY_ID_PATTERN, { error: GATEWAY_ID_MESSAGE }),
    label: text('must be text').trim().default(''),
    host: text('must be a host name or address, e.g. 127.0.0.1')
      .trim()
      .min(1, { error: 'must be a host name or address, e.g. 127.0.0.1' })
      .default('127.0.0.1'),
    port: gatewayPort(),
    clientId: gatewayClientId().default(null),
    restartWindow: restartWindowField().optional(),
  },
  { error: 'must be a gateway: an object with id, label, host and port' },
);

const orderType = z.enum(['MKT', 'LMT'], { error: 'must be MKT (market) or LMT (limit)' });

const zehnlabsSchema = z.object(
  {
    realtimeApiKey: text().default(''),
    allocationsApiKey: text().default(''),
    allocationsUrl: httpUrl('must be an http:// or https:// URL').default(
      'https://workers.fintech.zehnlabs.com/api/v1/strategies',
    ),
    realtime: z
      .record(z.string(), z.unknown(), { error: 'must be a JSON object of Ably client options, {} for none' })
      .default({}),
    autoCatchUp: flag().default(false),
    /** §25: a plan whose allocation `as_of` is older than this many days carries a warning. */
    staleAllocationDays: numberField('must be a whole number of days, at least 1', { whole: true, min: 1 }).default(45),
  },
  { error: 'must be an object of Zehnlabs settings' },
);

const ordersSchema = z.object(
  {
    type: orderType.default('MKT'),
    /** Order type of buys / sells (§23); null = `type`. */
    buyType: orderType.nullable().default(null),
    sellType: orderType.nullable().default(null),
    timeInForce: z.enum(['DAY', 'GTC'], { error: 'must be DAY or GTC' }).default('DAY'),
    outsideRth: flag().default(false),
    limitOffsetPercent: numberField('must be a percentage from 0 to 10', { min: 0, max: 10 }).default(0.5),
    fillTimeoutMs: positiveMs.default(300_000),
    minTradeValue: numberField('must be an amount of 0 or more', { min: 0 }).default(0),
    whatIf: flag().default(true),
  },
  { error: 'must be an object of order settings' },
);

/** Risk limits (§23), checked by the planner before any order; null = no limit. */
const limitsSchema = z.object(
  {
    maxOrderValue: numberField('must be an amount above 0 (USD), or empty for no limit', { above: 0 })
      .nullable()
      .default(null),
    maxTurnoverPercent: numberField('must be a percentage above 0, or empty for no limit', { above: 0 })
      .nullable()
      .default(200),
    maxAllocationChangePercent: numberField('must be a percentage above 0 and at most 100, or empty for no limit', {
      above: 0,
      max: 100,
    })
      .nullable()
      .default(null),
  },
  { error: 'must be an object of risk limits' },
);

const queueSchema = z.object(
  {
    retryDelayMs: positiveMs.default(60_000),
    concurrency: numberField('must be a whole number of workers from 1 to 64', {
      whole: true,
      min: 1,
      max: 64,
    }).default(4),
    leaseMs: numberField('must be a whole number of milliseconds, at least 1000', { whole: true, min: 1_000 }).default(
      30_000,
    ),
    holdOn: z
      .array(z.enum(HOLD_ON_KINDS, { error: `must be one of ${HOLD_ON_KINDS.join(', ')}` }), {
        error: `must be a list of error kinds (${HOLD_ON_KINDS.join(', ')})`,
      })
      .default([]),
    historyLimit: numberField('must be a whole number of entries, at least 100', { whole: true, min: 100 }).default(
      100_000,
    ),
    retainDoneDays: numberField('must be a number of days, 0 or more', { min: 0 }).default(90),
  },
  { error: 'must be an object of queue settings' },
);

/** A scheduled command (§21): fires at each `cron` time in `timezone` for the listed accounts, or for "all". */
export const scheduleSchema = z
  .object(
    {
      id: text('must be letters, digits, "-" or "_" (it is part of each event id)')
        .trim()
        .regex(/^[A-Za-z0-9][A-Za-z0-9_-]*$/, {
          error: 'must be letters, digits, "-" or "_" (it is part of each event id)',
        }),
      cron: text('needs a cron pattern, e.g. "35 9 * * 1-5"')
        .trim()
        .min(1, { error: 'needs a cron pattern, e.g. "35 9 * * 1-5"' }),
      timezone: text('must be an IANA time zone, e.g. America/New_York').trim().default('America/New_York'),
      accounts: z
        .union(
          [
            z.literal('all'),
            z
              .array(text('must be an account id').trim().min(1, { error: 'must be an account id' }))
              .min(1, { error: 'list at least one account, or "all"' }),
          ],
          { error: 'must be "all" or a list of account ids' },
        )
        .default('all'),
      command: z.enum(COMMANDS, { error: `must be one of ${COMMANDS.join(', ')}` }),
      onlyIfDriftAbovePercent: numberField('must be a percentage from 0 to 100, or empty for always', {
        min: 0,
        max: 100,
      })
        .nullable()
        .optional(),
    },
    { error: 'must be a schedule: an object with id, cron, accounts and command' },
  )
  .superRefine((schedule, ctx) => {
    const zone = timeZoneProblem(schedule.timezone);
    if (zone) {
      ctx.addIssue({ code: 'custom', path: ['timezone'], message: zone });
      return;
    }
    const cron = cronProblem(schedule.cron, schedule.timezone);
    if (cron) ctx.addIssue({ code: 'custom', path: ['cron'], message: cron });
  });

const managementSchema = z.object(
  {
    host: text('must be a host name or address, e.g. 127.0.0.1')
      .min(1, { error: 'must be a host name or address, e.g. 127.0.0.1' })
      .default('127.0.0.1'),
    port: numberField('must be a port between 0 and 65535 (0 picks a free port)', {
      whole: true,
      min: 0,
      max: 65_535,
    }).default(8765),
    token: text().default(''),
    /** HTTPS for the API and window (§22): PEM file paths. Needed for a host other than loopback. */
    tls: z
      .object(
        {
          cert: text('must be the path of a PEM certificate file').min(1, {
            error: 'must be the path of a PEM certificate file',
          }),
          key: text('must be the path of a PEM private key file').min(1, {
            error: 'must be the path of a PEM private key file',
          }),
        },
        { error: 'must be an object {cert, key} of PEM file paths' },
      )
      .nullable()
      .default(null),
  },
  { error: 'must be an object of management API settings' },
);

const notificationsSchema = z.object(
  {
    desktop: flag().default(true),
    ntfyUrl: httpUrl('must be an http:// or https:// URL, or empty for none').nullable().default(null),
    ntfyTopic: text('must be a topic name, or empty for none')
      .trim()
      .min(1, { error: 'must be a topic name, or empty for none' })
      .nullable()
      .default(null),
  },
  { error: 'must be an object of notification settings' },
);

/** §20 drift monitor: read-only checks of every enabled account's drift from its targets during liquid hours. */
const driftSchema = z.object(
  {
    checkMinutes: numberField('must be a number of minutes from 0 (off) to 10080 (fractions allowed: 0.1 = 6 s)', {
      min: 0,
      max: 10_080,
    }).default(15),
    alertPercent: numberField('must be a percentage above 0 and at most 100', { above: 0, max: 100 }).default(5),
    autoRebalance: flag().default(false),
  },
  { error: 'must be an object of drift monitor settings {checkMinutes, alertPercent, autoRebalance}' },
);

/** §27 cash flows: a change of cash the app's own fills and commissions do not explain, from this many USD. */
const cashFlowsSchema = z.object(
  {
    minAmount: numberField('must be an amount of USD above 0', { above: 0 }).default(500),
  },
  { error: 'must be an object of cash-flow settings {minAmount}' },
);

/** True for 127.0.0.0/8, ::1 and localhost: an address only this machine reaches. */
export function isLoopbackHost(host: string): boolean {
  const h = host.replace(/^\[|\]$/g, '').toLowerCase();
  return h === 'localhost' || h === '::1' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(h);
}

const REMOTE_URL_MESSAGE =
  'must be the https:// address of a Rebalance Desk server, e.g. https://desk.example:8765 (http:// only on this ' +
  'machine: 127.0.0.1 or localhost), or empty to run the core here';

/** Why `url` is not a usable `remote.url`, or null. */
function remoteUrlProblem(url: string): string | null {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return REMOTE_URL_MESSAGE;
  }
  if (parsed.protocol !== 'https:' && !(parsed.protocol === 'http:' && isLoopbackHost(parsed.hostname))) {
    return REMOTE_URL_MESSAGE;
  }
  if (parsed.username || parsed.password || parsed.search || parsed.hash || !['', '/'].includes(parsed.pathname)) {
    return "must be only the server's address (scheme, host and port), e.g. https://desk.example:8765; the token goes in remote.token";
  }
  return null;
}

/**
 * §22: the desktop app attached to a core on another machine instead of running its own. `token` is that core's
 * `management.token` (a secret: keychain, masked on read); `ca` a PEM file of the CA that signed its certificate, or
 * its self-signed certificate itself, trusted for that host only.
 */
const remoteSchema = z.object(
  {
    url: text(REMOTE_URL_MESSAGE)
      .trim()
      .superRefine((url, ctx) => {
        const problem = remoteUrlProblem(url);
        if (problem) ctx.addIssue({ code: 'custom', message: problem });
      })
      .nullable()
      .default(null),
    token: text().default(''),
    ca: text("must be the path of a PEM certificate file (the CA or the server's own), or empty for the system CAs")
      .trim()
      .min(1, {
        error: "must be the path of a PEM certificate file (the CA or the server's own), or empty for the system CAs",
      })
      .nullable()
      .default(null),
  },
  { error: 'must be an object {url, token, ca} naming the remote core' },
);

export const settingsSchema = z
  .object({
    tradingMode: z.enum(['paper', 'live'], { error: 'must be "paper" or "live"' }).default('paper'),
    dataDir: text('must be a folder path, or empty for the default')
      .min(1, { error: 'must be a folder path, or empty for the default' })
      .nullable()
      .default(null),
    redis: redisSchema.prefault({}),
    ib: ibSchema.prefault({}),
    /** §28: IB Gateway logins beside the `ib` block's ("default"); each account names its own in `gateway`. */
    gateways: z.array(gatewaySchema, { error: 'must be a list of gateways' }).optional(),
    zehnlabs: zehnlabsSchema.prefault({}),
    accounts: z.array(accountSchema, { error: 'must be a list of accounts' }).default([]),
    replacementSets: z
      .record(z.string(), z.array(replacementSchema, { error: 'must be a list of replacements' }), {
        error: 'must be an object of named replacement sets',
      })
      .default({}),
    orders: ordersSchema.prefault({}),
    limits: limitsSchema.prefault({}),
    queue: queueSchema.prefault({}),
    management: managementSchema.prefault({}),
    notifications: notificationsSchema.prefault({}),
    schedules: z.array(scheduleSchema, { error: 'must be a list of schedules' }).default([]),
    /**
     * §29: on resume from sleep, a schedule whose firing passed during the sleep less than this many minutes ago fires
     * once (`schedules` is a list, so the grace sits beside it).
     */
    scheduleGraceMinutes: numberField('must be a number of minutes from 0 to 1440', { min: 0, max: 1_440 }).default(30),
    /** §29 desktop app: start at log-in, in the tray (no window). */
    desktop: z
      .object({ launchAtLogin: flag().default(false) }, { error: 'must be an object {launchAtLogin}' })
      .prefault({}),
    drift: driftSchema.prefault({}),
    cashFlows: cashFlowsSchema.prefault({}),
    remote: remoteSchema.prefault({}),
    logLevel: z.enum(LOG_LEVELS, { error: `must be one of ${LOG_LEVELS.join(', ')}` }).default('info'),
  })
  .superRefine((s, ctx) => {
    const gatewayIds = new Set<string>([DEFAULT_GATEWAY]);
    const addresses = new Map<string, string>([[`${s.ib.host}:${s.ib.port}`, `${DEFAULT_GATEWAY} (the ib block)`]]);
    (s.gateways ?? []).forEach((g, i) => {
      if (g.id === DEFAULT_GATEWAY) {
        ctx.addIssue({
          code: 'custom',
          path: ['gateways', i, 'id'],
          message: 'gateway id "default" is the ib block\'s: give this gateway another id',
        });
      } else if (gatewayIds.has(g.id)) {
        ctx.addIssue({ code: 'custom', path: ['gateways', i, 'id'], message: `gateway id ${g.id} is used twice` });
      }
      gatewayIds.add(g.id);
      const address = `${g.host}:${g.port}`;
      const other = addresses.get(address);
      if (other !== undefined) {
        ctx.addIssue({
          code: 'custom',
          path: ['gateways', i, 'port'],
          message: `${address} is already gateway ${other}: each login has its own gateway port`,
        });
      } else addresses.set(address, g.id);
    });
    const seen = new Set<string>();
    s.accounts.forEach((a, i) => {
      if (a.gateway !== undefined && !gatewayIds.has(a.gateway)) {
        ctx.addIssue({
          code: 'custom',
          path: ['accounts', i, 'gateway'],
          message: `gateway "${a.gateway}" is not defined: add it under gateways, or use "default" (the ib block)`,
        });
      }
      if (seen.has(a.accountId)) {
        ctx.addIssue({ code: 'custom', path: ['accounts', i, 'accountId'], message: `${a.accountId} is listed twice` });
      }
      seen.add(a.accountId);
      if (a.replacementSet !== null && !(a.replacementSet in s.replacementSets)) {
        ctx.addIssue({
          code: 'custom',
          path: ['accounts', i, 'replacementSet'],
          message: `replacement set "${a.replacementSet}" is not defined in replacementSets`,
        });
      }
    });
    const scheduleIds = new Set<string>();
    const accountIds = new Set(s.accounts.map((a) => a.accountId));
    s.schedules.forEach((schedule, i) => {
      if (scheduleIds.has(schedule.id)) {
        ctx.addIssue({
          code: 'custom',
          path: ['schedules', i, 'id'],
          message: `schedule id ${schedule.id} is used twice`,
        });
      }
      scheduleIds.add(schedule.id);
      if (schedule.accounts === 'all') return;
      schedule.accounts.forEach((accountId, j) => {
        if (!accountIds.has(accountId)) {
          ctx.addIssue({
            code: 'custom',
            path: ['schedules', i, 'accounts', j],
            message: `account ${accountId} is not in accounts`,
          });
        }
      });
    });
  });

export type Settings = z.infer<typeof settingsSchema>;
export type SettingsInput = z.input<typeof settingsSchema>;
export type AccountSettings = z.infer<typeof accountSchema>;
export type Replacement = z.infer<typeof replacementSchema>;
export type OrderSettings = Settings['orders'];
export type LimitSettings = Settings['limits'];
export type QueueSettings = Settings['queue'];
export type ScheduleSettings = z.infer<typeof scheduleSchema>;
export type DriftSettings = Settings['drift'];
export type RemoteSettings = Settings['remote'];
export type GatewaySettings = z.infer<typeof gatewaySchema>;

/** The secret fields (§14): write-only in the UI, masked on read, never logged. */
export const SECRET_PATHS = [
  'zehnlabs.realtimeApiKey',
  'zehnlabs.allocationsApiKey',
  'management.token',
  'remote.token',
] as const;
export type SecretPath = (typeof SECRET_PATHS)[number];

/** Credentials the Ably client accepts inside `zehnlabs.realtime` (§18): masked on read, kept on write, never logged. */
export const REALTIME_CREDENTIALS = ['key', 'token', 'tokenDetails', 'authHeaders', 'authParams', 'password'] as const;

/** The commands an account can be asked to run, re-exported for settings-driven UIs. */
export const ACCOUNT_COMMANDS = COMMANDS;

/** Every default of §14. */
export function defaultSettings(): Settings {
  return settingsSchema.parse({});
}
