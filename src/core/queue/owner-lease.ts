/**
 * Standby cores (PRODUCT.md §22): several cores may run against one Redis, exactly one of them processes. The owner
 * holds `rebalance_processor_owner`, a TTL lease of `queue.leaseMs` that it renews every third of it; the others stay
 * standby (they serve the window and the API and keep their feed) and try to take the lease at the same pace, so one
 * of them owns processing within `queue.leaseMs` of the owner going silent.
 *
 * A core restarted on the same machine after a crash finds its own dead predecessor's lease: when the holder names
 * this host and a process id that no longer runs, it takes over at once instead of waiting the lease out.
 */
import { hostname } from 'node:os';
import type { RedisClient } from '../redis/topology';
import { appKey } from './keys';
import ownerLua from './lua/owner.lua?raw';
import { ScriptCode } from './script-codes';

/** The slice of a pino logger this module uses. */
export interface OwnerLeaseLog {
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
}

export interface OwnerLeaseOptions {
  redis: RedisClient;
  keyPrefix?: string;
  leaseMs: number;
  /** This run's id (names the lease together with host and pid). */
  runId: string;
  /** Called once this core owns processing (start-up or takeover). */
  onAcquired: () => Promise<void> | void;
  /** Called when the lease is found lost (another core holds it now): stop processing at once. */
  onLost: (holder: string) => Promise<void> | void;
  log?: OwnerLeaseLog;
  host?: string;
  pid?: number;
  /** Whether a process id runs on this host (injected in tests). */
  isAlive?: (pid: number) => boolean;
}

export type OwnerState = { role: 'owner' } | { role: 'standby'; holder: string } | { role: 'starting' };

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** `HOST:PID` of a lease holder's name `HOST:PID/runId`. */
export function holderAddress(holder: string): string {
  const slash = holder.lastIndexOf('/');
  return slash >= 0 ? holder.slice(0, slash) : holder;
}

export class OwnerLease {
  readonly key: string;
  readonly name: string;
  private readonly host: string;
  private state: OwnerState = { role: 'starting' };
  private timer: NodeJS.Timeout | null = null;
  private ticking: Promise<void> | null = null;
  private stopped = false;

  constructor(private readonly opts: OwnerLeaseOptions) {
    this.key = appKey(opts.keyPrefix ?? '', 'rebalance_processor_owner');
    this.host = opts.host ?? hostname();
    this.name = `${this.host}:${opts.pid ?? process.pid}/${opts.runId}`;
  }

  get status(): OwnerState {
    return this.state;
  }

  /** Tries for the lease now (so a lone core owns processing before start() returns), then every leaseMs / 3. */
  async start(): Promise<void> {
    this.stopped = false;
    await this.tick();
    this.timer = setInterval(() => void this.tick(), Math.max(100, Math.floor(this.opts.leaseMs / 3)));
    this.timer.unref();
  }

  /** Stops renewing and lets the lease go, so a standby takes over at once after a clean stop. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.ticking;
    if (this.state.role === 'owner') await this.run('release').catch(() => undefined);
    this.state = { role: 'starting' };
  }

  private tick(): Promise<void> {
    this.ticking ??= this.step()
      .catch((err: unknown) => {
        // Redis unreachable: an owner keeps working on its event leases, which stop it if they are lost
        this.opts.log?.warn({ err: err instanceof Error ? err.message : String(err) }, 'processor lease check failed');
      })
      .finally(() => {
        this.ticking = null;
      });
    return this.ticking;
  }

  private async step(): Promise<void> {
    if (this.stopped) return;
    const wasOwner = this.state.role === 'owner';
    let [held, holder] = await this.run(wasOwner ? 'renew' : 'acquire');
    // renewed too late (the lease ran out, nobody took it): take it again
    if (!held && wasOwner && holder === '') [held, holder] = await this.run('acquire');
    if (!held && !wasOwner && this.deadOnThisHost(holder)) {
      const previous = holder;
      [held, holder] = await this.run('takeover', previous);
      if (held) this.opts.log?.info({ previous }, 'took over processing from a crashed run on this host');
    }
    if (this.stopped) return;
    if (held) {
      if (!wasOwner) {
        this.state = { role: 'owner' };
        this.opts.log?.info({ owner: this.name }, 'this core owns processing');
        await this.opts.onAcquired();
      }
      return;
    }
    this.state = { role: 'standby', holder };
    if (wasOwner) {
      this.opts.log?.warn({ holder }, 'processing lease lost to another core; stopping processing');
      await this.opts.onLost(holder);
    }
  }

  private deadOnThisHost(holder: string): boolean {
    const address = holderAddress(holder);
    const colon = address.lastIndexOf(':');
    if (colon < 0 || address.slice(0, colon) !== this.host) return false;
    const pid = Number(address.slice(colon + 1));
    if (!Number.isInteger(pid) || pid <= 0 || pid === (this.opts.pid ?? process.pid)) return false;
    return !(this.opts.isAlive ?? processAlive)(pid);
  }

  private async run(action: 'acquire' | 'renew' | 'release' | 'takeover', seen = ''): Promise<[boolean, string]> {
    const reply = (await this.opts.redis.eval(ownerLua, 1, this.key, action, this.name, this.opts.leaseMs, seen)) as [
      number,
      string,
    ];
    return [Number(reply[0]) === ScriptCode.OK, String(reply[1] ?? '')];
  }
}
