/**
 * §28 several IB logins: one `IbClient` per gateway, each with its own connection, client id, pacing budget (the
 * library's 40 messages/s limiter lives in each connection), market data lines and reconnect loop. Nothing is shared
 * between gateways: a price snapshot, an open-orders read or a what-if turn of one login never serves another's
 * accounts, and a gateway that is down only fails (and so delays) the events of its own accounts.
 */
import {
  DEFAULT_GATEWAY,
  gatewaysOf,
  gatewayIdOf,
  type GatewaySettingsView,
  type GatewaySpec,
} from '../../shared/gateways';
import type { IbClient, IbEvents } from './ib-client';

export interface GatewayConnection {
  spec: GatewaySpec;
  ib: IbClient;
}

type Listener<E extends keyof IbEvents> = (gateway: GatewaySpec, ...args: Parameters<IbEvents[E]>) => void;

export class IbGateways {
  private readonly byId = new Map<string, GatewayConnection>();

  /** `create` builds the client of one gateway (the host gives it its client-id file and order-id store). */
  constructor(settings: GatewaySettingsView, create: (spec: GatewaySpec) => IbClient) {
    for (const spec of gatewaysOf(settings)) this.byId.set(spec.id, { spec, ib: create(spec) });
  }

  /** Every gateway, "default" first. */
  list(): GatewayConnection[] {
    return [...this.byId.values()];
  }

  get(id: string): GatewayConnection | undefined {
    return this.byId.get(id);
  }

  /** The `ib` block's gateway. */
  get default(): GatewayConnection {
    return this.byId.get(DEFAULT_GATEWAY)!;
  }

  /** More than one login: errors and lights name their gateway. */
  get several(): boolean {
    return this.byId.size > 1;
  }

  /**
   * The gateway of `accountId` under `settings` (the settings in force: an account moved to another gateway in
   * Settings goes there at once). An account not in the settings, or naming a gateway this core has no connection to
   * (added in Settings since start), falls back to "default"; the command then fails with its own reason.
   */
  forAccount(settings: GatewaySettingsView, accountId: string): GatewayConnection {
    const account = settings.accounts.find((a) => a.accountId === accountId);
    const id = account ? gatewayIdOf(account) : DEFAULT_GATEWAY;
    return this.byId.get(id) ?? this.default;
  }

  /** Starts every connection side by side (each returns after its first attempt; reconnects go on by themselves). */
  async start(): Promise<void> {
    await Promise.all(this.list().map((g) => g.ib.start()));
  }

  async stop(): Promise<void> {
    await Promise.allSettled(this.list().map((g) => g.ib.stop()));
  }

  /** Subscribes `listener` to one event of every gateway, told which gateway spoke; returns the unsubscribe. */
  on<E extends keyof IbEvents>(event: E, listener: Listener<E>): () => void {
    const offs = this.list().map(({ spec, ib }) =>
      ib.on(event, ((...args: Parameters<IbEvents[E]>) => listener(spec, ...args)) as IbEvents[E]),
    );
    return () => offs.forEach((off) => off());
  }
}
