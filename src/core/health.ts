/**
 * The status strip's lights (§11 `health`, §12): each part's state with a one-line reason, and the overall status.
 * The Runtime hands in narrow sources; the hosts use `coreDownHealth` while there is no core to ask.
 */
import type { ComponentHealth, GatewayHealth, Health, Light, QueueStatus } from '../shared/dto';
import type { GatewaySpec } from '../shared/gateways';
import { parseRestartWindow, restartWindowError } from './domain/restart-window';
import type { IbStatus } from './ib/connection';
import type { ProcessorState } from './processor/processor';
import { holderAddress, type OwnerState } from './queue/owner-lease';

/** What `collectHealth` reads; the parts' states are asked for in turn, after Redis answered. */
export interface HealthSources {
  /** Null until the core's Redis connection exists. */
  redis: { ping(): Promise<unknown>; description: string } | null;
  ib(): IbStatus;
  restartWindow: string | null;
  /** §28: every gateway with its status; when given, `ib` and `restartWindow` are not read. */
  gateways?: () => { spec: GatewaySpec; status: IbStatus }[];
  now(): Date;
  feed(): ComponentHealth;
  queueStatus(): Promise<QueueStatus>;
  processor(): { state: ProcessorState; running: readonly unknown[]; processed: number };
  /** The processing lease (§22); undefined before it exists. */
  owner(): OwnerState | undefined;
  concurrency: number;
  tradingMode: 'paper' | 'live';
  simulated: boolean;
}

export async function collectHealth(sources: HealthSources): Promise<Health> {
  const redis = await redisHealth(sources.redis);
  const gateways = sources.gateways?.().map(({ spec, status }): GatewayHealth => ({
    id: spec.id,
    label: spec.label,
    ...ibHealth(status, spec.restartWindow, sources.now()),
  }));
  const ib = gateways ? gatewaysTogether(gateways) : ibHealth(sources.ib(), sources.restartWindow, sources.now());
  const feed = sources.feed();
  let paused = false;
  let queue: ComponentHealth = { state: 'red', detail: 'queue unavailable' };
  if (redis.state === 'green') {
    try {
      const status = await sources.queueStatus();
      paused = status.paused;
      const c = status.counts;
      const waiting = c.delayed + c.held;
      queue = {
        state: waiting > 0 ? 'amber' : 'green',
        detail: `${c.pending} pending, ${c.active} active, ${c.delayed} delayed, ${c.held} held`,
      };
    } catch (error) {
      queue = { state: 'red', detail: (error as Error).message };
    }
  }
  const p = sources.processor();
  const owner = sources.owner();
  const processor: ComponentHealth =
    owner?.role === 'standby' && p.state === 'stopped'
      ? { state: 'green', detail: `standby (owner ${holderAddress(owner.holder)})` }
      : p.state !== 'running'
        ? { state: 'red', detail: `processor ${p.state}` }
        : paused
          ? { state: 'amber', detail: 'paused — press Resume to process events' }
          : {
              state: 'green',
              detail: `${sources.concurrency} workers, ${p.running.length} running, ${p.processed} done since start`,
            };
  const lights = [redis, ib, feed, processor, queue].map((c) => c.state);
  return {
    status: redis.state === 'red' ? 'down' : lights.every((l) => l === 'green') ? 'ok' : 'degraded',
    redis,
    ib,
    ...(gateways ? { gateways } : {}),
    feed,
    processor,
    queue,
    tradingMode: sources.tradingMode,
    simulated: sources.simulated,
  };
}

async function redisHealth(redis: HealthSources['redis']): Promise<ComponentHealth> {
  if (!redis) return { state: 'red', detail: 'not started' };
  try {
    await Promise.race([
      redis.ping(),
      new Promise((_, reject) => setTimeout(() => reject(new Error('no answer within 1 s')), 1_000).unref()),
    ]);
    return {
      state: 'green',
      detail: redis.description,
    };
  } catch (error) {
    return { state: 'red', detail: `Redis unreachable: ${(error as Error).message}` };
  }
}

/**
 * The IB light: inside the daily restart window amber with "IB Gateway daily restart window until HH:MM"; a connected
 * gateway with a trouble of its own (§21) red when nothing can work until the trader acts (not logged in), amber for
 * one it recovers from by itself (1100 until 1101 / 1102, 2110, 10197); then the
 * connection state.
 */
export function ibHealth(status: IbStatus, restartWindow: string | null, now: Date): ComponentHealth {
  const inWindow = restartWindowError(restartWindow, now);
  if (inWindow) {
    const zone = restartWindow === null ? '' : parseRestartWindow(restartWindow).zone;
    return { state: 'amber', detail: `${inWindow.message} (${zone}); events that need the gateway wait until then` };
  }
  if (status.state === 'connected' && status.problem) {
    // 1100 is amber: the socket is kept and the gateway reconnects by itself (§17); new work waits meanwhile.
    const waiting = status.problem.code === 1100 || !status.problem.blocking;
    return { state: waiting ? 'amber' : 'red', detail: status.problem.reason };
  }
  if (status.state === 'connected') {
    // After 1101 / 1102 the connection's reason carries IB's "connected again" note.
    const note = status.reason.startsWith('connected as client id')
      ? status.reason.split('; ').slice(1).join('; ')
      : '';
    const detail = `connected to ${status.host}:${status.port} (client id ${status.clientId})`;
    return { state: 'green', detail: note ? `${detail}; ${note}` : detail };
  }
  if (status.state === 'connecting') return { state: 'amber', detail: `connecting to ${status.host}:${status.port}…` };
  return { state: 'red', detail: `not connected to ${status.host}:${status.port}: ${status.reason}` };
}

const RANK: Record<Light, number> = { green: 0, amber: 1, red: 2 };

/** §28: the gateways' lights as one: the worst state; one gateway's own reason, or each named by its label. */
export function gatewaysTogether(gateways: readonly GatewayHealth[]): ComponentHealth {
  const [only] = gateways;
  if (gateways.length === 1 && only) return { state: only.state, detail: only.detail };
  const state = gateways.reduce<Light>((worst, g) => (RANK[g.state] > RANK[worst] ? g.state : worst), 'green');
  return { state, detail: gateways.map((g) => `${g.label}: ${g.detail}`).join('; ') };
}

/**
 * Health while there is no core to ask (it did not start, is shutting down, or the settings could not be read):
 * status down, every light red, Redis carrying the reason.
 */
export function coreDownHealth(reason: string, tradingMode: 'paper' | 'live'): Health {
  const off = { state: 'red' as const, detail: 'core not running' };
  return {
    status: 'down',
    redis: { state: 'red', detail: reason },
    ib: off,
    feed: off,
    processor: off,
    queue: off,
    tradingMode,
    simulated: false,
  };
}
