import { z } from 'zod';
import { COMMANDS } from '../../shared/dto';

/** The settings of PRODUCT.md §14 as a zod schema; every field has the default shown there. */

const port = z.number().int().min(0).max(65_535);
const positiveMs = z.number().int().min(1);

export const accountSchema = z.object({
  accountId: z
    .string()
    .trim()
    .regex(/^[A-Z]{1,3}\d{3,12}$/, 'must look like an IB account id, e.g. DU123456 or U1234567'),
  name: z.string().trim().default(''),
  type: z.enum(['paper', 'live']).default('paper'),
  enabled: z.boolean().default(true),
  strategy: z
    .string()
    .trim()
    .regex(/^[a-z0-9][a-z0-9-]*$/, 'must be a strategy slug: lower-case letters, digits and hyphens'),
  cashReservePercent: z.number().min(0).max(100).default(1),
  replacementSet: z.string().trim().min(1).nullable().default(null),
  /** §19: trade at once (`auto`), wait for the trader (`confirm`), or wait `approvalMinutes` then trade (`timer`). */
  approval: z.enum(['auto', 'confirm', 'timer'], { error: () => 'must be auto, confirm or timer' }).default('auto'),
  approvalMinutes: z
    .number({ error: () => 'must be a number of minutes (fractions allowed: 0.1 = 6 s)' })
    .gt(0, 'must be more than 0 minutes (fractions allowed: 0.1 = 6 s)')
    .max(10_080, 'must be at most 10080 minutes (one week)')
    .default(10),
});

export const replacementSchema = z.object({
  source: z.string().trim().min(1).toUpperCase(),
  target: z.string().trim().min(1).toUpperCase(),
  scale: z.number().positive().max(10).default(1),
});

const redisSchema = z.object({
  url: z
    .string()
    .regex(/^rediss?:\/\//, 'must start with redis:// or rediss://')
    .nullable()
    .default(null),
  binary: z.string().min(1).nullable().default(null),
  keyPrefix: z.string().default(''),
});

const ibSchema = z.object({
  host: z.string().min(1).default('127.0.0.1'),
  port: port.refine((p) => p > 0, 'must be a port between 1 and 65535').default(4002),
  clientId: z.number().int().min(0).max(2_147_483_647).nullable().default(null),
  marketDataType: z.union([z.literal(1), z.literal(2), z.literal(3), z.literal(4)]).default(1),
  connectTimeoutMs: positiveMs.default(5_000),
  requestTimeoutMs: positiveMs.default(10_000),
  reconnectDelayMs: positiveMs.default(5_000),
});

const zehnlabsSchema = z.object({
  realtimeApiKey: z.string().default(''),
  allocationsApiKey: z.string().default(''),
  allocationsUrl: z.url({ protocol: /^https?$/ }).default('https://workers.fintech.zehnlabs.com/api/v1/strategies'),
  realtime: z.record(z.string(), z.unknown()).default({}),
  autoCatchUp: z.boolean().default(false),
});

const ordersSchema = z.object({
  type: z.enum(['MKT', 'LMT']).default('MKT'),
  timeInForce: z.enum(['DAY', 'GTC']).default('DAY'),
  outsideRth: z.boolean().default(false),
  limitOffsetPercent: z.number().min(0).max(10).default(0.5),
  fillTimeoutMs: positiveMs.default(300_000),
  minTradeValue: z.number().min(0).default(0),
  whatIf: z.boolean().default(true),
});

const queueSchema = z.object({
  retryDelayMs: positiveMs.default(60_000),
  concurrency: z.number().int().min(1).max(64).default(4),
  leaseMs: z.number().int().min(1_000).default(30_000),
  holdOn: z.array(z.enum(['transient', 'market-closed', 'rejected', 'partial', 'invalid'])).default([]),
  historyLimit: z.number().int().min(100).default(100_000),
  retainDoneDays: z.number().min(0).default(90),
});

const managementSchema = z.object({
  host: z.string().min(1).default('127.0.0.1'),
  port: port.default(8765),
  token: z.string().default(''),
});

const notificationsSchema = z.object({
  desktop: z.boolean().default(true),
  ntfyUrl: z
    .url({ protocol: /^https?$/ })
    .nullable()
    .default(null),
  ntfyTopic: z.string().trim().min(1).nullable().default(null),
});

export const settingsSchema = z
  .object({
    tradingMode: z.enum(['paper', 'live']).default('paper'),
    dataDir: z.string().min(1).nullable().default(null),
    redis: redisSchema.prefault({}),
    ib: ibSchema.prefault({}),
    zehnlabs: zehnlabsSchema.prefault({}),
    accounts: z.array(accountSchema).default([]),
    replacementSets: z.record(z.string(), z.array(replacementSchema)).default({}),
    orders: ordersSchema.prefault({}),
    queue: queueSchema.prefault({}),
    management: managementSchema.prefault({}),
    notifications: notificationsSchema.prefault({}),
    logLevel: z.enum(['trace', 'debug', 'info', 'warn', 'error', 'fatal']).default('info'),
  })
  .superRefine((s, ctx) => {
    const seen = new Set<string>();
    s.accounts.forEach((a, i) => {
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
  });

export type Settings = z.infer<typeof settingsSchema>;
export type SettingsInput = z.input<typeof settingsSchema>;
export type AccountSettings = z.infer<typeof accountSchema>;
export type Replacement = z.infer<typeof replacementSchema>;
export type OrderSettings = Settings['orders'];
export type QueueSettings = Settings['queue'];

/** The secret fields (§14): write-only in the UI, masked on read, never logged. */
export const SECRET_PATHS = ['zehnlabs.realtimeApiKey', 'zehnlabs.allocationsApiKey', 'management.token'] as const;
export type SecretPath = (typeof SECRET_PATHS)[number];

/** The commands an account can be asked to run, re-exported for settings-driven UIs. */
export const ACCOUNT_COMMANDS = COMMANDS;

/** Every default of §14. */
export function defaultSettings(): Settings {
  return settingsSchema.parse({});
}
