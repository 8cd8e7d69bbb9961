/**
 * §29 Check setup without a running core (the `check` CLI): its own short-lived connections to Redis, IB Gateway, the
 * allocation API and the realtime feed, closed again when the checks are done. The IB connection uses a client id of
 * its own, never saved, so the app's installation id (§9) is left alone even when the app runs beside it.
 */
import type * as Ably from 'ably';
import type { SetupCheck, SetupCheckReport } from '../../shared/contract';
import { AllocationClient } from '../allocations/allocation-client';
import type { Settings } from '../config/schema';
import { IbClient } from '../ib/ib-client';
import { embeddedRedisFacts, redisFacts } from '../redis/redis-facts';
import { startRedis } from '../redis/redis-server';
import { checkSetup, type RedisFacts } from './check-setup';
import { freeBytes } from './disk';
import { probeRealtime } from './realtime-probe';

export interface StandaloneCheckOptions {
  settings: Settings;
  dataDir: string;
  onCheck?: (check: SetupCheck) => void;
  createRealtime?: (options: Ably.ClientOptions) => Ably.Realtime;
  now?: () => number;
}

function isExternalRedis(settings: Settings): boolean {
  const r = settings.redis;
  return Boolean(r.url) || r.sentinel !== null || (r.cluster !== null && r.cluster.length > 0);
}

async function standaloneRedisFacts(settings: Settings, dataDir: string): Promise<RedisFacts> {
  if (!isExternalRedis(settings)) return embeddedRedisFacts(settings.redis.binary);
  const handle = await startRedis({
    url: settings.redis.url,
    tls: settings.redis.tls,
    sentinel: settings.redis.sentinel,
    cluster: settings.redis.cluster,
    dataDir,
  });
  try {
    return await redisFacts(handle.client('check'), handle.description);
  } finally {
    await handle.stop();
  }
}

export async function runStandaloneCheck(options: StandaloneCheckOptions): Promise<SetupCheckReport> {
  const { settings } = options;
  const ib = new IbClient({
    host: settings.ib.host,
    port: settings.ib.port,
    clientId: null,
    clientIdStore: { load: async () => null, save: async () => undefined },
    marketDataType: settings.ib.marketDataType,
    connectTimeoutMs: settings.ib.connectTimeoutMs,
    requestTimeoutMs: settings.ib.requestTimeoutMs,
    reconnectDelayMs: settings.ib.reconnectDelayMs,
  });
  await ib.start();
  try {
    return await checkSetup({
      settings,
      dataDir: options.dataDir,
      redis: () => standaloneRedisFacts(settings, options.dataDir),
      gateways: [{ id: 'default', ib }],
      allocations: new AllocationClient({
        baseUrl: settings.zehnlabs.allocationsUrl,
        apiKey: () => settings.zehnlabs.allocationsApiKey,
        timeoutMs: settings.ib.requestTimeoutMs,
      }),
      realtime: () => probeRealtime(settings, options.createRealtime),
      freeBytes,
      ...(options.now ? { now: options.now } : {}),
      ...(options.onCheck ? { onCheck: options.onCheck } : {}),
    });
  } finally {
    await ib.stop();
  }
}
